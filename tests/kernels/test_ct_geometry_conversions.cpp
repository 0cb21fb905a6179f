// CT views to and from DRR geometries, 3x4 projection matrices and C-arm poses: round trips to
// 1e-9 mm, a matrix derived by hand, and a C-arm sweep equal to the circular trajectory of the
// same angles.

#include <QObject>
#include <QString>
#include <QtTest>

#include <array>
#include <cmath>
#include <random>

#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "kernels/geometry/rotation.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using radon::test::invalid_argument_message;

namespace {

double distance(Vec3 a, Vec3 b) {
    return norm(a - b);
}

// The largest difference of the four vectors, in mm.
double view_difference(const CtView& a, const CtView& b) {
    return std::max(
        std::max(distance(a.source, b.source), distance(a.detector_center, b.detector_center)),
        std::max(distance(a.u, b.u), distance(a.v, b.v)));
}

QString describe(const CtView& w) {
    auto v = [](Vec3 a) {
        return QString("(%1, %2, %3)")
            .arg(a.x, 0, 'g', 17)
            .arg(a.y, 0, 'g', 17)
            .arg(a.z, 0, 'g', 17);
    };
    return "source " + v(w.source) + " centre " + v(w.detector_center) + " u " + v(w.u) + " v " +
           v(w.v);
}

// P up to a positive factor: the factor that best maps b onto a, then the largest difference,
// relative to the largest entry of a.
double matrix_difference_up_to_scale(const std::array<double, 12>& a,
                                     const std::array<double, 12>& b) {
    double ab = 0, bb = 0, largest = 0;
    for (int i = 0; i < 12; ++i) {
        ab += a[i] * b[i];
        bb += b[i] * b[i];
        largest = std::max(largest, std::fabs(a[i]));
    }
    const double k = ab / bb;
    if (!(k > 0)) return 1e300;
    double worst = 0;
    for (int i = 0; i < 12; ++i)
        worst = std::max(worst, std::fabs(a[i] - k * b[i]));
    return worst / largest;
}

// A cone-beam view in a random pose: source some 400-1000 mm from the origin, a panel 200-700 mm
// beyond, pixels of 0.2-2 mm, u and v not quite orthogonal or equal (the vectors allow any
// parallelogram pixel), the panel's centre off the central ray.
CtView random_cone_view(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> unit(-1, 1);
    std::normal_distribution<double> gauss(0, 1);
    const Mat3 r = quaternion_to_matrix({gauss(rng), gauss(rng), gauss(rng), gauss(rng)});
    const double sid = 700 + 300 * unit(rng);
    const double sdd = sid + 450 + 250 * unit(rng);
    const double du = 1.1 + 0.9 * unit(rng), dv = 1.1 + 0.9 * unit(rng);
    CtView w;
    const Vec3 shift{20 * unit(rng), 20 * unit(rng), 20 * unit(rng)};
    w.source = r * Vec3{5 * unit(rng), sid, 5 * unit(rng)} + shift;
    w.detector_center = r * Vec3{30 * unit(rng), sid - sdd, 30 * unit(rng)} + shift;
    w.u = du * (r * Vec3{1, 0, 0.05 * unit(rng)});
    w.v = dv * (r * Vec3{0.05 * unit(rng), 0, -1});
    return w;
}

CtGeometry one_view(CtBeam beam, int64_t columns, int64_t rows, const CtView& w) {
    CtGeometry g;
    g.beam = beam;
    g.columns = columns;
    g.rows = rows;
    g.views = {w};
    return g;
}

}  // namespace

class TestCtGeometryConversions : public QObject {
    Q_OBJECT

  private slots:
    // A view turned into the DRR engine's geometry and back is the same view, and the DRR
    // geometry's pixel centres are the CT geometry's.
    void cone_view_round_trips_through_projection_geometry() {
        std::mt19937_64 rng(12);
        for (int i = 0; i < 200; ++i) {
            const CtGeometry g =
                one_view(CtBeam::Cone, 1 + i % 7 * 60, 1 + i % 5 * 40, random_cone_view(rng));
            const ProjectionGeometry p = g.projection_geometry(0);
            const CtView back = cone_view(p);
            QVERIFY2(view_difference(back, g.views[0]) < 1e-9, qPrintable(describe(back)));
            QVERIFY(distance(p.pixel_center(3, 2), g.pixel_center(0, 3, 2)) < 1e-9);
        }
    }

