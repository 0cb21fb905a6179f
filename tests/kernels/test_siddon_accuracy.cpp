// The Siddon walk's rounding on long rays: against a float64 walk on the same voxels and the
// same rays, a ray crossing a thousand 0.5 mm voxels must be as accurate as a short one.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "kernels/drr/drr_renderer.h"
#include "tests/common/test_registry.h"
#include "tests/kernels/drr_test_support.h"

using namespace radon;

namespace {

std::vector<SimdLevel> simd_levels() {
    std::vector<SimdLevel> levels = {SimdLevel::Baseline};
    if (detected_simd_level() >= SimdLevel::Avx2) levels.push_back(SimdLevel::Avx2);
    if (detected_simd_level() >= SimdLevel::Avx512) levels.push_back(SimdLevel::Avx512);
    return levels;
}

// Rounded to 1/64 mm: with a 0.5 mm grid centred on the origin every position and step below is
// then exact in float, so the engine's rays are exactly the reference's rays and any difference
// is the walk's own arithmetic.
double dyadic(double v) {
    return std::round(v * 64.0) / 64.0;
}
Vec3 dyadic(Vec3 v) {
    return {dyadic(v.x), dyadic(v.y), dyadic(v.z)};
}

// CT-like attenuation (1/mm). Noisy: voxel-to-voxel contrast everywhere (soft tissue with
// noise, and one slab of "bone" in six), so that a misplaced voxel boundary shows in the sum.
// Uniform: every piece alike, so that rounding that leans one way in the sum shows.
Array<float> test_volume(const VolumeGrid& grid, bool noisy) {
    Array<float> v = Array<float>::allocate({grid.size[0], grid.size[1], grid.size[2]});
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> soft(0.015f, 0.025f);
    for (int64_t i = 0; i < v.size(); ++i) {
        const int64_t x = i % grid.size[0];
        v.host_data()[i] = !noisy ? 0.02f : (x / 16) % 6 == 5 ? 0.05f : soft(rng);
    }
    return v;
}

constexpr double kShortestChordMm = 16;

struct Errors {
    std::vector<double> relative;  // per ray, |engine - float64| / float64
    double longest_mm = 0;
    double shortest_mm = 1e9;
};

// Rays from a source 850 mm from the volume centre, at in-plane angle `angle` (radians), to a
// panel 170 mm beyond the centre whose columns run across the plane of the two long axes and
// whose rows tilt slightly along the short one.
Errors measure(DrrRenderer& renderer, const VolumeGrid& grid, const float* volume, int long_a,
               int long_b, double angle) {
    const int short_axis = 3 - long_a - long_b;
    Vec3 along{0, 0, 0}, across{0, 0, 0}, up{0, 0, 0};
    along[long_a] = std::cos(angle);
    along[long_b] = std::sin(angle);
    across[long_a] = -std::sin(angle);
    across[long_b] = std::cos(angle);
    up[short_axis] = 1;
    ProjectionGeometry g;
    g.width = 41;
    g.height = 5;
    // Off the voxel planes by a quarter voxel: a ray lying in a plane between two voxels may
    // take either, and that is no rounding error.
    g.source = dyadic(grid.center() - 850.0 * along + 0.3 * up + 0.125 * across);
    g.column_step = dyadic(4.0 * across);
    g.row_step = dyadic(0.75 * up + 0.03 * along);
    g.first_pixel = dyadic(grid.center() + 170.0 * along + 0.125 * across - 20.0 * g.column_step -
                           2.0 * g.row_step);
    std::vector<float> image(static_cast<std::size_t>(g.width * g.height));
    renderer.render(g, DrrSettings{}, image.data());
    Errors e;
    for (int64_t r = 0; r < g.height; ++r) {
        for (int64_t c = 0; c < g.width; ++c) {
            const Vec3 pixel = g.pixel_center(static_cast<double>(c), static_cast<double>(r));
            const double truth = test::exact_line_integral(grid, volume, g.source, pixel);
            // Rays that only clip an edge of the volume are left out: their few millimetres carry
            // the rounding of the entry and exit points (1e-6 of the value at most) and say
            // nothing about the walk.
            if (test::chord_through_grid(grid, g.source, pixel) < kShortestChordMm) continue;
            const double got = image[static_cast<std::size_t>(r * g.width + c)];
            e.relative.push_back(std::fabs(got - truth) / truth);
            e.longest_mm = std::max(e.longest_mm, test::chord_through_grid(grid, g.source, pixel));
            e.shortest_mm =
                std::min(e.shortest_mm, test::chord_through_grid(grid, g.source, pixel));
        }
    }
    return e;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Summary {
    std::vector<double> errors;
    double worst = 0, longest_mm = 0;
};

// Every ray of `sizes` (each with its two long axes) at six angles that make each axis the
// dominant one somewhere, on every SIMD level.
Summary measure_all(const std::vector<std::pair<std::array<int64_t, 3>, std::array<int, 2>>>& cases,
                    bool noisy) {
    Summary out;
    for (const auto& [size, axes] : cases) {
        const VolumeGrid grid = centered_grid(size, {0.5, 0.5, 0.5});
        const Array<float> volume = test_volume(grid, noisy);
        for (SimdLevel level : simd_levels()) {
            auto renderer = make_cpu_drr_renderer(grid, volume, level);
            for (double angle : {0.0, 0.31, 0.7853981633974483, 1.1, 2.6, 4.0}) {
                const Errors e =
                    measure(*renderer, grid, volume.host_data(), axes[0], axes[1], angle);
                for (double x : e.relative)
                    out.worst = std::max(out.worst, x);
                out.errors.insert(out.errors.end(), e.relative.begin(), e.relative.end());
                out.longest_mm = std::max(out.longest_mm, e.longest_mm);
            }
        }
    }
    return out;
}

}  // namespace

class TestSiddonAccuracy : public QObject {
    Q_OBJECT

