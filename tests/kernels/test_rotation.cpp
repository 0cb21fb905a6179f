#include <QObject>
#include <QString>
#include <QtTest>

#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "kernels/core/error.h"
#include "kernels/core/vec.h"
#include "kernels/geometry/rotation.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using radon::test::invalid_argument_message;

using namespace radon;

namespace {

double max_abs_diff(const Mat3& a, const Mat3& b) {
    double worst = 0;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            worst = std::max(worst, std::fabs(a.m[i][j] - b.m[i][j]));
    return worst;
}

double max_abs_diff(Vec3 a, Vec3 b) {
    return std::max(std::fabs(a.x - b.x), std::max(std::fabs(a.y - b.y), std::fabs(a.z - b.z)));
}

// Angles are compared modulo a full turn so that pi and -pi + epsilon count as equal.
double angle_diff(double a, double b) {
    return std::fabs(std::remainder(a - b, 2.0 * kPi));
}

QString describe(const Mat3& m) {
    QString s;
    for (int i = 0; i < 3; ++i)
        s += QString("[%1 %2 %3]")
                 .arg(m.m[i][0], 0, 'g', 17)
                 .arg(m.m[i][1], 0, 'g', 17)
                 .arg(m.m[i][2], 0, 'g', 17);
    return s;
}

QString describe(Vec3 v) {
    return QString("(%1, %2, %3)").arg(v.x, 0, 'g', 17).arg(v.y, 0, 'g', 17).arg(v.z, 0, 'g', 17);
}

Mat3 random_rotation(std::mt19937_64& rng) {
    std::normal_distribution<double> gauss(0.0, 1.0);
    // Normalized Gaussian 4-vectors are uniform on the sphere, hence uniform rotations.
    const Quaternion q{gauss(rng), gauss(rng), gauss(rng), gauss(rng)};
    return quaternion_to_matrix(q);
}

Vec3 random_unit_vector(std::mt19937_64& rng) {
    std::normal_distribution<double> gauss(0.0, 1.0);
    return normalized(Vec3{gauss(rng), gauss(rng), gauss(rng)});
}

// Ground truth independent of the matrix code: compose the three axis rotations as unit
// quaternions with the Hamilton product and rotate a vector with q v q*.
struct TestQuat {
    double w, x, y, z;
};

TestQuat hamilton(const TestQuat& a, const TestQuat& b) {
    return {a.w * b.w - a.x * b.x - a.y * b.y - a.z * b.z,
            a.w * b.x + a.x * b.w + a.y * b.z - a.z * b.y,
            a.w * b.y - a.x * b.z + a.y * b.w + a.z * b.x,
            a.w * b.z + a.x * b.y - a.y * b.x + a.z * b.w};
}

TestQuat axis_quat(int axis, double angle) {
    TestQuat q{std::cos(0.5 * angle), 0, 0, 0};
    const double s = std::sin(0.5 * angle);
    if (axis == 0) q.x = s;
    if (axis == 1) q.y = s;
    if (axis == 2) q.z = s;
    return q;
}

Vec3 rotate_by(const TestQuat& q, Vec3 v) {
    const Vec3 u{q.x, q.y, q.z};
    const Vec3 t = 2.0 * cross(u, v);
    return v + q.w * t + cross(u, t);
}

Mat3 outer_minus_identity(Vec3 n) {
    // 2 n n^T - I: the half turn about unit axis n.
    Mat3 r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            r.m[i][j] = 2.0 * n[i] * n[j] - (i == j ? 1.0 : 0.0);
    return r;
}

bool in_documented_range(Vec3 a, const EulerConvention& c) {
    const bool outer = a.x > -kPi && a.x <= kPi && a.z > -kPi && a.z <= kPi;
    const bool middle =
        c.is_proper() ? (a.y >= 0 && a.y <= kPi) : (a.y >= -0.5 * kPi && a.y <= 0.5 * kPi);
    return outer && middle;
}

const char* const kAllNames[12] = {"XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX",
                                   "XYX", "XZX", "YXY", "YZY", "ZXZ", "ZYZ"};

}  // namespace

class TestRotation : public QObject {
    Q_OBJECT