    // projection_matrix then cone_view_from_matrix gives the view back, with the scale given
    // either as the pixel size or as the source to detector distance, and whatever positive
    // factor the matrix was multiplied by.
    void cone_view_round_trips_through_its_matrix() {
        std::mt19937_64 rng(7);
        for (int i = 0; i < 500; ++i) {
            const int64_t columns = 1 + (i * 37) % 512, rows = 1 + (i * 53) % 384;
            const CtGeometry g = one_view(CtBeam::Cone, columns, rows, random_cone_view(rng));
            const CtView& w = g.views[0];
            std::array<double, 12> p = projection_matrix(g, 0);
            const CtView by_pixel = cone_view_from_matrix(p, columns, rows, {norm(w.u), 0});
            QVERIFY2(view_difference(by_pixel, w) < 1e-9,
                     qPrintable(describe(by_pixel) + " expected " + describe(w)));
            const Vec3 n = normalized(cross(w.u, w.v));
            const double sdd = std::fabs(dot(w.detector_center - w.source, n));
            const double factor = std::pow(10.0, (i % 9) - 4);
            for (double& x : p)
                x *= factor;
            const CtView by_distance = cone_view_from_matrix(p, columns, rows, {0, sdd});
            QVERIFY2(view_difference(by_distance, w) < 1e-9, qPrintable(describe(by_distance)));
        }
    }

    // A pinhole derived by hand: the source 500 mm posterior of the origin, the detector plane
    // at y = -500 (SDD 1000), 200 x 100 pixels of 0.5 mm, columns along +x, rows along -z, the
    // panel centred on the central ray. A point (x, y, z) lands on the plane at 1000 / (500 - y)
    // times (x, z), so with w = 500 - y:
    //   w col = 2000 x - 99.5 y + 49750,   w row = -49.5 y - 2000 z + 24750.
    void a_matrix_derived_by_hand_decomposes_into_its_geometry() {
        const std::array<double, 12> p = {2000,  -99.5, 0, 49750, 0, -49.5,
                                          -2000, 24750, 0, -1,    0, 500};
        for (const MatrixScale scale : {MatrixScale{0.5, 0}, MatrixScale{0, 1000}}) {
            const CtView w = cone_view_from_matrix(p, 200, 100, scale);
            QVERIFY2(distance(w.source, {0, 500, 0}) < 1e-12, qPrintable(describe(w)));
            QVERIFY2(distance(w.detector_center, {0, -500, 0}) < 1e-12, qPrintable(describe(w)));
            QVERIFY2(distance(w.u, {0.5, 0, 0}) < 1e-15, qPrintable(describe(w)));
            QVERIFY2(distance(w.v, {0, 0, -0.5}) < 1e-15, qPrintable(describe(w)));
        }
        // The hand matrix is ours up to its factor (ours has w = (500 - y) / 1000), and a point
        // lands on the pixel the hand formula gives.
        const CtGeometry g = one_view(CtBeam::Cone, 200, 100,
                                      {{0, 500, 0}, {0, -500, 0}, {0.5, 0, 0}, {0, 0, -0.5}});
        const auto ours = projection_matrix(g, 0);
        QVERIFY(matrix_difference_up_to_scale(p, ours) < 1e-15);
        QCOMPARE(ours[9], -1e-3);
        const Vec3 x{30, -40, 50};
        const double w = ours[8] * x.x + ours[9] * x.y + ours[10] * x.z + ours[11];
        const double col = (ours[0] * x.x + ours[1] * x.y + ours[2] * x.z + ours[3]) / w;
        const double row = (ours[4] * x.x + ours[5] * x.y + ours[6] * x.z + ours[7]) / w;
        QVERIFY(std::fabs(col - (2000 * 30 + 99.5 * 40 + 49750) / 540.0) < 1e-9);
        QVERIFY(std::fabs(row - (49.5 * 40 - 2000 * 50 + 24750) / 540.0) < 1e-9);
    }

