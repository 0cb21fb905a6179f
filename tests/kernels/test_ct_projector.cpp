// The ray-driven CT projector (make_ct_projector) against ground truth: adjointness with a bound
// derived from the additions each voxel receives, exact chord lengths and exact line integrals
// (double, independent of the engine's walk), equality with the DRR renderer for cone views, and
// rays along grid axes.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include "kernels/backend/devices.h"
#include "kernels/core/error.h"
#include "kernels/ct/ct_projector.h"
#include "kernels/ct/ct_ray_setup.h"
#include "kernels/ct/ct_rays.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/lanes_scalar.h"
#include "kernels/geometry/rotation.h"
#include "tests/common/test_registry.h"
#include "tests/kernels/drr_test_support.h"

using namespace radon;

namespace {

constexpr double kUnit = 1.0 / 16777216.0;  // 2^-24, float's unit roundoff

// A one-slice grid (2D) or a small 3D grid, neither cubic nor isotropic; `oblique` turns it.
VolumeGrid test_grid(bool three_d, bool oblique = false) {
    VolumeGrid g = centered_grid({24, 20, three_d ? 14 : 1}, {1.5, 1.25, three_d ? 2.0 : 3.0});
    if (oblique) {
        g.direction = euler_to_matrix({0.3, -0.2, 0.5}, EulerConvention::parse("ZYX"));
        g.origin = g.origin + Vec3{1.3, -0.7, 0.4};
    }
    return g;
}

// A circular scan whose panel reaches past the volume's shadow (the outer columns and rows miss),
// with views every 30 degrees from 0: rays along the grid axes (0 and 90 degrees) and packs that
// straddle a 45 degree diagonal. For parallel beams, 1 mm pixels on a panel centred on the
// isocentre put ray lines on voxel faces (grazing rays).
CtGeometry test_geometry(CtBeam beam, bool three_d) {
    CircularTrajectory t;
    t.beam = beam;
    t.angles_deg = evenly_spaced_angles(12, 0.0, 360.0);
    t.source_isocenter_mm = 80;
    t.source_detector_mm = 130;
    t.columns = 61;
    t.rows = three_d ? 27 : 1;
    t.pixel_u_mm = beam == CtBeam::Cone ? 1.25 : 0.75;
    t.pixel_v_mm = 1.5;
    return circular_geometry(t);
}

std::vector<float> random_values(std::size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    // Away from zero: the trilinear interpolation's differences of neighbours stay well
    // conditioned, so the rounding of A x is a few units of the value (see adjointness).
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

// Counts the additions back projection makes into each voxel, walking every ray with the
// projector's own per-ray code and a counting scatter.
struct CountAdd {
    const float* base;
    std::vector<int64_t>* counts;
    void operator()(float* target, float) const { ++(*counts)[std::size_t(target - base)]; }
};

int64_t most_additions(const CtGeometry& geometry, const VolumeGrid& grid,
                       const CtProjectorSettings& settings) {
    const std::vector<DrrRayParams> params = ct_ray_params(geometry, grid, settings);
    std::vector<float> volume(std::size_t(grid.voxel_count()));
    std::vector<int64_t> counts(volume.size());
    CountAdd add{volume.data(), &counts};
    for (int64_t v = 0; v < geometry.view_count(); ++v)
        for (int64_t r = 0; r < geometry.rows; ++r)
            for (int64_t c = 0; c < geometry.columns; ++c)
                ct_back_one<ScalarLanes>(params[std::size_t(v)], geometry.beam == CtBeam::Parallel,
                                         settings.algorithm == DrrAlgorithm::Trilinear,
                                         volume.data(), float(c), float(r), 1.0f, add);
    return *std::max_element(counts.begin(), counts.end());
}

// The line of pixel (col, row) of a view as a segment a -> b: from the source for cone beams,
// far along both directions for parallel beams (the whole line).
void pixel_line(const CtGeometry& g, int64_t view, int64_t col, int64_t row, Vec3& a, Vec3& b) {
    const Vec3 pixel = g.pixel_center(view, double(col), double(row));
    if (g.beam == CtBeam::Cone) {
        a = g.views[std::size_t(view)].source;
        b = pixel;
    } else {
        const Vec3 d = normalized(g.views[std::size_t(view)].source);
        a = pixel - 1000.0 * d;
        b = pixel + 1000.0 * d;
    }
}

// How far the float ray can lie from the exact one: the engine rounds positions in cell
// coordinates (here below 128 cells from the grid's corner: sources 80 mm from the centre, voxels
// of 1.25 mm or more) in about four float operations, 4 x 2^-24 x 128 cells, at most 2 mm each.
constexpr double kRayShiftMm = 4.0 * kUnit * 128.0 * 2.0;

// How much `truth` (a function of the segment a -> b) changes when either end moves by
// kRayShiftMm along any axis: the conditioning of a ray that grazes a face or an edge of the
// volume or of a voxel, where a shift of an ulp changes the value by far more than an ulp.
template <class Truth>
double shift_sensitivity(Vec3 a, Vec3 b, const Truth& truth) {
    const double centre = truth(a, b);
    double worst = 0;
    for (int end = 0; end < 2; ++end)
        for (int axis = 0; axis < 3; ++axis)
            for (double sign : {-1.0, 1.0}) {
                Vec3 a2 = a, b2 = b;
                (end == 0 ? a2 : b2)[axis] += sign * kRayShiftMm;
                worst = std::max(worst, std::abs(truth(a2, b2) - centre));
            }
    return worst;
}

std::shared_ptr<const LinearOperator> projector(const CtGeometry& g, const VolumeGrid& grid,
                                                DrrAlgorithm algorithm, int threads = 0) {
    CtProjectorSettings s;
    s.algorithm = algorithm;
    s.step_voxels = 0.7;
    s.threads = threads;
    return make_ct_projector(g, grid, s);
}

}  // namespace

class TestCtProjector : public QObject {
    Q_OBJECT