  private slots:
    void parse_accepts_the_twelve_names_in_any_case() {
        const auto& all = all_euler_conventions();
        for (std::size_t n = 0; n < 12; ++n) {
            const std::string name = kAllNames[n];
            QCOMPARE(QString::fromStdString(all[n].name()), QString(kAllNames[n]));
            const EulerConvention parsed = EulerConvention::parse(name);
            QVERIFY(parsed.axes == all[n].axes);
            std::string lower = name;
            for (char& ch : lower)
                ch = static_cast<char>(ch - 'A' + 'a');
            QVERIFY(EulerConvention::parse(lower).axes == all[n].axes);
            std::string mixed = lower;
            mixed[1] = name[1];
            QVERIFY(EulerConvention::parse(mixed).axes == all[n].axes);
            QCOMPARE(all[n].is_proper(), n >= 6u);
        }
        // The default is ZXY, the DiffDRR convention.
        QCOMPARE(QString::fromStdString(EulerConvention{}.name()), QString("ZXY"));
    }

    void parse_rejects_other_names_data() {
        QTest::addColumn<QString>("name");
        for (const char* bad : {"ABC", "XXY", "", "ZX", "XYY", "XYZX", "X Y", "xyw", "ZZZ"})
            QTest::newRow(*bad ? bad : "(empty)") << QString(bad);
    }

    void parse_rejects_other_names() {
        QFETCH(QString, name);
        const QString message =
            invalid_argument_message([&] { EulerConvention::parse(name.toStdString()); });
        QVERIFY2(!message.isEmpty(), "no InvalidArgument thrown");
        QVERIFY2(message.contains("'" + name + "'"), qPrintable(message));
        QVERIFY2(!message.contains('\n'), qPrintable(message));
        for (const char* accepted : kAllNames)
            QVERIFY2(message.contains(accepted), accepted);
    }

    void invalid_hand_built_convention_is_rejected() {
        EulerConvention c;
        c.axes = {0, 0, 1};
        QVERIFY(!invalid_argument_message([&] { euler_to_matrix({0, 0, 0}, c); }).isEmpty());
        QVERIFY(!invalid_argument_message([&] { matrix_to_euler(Mat3::identity(), c); }).isEmpty());
        c.axes = {0, 3, 1};
        QVERIFY(!invalid_argument_message([&] { euler_to_matrix({0, 0, 0}, c); }).isEmpty());
    }

    void euler_closed_form_cases() {
        const double q = 0.5 * kPi;
        // ZYX with a yaw of 90 degrees turns x into y.
        const Mat3 yaw = euler_to_matrix({q, 0, 0}, EulerConvention::parse("ZYX"));
        QVERIFY(max_abs_diff(yaw * Vec3{1, 0, 0}, {0, 1, 0}) < 1e-15);
        // XYZ (0, 0, 90 degrees) is the same turn about z.
        const Mat3 roll_z = euler_to_matrix({0, 0, q}, EulerConvention::parse("XYZ"));
        QVERIFY(max_abs_diff(roll_z, rotation_z(q)) < 1e-15);
        // ZXY (90, 90, 0) = Rz(90) Rx(90): x -> y, y -> z, z -> x.
        const Mat3 zxy = euler_to_matrix({q, q, 0}, EulerConvention::parse("ZXY"));
        QVERIFY(max_abs_diff(zxy * Vec3{1, 0, 0}, {0, 1, 0}) < 1e-15);
        QVERIFY(max_abs_diff(zxy * Vec3{0, 1, 0}, {0, 0, 1}) < 1e-15);
        QVERIFY(max_abs_diff(zxy * Vec3{0, 0, 1}, {1, 0, 0}) < 1e-15);

        // Aerospace yaw-pitch-roll matrix, written out entry by entry.
        const double psi = 0.3, theta = -0.7, phi = 1.9;
        const double cps = std::cos(psi), sps = std::sin(psi), cth = std::cos(theta),
                     sth = std::sin(theta), cph = std::cos(phi), sph = std::sin(phi);
        Mat3 expected;
        expected.m[0][0] = cps * cth;
        expected.m[0][1] = cps * sth * sph - sps * cph;
        expected.m[0][2] = cps * sth * cph + sps * sph;
        expected.m[1][0] = sps * cth;
        expected.m[1][1] = sps * sth * sph + cps * cph;
        expected.m[1][2] = sps * sth * cph - cps * sph;
        expected.m[2][0] = -sth;
        expected.m[2][1] = cth * sph;
        expected.m[2][2] = cth * cph;
        const Mat3 zyx = euler_to_matrix({psi, theta, phi}, EulerConvention::parse("ZYX"));
        QVERIFY2(max_abs_diff(zyx, expected) < 1e-15, qPrintable(describe(zyx)));

        // Classical z-x-z Euler matrix.
        const double al = -2.5, be = 0.8, ga = 2.2;
        const double ca = std::cos(al), sa = std::sin(al), cb = std::cos(be), sb = std::sin(be),
                     cg = std::cos(ga), sg = std::sin(ga);
        expected.m[0][0] = ca * cg - sa * cb * sg;
        expected.m[0][1] = -ca * sg - sa * cb * cg;
        expected.m[0][2] = sa * sb;
        expected.m[1][0] = sa * cg + ca * cb * sg;
        expected.m[1][1] = -sa * sg + ca * cb * cg;
        expected.m[1][2] = -ca * sb;
        expected.m[2][0] = sb * sg;
        expected.m[2][1] = sb * cg;
        expected.m[2][2] = cb;
        const Mat3 zxz = euler_to_matrix({al, be, ga}, EulerConvention::parse("ZXZ"));
        QVERIFY2(max_abs_diff(zxz, expected) < 1e-15, qPrintable(describe(zxz)));
    }