    // An affine matrix of a parallel-beam view gives the view back when its u and v are
    // perpendicular to the rays, the rays run along -(u x v) and its centre lies in the plane
    // through the origin (the only view the matrix can name); any other view gives the same
    // rays: every pixel centre lies on the same ray.
    void parallel_view_round_trips_through_its_matrix() {
        std::mt19937_64 rng(3);
        std::normal_distribution<double> gauss(0, 1);
        for (int i = 0; i < 300; ++i) {
            const Mat3 r = quaternion_to_matrix({gauss(rng), gauss(rng), gauss(rng), gauss(rng)});
            const double du = 0.3 + std::fabs(gauss(rng)), dv = 0.3 + std::fabs(gauss(rng));
            CtView w;
            w.u = du * (r * Vec3{1, 0, 0});
            w.v = dv * (r * Vec3{0, 0, -1});
            w.source = -normalized(cross(w.u, w.v));  // the ray direction
            w.detector_center =
                40 * gauss(rng) * (r * Vec3{1, 0, 0}) + 40 * gauss(rng) * (r * Vec3{0, 0, 1});
            const CtGeometry g = one_view(CtBeam::Parallel, 64 + i, 1 + i % 50, w);
            const auto p = projection_matrix(g, 0);
            QCOMPARE(p[11], 1.0);
            const CtView back = parallel_view_from_matrix(p, g.columns, g.rows);
            QVERIFY2(view_difference(back, w) < 1e-9,
                     qPrintable(describe(back) + " expected " + describe(w)));

            // The same rays from a panel anywhere along them.
            CtGeometry moved = g;
            moved.views[0].detector_center = w.detector_center + 300 * gauss(rng) * w.source;
            const CtView again =
                parallel_view_from_matrix(projection_matrix(moved, 0), g.columns, g.rows);
            QVERIFY(view_difference(again, w) < 1e-9);
        }
    }

    // `radon drr` poses of a C-arm that turns only its primary angle make the circular
    // trajectory of those angles: a C-arm sweep is a cone-beam scan.
    void a_primary_angle_sweep_is_the_circular_trajectory() {
        CircularTrajectory t;
        t.angles_deg = evenly_spaced_angles(36, -90, 200);
        t.source_isocenter_mm = 750;
        t.source_detector_mm = 1150;
        t.columns = 96;
        t.rows = 80;
        t.pixel_u_mm = 1.5;
        t.pixel_v_mm = 1.5;
        t.isocenter = {12, -7, 30};
        const CtGeometry circular = circular_geometry(t);

        std::vector<CArmPose> poses;
        for (double a : t.angles_deg) {
            CArmPose pose;
            pose.primary_deg = a;
            pose.sad = 750;
            pose.sdd = 1150;
            poses.push_back(pose);
        }
        Detector detector;
        detector.width = 96;
        detector.height = 80;
        detector.delx = detector.dely = 1.5;
        const CtGeometry sweep = carm_sweep_geometry(poses, detector, t.isocenter);
        QCOMPARE(sweep.view_count(), circular.view_count());
        QCOMPARE(sweep.columns, int64_t(96));
        QCOMPARE(sweep.rows, int64_t(80));
        for (int64_t i = 0; i < sweep.view_count(); ++i)
            QVERIFY2(
                view_difference(sweep.views[i], circular.views[i]) < 1e-9,
                qPrintable(describe(sweep.views[i]) + " expected " + describe(circular.views[i])));
    }

