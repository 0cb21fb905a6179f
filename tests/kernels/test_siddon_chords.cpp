// Siddon through a voxel-aligned uniform box must give the exact chord length of every ray.

#include <QtTest>

#include <random>

#include "kernels/drr/drr_renderer.h"
#include "tests/common/test_registry.h"
#include "tests/kernels/drr_test_support.h"

using namespace radon;
using radon::test::chord_through_grid;
using radon::test::constant_volume;

namespace {

// Float rounding bound: each of the walk's n steps adds a piece with relative error ~2^-24, and
// the positions themselves are float; 1e-5 of the chord plus 1e-4 mm covers 500-step walks.
double tolerance(double chord) {
    return 1e-5 * chord + 1e-4;
}

std::vector<SimdLevel> simd_levels() {
    std::vector<SimdLevel> levels = {SimdLevel::Baseline};
    if (detected_simd_level() >= SimdLevel::Avx2) levels.push_back(SimdLevel::Avx2);
    if (detected_simd_level() >= SimdLevel::Avx512) levels.push_back(SimdLevel::Avx512);
    return levels;
}

VolumeGrid oblique_grid() {
    VolumeGrid g;
    g.size = {37, 23, 11};
    g.spacing = {0.9, 1.7, 2.5};
    g.origin = {-20, 13, -7};
    g.direction = euler_to_matrix({0.3, -0.2, 0.7}, EulerConvention::parse("ZYX"));
    return g;
}

}  // namespace

class TestSiddonChords : public QObject {
    Q_OBJECT

  private slots:
    void random_rays_through_box_data() {
        QTest::addColumn<int>("level");
        QTest::addColumn<bool>("oblique");
        for (SimdLevel level : simd_levels()) {
            QTest::newRow((std::string(to_string(level)) + " axis-aligned").c_str())
                << static_cast<int>(level) << false;
            QTest::newRow((std::string(to_string(level)) + " oblique").c_str())
                << static_cast<int>(level) << true;
        }
    }

    // Random sources and detector panels around the box: whole packs of rays, rays that miss,
    // rays that start inside the volume and rays whose pixel lies inside it.
    void random_rays_through_box() {
        QFETCH(int, level);
        QFETCH(bool, oblique);
        VolumeGrid grid = oblique ? oblique_grid() : centered_grid({40, 30, 20}, {1.0, 1.5, 2.0});
        const float mu = 1.0f;
        auto renderer =
            make_cpu_drr_renderer(grid, constant_volume(grid, mu), static_cast<SimdLevel>(level));
        std::mt19937 rng(1234 + level);
        std::uniform_real_distribution<double> u(-1, 1);
        const Vec3 c = grid.center();
        int checked = 0, inside_sources = 0, misses = 0;
        for (int trial = 0; trial < 200; ++trial) {
            // Every fourth source sits inside the volume.
            const double reach = trial % 4 == 0 ? 15.0 : 120.0;
            const Vec3 source = c + Vec3{reach * u(rng), reach * u(rng), reach * u(rng)};
            const Vec3 target = c + Vec3{60 * u(rng), 60 * u(rng), 60 * u(rng)};
            ProjectionGeometry g;
            g.source = source;
            g.width = 19;  // not a multiple of any pack width: partial packs too
            g.height = 3;
            g.column_step = Vec3{u(rng), u(rng), u(rng)} * 2.0;
            g.row_step = Vec3{u(rng), u(rng), u(rng)} * 2.0;
            g.first_pixel = target;
            std::vector<float> image(static_cast<std::size_t>(g.width * g.height));
            renderer->render(g, DrrSettings{}, image.data());
            for (int64_t r = 0; r < g.height; ++r) {
                for (int64_t col = 0; col < g.width; ++col) {
                    const double truth = chord_through_grid(grid, source, g.pixel_center(col, r));
                    const double got = image[static_cast<std::size_t>(r * g.width + col)];
                    if (std::fabs(got - truth) > tolerance(truth)) {
                        const Vec3 px = g.pixel_center(col, r);
                        qDebug("source %.17g %.17g %.17g pixel %.17g %.17g %.17g", source.x,
                               source.y, source.z, px.x, px.y, px.z);
                        QFAIL(qPrintable(QString("ray %1/%2,%3: got %4 mm, exact chord %5 mm")
                                             .arg(trial)
                                             .arg(col)
                                             .arg(r)
                                             .arg(got, 0, 'g', 9)
                                             .arg(truth, 0, 'g', 9)));
                    }
                    ++checked;
                    if (truth == 0) ++misses;
                }
            }
            if (trial % 4 == 0) ++inside_sources;
        }
        QVERIFY(misses > 0);
        QVERIFY(misses < checked);
        QVERIFY(inside_sources > 0);
    }