    void euler_to_matrix_matches_quaternion_composition() {
        std::mt19937_64 rng(20240611);
        std::uniform_real_distribution<double> angle(-4.0, 4.0);
        for (const EulerConvention& c : all_euler_conventions()) {
            for (int n = 0; n < 200; ++n) {
                const Vec3 a{angle(rng), angle(rng), angle(rng)};
                const TestQuat q =
                    hamilton(hamilton(axis_quat(c.axes[0], a.x), axis_quat(c.axes[1], a.y)),
                             axis_quat(c.axes[2], a.z));
                const Mat3 r = euler_to_matrix(a, c);
                for (int axis = 0; axis < 3; ++axis) {
                    Vec3 e;
                    e[axis] = 1;
                    QVERIFY2(max_abs_diff(r * e, rotate_by(q, e)) < 1e-14,
                             qPrintable(QString::fromStdString(c.name()) + describe(a)));
                }
            }
        }
    }

    void matrix_euler_matrix_round_trip_random() {
        std::mt19937_64 rng(12345);
        for (const EulerConvention& c : all_euler_conventions()) {
            for (int n = 0; n < 2000; ++n) {
                const Mat3 r = random_rotation(rng);
                const Vec3 a = matrix_to_euler(r, c);
                QVERIFY2(in_documented_range(a, c),
                         qPrintable(QString::fromStdString(c.name()) + describe(a)));
                const Mat3 back = euler_to_matrix(a, c);
                QVERIFY2(max_abs_diff(r, back) < 1e-9,
                         qPrintable(QString::fromStdString(c.name()) + describe(r)));
            }
        }
    }

    void euler_matrix_euler_recovers_canonical_angles() {
        std::mt19937_64 rng(777);
        std::uniform_real_distribution<double> outer(-kPi, kPi);
        for (const EulerConvention& c : all_euler_conventions()) {
            // Stay a little away from gimbal lock, where the angles are not unique.
            const double lo = c.is_proper() ? 1e-3 : -0.5 * kPi + 1e-3;
            const double hi = c.is_proper() ? kPi - 1e-3 : 0.5 * kPi - 1e-3;
            std::uniform_real_distribution<double> middle(lo, hi);
            for (int n = 0; n < 2000; ++n) {
                const Vec3 a{outer(rng), middle(rng), outer(rng)};
                const Vec3 back = matrix_to_euler(euler_to_matrix(a, c), c);
                const QString what =
                    QString::fromStdString(c.name()) + describe(a) + describe(back);
                QVERIFY2(std::fabs(back.y - a.y) < 1e-9, qPrintable(what));
                QVERIFY2(angle_diff(back.x, a.x) < 1e-9, qPrintable(what));
                QVERIFY2(angle_diff(back.z, a.z) < 1e-9, qPrintable(what));
            }
            // The half-open ends: pi stays pi rather than becoming -pi.
            const Vec3 ends{kPi, 0.5 * (lo + hi), kPi};
            const Vec3 back = matrix_to_euler(euler_to_matrix(ends, c), c);
            QVERIFY2(in_documented_range(back, c), qPrintable(describe(back)));
            QVERIFY(angle_diff(back.x, kPi) < 1e-9 && angle_diff(back.z, kPi) < 1e-9);
        }
    }

