#include <QObject>
#include <QString>
#include <QtTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/array.h"
#include "kernels/core/error.h"
#include "kernels/core/vec.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/rotation.h"
#include "kernels/geometry/volume_grid.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using radon::test::invalid_argument_message;

using namespace radon;

namespace {

// Positions are in mm with magnitudes near 1000, so 1e-9 mm is about 1e4 ulps: loose enough for
// a few chained double operations, tight enough to catch any wrong sign or swapped axis.
constexpr double kMmTolerance = 1e-9;
constexpr double kRelativeTolerance = 1e-9;

double max_abs_diff(Vec3 a, Vec3 b) {
    return std::max(std::fabs(a.x - b.x), std::max(std::fabs(a.y - b.y), std::fabs(a.z - b.z)));
}

double max_abs_diff(const Mat3& a, const Mat3& b) {
    double worst = 0;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            worst = std::max(worst, std::fabs(a.m[i][j] - b.m[i][j]));
    return worst;
}

QString describe(Vec3 v) {
    return QString("(%1, %2, %3)").arg(v.x, 0, 'g', 17).arg(v.y, 0, 'g', 17).arg(v.z, 0, 'g', 17);
}

QString describe(const CArmPose& p) {
    return QString("primary %1 secondary %2 roll %3 offset %4 SAD %5 SDD %6")
        .arg(p.primary_deg, 0, 'g', 17)
        .arg(p.secondary_deg, 0, 'g', 17)
        .arg(p.roll_deg, 0, 'g', 17)
        .arg(describe(p.isocenter_offset))
        .arg(p.sad, 0, 'g', 17)
        .arg(p.sdd, 0, 'g', 17);
}

// Degrees compared modulo a full turn, so 180 and -180 count as the same angle.
double angle_diff_deg(double a, double b) {
    return std::fabs(std::remainder(a - b, 360.0));
}

// The array and device layers promise radon::Error and nothing else.
template <class F>
QString error_message(F f) {
    return radon::test::thrown_message<Error>(f);
}

// Right-handed rotation of v by `angle` radians about the unit `axis` (Rodrigues' formula),
// written out here so that expected directions do not come from the rotation code under test.
Vec3 rotate_about(Vec3 v, Vec3 axis, double angle) {
    const double c = std::cos(angle), s = std::sin(angle);
    return c * v + s * cross(axis, v) + ((1.0 - c) * dot(axis, v)) * axis;
}

// An oblique grid: direction from three elementary rotations (orthonormal by construction),
// anisotropic spacing and an origin away from zero, as a real CT series would have.
VolumeGrid oblique_grid() {
    VolumeGrid g;
    g.size = {7, 4, 10};
    g.spacing = {0.7, 1.3, 2.5};
    g.origin = {-12.5, 40.0, 3.25};
    g.direction = rotation_z(0.4) * rotation_x(-0.25) * rotation_y(1.1);
    return g;
}

// Independent of VolumeGrid's matrix code: origin + sum_k spacing_k * index_k * direction[:, k].
Vec3 expected_world(const VolumeGrid& g, Vec3 index) {
    Vec3 w = g.origin;
    for (int k = 0; k < 3; ++k)
        w = w + (g.spacing[k] * index[k]) * g.direction.column(k);
    return w;
}

struct RandomCase {
    CArmPose pose;
    Detector detector;
    Vec3 default_isocenter;
};

RandomCase random_case(std::mt19937_64& rng) {
    std::uniform_real_distribution<double> angle(-180.0, 180.0);
    std::uniform_real_distribution<double> secondary(-89.0, 89.0);
    std::uniform_real_distribution<double> offset(-60.0, 60.0);
    std::uniform_real_distribution<double> sad(400.0, 1000.0);
    std::uniform_real_distribution<double> gap(50.0, 600.0);
    std::uniform_real_distribution<double> pixel(0.15, 2.5);
    std::uniform_real_distribution<double> principal(-40.0, 40.0);
    std::uniform_int_distribution<int64_t> cols(1, 48);
    std::uniform_int_distribution<int64_t> rows(1, 40);
    RandomCase c;
    c.pose.primary_deg = -angle(rng);  // (-180, 180]
    c.pose.secondary_deg = secondary(rng);
    c.pose.roll_deg = -angle(rng);
    c.pose.isocenter_offset = {offset(rng), offset(rng), offset(rng)};
    c.pose.sad = sad(rng);
    c.pose.sdd = c.pose.sad + gap(rng);
    c.detector.width = cols(rng);
    c.detector.height = rows(rng);
    // Independent draws, so pixels are almost never square.
    c.detector.delx = pixel(rng);
    c.detector.dely = pixel(rng);
    c.detector.principal_u = principal(rng);
    c.detector.principal_v = principal(rng);
    c.default_isocenter = {offset(rng), offset(rng), offset(rng)};
    return c;
}

// P * (x, 1) for the row-major 3x4 matrix P.
Vec3 apply_projection(const std::array<double, 12>& p, Vec3 x) {
    Vec3 r;
    for (int i = 0; i < 3; ++i)
        r[i] = p[i * 4 + 0] * x.x + p[i * 4 + 1] * x.y + p[i * 4 + 2] * x.z + p[i * 4 + 3];
    return r;
}

bool pixel_matches(Vec3 homogeneous, double col, double row) {
    const double u = homogeneous.x / homogeneous.z, v = homogeneous.y / homogeneous.z;
    return std::fabs(u - col) <= kRelativeTolerance * (1.0 + std::fabs(col)) &&
           std::fabs(v - row) <= kRelativeTolerance * (1.0 + std::fabs(row));
}

}  // namespace

