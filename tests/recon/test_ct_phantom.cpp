// The Shepp-Logan phantoms in both contrasts against the published tables, and their analytic
// CT projections against closed forms written here independently of the implementation: the
// Radon transform of an ellipse (Kak & Slaney 1988, eq. 3.32), the chord of a sphere and of an
// axis-aligned ellipsoid, the parallel beam as the limit of a distant cone, and the symmetry of
// opposite views.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/core/progress.h"
#include "kernels/ct/ct_geometry.h"
#include "recon/phantom/analytic_projections.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/test_registry.h"

using namespace radon;
using namespace radon::recon;

namespace {

// A point of a phantom's [-1, 1] frame in LPS millimetres (image up = anterior = -y).
Vec3 lps(double x, double y, double z, Vec3 half) {
    return {half.x * x, -half.y * y, half.z * z};
}

Ellipsoid make_ellipsoid(Vec3 center, Vec3 semi_axes, double value, Mat3 rotation) {
    Ellipsoid e;
    e.center = center;
    e.semi_axes = semi_axes;
    e.rotation = rotation;
    e.value = value;
    e.label = "test";
    return e;
}

CircularTrajectory trajectory(CtBeam beam, int64_t views, int64_t columns, int64_t rows,
                              double pixel_mm) {
    CircularTrajectory t;
    t.beam = beam;
    t.angles_deg = evenly_spaced_angles(views, 0, 360);
    t.columns = columns;
    t.rows = rows;
    t.pixel_u_mm = pixel_mm;
    t.pixel_v_mm = pixel_mm;
    return t;
}

class CountingSink final : public ProgressSink {
  public:
    void report(double f) override {
        last = f;
        ++calls;
    }
    double last = -1;
    int calls = 0;
};

}  // namespace

class TestCtPhantom : public QObject {
    Q_OBJECT

  private slots:
    // Grey levels of the 2D phantom at points inside exactly one set of ellipses, from the sums
    // of Shepp & Logan's (Kak & Slaney Table 3.1) and Toft's intensities.
    void sheppLogan2dLevels_data() {
        QTest::addColumn<int>("contrast");
        QTest::addColumn<double>("skull");
        QTest::addColumn<double>("brain");
        QTest::addColumn<double>("ventricle");
        QTest::addColumn<double>("feature");
        QTest::newRow("original (Shepp & Logan)")
            << int(SheppLoganContrast::Original) << 2.0 << 1.02 << 1.0 << 1.03;
        QTest::newRow("modified (Toft)")
            << int(SheppLoganContrast::Modified) << 1.0 << 0.2 << 0.0 << 0.3;
    }
    void sheppLogan2dLevels() {
        QFETCH(int, contrast);
        QFETCH(double, skull);
        QFETCH(double, brain);
        QFETCH(double, ventricle);
        QFETCH(double, feature);
        const Vec3 half{96, 120, 0};
        const auto p = shepp_logan_phantom_2d(half.x, half.y, SheppLoganContrast(contrast));
        QCOMPARE(p.ellipsoids().size(), size_t(10));
        auto at = [&](double x, double y, double z_mm = 0) {
            return p.value_at(lps(x, y, 0, half) + Vec3{0, 0, z_mm});
        };
        const double tol = 1e-12;
        QVERIFY(std::fabs(at(0, 0.9) - skull) < tol);  // above the brain (top at 0.8556)
        QVERIFY(std::fabs(at(0.68, 0) - skull) < tol);
        QCOMPARE(at(0, 0.95), 0.0);
        QVERIFY(std::fabs(at(0, 0) - brain) < tol);
        QVERIFY(std::fabs(at(0.22, 0) - ventricle) < tol);
        QVERIFY(std::fabs(at(-0.22, 0) - ventricle) < tol);
        // e, f, g, h, i, j away from each other's edges.
        for (auto xy : {std::pair{0.0, 0.35},
                        {0.0, 0.08},
                        {0.0, -0.1},
                        {-0.08, -0.605},
                        {0.0, -0.606},
                        {0.06, -0.605}})
            QVERIFY2(std::fabs(at(xy.first, xy.second) - feature) < tol,
                     qPrintable(QString("(%1, %2): %3")
                                    .arg(xy.first)
                                    .arg(xy.second)
                                    .arg(at(xy.first, xy.second))));
        // The same section a slice thickness away from z = 0.
        for (double z : {-5.0, 2.5, 5.0})
            QVERIFY(std::fabs(at(0.22, 0, z) - ventricle) < tol);
        // The larger ventricle (minor axis 0.16) on the patient's right (-x): at 0.13 from its
        // centre across the tilt only the right one still covers.
        const double across = 0.13;
        const double c18 = std::cos(deg_to_rad(18)), s18 = std::sin(deg_to_rad(18));
        QVERIFY(std::fabs(at(-0.22 + across * c18, across * s18) - ventricle) < tol);
        QVERIFY(std::fabs(at(0.22 - across * c18, across * s18) - brain) < tol);
    }

