#include <QtTest>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/core/error.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/test_registry.h"

using namespace radon;
using namespace radon::recon;

namespace {

Ellipsoid make_ellipsoid(Vec3 center, Vec3 semi_axes, double value, std::string label,
                         Mat3 rotation = Mat3::identity()) {
    Ellipsoid e;
    e.center = center;
    e.semi_axes = semi_axes;
    e.rotation = rotation;
    e.value = value;
    e.label = std::move(label);
    return e;
}

EllipsoidPhantom single(const Ellipsoid& e) {
    return EllipsoidPhantom("single", {e});
}

// A missing label fails the running test and yields an ellipsoid far away from everything.
const Ellipsoid& find(const EllipsoidPhantom& phantom, const std::string& label) {
    for (const Ellipsoid& e : phantom.ellipsoids())
        if (e.label == label) return e;
    QTest::qFail(qPrintable(QString("no ellipsoid labelled ") + label.c_str()), __FILE__, __LINE__);
    static const Ellipsoid missing = [] {
        Ellipsoid e;
        e.center = {1e9, 1e9, 1e9};
        e.label = "<missing>";
        return e;
    }();
    return missing;
}

// The definition from the header, written out independently of the implementation:
// |diag(1/semi_axes) * R^T * (p - c)|^2, <= 1 inside.
double unit_radius_squared(const Ellipsoid& e, Vec3 p) {
    const Vec3 local = transpose(e.rotation) * (p - e.center);
    double s = 0;
    for (int i = 0; i < 3; ++i)
        s += (local[i] / e.semi_axes[i]) * (local[i] / e.semi_axes[i]);
    return s;
}

// Points on the surface: the six ends of the axes and a near-uniform spiral of directions.
std::vector<Vec3> surface_points(const Ellipsoid& e, int spiral = 2000) {
    std::vector<Vec3> dirs = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    const double golden = kPi * (3.0 - std::sqrt(5.0));
    for (int i = 0; i < spiral; ++i) {
        const double z = 1.0 - 2.0 * (i + 0.5) / spiral;
        const double r = std::sqrt(1.0 - z * z);
        dirs.push_back({r * std::cos(golden * i), r * std::sin(golden * i), z});
    }
    std::vector<Vec3> points;
    for (const Vec3& d : dirs) {
        const Vec3 scaled{d.x * e.semi_axes.x, d.y * e.semi_axes.y, d.z * e.semi_axes.z};
        points.push_back(e.center + e.rotation * scaled);
    }
    return points;
}

double max_semi_axis(const Ellipsoid& e) {
    return std::max(e.semi_axes.x, std::max(e.semi_axes.y, e.semi_axes.z));
}

double distance_to_segment(Vec3 p, Vec3 a, Vec3 b) {
    const Vec3 d = b - a;
    const double t = std::clamp(dot(p - a, d) / dot(d, d), 0.0, 1.0);
    return norm(p - (a + t * d));
}

// Midpoint rule for the integral of value_at along a -> b with steps of at most `step` mm.
double quadrature(const EllipsoidPhantom& phantom, Vec3 a, Vec3 b, double step) {
    const double length = norm(b - a);
    const int64_t n = static_cast<int64_t>(std::ceil(length / step));
    const double h = length / n;
    double sum = 0;
    for (int64_t s = 0; s < n; ++s)
        sum += phantom.value_at(a + ((s + 0.5) / n) * (b - a));
    return sum * h;
}

// Midpoint-rule error bound: within one step the integrand of an ellipsoid is wrong only on the
// part of the step between a boundary crossing and the sample, at most h/2, and a line crosses
// an ellipsoid's surface at most twice. An ellipsoid whose bounding sphere the segment does not
// reach contributes nothing.
double quadrature_bound(const EllipsoidPhantom& phantom, Vec3 a, Vec3 b, double step) {
    double bound = 0;
    for (const Ellipsoid& e : phantom.ellipsoids())
        if (distance_to_segment(e.center, a, b) <= max_semi_axis(e)) bound += std::fabs(e.value);
    return bound * step + 1e-9;
}

double mean_relative(const Volume& v) {
    const float* p = v.voxels.host_data();
    double sum = 0;
    for (int64_t i = 0; i < v.voxels.size(); ++i)
        sum += p[i];
    return 1.0 + sum / v.voxels.size() / 1000.0;
}

// An ellipsoid's surface area from the p = 1.6075 power-mean formula, whose relative error is
// below 1.061 %, raised by 1.1 % so that it bounds the true area.
double surface_area_bound(const Ellipsoid& e) {
    const double p = 1.6075;
    const double ap = std::pow(e.semi_axes.x, p), bp = std::pow(e.semi_axes.y, p),
                 cp = std::pow(e.semi_axes.z, p);
    return 1.011 * 4 * kPi * std::pow((ap * bp + ap * cp + bp * cp) / 3, 1 / p);
}

// Bound on |voxel mean - exact mean| for ellipsoids inside the grid's box, each cell sampled at
// its centre (or sub-cell centres). A cell whose centre is inside gets wrong only its part
// outside, which is within half a cell diagonal r of the centre and so within r of the surface;
// likewise the other way round. Cells do not overlap, so the error is at most |value| times the
// volume within r of the surface: for a convex body at most 2 S r + M r^2 + 4/3 pi r^3
// (Steiner), with the mean-curvature integral M at most that of the ball of the largest
// semi-axis a, 4 pi a.
double voxel_mean_bound(const EllipsoidPhantom& phantom, double cell_diagonal, double box_volume) {
    const double r = 0.5 * cell_diagonal;
    double bound = 0;
    for (const Ellipsoid& e : phantom.ellipsoids()) {
        const double a = max_semi_axis(e);
        const double shell =
            2 * surface_area_bound(e) * r + 4 * kPi * a * r * r + 4.0 / 3.0 * kPi * r * r * r;
        bound += std::fabs(e.value) * shell;
    }
    return bound / box_volume;
}

double ellipsoid_volume(const Ellipsoid& e) {
    return 4.0 / 3.0 * kPi * e.semi_axes.x * e.semi_axes.y * e.semi_axes.z;
}

}  // namespace