  private slots:
    void shapes_and_names() {
        const VolumeGrid grid = test_grid(true);
        const CtGeometry g = test_geometry(CtBeam::Cone, true);
        const auto op = projector(g, grid, DrrAlgorithm::Siddon);
        QCOMPARE(op->in_shape().dims, (std::vector<int64_t>{24, 20, 14}));
        QCOMPARE(op->out_shape().dims, (std::vector<int64_t>{61, 27, 12}));
        QCOMPARE(op->out_shape().axis_names, (std::vector<std::string>{"column", "row", "view"}));
        QCOMPARE(op->device(), DeviceKind::Cpu);
    }

    void adjointness_data() {
        QTest::addColumn<int>("algorithm");
        QTest::addColumn<int>("beam");
        QTest::addColumn<bool>("three_d");
        QTest::addColumn<int>("threads");
        for (int a : {int(DrrAlgorithm::Siddon), int(DrrAlgorithm::Trilinear)}) {
            for (int b : {int(CtBeam::Cone), int(CtBeam::Parallel)}) {
                for (bool d3 : {false, true}) {
                    const std::string name =
                        std::string(a == int(DrrAlgorithm::Siddon) ? "siddon " : "trilinear ") +
                        (b == int(CtBeam::Cone) ? (d3 ? "cone" : "fan") : "parallel") +
                        (d3 ? " 3D" : " 2D");
                    QTest::newRow(name.c_str()) << a << b << d3 << 2;
                }
            }
        }
        QTest::newRow("siddon cone 3D 1 thread")
            << int(DrrAlgorithm::Siddon) << int(CtBeam::Cone) << true << 1;
    }