    // Every ellipse against Table 3.1 of Kak & Slaney in the book's own columns: centre, major
    // axis, minor axis, angle of the major axis; a point is inside the table's ellipse exactly
    // when its image in LPS is inside the built one.
    void sheppLogan2dMatchesTable() {
        struct Row {
            double x, y, major, minor, angle_deg;
        };
        const Row table[] = {{0, 0, 0.92, 0.69, 90},       {0, -0.0184, 0.874, 0.6624, 90},
                             {0.22, 0, 0.31, 0.11, 72},    {-0.22, 0, 0.41, 0.16, 108},
                             {0, 0.35, 0.25, 0.21, 90},    {0, 0.1, 0.046, 0.046, 0},
                             {0, -0.1, 0.046, 0.046, 0},   {-0.08, -0.605, 0.046, 0.023, 0},
                             {0, -0.606, 0.023, 0.023, 0}, {0.06, -0.605, 0.046, 0.023, 90}};
        const double original[] = {2.0, -0.98, -0.02, -0.02, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01};
        const double toft[] = {1.0, -0.8, -0.2, -0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};
        const Vec3 half{70, 110, 0};
        const auto p = shepp_logan_phantom_2d(half.x, half.y);
        const auto m = shepp_logan_phantom_2d(half.x, half.y, SheppLoganContrast::Modified);
        QCOMPARE(p.name(), std::string("shepp-logan-2d"));
        QCOMPARE(m.name(), std::string("shepp-logan-2d-modified"));
        std::mt19937 rng(5);
        std::uniform_real_distribution<double> u(-1, 1);
        for (int i = 0; i < 10; ++i) {
            const Row& r = table[i];
            const Ellipsoid& e = p.ellipsoids()[i];
            QCOMPARE(e.value, original[i]);
            QCOMPARE(m.ellipsoids()[i].value, toft[i]);
            const double th = deg_to_rad(r.angle_deg);
            const EllipsoidPhantom one("one", {e});
            int inside = 0;
            for (int s = 0; s < 4000; ++s) {
                const double dx = 1.2 * r.major * u(rng), dy = 1.2 * r.major * u(rng);
                const double along = std::cos(th) * dx + std::sin(th) * dy;
                const double across = -std::sin(th) * dx + std::cos(th) * dy;
                const double q =
                    (along / r.major) * (along / r.major) + (across / r.minor) * (across / r.minor);
                if (std::fabs(q - 1) < 1e-9) continue;
                const bool built = one.value_at(lps(r.x + dx, r.y + dy, 0, half)) != 0;
                QVERIFY2(built == (q <= 1), qPrintable(QString("ellipse %1").arg(i)));
                inside += q <= 1;
            }
            QVERIFY(inside > 500);
        }
    }