class TestPhantom : public QObject {
    Q_OBJECT

  private slots:
    void chordThroughCentre() {
        const double r = 25, v = 1.5;
        const auto p = single(make_ellipsoid({10, -20, 5}, {r, r, r}, v, "ball"));
        QCOMPARE(p.line_integral({-200, -20, 5}, {200, -20, 5}), 2 * r * v);
        // Any direction through the centre, and either way along the segment.
        const Vec3 dir = normalized(Vec3{1, -2, 3});
        const Vec3 a = Vec3{10, -20, 5} - 300 * dir, b = Vec3{10, -20, 5} + 200 * dir;
        QVERIFY(std::fabs(p.line_integral(a, b) - 2 * r * v) < 1e-12 * r);
        QVERIFY(std::fabs(p.line_integral(b, a) - 2 * r * v) < 1e-12 * r);
    }

    void chordOffCentre() {
        const double r = 25, v = 0.8;
        const auto p = single(make_ellipsoid({0, 0, 0}, {r, r, r}, v, "ball"));
        for (double d : {0.0, 3.0, 10.0, 17.5, 24.0, 24.99}) {
            const double expected = 2 * std::sqrt(r * r - d * d) * v;
            const double got = p.line_integral({-100, d, 0}, {100, d, 0});
            QVERIFY2(std::fabs(got - expected) < 1e-9, qPrintable(QString::number(d)));
            // Offset along two axes at once.
            const double got2 = p.line_integral({d * 0.6, -100, d * 0.8}, {d * 0.6, 100, d * 0.8});
            QVERIFY2(std::fabs(got2 - expected) < 1e-9, qPrintable(QString::number(d)));
        }
    }