    void gimbal_lock_puts_the_whole_turn_in_the_first_angle() {
        std::mt19937_64 rng(4242);
        std::uniform_real_distribution<double> outer(-kPi, kPi);
        for (const EulerConvention& c : all_euler_conventions()) {
            const int i = c.axes[0], j = c.axes[1], k = 3 - i - j;
            const double s = ((i + 1) % 3 == j && (j + 1) % 3 == k) ? 1.0 : -1.0;
            const std::array<double, 2> ends = c.is_proper()
                                                   ? std::array<double, 2>{0.0, kPi}
                                                   : std::array<double, 2>{0.5 * kPi, -0.5 * kPi};
            for (double middle : ends) {
                for (int n = 0; n < 200; ++n) {
                    const Vec3 a{outer(rng), middle, outer(rng)};
                    const Mat3 r = euler_to_matrix(a, c);
                    const Vec3 back = matrix_to_euler(r, c);
                    const QString what =
                        QString::fromStdString(c.name()) + describe(a) + describe(back);
                    QVERIFY2(max_abs_diff(euler_to_matrix(back, c), r) < 1e-9, qPrintable(what));
                    QVERIFY2(in_documented_range(back, c), qPrintable(what));
                    QVERIFY2(back.z == 0.0, qPrintable(what));
                    QVERIFY2(std::fabs(back.y - middle) < 1e-12, qPrintable(what));
                    // With the outer axes aligned, the third turn adds to the first one when the
                    // middle turn maps the third axis onto +first axis, and subtracts otherwise.
                    double sign;
                    if (c.is_proper())
                        sign = middle == 0.0 ? 1.0 : -1.0;
                    else
                        sign = middle > 0 ? s : -s;
                    QVERIFY2(angle_diff(back.x, a.x + sign * a.z) < 1e-9, qPrintable(what));
                }
            }
        }
    }

    void near_gimbal_lock_round_trips_the_matrix() {
        std::mt19937_64 rng(99);
        std::uniform_real_distribution<double> outer(-kPi, kPi);
        for (const EulerConvention& c : all_euler_conventions()) {
            const std::array<double, 2> ends = c.is_proper()
                                                   ? std::array<double, 2>{0.0, kPi}
                                                   : std::array<double, 2>{0.5 * kPi, -0.5 * kPi};
            for (double end : ends) {
                for (double delta : {1e-2, 1e-5, 1e-8, 1e-10, 1e-11, 1e-12, 1e-13, 1e-15}) {
                    for (double side : {-1.0, 1.0}) {
                        const Vec3 a{outer(rng), end + side * delta, outer(rng)};
                        const Mat3 r = euler_to_matrix(a, c);
                        const Vec3 back = matrix_to_euler(r, c);
                        const QString what =
                            QString::fromStdString(c.name()) + describe(a) + describe(back);
                        QVERIFY2(in_documented_range(back, c), qPrintable(what));
                        QVERIFY2(max_abs_diff(euler_to_matrix(back, c), r) < 1e-11,
                                 qPrintable(what));
                    }
                }
            }
        }
    }

