// The CUDA CT projector against the CPU engine (the same per-ray code, one ray per thread) and its
// own adjointness; without a usable CUDA device those cases skip and say why. That DeviceKind::Cuda
// falls back to the CPU with a note where there is none runs everywhere.
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
#include <random>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/ct/ct_projector.h"

using namespace radon;

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

VolumeGrid grid_for(bool three_d) {
    return centered_grid({40, 36, three_d ? 30 : 1}, {1.5, 1.25, 2.0});
}

// 24 views over 360 degrees on a panel wider than the volume's shadow (rays that miss).
CtGeometry geometry_for(CtBeam beam, bool three_d) {
    CircularTrajectory t;
    t.beam = beam;
    t.angles_deg = evenly_spaced_angles(24, 0.0, 360.0);
    t.source_isocenter_mm = 120;
    t.source_detector_mm = 200;
    t.columns = 97;
    t.rows = three_d ? 45 : 1;
    t.pixel_u_mm = 1.0;
    t.pixel_v_mm = 1.5;
    return circular_geometry(t);
}

std::vector<float> random_values(std::size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.5f, 1.5f);
    std::vector<float> v(n);
    for (float& x : v)
        x = u(rng);
    return v;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += double(a[i]) * double(b[i]);
    return s;
}

// The worst gap relative to max(|value|, 1% of the largest value).
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

// CPU vs CUDA, per value. Both run the same float formulas; nvcc contracts a * b + c into fused
// operations, the GPU sums a ray without SIMD packs' shared stepping (the same pieces), and adds
// a voxel's contributions in another order (atomics). A ray that grazes a voxel face may cross
// it an ulp apart, moving a piece of its length from one voxel to the next. Bound: 1e-4 of
// max(|value|, 1% of the largest value), as the PET CUDA test.
constexpr double kParityBound = 1e-4;

std::shared_ptr<const LinearOperator> make(CtBeam beam, bool three_d, DrrAlgorithm algorithm,
                                           DeviceKind device,
                                           DrrMemoryPath path = DrrMemoryPath::Auto) {
    CtProjectorSettings s;
    s.algorithm = algorithm;
    s.step_voxels = 0.8;
    s.memory_path = path;
    return make_ct_projector(geometry_for(beam, three_d), grid_for(three_d), s, device);
}

}  // namespace

class TestCtCuda : public QObject {
    Q_OBJECT

  private slots:
    void cuda_falls_back_with_note_when_absent() {
        if (cuda_skip_reason().empty()) QSKIP("a CUDA device is present");
        std::string note;
        const auto op = make_ct_projector(geometry_for(CtBeam::Cone, false), grid_for(false), {},
                                          DeviceKind::Cuda, &note);
        QVERIFY(op->device() == DeviceKind::Cpu);
        QVERIFY2(note.find("CUDA unavailable: ") == 0 && note.size() > 30, note.c_str());
    }

    void cuda_matches_cpu() {
        RADON_REQUIRE_CUDA();
        for (int mode = 0; mode < 8; ++mode) {
            const CtBeam beam = mode & 1 ? CtBeam::Parallel : CtBeam::Cone;
            const bool three_d = (mode & 2) != 0;
            const DrrAlgorithm algorithm =
                mode & 4 ? DrrAlgorithm::Trilinear : DrrAlgorithm::Siddon;
            const auto cpu = make(beam, three_d, algorithm, DeviceKind::Cpu);
            const auto gpu = make(beam, three_d, algorithm, DeviceKind::Cuda);
            QVERIFY(gpu->device() == DeviceKind::Cuda);
            const std::vector<float> x = random_values(std::size_t(cpu->in_shape().size()), 5);
            const std::vector<float> y = random_values(std::size_t(cpu->out_shape().size()), 6);
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

    // <A x, y> = <x, A^T y> on the device. Bound as the CPU test's (TestCtProjector::
    // adjointness): (n + 16) 2^-24 with n the additions one voxel receives, at most about 24
    // views x 4 rays x 3 pieces (Siddon) or x 8 corners x 3 samples (trilinear) here: 2e-4 holds
    // the worst case with room, any atomic order.
    void cuda_adjointness() {
        RADON_REQUIRE_CUDA();
        for (int mode = 0; mode < 8; ++mode) {
            const CtBeam beam = mode & 1 ? CtBeam::Parallel : CtBeam::Cone;
            const bool three_d = (mode & 2) != 0;
            const DrrAlgorithm algorithm =
                mode & 4 ? DrrAlgorithm::Trilinear : DrrAlgorithm::Siddon;
            const auto op = make(beam, three_d, algorithm, DeviceKind::Cuda);
            const std::vector<float> x = random_values(std::size_t(op->in_shape().size()), 1);
            const std::vector<float> y = random_values(std::size_t(op->out_shape().size()), 2);
            std::vector<float> ax(y.size()), aty(x.size());
            op->apply(x.data(), int64_t(x.size()), ax.data(), int64_t(ax.size()));
            op->apply_adjoint(y.data(), int64_t(y.size()), aty.data(), int64_t(aty.size()));
            const double lhs = dot(ax, y), rhs = dot(x, aty);
            const double gap = std::abs(lhs - rhs) / lhs;
            QVERIFY2(gap <= 2e-4,
                     (std::string("mode ") + std::to_string(mode) + ": gap " + std::to_string(gap))
                         .c_str());
        }
    }

    // The texture path interpolates with 8-bit weights (docs/CUDA.md): each weight is off by less
    // than 1/256, so a sample by less than 1/256 of the spread of its eight values (at most 1:
    // values in [0.5, 1.5]) against a value of at least 0.5, and a ray's integral of such
    // samples by less than 2/256 of itself.
    void cuda_texture_forward_close_to_global() {
        RADON_REQUIRE_CUDA();
        const auto global = make(CtBeam::Cone, true, DrrAlgorithm::Trilinear, DeviceKind::Cuda,
                                 DrrMemoryPath::Global);
        const auto texture = make(CtBeam::Cone, true, DrrAlgorithm::Trilinear, DeviceKind::Cuda,
                                  DrrMemoryPath::Texture);
        const std::vector<float> x = random_values(std::size_t(global->in_shape().size()), 9);
        std::vector<float> a(std::size_t(global->out_shape().size())), b(a.size());
        global->apply(x.data(), int64_t(x.size()), a.data(), int64_t(a.size()));
        texture->apply(x.data(), int64_t(x.size()), b.data(), int64_t(b.size()));
        const double gap = worst_gap(a, b);
        QVERIFY2(gap <= 2.0 / 256, std::to_string(gap).c_str());
    }

#ifdef RADON_MINI_QTEST
  public:
    static std::vector<radon::minitest::Case> cases() {
        using T = TestCtCuda;
        auto run = [](void (T::*f)()) {
            return [f] {
                T t;
                (t.*f)();
            };
        };
        return {
            {"cuda_falls_back_with_note_when_absent",
             run(&T::cuda_falls_back_with_note_when_absent)},
            {"cuda_matches_cpu", run(&T::cuda_matches_cpu)},
            {"cuda_adjointness", run(&T::cuda_adjointness)},
            {"cuda_texture_forward_close_to_global", run(&T::cuda_texture_forward_close_to_global)},
        };
    }
#endif
};

#ifdef RADON_MINI_QTEST
RADON_MINI_TEST_CLASS(TestCtCuda);
#else
RADON_TEST_CLASS(TestCtCuda);
#include "test_ct_cuda.moc"
#endif