    // <A x, y> = <x, A^T y> for random positive x and y. Bound: every term of both sides is
    // positive, and the two sides differ only by float rounding. A x: each ray's sum is
    // compensated (about 2 roundings) of products rounded once, and trilinear samples are
    // interpolated in about 7 roundings of values in [0.5, 1.5]. A^T y: voxel j receives n_j
    // rounded products added in plain float, within (n_j + 1) roundings, plus one per thread
    // copy in the final reduction. Both dot products are summed in double. So the relative gap
    // is at most (max_j n_j + 16) 2^-24, n_j counted here with the projector's own walk.
    void adjointness() {
        QFETCH(int, algorithm);
        QFETCH(int, beam);
        QFETCH(bool, three_d);
        QFETCH(int, threads);
        const VolumeGrid grid = test_grid(three_d, three_d);
        const CtGeometry g = test_geometry(CtBeam(beam), three_d);
        const auto op = projector(g, grid, DrrAlgorithm(algorithm), threads);
        const std::vector<float> x = random_values(std::size_t(op->in_shape().size()), 11);
        const std::vector<float> y = random_values(std::size_t(op->out_shape().size()), 12);
        std::vector<float> ax(y.size(), -1.0f), aty(x.size(), -1.0f);
        op->apply(x.data(), int64_t(x.size()), ax.data(), int64_t(ax.size()));
        op->apply_adjoint(y.data(), int64_t(y.size()), aty.data(), int64_t(aty.size()));
        // The scan must contain rays that miss (zeros through a positive volume) and rays that
        // hit, or the test proves less than it claims.
        const auto misses = std::count(ax.begin(), ax.end(), 0.0f);
        QVERIFY(misses > 0 && misses < int64_t(ax.size()));
        const double lhs = dot(ax, y), rhs = dot(x, aty);
        const double gap = std::abs(lhs - rhs) / lhs;
        CtProjectorSettings s;
        s.algorithm = DrrAlgorithm(algorithm);
        s.step_voxels = 0.7;
        const int64_t n = most_additions(g, grid, s);
        const double bound = double(n + 16) * kUnit;
        qInfo("gap %.3g, bound %.3g (at most %lld additions into a voxel)", gap, bound,
              static_cast<long long>(n));
        QVERIFY2(gap <= bound, qPrintable(QString("gap %1 > bound %2").arg(gap).arg(bound)));
    }

    // Through a volume of ones every Siddon ray gives the exact length of its line inside the
    // grid's box (double slab clipping), misses give 0. Rounding bound as the DRR's chord test,
    // 1e-5 of the chord plus 1e-4 mm, plus the chord's sensitivity to a float-sized shift of the
    // ray (shift_sensitivity: rays that clip an edge at a grazing angle).
    void siddon_box_chords_data() {
        QTest::addColumn<int>("beam");
        QTest::addColumn<bool>("three_d");
        QTest::newRow("cone 3D") << int(CtBeam::Cone) << true;
        QTest::newRow("fan 2D") << int(CtBeam::Cone) << false;
        QTest::newRow("parallel 3D") << int(CtBeam::Parallel) << true;
        QTest::newRow("parallel 2D") << int(CtBeam::Parallel) << false;
    }
    void siddon_box_chords() {
        QFETCH(int, beam);
        QFETCH(bool, three_d);
        const VolumeGrid grid = test_grid(three_d, true);
        const CtGeometry g = test_geometry(CtBeam(beam), three_d);
        const auto op = projector(g, grid, DrrAlgorithm::Siddon);
        const std::vector<float> ones(std::size_t(grid.voxel_count()), 1.0f);
        std::vector<float> out(std::size_t(op->out_shape().size()));
        op->apply(ones.data(), int64_t(ones.size()), out.data(), int64_t(out.size()));
        int64_t hits = 0, misses = 0;
        for (int64_t v = 0; v < g.view_count(); ++v) {
            for (int64_t r = 0; r < g.rows; ++r) {
                for (int64_t c = 0; c < g.columns; ++c) {
                    Vec3 a, b;
                    pixel_line(g, v, c, r, a, b);
                    auto chord = [&](Vec3 p, Vec3 q) {
                        return test::chord_through_grid(grid, p, q);
                    };
                    const double truth = chord(a, b);
                    const double got = out[std::size_t((v * g.rows + r) * g.columns + c)];
                    const double bound = 1e-5 * truth + 1e-4 + shift_sensitivity(a, b, chord);
                    QVERIFY2(std::abs(got - truth) <= bound,
                             qPrintable(QString("view %1 pixel %2,%3: %4 mm, exact %5 mm")
                                            .arg(v)
                                            .arg(c)
                                            .arg(r)
                                            .arg(got, 0, 'g', 9)
                                            .arg(truth, 0, 'g', 9)));
                    (truth > 0 ? hits : misses)++;
                }
            }
        }
        QVERIFY(hits > 0 && misses > 0);
    }