    void axis_angle_closed_forms() {
        QVERIFY(max_abs_diff(axis_angle_to_matrix({0, 0, 0.5 * kPi}), rotation_z(0.5 * kPi)) <
                1e-15);
        QVERIFY(max_abs_diff(axis_angle_to_matrix({-0.3, 0, 0}), rotation_x(-0.3)) < 1e-15);
        QVERIFY(max_abs_diff(axis_angle_to_matrix({0, 2.0, 0}), rotation_y(2.0)) < 1e-15);
        QVERIFY(max_abs_diff(axis_angle_to_matrix({0, 0, 0}), Mat3::identity()) == 0.0);
        const Vec3 zero = matrix_to_axis_angle(Mat3::identity());
        QVERIFY(zero.x == 0 && zero.y == 0 && zero.z == 0);
        // Rotation vector about an oblique axis against the quaternion composition.
        const Vec3 n = normalized(Vec3{1, -2, 3});
        const double t = 1.234;
        const TestQuat q{std::cos(0.5 * t), std::sin(0.5 * t) * n.x, std::sin(0.5 * t) * n.y,
                         std::sin(0.5 * t) * n.z};
        const Mat3 r = axis_angle_to_matrix(t * n);
        for (int axis = 0; axis < 3; ++axis) {
            Vec3 e;
            e[axis] = 1;
            QVERIFY(max_abs_diff(r * e, rotate_by(q, e)) < 1e-15);
        }
    }

    void axis_angle_random_round_trips() {
        std::mt19937_64 rng(31337);
        std::uniform_real_distribution<double> angle(0.0, kPi);
        for (int n = 0; n < 5000; ++n) {
            const Vec3 v = angle(rng) * random_unit_vector(rng);
            const Mat3 r = axis_angle_to_matrix(v);
            QVERIFY(is_rotation(r, 1e-12));
            const Vec3 back = matrix_to_axis_angle(r);
            QVERIFY2(max_abs_diff(back, v) < 1e-9, qPrintable(describe(v) + describe(back)));
        }
        // Longer than a half turn: the same rotation comes back as the shorter turn the other way.
        const Vec3 n = normalized(Vec3{0.2, 0.5, -1});
        const Vec3 back = matrix_to_axis_angle(axis_angle_to_matrix(1.5 * kPi * n));
        QVERIFY2(max_abs_diff(back, -0.5 * kPi * n) < 1e-12, qPrintable(describe(back)));
    }

    void axis_angle_tiny_angles() {
        std::mt19937_64 rng(5);
        for (double t : {1e-300, 1e-15, 1e-12, 1e-9, 1e-7, 1e-6, 1e-5, 1e-3, 9e-3, 0.1}) {
            const Vec3 n = random_unit_vector(rng);
            const Vec3 v = t * n;
            const Mat3 r = axis_angle_to_matrix(v);
            // Ground truth from the half-angle quaternion, accurate for any angle.
            const TestQuat q{std::cos(0.5 * t), std::sin(0.5 * t) * n.x, std::sin(0.5 * t) * n.y,
                             std::sin(0.5 * t) * n.z};
            for (int axis = 0; axis < 3; ++axis) {
                Vec3 e;
                e[axis] = 1;
                QVERIFY2(max_abs_diff(r * e, rotate_by(q, e)) < 3e-16, qPrintable(describe(v)));
            }
            const Vec3 back = matrix_to_axis_angle(r);
            QVERIFY2(max_abs_diff(back, v) < 1e-15, qPrintable(describe(v) + describe(back)));
        }
        // No jump where the series takes over from the closed form: both sides match the
        // half-angle ground truth to rounding.
        const Vec3 n = normalized(Vec3{1, 1, 1});
        for (double t : {1e-6 * (1 - 1e-12), 1e-6, 1e-6 * (1 + 1e-12)}) {
            const Mat3 r = axis_angle_to_matrix(t * n);
            const TestQuat q{std::cos(0.5 * t), std::sin(0.5 * t) * n.x, std::sin(0.5 * t) * n.y,
                             std::sin(0.5 * t) * n.z};
            for (int axis = 0; axis < 3; ++axis) {
                Vec3 e;
                e[axis] = 1;
                QVERIFY(max_abs_diff(r * e, rotate_by(q, e)) < 1e-16);
            }
        }
    }