    void tangentAndMissGiveZero() {
        const double r = 25;
        const auto p = single(make_ellipsoid({0, 0, 0}, {r, r, r}, 2.0, "ball"));
        // Tangent: the chord has zero length. Rounding of 1 - |closest|^2 leaves at most
        // sqrt(eps) * r of chord.
        QVERIFY(std::fabs(p.line_integral({-100, r, 0}, {100, r, 0})) < 1e-6);
        QVERIFY(std::fabs(p.line_integral({r, -100, 0}, {r, 100, 0})) < 1e-6);
        QCOMPARE(p.line_integral({-100, r + 1e-6, 0}, {100, r + 1e-6, 0}), 0.0);
        QCOMPARE(p.line_integral({-100, 2 * r, 3}, {100, 2 * r, -3}), 0.0);
        // The line would cross, but the segment stops short of it or starts beyond it.
        QCOMPARE(p.line_integral({-100, 0, 0}, {-r - 1, 0, 0}), 0.0);
        QCOMPARE(p.line_integral({r + 1, 0, 0}, {100, 0, 0}), 0.0);
        // A degenerate segment.
        QCOMPARE(p.line_integral({0, 0, 0}, {0, 0, 0}), 0.0);
    }

    void segmentEndingInside() {
        const double r = 20, v = 1.25;
        const Vec3 c{5, 6, 7};
        const auto p = single(make_ellipsoid(c, {r, r, r}, v, "ball"));
        QVERIFY(std::fabs(p.line_integral(c + Vec3{-80, 0, 0}, c) - r * v) < 1e-12);
        QVERIFY(std::fabs(p.line_integral(c, c + Vec3{0, 0, 80}) - r * v) < 1e-12);
        QVERIFY(std::fabs(p.line_integral(c + Vec3{-80, 0, 0}, c + Vec3{8, 0, 0}) - (r + 8) * v) <
                1e-12);
        // Both ends inside: the whole segment counts.
        const Vec3 a = c + Vec3{-3, 4, 1}, b = c + Vec3{6, -2, 5};
        QVERIFY(std::fabs(p.line_integral(a, b) - norm(b - a) * v) < 1e-12);
    }

    void rotatedEllipsoid() {
        const Vec3 semi{30, 12, 6};
        const Mat3 rot = rotation_z(0.4) * rotation_x(0.7) * rotation_y(-1.1);
        const Vec3 c{-15, 40, 22};
        const double v = 0.9;
        const auto p = single(make_ellipsoid(c, semi, v, "tilted", rot));
        const Vec3 e0 = rot.column(0), e1 = rot.column(1), e2 = rot.column(2);
        // Along each own axis through the centre: the full axis.
        for (int axis = 0; axis < 3; ++axis) {
            const Vec3 d = rot.column(axis);
            QVERIFY(std::fabs(p.line_integral(c - 100 * d, c + 100 * d) - 2 * semi[axis] * v) <
                    1e-10);
        }
        // Along the first axis, offset along the second by d: a chord of the ellipse with
        // semi-axes 30 and 12, 2 * 30 * sqrt(1 - d^2 / 12^2).
        for (double d : {2.0, 6.0, 11.0}) {
            const Vec3 o = c + d * e1;
            const double expected = 2 * semi.x * std::sqrt(1 - d * d / (semi.y * semi.y)) * v;
            QVERIFY(std::fabs(p.line_integral(o - 80 * e0, o + 80 * e0) - expected) < 1e-10);
        }
        // Along the third axis, offset along the first by d: 2 * 6 * sqrt(1 - d^2 / 30^2).
        const double d = 21;
        const Vec3 o = c + d * e0;
        const double expected = 2 * semi.z * std::sqrt(1 - d * d / (semi.x * semi.x)) * v;
        QVERIFY(std::fabs(p.line_integral(o - 80 * e2, o + 80 * e2) - expected) < 1e-10);
    }

    void lineIntegralMatchesQuadrature_data() {
        QTest::addColumn<QString>("which");
        QTest::newRow("shepp-logan") << "shepp-logan";
        QTest::newRow("thorax") << "thorax";
    }