    // A uniform cylinder (voxelised: voxels whose centre lies within the radius) and a random
    // volume: every Siddon ray against the textbook Siddon/Jacobs integral in double (every
    // plane crossing sorted; tests/kernels/drr_test_support.h). Bound: 1e-5 of the integral of
    // the ray's absolute values plus 1e-4 mm times the largest value, plus the integral's
    // sensitivity to a float-sized shift of the ray (shift_sensitivity: a ray along a voxel face
    // may take either neighbour).
    void siddon_exact_integrals_data() {
        QTest::addColumn<int>("beam");
        QTest::addColumn<bool>("three_d");
        QTest::addColumn<bool>("cylinder");
        QTest::newRow("fan cylinder") << int(CtBeam::Cone) << false << true;
        QTest::newRow("cone cylinder") << int(CtBeam::Cone) << true << true;
        QTest::newRow("parallel 2D cylinder") << int(CtBeam::Parallel) << false << true;
        QTest::newRow("parallel 3D random") << int(CtBeam::Parallel) << true << false;
        QTest::newRow("cone random") << int(CtBeam::Cone) << true << false;
    }
    void siddon_exact_integrals() {
        QFETCH(int, beam);
        QFETCH(bool, three_d);
        QFETCH(bool, cylinder);
        const VolumeGrid grid = test_grid(three_d, !cylinder);
        const CtGeometry g = test_geometry(CtBeam(beam), three_d);
        const auto op = projector(g, grid, DrrAlgorithm::Siddon);
        std::vector<float> volume = random_values(std::size_t(grid.voxel_count()), 21);
        if (cylinder) {
            for (int64_t k = 0; k < grid.size[2]; ++k)
                for (int64_t j = 0; j < grid.size[1]; ++j)
                    for (int64_t i = 0; i < grid.size[0]; ++i) {
                        const Vec3 p =
                            grid.index_to_world({double(i), double(j), double(k)}) - grid.center();
                        volume[std::size_t((k * grid.size[1] + j) * grid.size[0] + i)] =
                            p.x * p.x + p.y * p.y <= 12.0 * 12.0 ? 0.02f : 0.0f;
                    }
        }
        std::vector<float> out(std::size_t(op->out_shape().size()));
        op->apply(volume.data(), int64_t(volume.size()), out.data(), int64_t(out.size()));
        const float peak = *std::max_element(volume.begin(), volume.end());
        std::vector<float> absolute(volume.size());
        std::transform(volume.begin(), volume.end(), absolute.begin(),
                       [](float v) { return std::abs(v); });
        double worst = 0;
        for (int64_t v = 0; v < g.view_count(); ++v) {
            for (int64_t r = 0; r < g.rows; ++r) {
                for (int64_t c = 0; c < g.columns; ++c) {
                    Vec3 a, b;
                    pixel_line(g, v, c, r, a, b);
                    auto integral = [&](Vec3 p, Vec3 q) {
                        return test::exact_line_integral(grid, volume.data(), p, q);
                    };
                    const double truth = integral(a, b);
                    const double bound =
                        1e-5 *
                            (test::exact_line_integral(grid, absolute.data(), a, b) + 1e-4 * peak) +
                        shift_sensitivity(a, b, integral);
                    const double got = out[std::size_t((v * g.rows + r) * g.columns + c)];
                    worst = std::max(worst, std::abs(got - truth) / bound);
                    QVERIFY2(std::abs(got - truth) <= bound,
                             qPrintable(QString("view %1 pixel %2,%3: %4, exact %5")
                                            .arg(v)
                                            .arg(c)
                                            .arg(r)
                                            .arg(got, 0, 'g', 9)
                                            .arg(truth, 0, 'g', 9)));
                }
            }
        }
        qInfo("largest error %.3g of its bound", worst);
    }