    void axis_angle_at_and_near_pi() {
        std::mt19937_64 rng(8);
        std::array<Vec3, 7> axes = {Vec3{1, 0, 0},
                                    Vec3{0, 1, 0},
                                    Vec3{0, 0, 1},
                                    normalized(Vec3{1, 1, 1}),
                                    normalized(Vec3{1, -2, 3}),
                                    normalized(Vec3{-1e-9, 1, 1e-9}),
                                    random_unit_vector(rng)};
        for (const Vec3& n : axes) {
            const Mat3 half_turn = axis_angle_to_matrix(kPi * n);
            QVERIFY2(max_abs_diff(half_turn, outer_minus_identity(n)) < 1e-15,
                     qPrintable(describe(half_turn)));
            const Vec3 back = matrix_to_axis_angle(half_turn);
            // At exactly pi the axis sign is arbitrary: +n and -n are the same rotation.
            const double err = std::min(max_abs_diff(back, kPi * n), max_abs_diff(back, -kPi * n));
            QVERIFY2(err < 1e-9, qPrintable(describe(n) + describe(back)));
            QVERIFY(std::fabs(norm(back) - kPi) < 1e-12);
            QVERIFY(max_abs_diff(axis_angle_to_matrix(back), half_turn) < 1e-14);
            // The exact half-turn matrix, built without trigonometry.
            const Vec3 back_exact = matrix_to_axis_angle(outer_minus_identity(n));
            QVERIFY(max_abs_diff(axis_angle_to_matrix(back_exact), outer_minus_identity(n)) <
                    1e-14);
            for (double delta : {1e-12, 1e-9, 1e-6, 1e-3}) {
                const Vec3 v = (kPi - delta) * n;
                const Vec3 near = matrix_to_axis_angle(axis_angle_to_matrix(v));
                QVERIFY2(max_abs_diff(near, v) < 1e-9, qPrintable(describe(v) + describe(near)));
            }
        }
    }

    void quaternion_closed_forms() {
        const double h = std::sqrt(0.5);
        QVERIFY(max_abs_diff(quaternion_to_matrix({h, 0, 0, h}), rotation_z(0.5 * kPi)) < 1e-15);
        QVERIFY(max_abs_diff(quaternion_to_matrix({h, h, 0, 0}), rotation_x(0.5 * kPi)) < 1e-15);
        Mat3 half_x;
        half_x.m[1][1] = -1;
        half_x.m[2][2] = -1;
        QVERIFY(max_abs_diff(quaternion_to_matrix({0, 1, 0, 0}), half_x) == 0.0);
        const Quaternion back = matrix_to_quaternion(half_x);
        QVERIFY(back.w == 0.0 && !std::signbit(back.w));
        QVERIFY(std::fabs(std::fabs(back.x) - 1) < 1e-15 && back.y == 0 && back.z == 0);
        const Quaternion id = matrix_to_quaternion(Mat3::identity());
        QVERIFY(id.w == 1 && id.x == 0 && id.y == 0 && id.z == 0);
    }

    void quaternion_random_round_trips() {
        std::mt19937_64 rng(2718);
        std::normal_distribution<double> gauss(0.0, 1.0);
        for (int n = 0; n < 5000; ++n) {
            Quaternion q{gauss(rng), gauss(rng), gauss(rng), gauss(rng)};
            const Mat3 r = quaternion_to_matrix(q);
            QVERIFY(is_rotation(r, 1e-12));
            // -q is the same rotation.
            const Mat3 r_neg = quaternion_to_matrix({-q.w, -q.x, -q.y, -q.z});
            QVERIFY(max_abs_diff(r, r_neg) < 1e-15);
            // Scale does not matter.
            const Mat3 r_scaled =
                quaternion_to_matrix({3.5 * q.w, 3.5 * q.x, 3.5 * q.y, 3.5 * q.z});
            QVERIFY(max_abs_diff(r, r_scaled) < 1e-14);

            const double len = std::sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
            const double sign = q.w < 0 ? -1.0 : 1.0;
            q = {sign * q.w / len, sign * q.x / len, sign * q.y / len, sign * q.z / len};
            const Quaternion back = matrix_to_quaternion(r);
            QVERIFY(back.w >= 0);
            QVERIFY(std::fabs(back.w * back.w + back.x * back.x + back.y * back.y +
                              back.z * back.z - 1) < 1e-14);
            const double err = std::max(std::max(std::fabs(back.w - q.w), std::fabs(back.x - q.x)),
                                        std::max(std::fabs(back.y - q.y), std::fabs(back.z - q.z)));
            QVERIFY2(err < 1e-12, qPrintable(QString::number(err)));
        }
    }