    void lineIntegralMatchesQuadrature() {
        QFETCH(QString, which);
        const bool head = which == "shepp-logan";
        const auto phantom = head ? shepp_logan_phantom({90, 110, 100}) : thorax_phantom();
        const Vec3 box = head ? Vec3{130, 130, 130} : Vec3{180, 130, 170};
        std::mt19937 rng(head ? 7 : 11);
        std::uniform_real_distribution<double> u(-1, 1);
        const double step = 0.025;
        double worst_ratio = 0;
        for (int s = 0; s < 12; ++s) {
            // Endpoints anywhere in a box around the phantom: many start or end inside it.
            const Vec3 a{box.x * u(rng), box.y * u(rng), box.z * u(rng)};
            const Vec3 b{box.x * u(rng), box.y * u(rng), box.z * u(rng)};
            const double exact = phantom.line_integral(a, b);
            const double numeric = quadrature(phantom, a, b, step);
            const double bound = quadrature_bound(phantom, a, b, step);
            worst_ratio = std::max(worst_ratio, std::fabs(exact - numeric) / bound);
            QVERIFY2(std::fabs(exact - numeric) <= bound,
                     qPrintable(QString("segment %1: exact %2, quadrature %3, bound %4")
                                    .arg(s)
                                    .arg(exact, 0, 'g', 12)
                                    .arg(numeric, 0, 'g', 12)
                                    .arg(bound)));
        }
        qDebug("%s: worst |exact - quadrature| is %.3f of the step bound", qPrintable(which),
               worst_ratio);
    }

    void voxelMeanMatchesVolumeWeightedMean() {
        // The whole head fits in the grid's box, so the exact mean is a sum over ellipsoids.
        const auto phantom = shepp_logan_phantom({80, 100, 90});
        const Vec3 spacing{4, 4, 5};
        const VolumeGrid grid = centered_grid({50, 60, 44}, spacing);
        const double box_volume = 200.0 * 240.0 * 220.0;
        double exact = 0;
        for (const Ellipsoid& e : phantom.ellipsoids())
            exact += e.value * ellipsoid_volume(e);
        exact /= box_volume;

        const double diagonal = norm(spacing);
        double error[2] = {0, 0};
        const int ss[2] = {1, 4};
        for (int t = 0; t < 2; ++t) {
            const Volume v = phantom.voxelize_hu(grid, ss[t]);
            QCOMPARE(v.unit, VoxelUnit::Hounsfield);
            error[t] = std::fabs(mean_relative(v) - exact);
            const double bound = voxel_mean_bound(phantom, diagonal / ss[t], box_volume);
            qDebug("supersampling %d: mean %.6f, exact %.6f, error %.2e, bound %.2e", ss[t],
                   mean_relative(v), exact, error[t], bound);
            QVERIFY(error[t] <= bound);
        }
        QVERIFY(error[1] < error[0]);
    }

    void supersamplingGivesCoveredFraction() {
        // A ball so large that across one voxel its surface is a plane, 0.3 voxel from the
        // centre of voxel 1 along one axis: that voxel is 20 % covered. Ten sub-samples per
        // axis sit at offsets -0.45, -0.35, ..., 0.45, two of which lie beyond 0.3.
        const double big = 1e6;
        for (int axis = 0; axis < 3; ++axis) {
            Vec3 c{0, 0, 0};
            c[axis] = big + 0.3;
            const auto p = single(make_ellipsoid(c, {big, big, big}, 1.0, "plane"));
            const VolumeGrid grid = centered_grid({3, 3, 3}, {1, 1, 1});
            const Volume v = p.voxelize_hu(grid, 10);
            const float* data = v.voxels.host_data();
            for (int64_t step = 0; step < 3; ++step) {
                std::array<int64_t, 3> ijk{1, 1, 1};
                ijk[axis] = step;
                const float got = data[ijk[0] + 3 * (ijk[1] + 3 * ijk[2])];
                const double want[3] = {-1000, -800, 0};
                QVERIFY2(std::fabs(got - want[step]) < 1e-3,
                         qPrintable(QString("axis %1 voxel %2: %3").arg(axis).arg(step).arg(got)));
            }
            // The centre sample alone sees voxel 1 as empty.
            QCOMPARE(p.voxelize_hu(grid, 1).voxels.host_data()[13], -1000.0f);
        }
    }