    // Rays parallel to each axis, through voxel centres and exactly on voxel boundaries.
    void rays_along_axes() {
        const VolumeGrid grid = centered_grid({8, 6, 5}, {1.0, 2.0, 3.0});
        auto renderer = make_cpu_drr_renderer(grid, constant_volume(grid, 1.0f));
        for (int axis = 0; axis < 3; ++axis) {
            for (double offset : {0.0, 0.5, 0.25, -1.0}) {
                Vec3 a = grid.center(), b = grid.center();
                a[axis] -= 100;
                b[axis] += 100;
                const int other = (axis + 1) % 3;
                a[other] += offset * grid.spacing[other];
                b[other] += offset * grid.spacing[other];
                float got = 0;
                renderer->render(test::single_ray(a, b), DrrSettings{}, &got);
                const double extent = grid.size[axis] * grid.spacing[axis];
                QVERIFY2(std::fabs(got - extent) <= tolerance(extent),
                         qPrintable(QString("axis %1 offset %2: %3 vs %4")
                                        .arg(axis)
                                        .arg(offset)
                                        .arg(got)
                                        .arg(extent)));
                // And backwards.
                renderer->render(test::single_ray(b, a), DrrSettings{}, &got);
                QVERIFY(std::fabs(got - extent) <= tolerance(extent));
            }
        }
    }

    // Rays in the plane of a face or along an edge count as inside (the box is closed); rays
    // just outside a face miss; rays touching a corner have zero length.
    void grazing_rays() {
        const VolumeGrid grid = centered_grid({10, 10, 10}, {1.0, 1.0, 1.0});
        auto renderer = make_cpu_drr_renderer(grid, constant_volume(grid, 1.0f));
        auto render = [&](Vec3 a, Vec3 b) {
            float v = 0;
            renderer->render(test::single_ray(a, b), DrrSettings{}, &v);
            return v;
        };
        // In the face plane x = +5 (the box spans -5..5 mm).
        QCOMPARE(render({5, -50, 0}, {5, 50, 0}), 10.0f);
        // Along the edge x = 5, z = 5.
        QCOMPARE(render({5, -50, 5}, {5, 50, 5}), 10.0f);
        // Just outside the face.
        QCOMPARE(render({5.001, -50, 0}, {5.001, 50, 0}), 0.0f);
        // Diagonal through opposite corners: 10 * sqrt(3).
        const float diag = render({-10, -10, -10}, {10, 10, 10});
        QVERIFY(std::fabs(diag - 10 * std::sqrt(3.0)) < tolerance(17.3));
        // A ray that only touches the corner (5, 5, 5).
        QVERIFY(std::fabs(render({15, 5, 5}, {5, 5, 15})) < 1e-4f);
        // A ray at 45 degrees in a face plane: the dominant axis is a tie.
        const float tie = render({-5, -5, 0}, {5, 5, 0});
        QVERIFY(std::fabs(tie - 10 * std::sqrt(2.0)) < tolerance(14.2));
    }

    // A segment that ends inside the volume stops at its pixel.
    void rays_ending_inside() {
        const VolumeGrid grid = centered_grid({20, 20, 20}, {1.0, 1.0, 1.0});
        auto renderer = make_cpu_drr_renderer(grid, constant_volume(grid, 2.0f));
        float got = 0;
        renderer->render(test::single_ray({-30, 0.3, 0.1}, {2.5, 0.3, 0.1}), DrrSettings{}, &got);
        QVERIFY(std::fabs(got - 2.0 * 12.5) < tolerance(25));
        // Source and pixel both inside.
        renderer->render(test::single_ray({-3.2, 1.1, 0.7}, {4.1, -2.0, 3.3}), DrrSettings{}, &got);
        const double len = norm(Vec3{4.1 + 3.2, -2.0 - 1.1, 3.3 - 0.7});
        QVERIFY(std::fabs(got - 2.0 * len) < tolerance(2 * len));
    }

    // Each voxel's own chord: a ray through a checkerboard of 0 and 1 must collect exactly the
    // lengths inside the 1-voxels, computed here box by box.
    void checkerboard_piecewise_lengths() {
        const VolumeGrid grid = centered_grid({6, 5, 4}, {1.0, 1.3, 0.7});
        Array<float> vol = Array<float>::allocate({6, 5, 4});
        for (int k = 0; k < 4; ++k)
            for (int j = 0; j < 5; ++j)
                for (int i = 0; i < 6; ++i)
                    vol[i + 6 * (j + 5 * k)] = (i + j + k) % 2 ? 1.0f : 0.0f;
        std::mt19937 rng(7);
        std::uniform_real_distribution<double> u(-1, 1);
        for (SimdLevel level : simd_levels()) {
            auto renderer = make_cpu_drr_renderer(grid, vol, level);
            for (int trial = 0; trial < 300; ++trial) {
                const Vec3 a{40 * u(rng), 40 * u(rng), 40 * u(rng)};
                const Vec3 b{3 * u(rng), 3 * u(rng), 2 * u(rng)};
                double truth = 0;
                for (int k = 0; k < 4; ++k)
                    for (int j = 0; j < 5; ++j)
                        for (int i = 0; i < 6; ++i) {
                            if ((i + j + k) % 2 == 0) continue;
                            VolumeGrid cell = grid;
                            cell.size = {1, 1, 1};
                            cell.origin = grid.index_to_world({double(i), double(j), double(k)});
                            truth += test::chord_through_grid(cell, a, a + 3.0 * (b - a));
                        }
                float got = 0;
                renderer->render(test::single_ray(a, a + 3.0 * (b - a)), DrrSettings{}, &got);
                QVERIFY2(std::fabs(got - truth) < 2e-4,
                         qPrintable(QString("trial %1: %2 vs %3").arg(trial).arg(got).arg(truth)));
            }
        }
    }
};

RADON_TEST_CLASS(TestSiddonChords);
#include "test_siddon_chords.moc"
