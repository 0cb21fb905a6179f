// The voxel-driven CT back projector against a straightforward double-precision loop written here
// from the geometry itself (each voxel's ray intersected with the panel plane, not the projection
// matrices the engine uses), for cone and parallel beams on an oblique, anisotropic grid; its
// SIMD variants against each other (the same bits); the field of view; bad requests.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/voxel_backprojector.h"
#include "kernels/geometry/rotation.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;

namespace {

CtGeometry small_geometry(CtBeam beam) {
    CircularTrajectory t;
    t.beam = beam;
    t.angles_deg = evenly_spaced_angles(12, 7.0, 360.0);
    t.source_isocenter_mm = 90;
    t.source_detector_mm = 160;
    t.columns = 24;
    t.rows = 20;
    t.pixel_u_mm = 1.7;
    t.pixel_v_mm = 1.3;
    t.source_offset_u_mm = 3;
    t.source_offset_v_mm = -2;
    t.detector_offset_u_mm = 2.5;
    t.detector_offset_v_mm = 1.5;
    t.isocenter = {1.0, -2.0, 0.5};
    return circular_geometry(t);
}

// An oblique grid with anisotropic voxels, larger than the field of view so some voxels project
// off the panel in some views.
VolumeGrid small_grid() {
    VolumeGrid g;
    g.size = {13, 11, 9};
    g.spacing = {2.1, 2.6, 3.1};
    g.direction = rotation_z(0.3) * rotation_x(0.2);
    g.origin = {-14.0, -12.0, -11.0};
    return g;
}

std::vector<float> random_panels(const CtGeometry& g, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> value(-1.0f, 2.0f);
    std::vector<float> p(std::size_t(g.pixel_count()));
    for (float& v : p)
        v = value(rng);
    return p;
}

// Pixel value with zeros outside the panel, as the bilinear interpolation sees it.
double pixel(const std::vector<float>& p, const CtGeometry& g, int64_t view, int64_t col,
             int64_t row) {
    if (col < 0 || row < 0 || col >= g.columns || row >= g.rows) return 0.0;
    return p[std::size_t((view * g.rows + row) * g.columns + col)];
}

// The reference: for each voxel and view, the panel point hit by the ray through the voxel's
// centre (solve source + t (x - source) = centre + a u + b v, or x + t d = ... for parallel
// rays), the bilinear value there, and FDK's 1 / depth^2 for cone beams.
std::vector<double> reference_backprojection(const CtGeometry& g, const VolumeGrid& grid,
                                             const std::vector<float>& p, bool depth_weight) {
    std::vector<double> out(std::size_t(grid.voxel_count()), 0.0);
    for (int64_t k = 0; k < grid.size[2]; ++k)
        for (int64_t j = 0; j < grid.size[1]; ++j)
            for (int64_t i = 0; i < grid.size[0]; ++i) {
                const Vec3 x = grid.index_to_world({double(i), double(j), double(k)});
                double sum = 0;
                for (int64_t view = 0; view < g.view_count(); ++view) {
                    const CtView& w = g.views[std::size_t(view)];
                    const Vec3 centre =
                        g.pixel_center(view, 0.5 * double(g.columns - 1), 0.5 * double(g.rows - 1));
                    const Vec3 dir = g.beam == CtBeam::Cone ? x - w.source : w.source;
                    const Vec3 from = g.beam == CtBeam::Cone ? w.source : x;
                    // from + t dir = centre + a u + b v  ->  [u v -dir] (a b t) = from - centre
                    const Mat3 m = Mat3::from_columns(w.u, w.v, -1.0 * dir);
                    const Vec3 abt = inverse(m) * (from - centre);
                    if (g.beam == CtBeam::Cone && abt.z <= 0) continue;
                    const double col = abt.x + 0.5 * double(g.columns - 1);
                    const double row = abt.y + 0.5 * double(g.rows - 1);
                    const double c0 = std::floor(col), r0 = std::floor(row);
                    const double fc = col - c0, fr = row - r0;
                    const int64_t ic = int64_t(c0), ir = int64_t(r0);
                    double v = (1 - fr) * ((1 - fc) * pixel(p, g, view, ic, ir) +
                                           fc * pixel(p, g, view, ic + 1, ir)) +
                               fr * ((1 - fc) * pixel(p, g, view, ic, ir + 1) +
                                     fc * pixel(p, g, view, ic + 1, ir + 1));
                    if (depth_weight && g.beam == CtBeam::Cone) {
                        Vec3 n = normalized(cross(w.u, w.v));
                        if (dot(n, w.detector_center - w.source) < 0) n = -1.0 * n;
                        const double depth = dot(n, x - w.source);
                        v /= depth * depth;
                    }
                    sum += v;
                }
                out[std::size_t((k * grid.size[1] + j) * grid.size[0] + i)] = sum;
            }
    return out;
}

std::vector<SimdLevel> simd_levels() {
    std::vector<SimdLevel> levels = {SimdLevel::Baseline};
    if (detected_simd_level() >= SimdLevel::Avx2) levels.push_back(SimdLevel::Avx2);
    if (detected_simd_level() >= SimdLevel::Avx512) levels.push_back(SimdLevel::Avx512);
    return levels;
}

}  // namespace