    void sheppLoganValuesAndOrientation() {
        const Vec3 half{90, 110, 100};
        const auto p = shepp_logan_phantom(half);
        QCOMPARE(p.ellipsoids().size(), size_t(10));
        QVERIFY(std::fabs(p.value_at({0, 0, 0}) - 1.02) < 1e-12);
        // Between the brain (0.88) and the skull's outer surface (0.9) along z: skull only.
        QVERIFY(std::fabs(p.value_at({0, 0, 0.89 * half.z}) - 2.0) < 1e-12);
        QCOMPARE(p.value_at({0, 0, 0.95 * half.z}), 0.0);
        // Ventricles cancel the brain's 0.02 above water.
        QVERIFY(std::fabs(p.value_at(find(p, "c_right_ventricle").center) - 1.0) < 1e-12);
        // Orientation in LPS: the right ventricle on the patient's right (-x), the large
        // ellipsoid e anterior (-y), the top features superior (+z).
        QVERIFY(find(p, "c_right_ventricle").center.x < 0);
        QVERIFY(find(p, "d_left_ventricle").center.x > 0);
        QVERIFY(find(p, "e_anterior_ellipsoid").center.y < 0);
        QVERIFY(find(p, "g_posterior_right_ellipsoid").center.y > 0);
        QVERIFY(find(p, "j_superior_anterior_ellipsoid").center.z > 0);
        QVERIFY(std::fabs(relative_attenuation_to_hu(p.value_at({0, 0, 0})) - 20) < 1e-9);
        // Along the z axis only the skull and the brain are met: 2.0 over 2 * 0.9 * hz and
        // -0.98 over 2 * 0.88 * hz.
        const double along_z = p.line_integral({0, 0, -300}, {0, 0, 300});
        QVERIFY(std::fabs(along_z - (2.0 * 1.8 - 0.98 * 1.76) * half.z) < 1e-9);
    }

    void sheppLoganAnisotropicScalingIsExact() {
        // The tilted ventricles under uneven scaling: a point of the [-1,1]^3 frame is inside
        // the table's ellipse exactly when its image in mm is inside the built ellipsoid.
        struct Row {
            const char* label;
            double x, y, z, a, b, c, theta_deg;
        };
        const Row rows[] = {{"c_right_ventricle", -0.22, 0, -0.25, 0.41, 0.16, 0.21, 108},
                            {"d_left_ventricle", 0.22, 0, -0.25, 0.31, 0.11, 0.22, 72}};
        const Vec3 half{70, 120, 95};
        const auto p = shepp_logan_phantom(half);
        std::mt19937 rng(3);
        std::uniform_real_distribution<double> u(-0.5, 0.5);
        for (const Row& r : rows) {
            const Ellipsoid& e = find(p, r.label);
            const double th = deg_to_rad(r.theta_deg);
            int inside = 0;
            for (int s = 0; s < 20000; ++s) {
                const Vec3 q{r.x + u(rng), r.y + u(rng), r.z + 0.5 * u(rng)};
                const double dx = q.x - r.x, dy = q.y - r.y, dz = q.z - r.z;
                const double lx = std::cos(th) * dx + std::sin(th) * dy;
                const double ly = -std::sin(th) * dx + std::cos(th) * dy;
                const double table =
                    (lx / r.a) * (lx / r.a) + (ly / r.b) * (ly / r.b) + (dz / r.c) * (dz / r.c);
                if (std::fabs(table - 1) < 1e-9) continue;
                const Vec3 world{half.x * q.x, -half.y * q.y, half.z * q.z};
                const double built = unit_radius_squared(e, world);
                QVERIFY2((table <= 1) == (built <= 1), r.label);
                QVERIFY(std::fabs(table - built) < 1e-9);
                inside += table <= 1;
            }
            QVERIFY(inside > 1000);  // the test did probe the inside
        }
    }