    // The 3D phantom in both contrasts: Kak & Slaney's intensities (kept as before) and Yu, Ye &
    // Wang's (TIGRE's "yu-ye-wang") on the same ellipsoids.
    void sheppLogan3dContrasts() {
        const Vec3 half{90, 110, 100};
        const auto o = shepp_logan_phantom(half);
        const auto m = shepp_logan_phantom(half, SheppLoganContrast::Modified);
        QCOMPARE(o.name(), std::string("shepp-logan"));
        QCOMPARE(m.name(), std::string("shepp-logan-modified"));
        const double ks[] = {2.0, -0.98, -0.02, -0.02, 0.02, 0.02, 0.01, 0.01, 0.02, -0.02};
        const double yyw[] = {1.0, -0.8, -0.2, -0.2, 0.2, 0.2, 0.1, 0.1, 0.2, -0.2};
        QCOMPARE(m.ellipsoids().size(), size_t(10));
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(o.ellipsoids()[i].value, ks[i]);
            QCOMPARE(m.ellipsoids()[i].value, yyw[i]);
            QCOMPARE(m.ellipsoids()[i].center.x, o.ellipsoids()[i].center.x);
            QCOMPARE(m.ellipsoids()[i].semi_axes.z, o.ellipsoids()[i].semi_axes.z);
        }
        QVERIFY(std::fabs(m.value_at({0, 0, 0}) - 0.2) < 1e-12);
        QVERIFY(std::fabs(m.value_at(lps(-0.22, 0, -0.25, half)) - 0.0) < 1e-12);
        QVERIFY(std::fabs(m.value_at(lps(0, 0.35, -0.1, half)) - 0.4) < 1e-12);  // e only
        QCOMPARE(parse_shepp_logan_contrast("modified"), SheppLoganContrast::Modified);
        QCOMPARE(std::string(to_string(SheppLoganContrast::Original)), std::string("original"));
        try {
            parse_shepp_logan_contrast("toft");
            QFAIL("an unknown contrast was accepted");
        } catch (const InvalidArgument& e) {
            QVERIFY2(QString(e.what()).contains("'original'"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, shepp_logan_phantom_2d(0, 100));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, shepp_logan_phantom_2d(100, NAN));
    }

    // A tilted, off-centre ellipse under a 2D parallel scan against its Radon transform:
    // p(t) = 2 rho A B / a^2 sqrt(a^2 - t^2), a^2 = (A u.e1)^2 + (B u.e2)^2 the squared support
    // half-width along the detector, t the pixel's signed distance from the centre's projection.
    void parallelEllipseMatchesRadonTransform() {
        const double A = 31, B = 12, rho = 0.7, alpha = deg_to_rad(27);
        const Vec3 c{14, -9, 0};
        const Mat3 rot = rotation_z(alpha);
        const EllipsoidPhantom p("ellipse", {make_ellipsoid(c, {A, B, 1e9}, rho, rot)});
        const CtGeometry g = circular_geometry(trajectory(CtBeam::Parallel, 7, 101, 1, 0.9));
        const std::vector<float> stack = analytic_projections(p, g);
        QCOMPARE(int64_t(stack.size()), g.pixel_count());
        double worst = 0, peak = 0;
        int hits = 0;
        for (int64_t v = 0; v < g.view_count(); ++v) {
            const Vec3 uh = normalized(g.views[v].u);
            QVERIFY(std::fabs(dot(uh, normalized(g.views[v].source))) < 1e-12);
            const double a2 =
                std::pow(A * dot(uh, rot.column(0)), 2) + std::pow(B * dot(uh, rot.column(1)), 2);
            for (int64_t col = 0; col < g.columns; ++col) {
                const double t = dot(g.pixel_center(v, double(col), 0) - c, uh);
                const double want = t * t < a2 ? 2 * rho * A * B / a2 * std::sqrt(a2 - t * t) : 0.0;
                worst = std::max(worst, std::fabs(stack[v * g.columns + col] - want));
                peak = std::max(peak, want);
                hits += want > 0;
            }
        }
        // Float storage of values up to 2 rho A = 43 mm: 43 * 2^-24 ~ 3e-6.
        QVERIFY2(worst < 1e-6 * peak, qPrintable(QString("worst %1 of %2").arg(worst).arg(peak)));
        QVERIFY(hits > 100);
    }