class TestCtVoxelBackprojector : public QObject {
    Q_OBJECT

  private slots:
    void matches_double_precision_loop_data() {
        QTest::addColumn<int>("beam");
        QTest::addColumn<bool>("weighted");
        QTest::newRow("cone, 1/depth^2") << int(CtBeam::Cone) << true;
        QTest::newRow("cone, unweighted") << int(CtBeam::Cone) << false;
        QTest::newRow("parallel") << int(CtBeam::Parallel) << false;
    }
    void matches_double_precision_loop() {
        QFETCH(int, beam);
        QFETCH(bool, weighted);
        const CtGeometry g = small_geometry(CtBeam(beam));
        const VolumeGrid grid = small_grid();
        const std::vector<float> p = random_panels(g, 11);
        const std::vector<double> want = reference_backprojection(g, grid, p, weighted);
        const auto weight = weighted ? VoxelBackprojectionWeight::InverseSquareDepth
                                     : VoxelBackprojectionWeight::None;
        for (SimdLevel level : simd_levels()) {
            VoxelBackprojectorSettings s;
            s.simd = level;
            const std::vector<float> got = voxel_backproject(g, grid, p.data(), weight, s);
            // Bound: the float maps place a voxel within ~3e-5 pixel of the exact point (a few
            // products of up to ~200 in magnitude, rounding 2^-24 each, over a depth divide);
            // panels change by at most 3 per pixel, so each view may differ by 1e-4 times its
            // weight, at most 1 / 45^2 for 1/depth^2 (no voxel is nearer than 45 mm to a source).
            const double weight_max = weighted ? 1.0 / (45.0 * 45.0) : 1.0;
            const double bound = 1e-4 * weight_max * double(g.view_count());
            double worst = 0;
            int nonzero = 0;
            for (std::size_t i = 0; i < want.size(); ++i) {
                worst = std::max(worst, std::fabs(double(got[i]) - want[i]));
                nonzero += want[i] != 0.0;
            }
            QVERIFY2(nonzero > int(want.size()) / 2, "most voxels must see the panels");
            qInfo("%s: worst gap %g, bound %g", to_string(level), worst, bound);
            QVERIFY2(worst <= bound, qPrintable(QString("%1: worst gap %2, bound %3")
                                                    .arg(to_string(level))
                                                    .arg(worst)
                                                    .arg(bound)));
        }
    }