class TestGeometry : public QObject {
    Q_OBJECT

  private slots:
    // ---------------------------------------------------------------- VolumeGrid

    void grid_index_world_round_trip_oblique() {
        for (bool left_handed : {false, true}) {
            VolumeGrid g = oblique_grid();
            // ITK accepts improper direction matrices (a flipped axis); the affine map must too.
            if (left_handed) {
                const Vec3 c0 = g.direction.column(0);
                g.direction =
                    Mat3::from_columns(-1.0 * c0, g.direction.column(1), g.direction.column(2));
            }
            g.validate("oblique.nrrd");
            std::mt19937_64 rng(7);
            std::uniform_real_distribution<double> idx(-3.0, 12.0);
            for (int n = 0; n < 200; ++n) {
                const Vec3 index{idx(rng), idx(rng), idx(rng)};
                const Vec3 world = g.index_to_world(index);
                QVERIFY2(max_abs_diff(world, expected_world(g, index)) < 1e-12,
                         qPrintable(describe(world) + " vs " + describe(expected_world(g, index))));
                const Vec3 back = g.world_to_index(world);
                QVERIFY2(max_abs_diff(back, index) < 1e-12,
                         qPrintable(describe(back) + " vs " + describe(index)));
            }
        }
    }

    void grid_index_to_world_matrix_is_direction_times_spacing() {
        const VolumeGrid g = oblique_grid();
        const Mat3 m = g.index_to_world_matrix();
        for (int k = 0; k < 3; ++k) {
            QVERIFY(max_abs_diff(m.column(k), g.spacing[k] * g.direction.column(k)) < 1e-15);
        }
    }

    void grid_center_is_mean_of_corner_voxel_centres() {
        const VolumeGrid g = oblique_grid();
        Vec3 sum{0, 0, 0};
        for (int corner = 0; corner < 8; ++corner) {
            const Vec3 index{(corner & 1) ? double(g.size[0] - 1) : 0.0,
                             (corner & 2) ? double(g.size[1] - 1) : 0.0,
                             (corner & 4) ? double(g.size[2] - 1) : 0.0};
            sum = sum + expected_world(g, index);
        }
        const Vec3 mean = (1.0 / 8.0) * sum;
        QVERIFY2(max_abs_diff(g.center(), mean) < 1e-12,
                 qPrintable(describe(g.center()) + " vs " + describe(mean)));
    }

    void centered_grid_is_centred_on_origin() {
        const std::array<int64_t, 3> size{5, 8, 3};
        const Vec3 spacing{0.5, 2.0, 1.25};
        const VolumeGrid g = centered_grid(size, spacing);
        QVERIFY2(max_abs_diff(g.center(), Vec3{0, 0, 0}) < 1e-12, qPrintable(describe(g.center())));
        QVERIFY(max_abs_diff(g.direction, Mat3::identity()) == 0.0);
        QVERIFY(max_abs_diff(g.spacing, spacing) == 0.0);
        QVERIFY(g.size == size);
        // First and last voxel centres sit symmetrically about the origin.
        const Vec3 first = g.index_to_world({0, 0, 0});
        const Vec3 last = g.index_to_world({4, 7, 2});
        QVERIFY2(max_abs_diff(first, Vec3{-1.0, -7.0, -1.25}) < 1e-12, qPrintable(describe(first)));
        QVERIFY2(max_abs_diff(first + last, Vec3{0, 0, 0}) < 1e-12, qPrintable(describe(last)));
        g.validate("centred");
    }

    void grid_validate_rejects_bad_fields_data() {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("field");
        QTest::newRow("spacing 0") << 0 << "spacing";
        QTest::newRow("negative spacing") << 1 << "spacing";
        QTest::newRow("NaN spacing") << 2 << "spacing";
        QTest::newRow("infinite spacing") << 3 << "spacing";
        QTest::newRow("size 0") << 4 << "size";
        QTest::newRow("negative size") << 5 << "size";
        QTest::newRow("direction column of length 2") << 6 << "direction";
        QTest::newRow("two equal direction columns") << 7 << "direction";
        QTest::newRow("zero direction") << 8 << "direction";
    }