    // Every view of a sweep with secondary angle, roll, principal point and isocenter offset
    // renders exactly the DRR geometry `radon drr` makes of its pose.
    void every_view_of_a_sweep_is_its_poses_drr_geometry() {
        std::vector<CArmPose> poses;
        for (int i = 0; i < 12; ++i) {
            CArmPose pose;
            pose.primary_deg = -60 + 11 * i;
            pose.secondary_deg = 15 - 2.5 * i;
            pose.roll_deg = 3 * i;
            pose.isocenter_offset = {1.0 * i, -2.0, 3.5};
            poses.push_back(pose);
        }
        Detector detector;
        detector.width = 120;
        detector.height = 90;
        detector.delx = 1.2;
        detector.dely = 0.8;
        detector.principal_u = 7;
        detector.principal_v = -4;
        const Vec3 centre{5, 6, 7};
        const CtGeometry g = carm_sweep_geometry(poses, detector, centre);
        for (std::size_t i = 0; i < poses.size(); ++i) {
            const ProjectionGeometry drr = carm_projection(poses[i], detector, centre);
            const ProjectionGeometry ct = g.projection_geometry(static_cast<int64_t>(i));
            QVERIFY(distance(drr.source, ct.source) < 1e-9);
            QVERIFY(distance(drr.first_pixel, ct.first_pixel) < 1e-9);
            QVERIFY(distance(drr.column_step, ct.column_step) < 1e-12);
            QVERIFY(distance(drr.row_step, ct.row_step) < 1e-12);
            QCOMPARE(ct.width, drr.width);
            QCOMPARE(ct.height, drr.height);
        }
    }

    void bad_input_is_refused_with_a_reason() {
        const std::array<double, 12> p = {2000,  -99.5, 0, 49750, 0, -49.5,
                                          -2000, 24750, 0, -1,    0, 500};
        QString m = invalid_argument_message([&] { cone_view_from_matrix(p, 200, 100, {}); });
        QVERIFY2(m.contains("exactly one") && m.contains("common factor"), qPrintable(m));
        m = invalid_argument_message([&] { cone_view_from_matrix(p, 200, 100, {1, 1000}); });
        QVERIFY2(m.contains("exactly one"), qPrintable(m));
        m = invalid_argument_message([&] { cone_view_from_matrix(p, 200, 100, {-1, 0}); });
        QVERIFY2(m.contains("-1") && m.contains("> 0"), qPrintable(m));
        m = invalid_argument_message([&] { cone_view_from_matrix(p, 0, 100, {1, 0}); });
        QVERIFY2(m.contains("0 x 100"), qPrintable(m));
        auto nan = p;
        nan[5] = std::nan("");
        m = invalid_argument_message([&] { cone_view_from_matrix(nan, 200, 100, {1, 0}); });
        QVERIFY2(m.contains("not finite"), qPrintable(m));
        const std::array<double, 12> affine = {1, 0, 0, 5, 0, 0, -1, 7, 0, 0, 0, 1};
        m = invalid_argument_message([&] { cone_view_from_matrix(affine, 10, 10, {1, 0}); });
        QVERIFY2(m.contains("singular"), qPrintable(m));
        m = invalid_argument_message([&] { parallel_view_from_matrix(p, 10, 10); });
        QVERIFY2(m.contains("affine"), qPrintable(m));
        const std::array<double, 12> flat = {1, 0, 0, 5, 2, 0, 0, 7, 0, 0, 0, 1};
        m = invalid_argument_message([&] { parallel_view_from_matrix(flat, 10, 10); });
        QVERIFY2(m.contains("parallel"), qPrintable(m));

        m = invalid_argument_message([] { cone_geometry({}, "poses.csv"); });
        QVERIFY2(m.startsWith("poses.csv: no views"), qPrintable(m));
        ProjectionGeometry a;
        a.source = {0, 500, 0};
        a.first_pixel = {-10, -500, 10};
        a.column_step = {1, 0, 0};
        a.row_step = {0, 0, -1};
        a.width = 20;
        a.height = 20;
        ProjectionGeometry b = a;
        b.height = 19;
        m = invalid_argument_message([&] { cone_geometry({a, b}, "poses.csv"); });
        QVERIFY2(m.contains("view 1") && m.contains("20 x 19") && m.contains("20 x 20"),
                 qPrintable(m));
        std::vector<CArmPose> poses(2);
        poses[1].sdd = 100;
        m = invalid_argument_message([&] { carm_sweep_geometry(poses, Detector{}, {}); });
        QVERIFY2(m.contains("pose 1"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestCtGeometryConversions);
#include "test_ct_geometry_conversions.moc"