    void thoraxHuAtKnownPoints() {
        const auto p = thorax_phantom();
        auto hu = [&](Vec3 w) { return relative_attenuation_to_hu(p.value_at(w)); };
        auto near = [](double got, double want) { return std::fabs(got - want) < 1e-6; };
        QVERIFY(near(hu(find(p, "lung_right").center), -850));
        QVERIFY(near(hu(find(p, "lung_left").center), -850));
        QVERIFY(near(hu(find(p, "vertebral_body_T6").center), 700));
        QVERIFY(near(hu(find(p, "spinal_canal_T6").center), 20));
        QVERIFY(near(hu(find(p, "heart").center), 45));
        QVERIFY(near(hu(find(p, "aorta_descending").center), 50));
        QVERIFY(near(hu(find(p, "sternum").center), 700));
        for (const char* n : {"nodule_right_upper", "nodule_right_lower", "nodule_left_upper",
                              "nodule_left_lower"}) {
            QVERIFY2(near(hu(find(p, n).center), 30), n);
        }
        QVERIFY(near(hu({0, -60, 100}), 40));     // anterior mediastinum, soft tissue
        QVERIFY(near(hu({0, -110, 0}), -100));    // subcutaneous fat in front of the sternum
        QVERIFY(near(hu({170, 170, 0}), -1000));  // air in the corner of the field of view
        QVERIFY(near(hu({0, -150, 100}), -1000));
        QVERIFY(near(hu({-172, 0, -160}), -1000));
        // Ribs: bone along each segment's axis (one to three overlapping segments), and the
        // lung a little way inside the rib cage.
        int rib_segments = 0;
        for (const Ellipsoid& e : p.ellipsoids()) {
            if (e.label.rfind("rib_", 0) != 0) continue;
            ++rib_segments;
            const double axis_hu = hu(e.center);
            QVERIFY2(axis_hu > 350 && axis_hu < 1200, e.label.c_str());
        }
        QVERIFY(rib_segments > 12 * 2 * 5);
        const Ellipsoid* lateral = nullptr;
        for (const Ellipsoid& e : p.ellipsoids())
            if (e.label.rfind("rib_T6_right_", 0) == 0 &&
                (!lateral || e.center.x < lateral->center.x))
                lateral = &e;
        QVERIFY(lateral);
        QVERIFY(near(hu(lateral->center + Vec3{10, 0, 0}), 40));  // intercostal soft tissue
        QVERIFY(near(hu(lateral->center + Vec3{25, 0, 0}), -850));
    }

    void thoraxStructuresContained() {
        const auto p = thorax_phantom();
        const Ellipsoid& body = find(p, "body");
        const Ellipsoid& soft = find(p, "soft_tissue");
        for (const Ellipsoid& e : p.ellipsoids()) {
            if (e.label == "body") continue;
            for (const Vec3& q : surface_points(e, 500)) {
                QVERIFY2(unit_radius_squared(body, q) < 1, e.label.c_str());
                // Everything else sits in soft tissue, so its target HU is what it shows.
                if (e.label != "soft_tissue") {
                    QVERIFY2(unit_radius_squared(soft, q) < 1, e.label.c_str());
                }
            }
        }
        int nodules = 0;
        for (const Ellipsoid& e : p.ellipsoids()) {
            if (e.label.rfind("nodule_", 0) != 0) continue;
            ++nodules;
            const Ellipsoid& lung =
                find(p, e.label.find("_right_") != std::string::npos ? "lung_right" : "lung_left");
            for (const Vec3& q : surface_points(e))
                QVERIFY2(unit_radius_squared(lung, q) < 1, e.label.c_str());
            const double diameter = 2 * e.semi_axes.x;
            QVERIFY(diameter >= 5 && diameter <= 15);
        }
        QVERIFY(nodules >= 3 && nodules <= 5);
        // Each spinal canal lies within its vertebral arch.
        for (int level = 1; level <= 12; ++level) {
            const std::string t = "T" + std::to_string(level);
            const Ellipsoid& arch = find(p, "vertebral_arch_" + t);
            for (const Vec3& q : surface_points(find(p, "spinal_canal_" + t), 500))
                QVERIFY2(unit_radius_squared(arch, q) < 1, t.c_str());
        }
        // The trunk covers the grid's whole z range and leaves air at the sides.
        QVERIFY(body.semi_axes.z > 2 * 166.25);
        QVERIFY(body.semi_axes.x < 180 && body.semi_axes.y < 180);
    }