    void grid_validate_rejects_bad_fields() {
        QFETCH(int, which);
        QFETCH(QString, field);
        VolumeGrid g = oblique_grid();
        switch (which) {
            case 0:
                g.spacing.y = 0;
                break;
            case 1:
                g.spacing.z = -1.5;
                break;
            case 2:
                g.spacing.x = std::numeric_limits<double>::quiet_NaN();
                break;
            case 3:
                g.spacing.y = std::numeric_limits<double>::infinity();
                break;
            case 4:
                g.size[1] = 0;
                break;
            case 5:
                g.size[2] = -3;
                break;
            case 6: {
                const Vec3 c1 = g.direction.column(1);
                g.direction =
                    Mat3::from_columns(g.direction.column(0), 2.0 * c1, g.direction.column(2));
                break;
            }
            case 7: {
                const Vec3 c0 = g.direction.column(0);
                g.direction = Mat3::from_columns(c0, c0, g.direction.column(2));
                break;
            }
            case 8:
                g.direction = Mat3::from_columns({0, 0, 0}, {0, 0, 0}, {0, 0, 0});
                break;
        }
        const QString m = invalid_argument_message([&] { g.validate("head_ct.mha"); });
        QVERIFY2(!m.isEmpty(), "validate() accepted an invalid grid");
        QVERIFY2(m.contains("head_ct.mha") && m.contains(field), qPrintable(m));
    }

    // ---------------------------------------------------------------- C-arm conventions

