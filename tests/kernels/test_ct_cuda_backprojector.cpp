// The CUDA voxel-driven CT back projector against the CPU one (the same per-voxel code), on its
// texture path and its global-memory path, for cone and parallel beams; without a usable CUDA
// device those cases skip and say why. That asking for CUDA where there is none falls back to
// the CPU with a reason runs everywhere.
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
#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/voxel_backprojector.h"

using namespace radon;

namespace {

std::string cuda_skip_reason() {
    const std::string why = cuda_unavailable_reason();
    return why.empty() ? std::string() : "CUDA unavailable: " + why;
}

CtGeometry geometry(CtBeam beam) {
    CircularTrajectory t;
    t.beam = beam;
    t.angles_deg = evenly_spaced_angles(40, 3.0, 360.0);
    t.source_isocenter_mm = 300;
    t.source_detector_mm = 500;
    t.columns = 48;
    t.rows = 40;
    t.pixel_u_mm = 1.5;
    t.pixel_v_mm = 1.5;
    t.source_offset_u_mm = 4;
    t.detector_offset_v_mm = -3;
    return circular_geometry(t);
}

VolumeGrid grid() {
    VolumeGrid g = centered_grid({45, 38, 29}, {1.2, 1.3, 1.4});
    g.origin.x += 0.7;
    return g;
}

// Smooth panels with a little noise: the texture path's 8-bit interpolation weights then show as
// small differences, not as the full jump between random neighbours.
std::vector<float> panels(const CtGeometry& g) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
    std::vector<float> p(std::size_t(g.pixel_count()));
    for (int64_t v = 0; v < g.view_count(); ++v)
        for (int64_t r = 0; r < g.rows; ++r)
            for (int64_t c = 0; c < g.columns; ++c)
                p[std::size_t((v * g.rows + r) * g.columns + c)] =
                    1.0f +
                    0.5f * float(std::sin(0.2 * double(c) + 0.1 * double(v))) *
                        float(std::cos(0.15 * double(r))) +
                    noise(rng);
    return p;
}

}  // namespace

class TestCtCudaBackprojector : public QObject {
    Q_OBJECT

  private slots:
    void cuda_falls_back_to_the_cpu_with_a_reason() {
        if (cuda_skip_reason().empty()) QSKIP("a CUDA device is present");
        std::string note;
        auto bp =
            make_voxel_backprojector(geometry(CtBeam::Cone), grid(),
                                     VoxelBackprojectionWeight::None, {}, DeviceKind::Cuda, &note);
        QVERIFY(note.find("CUDA unavailable") != std::string::npos);
        QVERIFY(bp->description().find("CPU") == 0);
    }

    // Global memory: the same float formulas, nvcc contracting a * b + c into fused operations,
    // so each view's value moves by the rounding of a few operations: bound 1e-5 of the largest
    // value times the view count. Texture: hardware bilinear weights have 8 fractional bits, so a
    // view's value may move by up to 2^-9 of the largest difference between neighbouring pixels
    // (here below 0.2): bound 0.2 * 2^-9 per view, plus the same rounding.
    void cuda_matches_cpu() {
        const std::string skip = cuda_skip_reason();
        if (!skip.empty()) QSKIP(skip.c_str());
        for (CtBeam beam : {CtBeam::Cone, CtBeam::Parallel}) {
            const CtGeometry g = geometry(beam);
            const std::vector<float> p = panels(g);
            const std::vector<float> cpu =
                voxel_backproject(g, grid(), p.data(), VoxelBackprojectionWeight::None);
            double peak = 0;
            for (float v : cpu)
                peak = std::max(peak, double(std::fabs(v)));
            QVERIFY(peak > 1.0);
            for (DrrMemoryPath path : {DrrMemoryPath::Texture, DrrMemoryPath::Global}) {
                VoxelBackprojectorSettings s;
                s.memory_path = path;
                auto bp = make_voxel_backprojector(g, grid(), VoxelBackprojectionWeight::None, s,
                                                   DeviceKind::Cuda);
                // Two batches' worth of calls: the sum stays on the device between them.
                const int64_t half = g.view_count() / 2;
                bp->add(0, half, p.data());
                bp->add(half, g.view_count() - half, p.data() + half * g.pixels_per_view());
                std::vector<float> gpu(cpu.size());
                bp->read(gpu.data());
                double worst = 0;
                for (std::size_t i = 0; i < cpu.size(); ++i)
                    worst = std::max(worst, std::fabs(double(gpu[i]) - double(cpu[i])));
                const double views = double(g.view_count());
                const double bound = path == DrrMemoryPath::Global
                                         ? 1e-5 * peak
                                         : (0.2 / 512.0 + 1e-5 * peak / views) * views;
                QVERIFY2(worst <= bound, (bp->description() + ": worst " + std::to_string(worst) +
                                          ", bound " + std::to_string(bound))
                                             .c_str());
            }
        }
    }

#ifdef RADON_MINI_QTEST
  public:
    static std::vector<radon::minitest::Case> cases() {
        using T = TestCtCudaBackprojector;
        auto run = [](void (T::*f)()) {
            return [f] {
                T t;
                (t.*f)();
            };
        };
        return {
            {"cuda_falls_back_to_the_cpu_with_a_reason",
             run(&T::cuda_falls_back_to_the_cpu_with_a_reason)},
            {"cuda_matches_cpu", run(&T::cuda_matches_cpu)},
        };
    }
#endif
};

#ifdef RADON_MINI_QTEST
RADON_MINI_TEST_CLASS(TestCtCudaBackprojector);
#else
RADON_TEST_CLASS(TestCtCudaBackprojector);
#include "test_ct_cuda_backprojector.moc"
#endif