    void thoraxOrgansDoNotOverlap() {
        // Organs that touch would add their contrasts and show neither CT number. Two convex
        // bodies that overlap by more than the spacing of the surface samples have a sample of
        // one inside the other.
        const auto p = thorax_phantom();
        auto group = [](const std::string& label) -> std::string {
            for (const char* prefix : {"rib_", "vertebral_body_", "vertebral_arch_"})
                if (label.rfind(prefix, 0) == 0) return prefix;
            return label;
        };
        const std::vector<std::pair<std::string, std::string>> apart = {
            {"lung_right", "heart"},
            {"lung_left", "heart"},
            {"lung_right", "rib_"},
            {"lung_left", "rib_"},
            {"lung_left", "aorta_descending"},
            {"lung_right", "vertebral_body_"},
            {"lung_left", "vertebral_body_"},
            {"heart", "rib_"},
            {"heart", "sternum"},
            {"heart", "aorta_descending"},
            {"aorta_descending", "vertebral_body_"},
            {"aorta_descending", "rib_"},
            {"vertebral_arch_", "rib_"},
            {"vertebral_body_", "rib_"},
            {"sternum", "rib_"},
            {"lung_right", "lung_left"}};
        for (const auto& [first, second] : apart) {
            for (const Ellipsoid& a : p.ellipsoids()) {
                if (group(a.label) != first) continue;
                for (const Ellipsoid& b : p.ellipsoids()) {
                    if (group(b.label) != second) continue;
                    // Apart bounding spheres cannot overlap.
                    if (norm(a.center - b.center) > max_semi_axis(a) + max_semi_axis(b)) continue;
                    for (const Vec3& q : surface_points(a, 300))
                        QVERIFY2(unit_radius_squared(b, q) > 1,
                                 qPrintable(QString::fromStdString(a.label + " / " + b.label)));
                    for (const Vec3& q : surface_points(b, 300))
                        QVERIFY2(unit_radius_squared(a, q) > 1,
                                 qPrintable(QString::fromStdString(a.label + " / " + b.label)));
                }
            }
        }
    }

    void thoraxVoxelizesQuickly() {
        const auto p = thorax_phantom();
        const VolumeGrid grid = centered_grid({512, 512, 133}, {0.703125, 0.703125, 2.5});
        const auto t0 = std::chrono::steady_clock::now();
        const Volume v = p.voxelize_hu(grid, 1);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        qDebug("thorax 512 x 512 x 133, supersampling 1: %.3f s", seconds);
        const float* data = v.voxels.host_data();
        auto at = [&](int64_t i, int64_t j, int64_t k) { return data[i + 512 * (j + 512 * k)]; };
        QCOMPARE(at(0, 0, 0), -1000.0f);
        QCOMPARE(at(511, 511, 132), -1000.0f);
        // Voxel centres agree with the analytic phantom, here along the central row and column.
        for (int64_t i = 0; i < 512; ++i) {
            const Vec3 w = grid.index_to_world({double(i), 255, 66});
            QCOMPARE(at(i, 255, 66), float(relative_attenuation_to_hu(p.value_at(w))));
            const Vec3 w2 = grid.index_to_world({255, double(i), 66});
            QCOMPARE(at(255, i, 66), float(relative_attenuation_to_hu(p.value_at(w2))));
        }
        const Vec3 lung = grid.world_to_index(find(p, "lung_right").center);
        QVERIFY(std::fabs(at(std::lround(lung.x), std::lround(lung.y), std::lround(lung.z)) + 850) <
                1e-3);
    }