    void quaternion_near_half_turn() {
        std::mt19937_64 rng(1);
        for (int n = 0; n < 200; ++n) {
            const Vec3 axis = random_unit_vector(rng);
            for (double w : {0.0, 1e-15, 1e-12, 1e-8, 1e-4}) {
                const double s = std::sqrt(1 - w * w);
                const Quaternion q{w, s * axis.x, s * axis.y, s * axis.z};
                const Mat3 r = quaternion_to_matrix(q);
                const Quaternion back = matrix_to_quaternion(r);
                QVERIFY(back.w >= 0);
                // At w = 0 the representative is either q or -q.
                double err = 0;
                double err_neg = 0;
                const double a[4] = {q.w, q.x, q.y, q.z};
                const double b[4] = {back.w, back.x, back.y, back.z};
                for (int c = 0; c < 4; ++c) {
                    err = std::max(err, std::fabs(a[c] - b[c]));
                    err_neg = std::max(err_neg, std::fabs(a[c] + b[c]));
                }
                QVERIFY2(std::min(err, err_neg) < 1e-12, qPrintable(QString::number(err)));
                if (w > 0) QVERIFY2(err < 1e-12, qPrintable(QString::number(err)));
                QVERIFY(max_abs_diff(quaternion_to_matrix(back), r) < 1e-14);
            }
            // Half turn built without trigonometry.
            const Mat3 half = outer_minus_identity(axis);
            const Quaternion back = matrix_to_quaternion(half);
            QVERIFY(std::fabs(back.w) < 1e-15);
            QVERIFY(max_abs_diff(quaternion_to_matrix(back), half) < 1e-14);
        }
    }

    void quaternion_extreme_scales() {
        const Mat3 expected = quaternion_to_matrix({1, 2, 3, 4});
        QVERIFY(max_abs_diff(quaternion_to_matrix({1e200, 2e200, 3e200, 4e200}), expected) < 1e-15);
        QVERIFY(max_abs_diff(quaternion_to_matrix({1e-200, 2e-200, 3e-200, 4e-200}), expected) <
                1e-15);
    }

    void quaternion_rejects_zero_and_non_finite() {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        QString m = invalid_argument_message([] { quaternion_to_matrix({0, 0, 0, 0}); });
        QVERIFY2(m.contains("(0, 0, 0, 0)") && m.contains("zero"), qPrintable(m));
        m = invalid_argument_message([&] { quaternion_to_matrix({1, nan, 0, 0}); });
        QVERIFY2(m.contains("nan") && m.contains("finite"), qPrintable(m));
        m = invalid_argument_message([&] { quaternion_to_matrix({1, 0, 0, -inf}); });
        QVERIFY2(m.contains("inf") && m.contains("finite"), qPrintable(m));
    }

    void quaternion_agrees_with_axis_angle() {
        std::mt19937_64 rng(10);
        std::uniform_real_distribution<double> angle(0.0, kPi);
        for (int n = 0; n < 1000; ++n) {
            const Vec3 axis = random_unit_vector(rng);
            const double t = angle(rng);
            const Quaternion q{std::cos(0.5 * t), std::sin(0.5 * t) * axis.x,
                               std::sin(0.5 * t) * axis.y, std::sin(0.5 * t) * axis.z};
            QVERIFY(max_abs_diff(quaternion_to_matrix(q), axis_angle_to_matrix(t * axis)) < 1e-14);
        }
    }

    void is_rotation_checks() {
        std::mt19937_64 rng(3);
        QVERIFY(is_rotation(Mat3::identity()));
        QVERIFY(is_rotation(random_rotation(rng)));
        Mat3 reflection;
        reflection.m[2][2] = -1;
        QVERIFY(!is_rotation(reflection));
        Mat3 scaled;
        for (int i = 0; i < 3; ++i)
            scaled.m[i][i] = 1.001;
        QVERIFY(!is_rotation(scaled));
        Mat3 shear;
        shear.m[0][1] = 0.01;
        QVERIFY(!is_rotation(shear));
        Mat3 with_nan;
        with_nan.m[1][2] = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(!is_rotation(with_nan, 1e10));
        Mat3 perturbed = random_rotation(rng);
        perturbed.m[0][0] += 1e-7;
        QVERIFY(is_rotation(perturbed));
        QVERIFY(!is_rotation(perturbed, 1e-8));
    }