    void carm_presets_place_source_and_detector_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<double>("sx");
        QTest::addColumn<double>("sy");
        QTest::addColumn<double>("dx");
        QTest::addColumn<double>("dy");
        // Source and detector-centre offsets from the isocenter, SAD 850 and SDD 1020, in LPS:
        // +x patient left, +y posterior.
        QTest::newRow("AP: source posterior") << "AP" << 0.0 << 850.0 << 0.0 << -170.0;
        QTest::newRow("PA: source anterior") << "PA" << 0.0 << -850.0 << 0.0 << 170.0;
        QTest::newRow("LAT-L: detector at the left") << "LAT-L" << -850.0 << 0.0 << 170.0 << 0.0;
        QTest::newRow("LAT-R: detector at the right") << "LAT-R" << 850.0 << 0.0 << -170.0 << 0.0;
    }

    void carm_presets_place_source_and_detector() {
        QFETCH(QString, preset);
        QFETCH(double, sx);
        QFETCH(double, sy);
        QFETCH(double, dx);
        QFETCH(double, dy);
        const Vec3 c = oblique_grid().center();
        const CArmPose pose = preset_pose(parse_carm_preset(preset.toStdString()));
        QCOMPARE(pose.sad, 850.0);
        QCOMPARE(pose.sdd, 1020.0);
        const ProjectionGeometry g = carm_projection(pose, Detector{}, c);
        const Vec3 source = c + Vec3{sx, sy, 0};
        const Vec3 detector = c + Vec3{dx, dy, 0};
        QVERIFY2(max_abs_diff(g.source, source) < kMmTolerance,
                 qPrintable(describe(g.source) + " expected " + describe(source)));
        QVERIFY2(max_abs_diff(g.detector_center(), detector) < kMmTolerance,
                 qPrintable(describe(g.detector_center()) + " expected " + describe(detector)));
        // A primary rotation turns about the S axis, so detector rows still run inferior.
        QVERIFY2(max_abs_diff(g.row_step, Vec3{0, 0, -2.0}) < 1e-12,
                 qPrintable(describe(g.row_step)));
    }

    void carm_ap_detector_axes() {
        const Vec3 c = oblique_grid().center();
        const ProjectionGeometry g = carm_projection(CArmPose{}, Detector{}, c);
        // Columns towards the patient's left (+x), rows towards the feet (-z), 2 mm pixels.
        QVERIFY2(max_abs_diff(g.column_step, Vec3{2, 0, 0}) < 1e-12,
                 qPrintable(describe(g.column_step)));
        QVERIFY2(max_abs_diff(g.row_step, Vec3{0, 0, -2}) < 1e-12,
                 qPrintable(describe(g.row_step)));
        QVERIFY2(max_abs_diff(g.source, c + Vec3{0, 850, 0}) < kMmTolerance,
                 qPrintable(describe(g.source)));
        QVERIFY2(max_abs_diff(g.detector_center(), c + Vec3{0, -170, 0}) < kMmTolerance,
                 qPrintable(describe(g.detector_center())));
        QCOMPARE(g.width, int64_t(200));
        QCOMPARE(g.height, int64_t(200));
    }

    void carm_oblique_angles_move_the_detector_data() {
        QTest::addColumn<double>("primary");
        QTest::addColumn<double>("secondary");
        QTest::addColumn<int>("axis");
        QTest::addColumn<double>("sign");
        QTest::newRow("LAO 30: detector left") << 30.0 << 0.0 << 0 << 1.0;
        QTest::newRow("RAO 30: detector right") << -30.0 << 0.0 << 0 << -1.0;
        QTest::newRow("CRAN 20: detector cranial") << 0.0 << 20.0 << 2 << 1.0;
        QTest::newRow("CAUD 20: detector caudal") << 0.0 << -20.0 << 2 << -1.0;
    }

    void carm_oblique_angles_move_the_detector() {
        QFETCH(double, primary);
        QFETCH(double, secondary);
        QFETCH(int, axis);
        QFETCH(double, sign);
        const Vec3 c = oblique_grid().center();
        CArmPose pose;
        pose.primary_deg = primary;
        pose.secondary_deg = secondary;
        const ProjectionGeometry g = carm_projection(pose, Detector{}, c);
        const Vec3 d = g.detector_center() - c;
        const Vec3 s = g.source - c;
        QVERIFY2(sign * d[axis] > 1.0, qPrintable(describe(d)));
        QVERIFY2(sign * s[axis] < -1.0, qPrintable(describe(s)));
        // The exact position: 170 mm from the isocenter, turned by the angle from AP.
        const double angle = deg_to_rad(primary != 0 ? primary : secondary);
        QVERIFY2(std::fabs(sign * d[axis] - 170.0 * std::sin(std::fabs(angle))) < kMmTolerance,
                 qPrintable(describe(d)));
        QVERIFY2(std::fabs(d.y + 170.0 * std::cos(angle)) < kMmTolerance, qPrintable(describe(d)));
    }

    void carm_roll_turns_columns_right_handed_about_the_central_ray() {
        const Vec3 c = oblique_grid().center();
        CArmPose pose;
        pose.roll_deg = 90;
        const ProjectionGeometry g = carm_projection(pose, Detector{}, c);
        const ProjectionGeometry ap = carm_projection(CArmPose{}, Detector{}, c);
        const Vec3 source_to_detector = normalized(ap.detector_center() - ap.source);
        QVERIFY(max_abs_diff(source_to_detector, Vec3{0, -1, 0}) < 1e-15);
        const Vec3 expected_column = rotate_about(Vec3{1, 0, 0}, source_to_detector, kPi / 2);
        const Vec3 expected_row = rotate_about(Vec3{0, 0, -1}, source_to_detector, kPi / 2);
        // (0,-1,0) x (1,0,0) = (0,0,1): a quarter turn sends the columns superior.
        QVERIFY(max_abs_diff(expected_column, Vec3{0, 0, 1}) < 1e-15);
        QVERIFY2(max_abs_diff(normalized(g.column_step), expected_column) < 1e-12,
                 qPrintable(describe(g.column_step)));
        QVERIFY2(max_abs_diff(normalized(g.row_step), expected_row) < 1e-12,
                 qPrintable(describe(g.row_step)));
        // Roll turns the panel about the central ray: source and detector centre stay put.
        QVERIFY(max_abs_diff(g.source, ap.source) < kMmTolerance);
        QVERIFY(max_abs_diff(g.detector_center(), ap.detector_center()) < kMmTolerance);
    }

    void carm_roll_is_about_the_central_ray_at_any_pose() {
        std::mt19937_64 rng(11);
        std::uniform_real_distribution<double> roll(-180.0, 180.0);
        for (int n = 0; n < 100; ++n) {
            RandomCase rc = random_case(rng);
            rc.detector.principal_u = rc.detector.principal_v = 0;
            CArmPose unrolled = rc.pose;
            unrolled.roll_deg = 0;
            const ProjectionGeometry g0 =
                carm_projection(unrolled, rc.detector, rc.default_isocenter);
            const ProjectionGeometry g =
                carm_projection(rc.pose, rc.detector, rc.default_isocenter);
            const Vec3 axis = normalized(g0.detector_center() - g0.source);
            const double angle = deg_to_rad(rc.pose.roll_deg);
            const Vec3 column = rotate_about(g0.column_step, axis, angle);
            const Vec3 row = rotate_about(g0.row_step, axis, angle);
            QVERIFY2(max_abs_diff(g.column_step, column) < 1e-12,
                     qPrintable(describe(rc.pose) + ": " + describe(g.column_step) + " vs " +
                                describe(column)));
            QVERIFY2(max_abs_diff(g.row_step, row) < 1e-12, qPrintable(describe(rc.pose)));
            QVERIFY(max_abs_diff(g.source, g0.source) < kMmTolerance);
            QVERIFY(max_abs_diff(g.detector_center(), g0.detector_center()) < kMmTolerance);
        }
    }

    void carm_isocenter_offset_translates_source_and_detector() {
        const Vec3 c = oblique_grid().center();
        CArmPose pose;
        pose.primary_deg = 37;
        pose.secondary_deg = -12;
        pose.roll_deg = 25;
        const ProjectionGeometry g0 = carm_projection(pose, Detector{}, c);
        const Vec3 offset{12.5, -30.0, 7.25};
        pose.isocenter_offset = offset;
        const ProjectionGeometry g = carm_projection(pose, Detector{}, c);
        QVERIFY2(max_abs_diff(g.source - g0.source, offset) < kMmTolerance,
                 qPrintable(describe(g.source - g0.source)));
        QVERIFY2(max_abs_diff(g.first_pixel - g0.first_pixel, offset) < kMmTolerance,
                 qPrintable(describe(g.first_pixel - g0.first_pixel)));
        QVERIFY2(max_abs_diff(g.detector_center() - g0.detector_center(), offset) < kMmTolerance,
                 qPrintable(describe(g.detector_center() - g0.detector_center())));
        QVERIFY(max_abs_diff(g.column_step, g0.column_step) < 1e-15);
        QVERIFY(max_abs_diff(g.row_step, g0.row_step) < 1e-15);
    }

    void carm_geometry_distances_at_random_poses() {
        // Whatever the pose: the source is SAD from the isocenter, the panel plane SDD from the
        // source, and the pixel axes are orthogonal with the requested spacings.
        std::mt19937_64 rng(5);
        for (int n = 0; n < 200; ++n) {
            const RandomCase rc = random_case(rng);
            const ProjectionGeometry g =
                carm_projection(rc.pose, rc.detector, rc.default_isocenter);
            const Vec3 iso = rc.default_isocenter + rc.pose.isocenter_offset;
            QVERIFY(std::fabs(norm(g.source - iso) - rc.pose.sad) < kMmTolerance);
            QVERIFY(std::fabs(norm(g.column_step) - rc.detector.delx) < 1e-12);
            QVERIFY(std::fabs(norm(g.row_step) - rc.detector.dely) < 1e-12);
            QVERIFY(std::fabs(dot(g.column_step, g.row_step)) < 1e-12);
            const Vec3 normal = normalized(cross(g.column_step, g.row_step));
            const double plane_distance = std::fabs(dot(g.first_pixel - g.source, normal));
            QVERIFY2(std::fabs(plane_distance - rc.pose.sdd) < kMmTolerance,
                     qPrintable(describe(rc.pose)));
            // The central ray through the isocenter is perpendicular to the panel.
            QVERIFY(std::fabs(std::fabs(dot(normalized(iso - g.source), normal)) - 1.0) < 1e-12);
        }
    }

    void carm_validate_distances() {
        CArmPose pose;
        pose.validate();
        pose.sdd = pose.sad;
        QString m = invalid_argument_message([&] { pose.validate(); });
        QVERIFY2(m.contains("SDD") && m.contains("SAD"), qPrintable(m));
        pose.sdd = 500;
        m = invalid_argument_message([&] { pose.validate(); });
        QVERIFY2(m.contains("SDD") && m.contains("SAD"), qPrintable(m));
        pose.sad = 0;
        pose.sdd = 100;
        m = invalid_argument_message([&] { pose.validate(); });
        QVERIFY2(m.contains("SAD"), qPrintable(m));
        pose.sad = -10;
        m = invalid_argument_message([&] { pose.validate(); });
        QVERIFY2(m.contains("SAD"), qPrintable(m));
        pose = CArmPose{};
        pose.primary_deg = std::numeric_limits<double>::quiet_NaN();
        m = invalid_argument_message([&] { pose.validate(); });
        QVERIFY2(m.contains("primary"), qPrintable(m));
    }

    void detector_validate() {
        Detector d;
        d.validate();
        d.width = 0;
        QString m = invalid_argument_message([&] { d.validate(); });
        QVERIFY2(m.contains("width"), qPrintable(m));
        d = Detector{};
        d.height = -1;
        m = invalid_argument_message([&] { d.validate(); });
        QVERIFY2(m.contains("height"), qPrintable(m));
        d = Detector{};
        d.delx = 0;
        m = invalid_argument_message([&] { d.validate(); });
        QVERIFY2(m.contains("spacing"), qPrintable(m));
        d = Detector{};
        d.dely = std::numeric_limits<double>::quiet_NaN();
        m = invalid_argument_message([&] { d.validate(); });
        QVERIFY2(m.contains("spacing"), qPrintable(m));
    }

    void parse_carm_preset_names() {
        QVERIFY(parse_carm_preset("ap") == CArmPreset::AP);
        QVERIFY(parse_carm_preset("AP") == CArmPreset::AP);
        QVERIFY(parse_carm_preset("pa") == CArmPreset::PA);
        QVERIFY(parse_carm_preset("LAT-L") == CArmPreset::LatLeft);
        QVERIFY(parse_carm_preset("lat-r") == CArmPreset::LatRight);
        for (CArmPreset p :
             {CArmPreset::AP, CArmPreset::PA, CArmPreset::LatLeft, CArmPreset::LatRight}) {
            QVERIFY(parse_carm_preset(to_string(p)) == p);
        }
        const QString m = invalid_argument_message([] { parse_carm_preset("lateral"); });
        QVERIFY2(m.contains("lateral") && m.contains("AP") && m.contains("PA") &&
                     m.contains("LAT-L") && m.contains("LAT-R"),
                 qPrintable(m));
    }

    void preset_pose_keeps_distances() {
        CArmPose from;
        from.sad = 700;
        from.sdd = 1150;
        from.roll_deg = 33;
        from.isocenter_offset = {1, 2, 3};
        const CArmPose p = preset_pose(CArmPreset::LatRight, from);
        QCOMPARE(p.sad, 700.0);
        QCOMPARE(p.sdd, 1150.0);
        QCOMPARE(p.roll_deg, 0.0);
        QCOMPARE(p.secondary_deg, 0.0);
        QVERIFY(max_abs_diff(p.isocenter_offset, Vec3{0, 0, 0}) == 0.0);
    }

    // ---------------------------------------------------------------- carm_to_world

    void carm_world_round_trip_random() {
        std::mt19937_64 rng(2024);
        std::uniform_real_distribution<double> angle(-180.0, 180.0);
        std::uniform_real_distribution<double> secondary(-89.0, 89.0);
        std::uniform_real_distribution<double> offset(-100.0, 100.0);
        const Vec3 c = oblique_grid().center();
        double worst = 0;
        for (int n = 0; n < 500; ++n) {
            CArmPose pose;
            pose.primary_deg = -angle(rng);  // (-180, 180]
            pose.secondary_deg = secondary(rng);
            pose.roll_deg = -angle(rng);
            pose.isocenter_offset = {offset(rng), offset(rng), offset(rng)};
            pose.sad = 800;
            pose.sdd = 1100;
            const RigidTransform t = carm_to_world(pose, c);

            // The documented mapping, built two ways: through the Euler code, and as the
            // intrinsic product R_z(primary) R_x(-secondary) R_y(-roll) directly.
            const Vec3 radians{deg_to_rad(pose.primary_deg), -deg_to_rad(pose.secondary_deg),
                               -deg_to_rad(pose.roll_deg)};
            const Mat3 via_euler = euler_to_matrix(radians, EulerConvention::parse("ZXY"));
            const Mat3 direct =
                rotation_z(radians[0]) * rotation_x(radians[1]) * rotation_y(radians[2]);
            QVERIFY2(max_abs_diff(t.rotation, via_euler) < 1e-14, qPrintable(describe(pose)));
            QVERIFY2(max_abs_diff(t.rotation, direct) < 1e-14, qPrintable(describe(pose)));
            QVERIFY(max_abs_diff(t.translation, c + pose.isocenter_offset) < 1e-12);

            const CArmPose back = carm_from_world(t, c, pose.sad, pose.sdd);
            const double err = std::max({angle_diff_deg(back.primary_deg, pose.primary_deg),
                                         std::fabs(back.secondary_deg - pose.secondary_deg),
                                         angle_diff_deg(back.roll_deg, pose.roll_deg)});
            worst = std::max(worst, err);
            QVERIFY2(err < 1e-9, qPrintable(describe(pose) + " came back as " + describe(back)));
            QVERIFY(back.primary_deg > -180.0 && back.primary_deg <= 180.0);
            QVERIFY(back.roll_deg >= -180.0 && back.roll_deg <= 180.0);
            QVERIFY(max_abs_diff(back.isocenter_offset, pose.isocenter_offset) < 1e-12);
            QCOMPARE(back.sad, pose.sad);
            QCOMPARE(back.sdd, pose.sdd);
        }
        qDebug("worst angle error over 500 poses: %.3g deg", worst);
    }

    // ---------------------------------------------------------------- ProjectionGeometry

    void projection_matrix_maps_pixel_centres() {
        std::mt19937_64 rng(99);
        std::uniform_real_distribution<double> t_dist(0.05, 1.0);
        for (int n = 0; n < 40; ++n) {
            const RandomCase rc = random_case(rng);
            const ProjectionGeometry g =
                carm_projection(rc.pose, rc.detector, rc.default_isocenter);
            const std::array<double, 12> p = g.projection_matrix();
            for (int64_t row = 0; row < g.height; ++row) {
                for (int64_t col = 0; col < g.width; ++col) {
                    // The pixel centre from the documented formula, not from pixel_center().
                    const Vec3 centre =
                        g.first_pixel + double(col) * g.column_step + double(row) * g.row_step;
                    const Vec3 h = apply_projection(p, centre);
                    QVERIFY2(h.z > 0 && pixel_matches(h, double(col), double(row)),
                             qPrintable(QString("pixel (%1, %2) maps to %3; ")
                                            .arg(col)
                                            .arg(row)
                                            .arg(describe(h)) +
                                        describe(rc.pose)));
                    // Every point of the ray between source and pixel sees the same pixel, in
                    // front of the source.
                    const double t = t_dist(rng);
                    const Vec3 on_ray = g.source + t * (centre - g.source);
                    const Vec3 hr = apply_projection(p, on_ray);
                    QVERIFY2(hr.z > 0 && pixel_matches(hr, double(col), double(row)),
                             qPrintable(QString("t %1 at pixel (%2, %3) maps to %4")
                                            .arg(t)
                                            .arg(col)
                                            .arg(row)
                                            .arg(describe(hr))));
                    // Behind the source the homogeneous scale changes sign.
                    const Vec3 behind = g.source - t * (centre - g.source);
                    QVERIFY(apply_projection(p, behind).z < 0);
                }
            }
        }
    }

    void isocenter_projects_to_principal_point() {
        std::mt19937_64 rng(3);
        for (int n = 0; n < 200; ++n) {
            const RandomCase rc = random_case(rng);
            const ProjectionGeometry g =
                carm_projection(rc.pose, rc.detector, rc.default_isocenter);
            const Vec3 iso = rc.default_isocenter + rc.pose.isocenter_offset;
            const Vec3 h = apply_projection(g.projection_matrix(), iso);
            const double col =
                0.5 * double(rc.detector.width - 1) + rc.detector.principal_u / rc.detector.delx;
            const double row =
                0.5 * double(rc.detector.height - 1) + rc.detector.principal_v / rc.detector.dely;
            QVERIFY2(h.z > 0 && pixel_matches(h, col, row),
                     qPrintable(QString("isocenter at (%1, %2), expected (%3, %4); ")
                                    .arg(h.x / h.z, 0, 'g', 17)
                                    .arg(h.y / h.z, 0, 'g', 17)
                                    .arg(col, 0, 'g', 17)
                                    .arg(row, 0, 'g', 17) +
                                describe(rc.pose)));
            // Independently of P: the principal point is the foot of the perpendicular from
            // the source, SDD away along the central ray through the isocenter.
            const Vec3 principal_point = g.pixel_center(col, row);
            const Vec3 expected = g.source + rc.pose.sdd * normalized(iso - g.source);
            QVERIFY2(max_abs_diff(principal_point, expected) < kMmTolerance,
                     qPrintable(describe(principal_point) + " vs " + describe(expected)));
        }
    }

    void crop_keeps_pixel_positions() {
        std::mt19937_64 rng(17);
        for (int n = 0; n < 50; ++n) {
            RandomCase rc = random_case(rng);
            rc.detector.width = 40 + n;
            rc.detector.height = 30 + n % 7;
            const ProjectionGeometry g =
                carm_projection(rc.pose, rc.detector, rc.default_isocenter);
            std::uniform_int_distribution<int64_t> c0d(0, g.width - 1), r0d(0, g.height - 1);
            const int64_t col0 = c0d(rng), row0 = r0d(rng);
            std::uniform_int_distribution<int64_t> cd(1, g.width - col0), rd(1, g.height - row0);
            const int64_t cols = cd(rng), rows = rd(rng);
            const ProjectionGeometry crop = g.crop(col0, row0, cols, rows);
            QCOMPARE(crop.width, cols);
            QCOMPARE(crop.height, rows);
            QVERIFY(max_abs_diff(crop.source, g.source) == 0.0);
            QVERIFY(max_abs_diff(crop.column_step, g.column_step) == 0.0);
            QVERIFY(max_abs_diff(crop.row_step, g.row_step) == 0.0);
            const std::array<double, 12> p = crop.projection_matrix();
            for (int64_t j = 0; j < rows; ++j) {
                for (int64_t i = 0; i < cols; ++i) {
                    const Vec3 a = crop.pixel_center(double(i), double(j));
                    const Vec3 b = g.pixel_center(double(col0 + i), double(row0 + j));
                    QVERIFY2(max_abs_diff(a, b) < kMmTolerance,
                             qPrintable(describe(a) + " vs " + describe(b)));
                    QVERIFY(pixel_matches(apply_projection(p, b), double(i), double(j)));
                }
            }
        }
    }

    void rigid_identity_at_center_is_ap() {
        const Vec3 c = oblique_grid().center();
        Detector d;
        d.width = 31;
        d.height = 17;
        d.delx = 0.8;
        d.dely = 1.1;
        d.principal_u = 4;
        d.principal_v = -3;
        RigidTransform t;
        t.translation = c;
        const ProjectionGeometry rigid = rigid_projection(t, 850, 1020, d);
        const ProjectionGeometry ap = carm_projection(preset_pose(CArmPreset::AP), d, c);
        QVERIFY(max_abs_diff(rigid.source, ap.source) < 1e-12);
        QVERIFY(max_abs_diff(rigid.first_pixel, ap.first_pixel) < 1e-12);
        QVERIFY(max_abs_diff(rigid.column_step, ap.column_step) < 1e-15);
        QVERIFY(max_abs_diff(rigid.row_step, ap.row_step) < 1e-15);
        QCOMPARE(rigid.width, ap.width);
        QCOMPARE(rigid.height, ap.height);
        QVERIFY(max_abs_diff(rigid.source, c + Vec3{0, 850, 0}) < kMmTolerance);
    }

    // ---------------------------------------------------------------- Array

    void unbound_array_throws() {
        Array<float> a;
        QVERIFY(!a.bound());
        QVERIFY(!a.owns_memory());
        QString m = error_message([&] { a.host_data(); });
        QVERIFY2(m.contains("neither allocated nor bound"), qPrintable(m));
        m = error_message([&] { a.device_data(); });
        QVERIFY2(m.contains("neither allocated nor bound"), qPrintable(m));
        m = error_message([&] { a[0] = 1.0f; });
        QVERIFY2(m.contains("neither allocated nor bound"), qPrintable(m));
        const Array<float>& ca = a;
        m = error_message([&] { ca.host_data(); });
        QVERIFY2(m.contains("neither allocated nor bound"), qPrintable(m));
    }

    void alias_of_null_throws() {
        const QString m = error_message([] { Array<float>::alias(nullptr, Extents{4, 4, 1}); });
        QVERIFY2(!m.isEmpty(), "alias(nullptr) did not throw radon::Error");
    }

    void allocate_is_zeroed_sized_and_aligned() {
        const std::vector<Extents> shapes{
            {1, 1, 1}, {5, 3, 2}, {17, 1, 1}, {33, 7, 3}, {256, 256, 9}};
        for (const Extents& e : shapes) {
            Array<float> a = Array<float>::allocate(e);
            const int64_t n = e[0] * e[1] * e[2];
            QCOMPARE(a.size(), n);
            QCOMPARE(a.bytes(), std::size_t(n) * sizeof(float));
            QVERIFY(a.extents() == e);
            QVERIFY(a.bound());
            QVERIFY(a.owns_memory());
            QVERIFY(a.space() == MemorySpace::Host);
            float* p = a.host_data();
            QCOMPARE(reinterpret_cast<std::uintptr_t>(p) % 64, std::uintptr_t(0));
            QVERIFY(std::all_of(p, p + n, [](float v) { return v == 0.0f; }));
            // The whole extent is writable.
            p[0] = 1.0f;
            p[n - 1] = 2.0f;
            QCOMPARE(a[n - 1], 2.0f);
        }
        Array<double> d = Array<double>::allocate({9, 2, 1});
        QCOMPARE(reinterpret_cast<std::uintptr_t>(d.host_data()) % 64, std::uintptr_t(0));
        QVERIFY(std::all_of(d.host_data(), d.host_data() + 18, [](double v) { return v == 0.0; }));
    }

    void alias_writes_through_and_does_not_own() {
        std::vector<float> buffer(12, 1.0f);
        {
            Array<float> a = Array<float>::alias(buffer.data(), {4, 3, 1});
            QVERIFY(a.bound());
            QVERIFY(!a.owns_memory());
            QVERIFY(a.host_data() == buffer.data());
            QCOMPARE(a.size(), int64_t(12));
            a[5] = 7.0f;
            QCOMPARE(buffer[5], 7.0f);
            buffer[6] = -3.0f;
            QCOMPARE(a[6], -3.0f);
            Array<float> copy = a;
            copy[0] = 4.0f;
            QCOMPARE(buffer[0], 4.0f);
        }
        // The arrays are gone; had they freed the buffer, writing to it and the vector's own
        // destructor would corrupt the heap.
        buffer[11] = 5.0f;
        QCOMPARE(buffer[11], 5.0f);
    }

    void device_array_refuses_host_access() {
        float dummy = 0.0f;
        Array<float> d = Array<float>::alias(&dummy, {1, 1, 1}, MemorySpace::Device);
        QVERIFY(d.space() == MemorySpace::Device);
        QVERIFY(d.device_data() == &dummy);
        QString m = error_message([&] { d.host_data(); });
        QVERIFY2(m.contains("device") && m.contains("host_data"), qPrintable(m));
        m = error_message([&] { d[0] = 1.0f; });
        QVERIFY2(m.contains("device"), qPrintable(m));
        Array<float> h = Array<float>::alias(&dummy, {1, 1, 1});
        m = error_message([&] { h.device_data(); });
        QVERIFY2(m.contains("host") && m.contains("device_data"), qPrintable(m));
    }

    void device_allocation_without_gpu_throws_error() {
        bool have_cuda_device = false;
        for (const DeviceInfo& info : available_devices())
            have_cuda_device = have_cuda_device || info.kind == DeviceKind::Cuda;
        if (have_cuda_device) {
            Array<float> a = Array<float>::allocate({8, 8, 8}, MemorySpace::Device);
            QVERIFY(a.bound() && a.owns_memory() && a.space() == MemorySpace::Device);
            QVERIFY(!error_message([&] { a.host_data(); }).isEmpty());
            return;
        }
        // Either the build has no CUDA backend, or cudaMalloc fails for want of a driver: both
        // must surface as radon::Error naming CUDA, never as a crash or a foreign exception.
        const QString m = error_message([] {
            Array<float>::allocate({8, 8, 8}, MemorySpace::Device);
        });
        QVERIFY2(!m.isEmpty(), "device allocation did not throw radon::Error");
        QVERIFY2(m.contains("CUDA"), qPrintable(m));
    }

    // ---------------------------------------------------------------- Devices

    void devices_list_cpu_first() {
        const std::vector<DeviceInfo> devices = available_devices();
        QVERIFY(!devices.empty());
        QVERIFY(devices.front().kind == DeviceKind::Cpu);
        QVERIFY(!devices.front().name.empty());
        for (std::size_t i = 1; i < devices.size(); ++i) {
            QVERIFY(devices[i].kind == DeviceKind::Cuda);
        }
        // The reason is empty exactly when a CUDA device is listed.
        const std::string reason = cuda_unavailable_reason();
        QCOMPARE(reason.empty(), devices.size() > 1);
        if (!built_with_cuda()) {
            QCOMPARE(devices.size(), std::size_t(1));
            QVERIFY(!reason.empty());
        }
        if (devices.size() == 1) qDebug("no CUDA device: %s", reason.c_str());
    }

    void parse_device_kind_names() {
        QVERIFY(parse_device_kind("cpu") == DeviceKind::Cpu);
        QVERIFY(parse_device_kind("cuda") == DeviceKind::Cuda);
        QCOMPARE(QString(to_string(DeviceKind::Cpu)), QString("cpu"));
        QCOMPARE(QString(to_string(DeviceKind::Cuda)), QString("cuda"));
        const QString m = invalid_argument_message([] { parse_device_kind("gpu"); });
        QVERIFY2(m.contains("gpu") && m.contains("cpu") && m.contains("cuda"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestGeometry);
#include "test_geometry.moc"