    // A sphere under a cone-beam scan: the chord 2 sqrt(r^2 - d^2), d the distance from the
    // centre to the line source -> pixel (the sphere lies between them).
    void coneSphereMatchesChord() {
        const double r = 40, rho = 1.3;
        const Vec3 c{10, -20, 15};
        const EllipsoidPhantom p("sphere", {make_ellipsoid(c, {r, r, r}, rho, Mat3::identity())});
        CircularTrajectory t = trajectory(CtBeam::Cone, 5, 48, 40, 4);
        t.source_offset_u_mm = 20;
        t.detector_offset_v_mm = -15;
        const CtGeometry g = circular_geometry(t);
        const std::vector<float> stack = analytic_projections(p, g);
        double worst = 0;
        int hits = 0;
        for (int64_t v = 0; v < g.view_count(); ++v)
            for (int64_t row = 0; row < g.rows; ++row)
                for (int64_t col = 0; col < g.columns; ++col) {
                    const Vec3 s = g.views[v].source;
                    const Vec3 d = normalized(g.pixel_center(v, double(col), double(row)) - s);
                    const double dist = norm(cross(c - s, d));
                    const double want = dist < r ? 2 * rho * std::sqrt(r * r - dist * dist) : 0;
                    const float got = stack[(v * g.rows + row) * g.columns + col];
                    worst = std::max(worst, std::fabs(got - want));
                    hits += want > 0;
                }
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));  // values up to 104 mm
        QVERIFY(hits > 500);
    }

    // An axis-aligned ellipsoid under a 3D parallel beam at angle 0, whose rays run along y:
    // the chord at (x, z) is 2 b sqrt(1 - (x/a)^2 - (z/c)^2).
    void parallel3dEllipsoidMatchesChord() {
        const double a = 30, b = 45, cz = 20, rho = 0.5;
        const EllipsoidPhantom p("ellipsoid",
                                 {make_ellipsoid({0, 0, 0}, {a, b, cz}, rho, Mat3::identity())});
        CircularTrajectory t = trajectory(CtBeam::Parallel, 1, 70, 50, 1);
        t.angles_deg = {0};
        const CtGeometry g = circular_geometry(t);
        const Vec3 d = normalized(g.views[0].source);
        QVERIFY(std::fabs(std::fabs(d.y) - 1) < 1e-12);
        const std::vector<float> stack = analytic_projections(p, g);
        double worst = 0;
        for (int64_t row = 0; row < g.rows; ++row)
            for (int64_t col = 0; col < g.columns; ++col) {
                const Vec3 q = g.pixel_center(0, double(col), double(row));
                const double s = 1 - (q.x / a) * (q.x / a) - (q.z / cz) * (q.z / cz);
                const double want = s > 0 ? 2 * rho * b * std::sqrt(s) : 0;
                worst = std::max(worst, std::fabs(stack[row * g.columns + col] - want));
            }
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
    }

    // A cone whose source is 1000 m away is a parallel beam to within its fan angle: the same
    // rays through the isocentre plane (parallel pixels = cone pixels x SID / SDD) tilt by at
    // most 64 mm / 1e6 mm = 6.4e-5 rad, shifting by at most 0.006 mm inside the phantom.
    void distantConeIsParallel() {
        const Vec3 half{80, 100, 90};
        const auto p = shepp_logan_phantom(half);
        const double sid = 1e6, sdd = sid + 200;
        CircularTrajectory cone = trajectory(CtBeam::Cone, 6, 64, 48, 4);
        cone.source_isocenter_mm = sid;
        cone.source_detector_mm = sdd;
        CircularTrajectory par = cone;
        par.beam = CtBeam::Parallel;
        par.pixel_u_mm = cone.pixel_u_mm * sid / sdd;
        par.pixel_v_mm = cone.pixel_v_mm * sid / sdd;
        const std::vector<float> a = analytic_projections(p, circular_geometry(cone));
        const std::vector<float> b = analytic_projections(p, circular_geometry(par));
        QCOMPARE(a.size(), b.size());
        double diff = 0, sum = 0, worst = 0;
        for (size_t i = 0; i < a.size(); ++i) {
            diff += std::fabs(a[i] - b[i]);
            sum += std::fabs(b[i]);
            worst = std::max(worst, double(std::fabs(a[i] - b[i])));
        }
        // A shift of delta moves a chord by at most 2 rho sqrt(2 R delta) at a tangent (skull:
        // 2 * 2 * sqrt(2 * 92 * 0.006) = 4.2 mm) and by far less elsewhere.
        QVERIFY2(diff < 1e-4 * sum, qPrintable(QString("mean relative %1").arg(diff / sum)));
        QVERIFY2(worst < 4.2, qPrintable(QString::number(worst)));
        QVERIFY(sum > 0);
    }

    // Opposite parallel views see the same lines in reverse, mirrored along the row:
    // p(theta + 180, u) = p(theta, -u). Opposite cone views share only the central ray.
    void oppositeViewsAgree() {
        const auto p2 = shepp_logan_phantom_2d(95, 120);
        const CtGeometry g = circular_geometry(trajectory(CtBeam::Parallel, 8, 257, 1, 0.8));
        const std::vector<float> s = analytic_projections(p2, g);
        double worst = 0, peak = 0;
        for (int64_t v = 0; v < 4; ++v)
            for (int64_t col = 0; col < g.columns; ++col) {
                const float x = s[v * g.columns + col];
                const float y = s[(v + 4) * g.columns + (g.columns - 1 - col)];
                worst = std::max(worst, double(std::fabs(x - y)));
                peak = std::max(peak, double(x));
            }
        QVERIFY2(worst < 1e-6 * peak, qPrintable(QString::number(worst)));
        QVERIFY(peak > 100);

        const auto p3 = shepp_logan_phantom({90, 110, 100}, SheppLoganContrast::Modified);
        const CtGeometry c = circular_geometry(trajectory(CtBeam::Cone, 2, 33, 17, 2));
        const std::vector<float> cs = analytic_projections(p3, c);
        const int64_t centre = 8 * c.columns + 16;
        QVERIFY(cs[centre] > 10);
        QVERIFY(std::fabs(cs[centre] - cs[c.pixels_per_view() + centre]) < 1e-5 * cs[centre]);
    }

    void progressCancelAndBadGeometry() {
        const auto p = shepp_logan_phantom_2d(100, 100);
        const CtGeometry g = circular_geometry(trajectory(CtBeam::Cone, 5, 16, 1, 1));
        CountingSink sink;
        analytic_projections(p, g, {nullptr, &sink});
        QCOMPARE(sink.calls, 5);
        QCOMPARE(sink.last, 1.0);
        CancelToken token;
        token.cancel();
        QVERIFY_THROWS_EXCEPTION(Cancelled, analytic_projections(p, g, {&token, nullptr}));
        CtGeometry empty = g;
        empty.views.clear();
        try {
            analytic_projections(p, empty);
            QFAIL("a geometry without views was accepted");
        } catch (const InvalidArgument& e) {
            QVERIFY2(QString(e.what()).contains("shepp-logan-2d"), e.what());
        }
    }
};

RADON_TEST_CLASS(TestCtPhantom);
#include "test_ct_phantom.moc"