    void voxelizeWithRotatedDirection_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("90 degrees about z") << 0;
        QTest::newRow("oblique") << 1;
        QTest::newRow("flipped axis") << 2;
    }

    void voxelizeWithRotatedDirection() {
        QFETCH(int, which);
        const auto p = shepp_logan_phantom({93.7, 101.3, 87.9});
        VolumeGrid grid;
        grid.size = {40, 46, 34};
        grid.spacing = {5.1, 4.7, 5.3};
        if (which == 0) {
            grid.direction = Mat3::from_columns({0, 1, 0}, {-1, 0, 0}, {0, 0, 1});
        } else if (which == 1) {
            grid.direction = rotation_z(0.35) * rotation_y(-0.6) * rotation_x(0.2);
        } else {
            grid.direction = Mat3::from_columns({0, 0, -1}, {1, 0, 0}, {0, 1, 0});
        }
        // Put the grid's centre near the world origin, off by a fraction of a voxel.
        const Vec3 half_index{(grid.size[0] - 1) * 0.5, (grid.size[1] - 1) * 0.5,
                              (grid.size[2] - 1) * 0.5};
        grid.origin = Vec3{0.37, -0.81, 1.13} - (grid.index_to_world(half_index) - grid.origin);

        const Volume v = p.voxelize_hu(grid, 1);
        const float* data = v.voxels.host_data();
        int64_t mismatches = 0, skull = 0;
        for (int64_t k = 0; k < grid.size[2]; ++k)
            for (int64_t j = 0; j < grid.size[1]; ++j)
                for (int64_t i = 0; i < grid.size[0]; ++i) {
                    const Vec3 w = grid.index_to_world({double(i), double(j), double(k)});
                    const double want = relative_attenuation_to_hu(p.value_at(w));
                    const float got = data[i + grid.size[0] * (j + grid.size[1] * k)];
                    if (std::fabs(got - want) > 1e-3) ++mismatches;
                    skull += want > 900;
                }
        QCOMPARE(mismatches, int64_t(0));
        QVERIFY(skull > 100);  // the comparison covered structure, not only air
    }

    void badInputsThrow() {
        const double bad[] = {0.0, -2.0, std::nan(""), HUGE_VAL};
        for (int axis = 0; axis < 3; ++axis)
            for (double b : bad) {
                Vec3 semi{10, 10, 10};
                semi[axis] = b;
                try {
                    EllipsoidPhantom("p", {make_ellipsoid({0, 0, 0}, semi, 1, "left_kidney")});
                    QFAIL("a bad semi-axis was accepted");
                } catch (const InvalidArgument& e) {
                    const QString msg = e.what();
                    QVERIFY2(msg.contains("left_kidney"), e.what());
                    QVERIFY2(msg.contains("semi-axis"), e.what());
                    QVERIFY2(msg.contains(QString::number(b)), e.what());
                }
            }
        const auto p = single(make_ellipsoid({0, 0, 0}, {10, 10, 10}, 1, "ball"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 p.voxelize_hu(centered_grid({4, 4, 4}, {1, 1, 1}), 0));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 p.voxelize_hu(centered_grid({0, 4, 4}, {1, 1, 1}), 1));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, shepp_logan_phantom({0, 100, 100}));
        Mat3 sheared = Mat3::identity();
        sheared.m[0][1] = 0.5;
        QVERIFY_THROWS_EXCEPTION(
            InvalidArgument,
            EllipsoidPhantom("p", {make_ellipsoid({0, 0, 0}, {1, 1, 1}, 1, "sheared", sheared)}));
    }
};

RADON_TEST_CLASS(TestPhantom);
#include "test_phantom.moc"
