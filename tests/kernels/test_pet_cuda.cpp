// The CUDA PET projectors against the CPU engine (the same per-LOR code, one LOR per thread) and
// their own adjointness; without a usable CUDA device those cases skip and say why. That a CUDA
// projector is refused with a reason where there is none runs everywhere.
//
// Builds as a Qt Test class, or without Qt against tests/common/mini_qtest.h (a GPU machine
// without Qt): keep to QVERIFY, QVERIFY2, QCOMPARE, QFAIL and QSKIP, and list every test
// function in cases() at the end of the class.

#ifdef RADON_MINI_QTEST
#include "tests/common/mini_qtest.h"
#else
#include <QtTest>

#include "tests/common/test_registry.h"
#endif

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/error.h"
#include "kernels/pet/lor_projector.h"
#include "tests/kernels/pet_test_support.h"

using namespace radon;
using namespace radon::pet;

namespace {

std::string cuda_skip_reason() {
    const std::string why = cuda_unavailable_reason();
    return why.empty() ? std::string() : "CUDA unavailable: " + why;
}

#define RADON_REQUIRE_CUDA()                                \
    do {                                                    \
        const std::string radon_skip = cuda_skip_reason();  \
        if (!radon_skip.empty()) QSKIP(radon_skip.c_str()); \
    } while (0)

TofBinning small_tof() {
    TofBinning t;
    t.bins = 9;
    t.bin_width_mm = 5.0f;
    t.fwhm_mm = 15.0f;
    t.truncation_sigmas = 3.0f;
    t.centre_offset_mm = 0.7f;
    return t;
}

// mode 0: Joseph non-TOF, 1: Joseph TOF sinogram, 2: Joseph TOF listmode, 3: Siddon.
std::unique_ptr<LorListProjector> make(int mode, DeviceKind device, const test::LorSet& lors,
                                       const std::vector<int32_t>& bins) {
    LorProjectorConfig c;
    c.grid = test::small_grid();
    c.device = device;
    c.model = mode == 3 ? PetModel::Siddon : PetModel::Joseph;
    if (mode == 1 || mode == 2) c.tof = small_tof();
    if (mode == 2) return std::make_unique<ListmodeProjector>(lors.p1, lors.p2, bins, c);
    return std::make_unique<LorListProjector>(lors.p1, lors.p2, c);
}

// CPU vs CUDA, per value. Both run the same float formulas; nvcc contracts a * b + c into fused
// operations and the GPU adds a voxel's contributions in another order (atomics), so each value
// differs by the rounding of its sums: up to ~100 terms of relative rounding 2^-24 each, 1e-5 of
// the value, and more for a value that is a small difference of large terms (a LOR grazing a
// grid face, where the sample position moves by an ulp). Bound: 1e-4 of max(|value|, 1% of the
// largest value).
constexpr double kParityBound = 1e-4;

double worst_gap(const std::vector<float>& a, const std::vector<float>& b) {
    double peak = 0;
    for (float v : a)
        peak = std::max(peak, double(std::abs(v)));
    double worst = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(double(a[i]) - b[i]) /
                                    std::max(double(std::abs(a[i])), 0.01 * peak + 1e-30));
    return worst;
}

}  // namespace

class TestPetCuda : public QObject {
    Q_OBJECT

  private slots:
    void cuda_refused_with_reason_when_absent() {
        if (cuda_skip_reason().empty()) QSKIP("a CUDA device is present");
        const test::LorSet lors = test::random_lors(test::small_grid(), 4, 1);
        bool threw = false;
        try {
            make(0, DeviceKind::Cuda, lors, {});
        } catch (const Error& e) {
            threw = std::string(e.what()).size() > 10;
        }
        QVERIFY(threw);
    }

    void cuda_matches_cpu() {
        RADON_REQUIRE_CUDA();
        const PetImageGrid g = test::small_grid();
        const test::LorSet lors = test::random_lors(g, 2000, 3);
        std::vector<int32_t> bins(std::size_t(lors.count()));
        std::mt19937 rng(3);
        for (auto& b : bins)
            b = int32_t(rng() % 9);
        for (int mode = 0; mode < 4; ++mode) {
            const auto cpu = make(mode, DeviceKind::Cpu, lors, bins);
            const auto gpu = make(mode, DeviceKind::Cuda, lors, bins);
            const std::vector<float> x = test::random_positive(std::size_t(g.voxels()), 5);
            const std::vector<float> y =
                test::random_positive(std::size_t(cpu->out_shape().size()), 6);
            std::vector<float> fc(y.size()), fg(y.size()), bc(x.size()), bg(x.size());
            cpu->apply(x.data(), int64_t(x.size()), fc.data(), int64_t(fc.size()));
            gpu->apply(x.data(), int64_t(x.size()), fg.data(), int64_t(fg.size()));
            cpu->apply_adjoint(y.data(), int64_t(y.size()), bc.data(), int64_t(bc.size()));
            gpu->apply_adjoint(y.data(), int64_t(y.size()), bg.data(), int64_t(bg.size()));
            const double f = worst_gap(fc, fg), b = worst_gap(bc, bg);
            QVERIFY2(f <= kParityBound && b <= kParityBound,
                     (std::string("mode ") + std::to_string(mode) + ": forward gap " +
                      std::to_string(f) + ", back gap " + std::to_string(b))
                         .c_str());
        }
    }

    // <A x, y> = <x, A^T y> on the device; the bound of the CPU test (2e-5, any summation order).
    void cuda_adjointness() {
        RADON_REQUIRE_CUDA();
        const PetImageGrid g = test::small_grid();
        const test::LorSet lors = test::random_lors(g, 2000, 8);
        std::vector<int32_t> bins(std::size_t(lors.count()));
        std::mt19937 rng(8);
        for (auto& b : bins)
            b = int32_t(rng() % 9);
        for (int mode = 0; mode < 4; ++mode) {
            const auto op = make(mode, DeviceKind::Cuda, lors, bins);
            const std::vector<float> x = test::random_positive(std::size_t(g.voxels()), 1);
            const std::vector<float> y =
                test::random_positive(std::size_t(op->out_shape().size()), 2);
            std::vector<float> ax(y.size()), aty(x.size());
            op->apply(x.data(), int64_t(x.size()), ax.data(), int64_t(ax.size()));
            op->apply_adjoint(y.data(), int64_t(y.size()), aty.data(), int64_t(aty.size()));
            const double lhs = test::dot(ax, y), rhs = test::dot(x, aty);
            const double gap = std::abs(lhs - rhs) / lhs;
            QVERIFY2(gap <= 2e-5,
                     (std::string("mode ") + std::to_string(mode) + ": gap " + std::to_string(gap))
                         .c_str());
        }
    }

#ifdef RADON_MINI_QTEST
  public:
    static std::vector<radon::minitest::Case> cases() {
        using T = TestPetCuda;
        auto run = [](void (T::*f)()) {
            return [f] {
                T t;
                (t.*f)();
            };
        };
        return {
            {"cuda_refused_with_reason_when_absent", run(&T::cuda_refused_with_reason_when_absent)},
            {"cuda_matches_cpu", run(&T::cuda_matches_cpu)},
            {"cuda_adjointness", run(&T::cuda_adjointness)},
        };
    }
#endif
};

#ifdef RADON_MINI_QTEST
RADON_MINI_TEST_CLASS(TestPetCuda);
#else
RADON_TEST_CLASS(TestPetCuda);
#include "test_pet_cuda.moc"
#endif