    void rigid_transform_composition_and_inverse() {
        std::mt19937_64 rng(6);
        std::uniform_real_distribution<double> coord(-500.0, 500.0);
        for (int n = 0; n < 500; ++n) {
            RigidTransform a{random_rotation(rng), {coord(rng), coord(rng), coord(rng)}};
            RigidTransform b{random_rotation(rng), {coord(rng), coord(rng), coord(rng)}};
            const Vec3 p{coord(rng), coord(rng), coord(rng)};
            QVERIFY(max_abs_diff((a * b).apply(p), a.apply(b.apply(p))) < 1e-9);
            QVERIFY(max_abs_diff(a.inverse().apply(a.apply(p)), p) < 1e-9);
            for (const RigidTransform& id : {a * a.inverse(), a.inverse() * a}) {
                QVERIFY(max_abs_diff(id.rotation, Mat3::identity()) < 1e-14);
                QVERIFY(max_abs_diff(id.translation, {0, 0, 0}) < 1e-10);
            }
        }
    }

    void matrix4_layout_and_round_trip() {
        const RigidTransform t{rotation_z(0.5 * kPi), {10, 20, 30}};
        const std::array<double, 16> m = to_matrix4(t);
        const std::array<double, 16> expected = {0, -1, 0, 10, 1, 0, 0, 20,
                                                 0, 0,  1, 30, 0, 0, 0, 1};
        for (std::size_t n = 0; n < 16; ++n)
            QVERIFY(std::fabs(m[n] - expected[n]) < 1e-15);
        const RigidTransform back = from_matrix4(m);
        QVERIFY(max_abs_diff(back.rotation, t.rotation) < 1e-15);
        QVERIFY(max_abs_diff(back.translation, t.translation) == 0.0);
        // The point (1, 0, 0) goes to (10, 21, 30).
        QVERIFY(max_abs_diff(back.apply({1, 0, 0}), {10, 21, 30}) < 1e-14);

        // Slightly rounded rotations are accepted and snapped back onto a rotation.
        std::mt19937_64 rng(17);
        std::array<double, 16> rounded = to_matrix4({random_rotation(rng), {1, 2, 3}});
        rounded[0] += 2e-6;
        rounded[6] -= 1e-6;
        const RigidTransform snapped = from_matrix4(rounded);
        QVERIFY(is_rotation(snapped.rotation, 1e-13));
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 3; ++j)
                QVERIFY(std::fabs(snapped.rotation.m[i][j] - rounded[4 * i + j]) < 1e-5);
    }

    void matrix4_rejections() {
        std::mt19937_64 rng(23);
        const std::array<double, 16> good = to_matrix4({random_rotation(rng), {5, 6, 7}});

        std::array<double, 16> scaled = good;
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 3; ++j)
                scaled[4 * i + j] *= 1.01;
        QString m = invalid_argument_message([&] { from_matrix4(scaled); });
        QVERIFY2(m.contains("not a rotation") && m.contains("0.0001"), qPrintable(m));

        std::array<double, 16> mirrored = good;
        for (std::size_t i = 0; i < 3; ++i)
            mirrored[4 * i] = -mirrored[4 * i];
        m = invalid_argument_message([&] { from_matrix4(mirrored); });
        QVERIFY2(m.contains("determinant +1"), qPrintable(m));

        std::array<double, 16> bad_row = good;
        bad_row[14] = 0.5;
        m = invalid_argument_message([&] { from_matrix4(bad_row); });
        QVERIFY2(m.contains("last row") && m.contains("(0, 0, 0, 1)") && m.contains("0.5"),
                 qPrintable(m));
        bad_row = good;
        bad_row[15] = 2;
        QVERIFY(!invalid_argument_message([&] { from_matrix4(bad_row); }).isEmpty());

        std::array<double, 16> with_nan = good;
        with_nan[5] = std::numeric_limits<double>::quiet_NaN();
        m = invalid_argument_message([&] { from_matrix4(with_nan); });
        QVERIFY2(m.contains("[1][1]") && m.contains("finite"), qPrintable(m));
        std::array<double, 16> with_inf = good;
        with_inf[3] = std::numeric_limits<double>::infinity();
        m = invalid_argument_message([&] { from_matrix4(with_inf); });
        QVERIFY2(m.contains("[0][3]") && m.contains("finite"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestRotation);
#include "test_rotation.moc"