  private slots:
    void long_rays_are_as_accurate_as_short_ones_data() {
        QTest::addColumn<bool>("noisy");
        QTest::newRow("noisy") << true;
        QTest::newRow("uniform") << false;
    }

    // Long: two thin slabs of 512 x 512 voxels of 0.5 mm (512^3's ray lengths at 1/40 of its
    // memory) with the long axes in both memory orders, rays up to 351 mm (1000 voxel
    // boundaries). Short: the same on 64 x 64 voxels. One bound, 1e-5 of the ray's value, holds
    // for both; what is left is float tau, whose ulp (6e-8 of a 1020 mm ray) places each
    // boundary and the entry and exit within 1e-4 of a 0.5 mm voxel. Measured on long rays with
    // the boundaries advanced by adding one cell's tau at a time and a plain float sum, as the
    // walk did before: noisy median 8.9e-6, worst 2.1e-4 (the drifting boundaries); uniform
    // median 6.1e-7, worst 4.8e-6 (the sum). Now: noisy 3e-7 / 2.9e-6, uniform 7.8e-8 / 4.3e-7;
    // short rays: noisy 1.3e-6 / 8.1e-6, uniform 6.9e-7 / 3.9e-6.
    void long_rays_are_as_accurate_as_short_ones() {
        QFETCH(bool, noisy);
        const double bound = 1e-5;
        const Summary longer =
            measure_all({{{512, 512, 12}, {0, 1}}, {{12, 512, 512}, {1, 2}}}, noisy);
        const Summary shorter =
            measure_all({{{64, 64, 12}, {0, 1}}, {{12, 64, 64}, {1, 2}}}, noisy);
        qInfo("long: %zu rays up to %.0f mm, relative error median %.2g, worst %.2g",
              longer.errors.size(), longer.longest_mm, median(longer.errors), longer.worst);
        qInfo("short: %zu rays up to %.0f mm, relative error median %.2g, worst %.2g",
              shorter.errors.size(), shorter.longest_mm, median(shorter.errors), shorter.worst);
        QVERIFY(longer.longest_mm > 350 && shorter.longest_mm < 50);
        QVERIFY(longer.errors.size() > 4000 && shorter.errors.size() > 1000);
        QVERIFY2(longer.worst < bound,
                 qPrintable(QString("long rays: worst %1").arg(longer.worst)));
        QVERIFY2(shorter.worst < bound,
                 qPrintable(QString("short rays: worst %1").arg(shorter.worst)));
    }
};

RADON_TEST_CLASS(TestSiddonAccuracy);
#include "test_siddon_accuracy.moc"