    // A cone-beam view is the DRR of CtGeometry::projection_geometry(view): the same rays walked
    // by the same code with the same params, so every value is the DRR renderer's, bit for bit
    // (a random positive volume: the renderer's occupied box is the whole grid, as the
    // projector's).
    void cone_equals_drr_renderer_data() {
        QTest::addColumn<int>("algorithm");
        QTest::newRow("siddon") << int(DrrAlgorithm::Siddon);
        QTest::newRow("trilinear") << int(DrrAlgorithm::Trilinear);
    }
    void cone_equals_drr_renderer() {
        QFETCH(int, algorithm);
        const VolumeGrid grid = test_grid(true, true);
        const CtGeometry g = test_geometry(CtBeam::Cone, true);
        const auto op = projector(g, grid, DrrAlgorithm(algorithm));
        const std::vector<float> volume = random_values(std::size_t(grid.voxel_count()), 31);
        std::vector<float> out(std::size_t(op->out_shape().size()));
        op->apply(volume.data(), int64_t(volume.size()), out.data(), int64_t(out.size()));
        Array<float> alias = Array<float>::alias(const_cast<float*>(volume.data()),
                                                 {grid.size[0], grid.size[1], grid.size[2]});
        auto drr = make_drr_renderer(DeviceKind::Cpu, grid, alias);
        DrrSettings s;
        s.algorithm = DrrAlgorithm(algorithm);
        s.step_voxels = 0.7;
        std::vector<float> frame(std::size_t(g.pixels_per_view()));
        int64_t nonzero = 0;
        for (int64_t v = 0; v < g.view_count(); ++v) {
            drr->render(g.projection_geometry(v), s, frame.data());
            for (int64_t i = 0; i < g.pixels_per_view(); ++i) {
                const float ours = out[std::size_t(v * g.pixels_per_view() + i)];
                if (ours != frame[std::size_t(i)])
                    QFAIL(qPrintable(QString("view %1 pixel %2: %3, DRR %4")
                                         .arg(v)
                                         .arg(i)
                                         .arg(ours, 0, 'g', 9)
                                         .arg(frame[std::size_t(i)], 0, 'g', 9)));
                nonzero += ours != 0.0f;
            }
        }
        QVERIFY(nonzero > g.pixel_count() / 4);
    }