    void simd_variants_give_the_same_bits() {
        if (simd_levels().size() < 2) QSKIP("this CPU runs only the baseline variant");
        for (CtBeam beam : {CtBeam::Cone, CtBeam::Parallel}) {
            const CtGeometry g = small_geometry(beam);
            VolumeGrid grid = small_grid();
            grid.size = {37, 11, 9};  // rows of 37: full packs and a partial one for every width
            const std::vector<float> p = random_panels(g, 5);
            VoxelBackprojectorSettings s;
            s.simd = SimdLevel::Baseline;
            s.threads = 2;
            const std::vector<float> base = voxel_backproject(
                g, grid, p.data(), VoxelBackprojectionWeight::InverseSquareDepth, s);
            for (SimdLevel level : simd_levels()) {
                s.simd = level;
                s.threads = 1;
                const std::vector<float> other = voxel_backproject(
                    g, grid, p.data(), VoxelBackprojectionWeight::InverseSquareDepth, s);
                QVERIFY2(other == base, to_string(level));
            }
        }
    }

    // Views added in batches sum to the whole stack added at once (each voxel adds its views in
    // order either way, but a batch boundary splits a pass: equal to float rounding).
    void batches_add_up() {
        const CtGeometry g = small_geometry(CtBeam::Cone);
        const VolumeGrid grid = small_grid();
        const std::vector<float> p = random_panels(g, 3);
        const std::vector<float> whole =
            voxel_backproject(g, grid, p.data(), VoxelBackprojectionWeight::None);
        auto bp = make_voxel_backprojector(g, grid, VoxelBackprojectionWeight::None);
        const int64_t pixels = g.pixels_per_view();
        bp->add(0, 5, p.data());
        bp->add(5, 7, p.data() + 5 * pixels);
        std::vector<float> parts(whole.size());
        bp->read(parts.data());
        for (std::size_t i = 0; i < whole.size(); ++i)
            QVERIFY(std::fabs(parts[i] - whole[i]) <= 1e-5f * (1.0f + std::fabs(whole[i])));
    }

    // A voxel is in the field of view when every view's panel holds its projection: check it
    // against the reference intersection at the centre and at a voxel far outside.
    void field_of_view_is_seen_by_every_view() {
        const CtGeometry g = small_geometry(CtBeam::Cone);
        VolumeGrid grid = centered_grid({41, 41, 1}, {0.6, 0.6, 0.6});
        const std::vector<uint8_t> seen = voxels_seen_by_every_view(g, grid);
        // Ones on every panel pixel: the unweighted back projection counts the views that see a
        // voxel with full weight wherever the voxel projects between outermost pixel centres.
        std::vector<float> ones(std::size_t(g.pixel_count()), 1.0f);
        const std::vector<float> count =
            voxel_backproject(g, grid, ones.data(), VoxelBackprojectionWeight::None);
        int inside = 0;
        for (std::size_t i = 0; i < seen.size(); ++i) {
            if (seen[i]) {
                ++inside;
                QVERIFY(std::fabs(count[i] - float(g.view_count())) < 1e-3f);
            } else {
                QVERIFY(count[i] < float(g.view_count()) - 1e-3f);
            }
        }
        qInfo("%d of %zu voxels in the field of view", inside, seen.size());
        QVERIFY(inside > 100);
        QVERIFY(inside < int(seen.size()));
    }

    void bad_requests_name_the_problem() {
        const CtGeometry g = small_geometry(CtBeam::Cone);
        VolumeGrid grid = small_grid();
        auto bp = make_voxel_backprojector(g, grid, VoxelBackprojectionWeight::None);
        std::vector<float> p(std::size_t(g.pixel_count()));
        QVERIFY(test::invalid_argument_message([&] {
                    bp->add(10, 5, p.data());
                }).contains("views 0 to 11"));
        grid.spacing.x = 0;
        QVERIFY(
            test::invalid_argument_message([&] { voxel_view_maps(g, grid); }).contains("spacing"));
        VoxelBackprojectorSettings s;
        s.threads = -1;
        QVERIFY(test::invalid_argument_message([&] {
                    make_voxel_backprojector(g, small_grid(), VoxelBackprojectionWeight::None, s);
                }).contains("threads"));
    }
};

RADON_TEST_CLASS(TestCtVoxelBackprojector);
#include "test_ct_voxel_backprojector.moc"