    // Parallel rays along x, through voxel centres: each is the sum of its voxel row times the
    // spacing, and back projection puts the spacing times the value on every voxel of the row
    // and nothing elsewhere. Rays on the face between two rows (the box is closed) take one of
    // the two rows, exactly.
    void rays_along_grid_axis() {
        const VolumeGrid grid = centered_grid({9, 6, 4}, {1.5, 2.0, 2.5});
        CtGeometry g;
        g.beam = CtBeam::Parallel;
        g.columns = 11;  // 1 mm pixels along y: centres at -5 .. 5 mm
        g.rows = 4;      // 2.5 mm along z: through the voxel centres
        CtView w;
        w.source = {1, 0, 0};
        w.detector_center = {40, 0, 0};
        w.u = {0, 1, 0};
        w.v = {0, 0, 2.5};
        g.views = {w};
        const auto op = projector(g, grid, DrrAlgorithm::Siddon);
        const std::vector<float> volume = random_values(std::size_t(grid.voxel_count()), 41);
        std::vector<float> out(std::size_t(g.pixel_count()));
        op->apply(volume.data(), int64_t(volume.size()), out.data(), int64_t(out.size()));
        auto row_sum = [&](int64_t j, int64_t k) {
            double s = 0;
            for (int64_t i = 0; i < grid.size[0]; ++i)
                s += volume[std::size_t((k * grid.size[1] + j) * grid.size[0] + i)];
            return s * grid.spacing[0];
        };
        for (int64_t r = 0; r < g.rows; ++r) {
            for (int64_t c = 0; c < g.columns; ++c) {
                const double y = double(c) - 5.0;  // voxel j spans [-6 + 2j, -4 + 2j]
                const double got = out[std::size_t(r * g.columns + c)];
                if (std::abs(y) > 6.0) {
                    QCOMPARE(got, 0.0);
                } else if (std::fmod(y + 6.0, 2.0) == 0.0) {  // a face between two rows
                    const int64_t hi = std::min<int64_t>(5, int64_t((y + 6.0) / 2.0));
                    const int64_t lo = std::max<int64_t>(0, hi - 1);
                    const bool either = std::abs(got - row_sum(lo, r)) <= 1e-5 * got ||
                                        std::abs(got - row_sum(hi, r)) <= 1e-5 * got;
                    QVERIFY2(either,
                             qPrintable(QString("face ray %1,%2: %3").arg(c).arg(r).arg(got)));
                } else {
                    const int64_t j = int64_t(std::floor((y + 6.0) / 2.0));
                    QVERIFY(std::abs(got - row_sum(j, r)) <= 1e-6 * got);
                }
            }
        }
        // Back projection of one ray through voxel centres (column 4: y = -1, row j = 2).
        std::vector<float> one(out.size(), 0.0f), back(volume.size(), -1.0f);
        one[std::size_t(1 * g.columns + 4)] = 2.0f;
        op->apply_adjoint(one.data(), int64_t(one.size()), back.data(), int64_t(back.size()));
        for (int64_t k = 0; k < grid.size[2]; ++k)
            for (int64_t j = 0; j < grid.size[1]; ++j)
                for (int64_t i = 0; i < grid.size[0]; ++i) {
                    // 2 times 1.5 mm per voxel, up to the float rounding of the piece lengths.
                    const float expected = (j == 2 && k == 1) ? 3.0f : 0.0f;
                    const float got = back[std::size_t((k * grid.size[1] + j) * grid.size[0] + i)];
                    QVERIFY(std::abs(got - expected) <= 1e-5f);
                }
    }

    void bad_input() {
        const VolumeGrid grid = test_grid(true);
        CtGeometry g = test_geometry(CtBeam::Cone, true);
        CtProjectorSettings s;
        s.algorithm = DrrAlgorithm::Trilinear;
        s.step_voxels = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, make_ct_projector(g, grid, s));
        s.step_voxels = 1;
        s.threads = -1;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, make_ct_projector(g, grid, s));
        CtGeometry empty = g;
        empty.views.clear();
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, make_ct_projector(empty, grid, {}));
        CtGeometry nan = g;
        nan.views[3].u.x = std::nan("");
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, make_ct_projector(nan, grid, {}));
        VolumeGrid bad = grid;
        bad.spacing.y = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, make_ct_projector(g, bad, {}));
        const auto op = make_ct_projector(g, grid, {});
        std::vector<float> x(std::size_t(grid.voxel_count())), y(10);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 op->apply(x.data(), int64_t(x.size()), y.data(), 10));
    }
};

RADON_TEST_CLASS(TestCtProjector);
#include "test_ct_projector.moc"
