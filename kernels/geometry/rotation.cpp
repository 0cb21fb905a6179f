#include "kernels/geometry/rotation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>
#include <string>

#include "kernels/core/error.h"

namespace radon {

namespace {

constexpr char kAxisLetters[3] = {'X', 'Y', 'Z'};

// Below this |cos a1| (Tait-Bryan) or |sin a1| (proper), the first and third axes are treated as
// aligned. Dropping a2 there moves the matrix by at most about this value times pi, which stays
// far inside the 1e-9 round trip the callers rely on; above it, the general branch is exact.
constexpr double kGimbalLockThreshold = 1e-12;

// Series of sin(t)/t and (1 - cos t)/t^2 are used below this angle, where the closed forms would
// divide by zero; the first dropped terms are below 1e-26 there.
constexpr double kSmallAngle = 1e-6;

constexpr double kMatrix4Tolerance = 1e-4;

std::string accepted_convention_list() {
    std::string list;
    for (const EulerConvention& c : all_euler_conventions()) {
        if (!list.empty()) list += ", ";
        list += c.name();
    }
    return list;
}

// EulerConvention is a plain aggregate, so a hand-filled one may be invalid; catching it here
// keeps a bad convention from turning into silently wrong angles.
void check_convention(const EulerConvention& c) {
    const auto& a = c.axes;
    const bool in_range = a[0] >= 0 && a[0] < 3 && a[1] >= 0 && a[1] < 3 && a[2] >= 0 && a[2] < 3;
    if (!in_range || a[0] == a[1] || a[1] == a[2]) {
        std::ostringstream msg;
        msg << "invalid Euler convention axes (" << a[0] << ", " << a[1] << ", " << a[2]
            << "): expected three axes in 0..2 with no axis repeated next to itself, i.e. one of "
            << accepted_convention_list();
        throw InvalidArgument(msg.str());
    }
}

// atan2 yields -pi for a negative zero sine; the documented ranges are half-open at -pi.
double wrap_half_open(double angle) {
    return angle <= -kPi ? angle + 2.0 * kPi : angle;
}

// +1 when (i, j, k) is a cyclic permutation of (0, 1, 2), so that e_i x e_j = sign * e_k.
double parity_sign(int i, int j, int k) {
    return ((i + 1) % 3 == j && (j + 1) % 3 == k) ? 1.0 : -1.0;
}

std::string format_quaternion(const Quaternion& q) {
    std::ostringstream s;
    s << "(" << q.w << ", " << q.x << ", " << q.y << ", " << q.z << ")";
    return s.str();
}

double max_orthonormality_error(const Mat3& r) {
    const Mat3 g = transpose(r) * r;
    double worst = 0;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            worst = std::max(worst, std::fabs(g.m[i][j] - (i == j)));
    return worst;
}

// Nearest rotation to an almost-orthonormal matrix (polar factor by Newton iteration). Matrices
// read from text carry rounding, and inverse() relies on the transpose being the inverse.
Mat3 orthonormalize(const Mat3& r) {
    Mat3 q = r;
    for (int iteration = 0; iteration < 20; ++iteration) {
        const Mat3 inv_t = transpose(inverse(q));
        double change = 0;
        Mat3 next;
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
                next.m[i][j] = 0.5 * (q.m[i][j] + inv_t.m[i][j]);
                change = std::max(change, std::fabs(next.m[i][j] - q.m[i][j]));
            }
        q = next;
        if (change < 1e-15) break;
    }
    return q;
}

}  // namespace

EulerConvention EulerConvention::parse(const std::string& name) {
    EulerConvention c;
    bool ok = name.size() == 3;
    for (std::size_t n = 0; ok && n < 3; ++n) {
        const char letter = static_cast<char>(std::toupper(static_cast<unsigned char>(name[n])));
        const char* found = std::find(kAxisLetters, kAxisLetters + 3, letter);
        ok = found != kAxisLetters + 3;
        if (ok) c.axes[n] = static_cast<int>(found - kAxisLetters);
    }
    ok = ok && c.axes[0] != c.axes[1] && c.axes[1] != c.axes[2];
    if (!ok) {
        throw InvalidArgument("unknown Euler convention '" + name + "': expected one of " +
                              accepted_convention_list());
    }
    return c;
}

std::string EulerConvention::name() const {
    std::string s;
    for (int a : axes)
        s += (a >= 0 && a < 3) ? kAxisLetters[a] : '?';
    return s;
}

const std::array<EulerConvention, 12>& all_euler_conventions() {
    static const std::array<EulerConvention, 12> conventions = {{
        {{0, 1, 2}},
        {{0, 2, 1}},
        {{1, 0, 2}},
        {{1, 2, 0}},
        {{2, 0, 1}},
        {{2, 1, 0}},
        {{0, 1, 0}},
        {{0, 2, 0}},
        {{1, 0, 1}},
        {{1, 2, 1}},
        {{2, 0, 2}},
        {{2, 1, 2}},
    }};
    return conventions;
}

Mat3 euler_to_matrix(Vec3 angles, EulerConvention convention) {
    check_convention(convention);
    const auto& a = convention.axes;
    return rotation_about_axis(a[0], angles[0]) * rotation_about_axis(a[1], angles[1]) *
           rotation_about_axis(a[2], angles[2]);
}

// One derivation covers all 12 conventions. With i = axes[0], j = axes[1], k the remaining axis
// and s the parity of (i, j, k), R_i(t) e_j = cos t e_j + s sin t e_k, and the entries of R in
// rows/columns i, j, k take the same form for every convention up to the sign s:
//   Tait-Bryan R_i(a0) R_j(a1) R_k(a2):  column k = s sin a1 e_i - s cos a1 sin a0 e_j
//                                                   + cos a1 cos a0 e_k
//   proper     R_i(a0) R_j(a1) R_i(a2):  column i = cos a1 e_i + sin a1 sin a0 e_j
//                                                   - s sin a1 cos a0 e_k
// a0 and a1 come from that column. a2 is then read from M = R_i(a0)^T R, whose row j equals the
// row j of R_k(a2) (resp. R_i(a2)). Reading a2 from M rather than from a second column of R
// keeps the product exact near gimbal lock: an a0 made noisy by a nearly-zero column is
// compensated by a2 instead of being compounded.
Vec3 matrix_to_euler(const Mat3& rotation, EulerConvention convention) {
    check_convention(convention);
    const Mat3& r = rotation;
    const int i = convention.axes[0];
    const int j = convention.axes[1];
    const int k = 3 - i - j;
    const double s = parity_sign(i, j, k);
    const bool proper = convention.is_proper();

    double a0 = 0, a1 = 0, a2 = 0;
    // Off-axis magnitude of the column a0 is read from: |cos a1| or |sin a1|.
    double off_axis = 0;
    if (proper) {
        off_axis = std::hypot(r.m[j][i], r.m[k][i]);
        a1 = std::atan2(off_axis, r.m[i][i]);
        a0 = std::atan2(r.m[j][i], -s * r.m[k][i]);
    } else {
        off_axis = std::hypot(r.m[j][k], r.m[k][k]);
        a1 = std::atan2(s * r.m[i][k], off_axis);
        a0 = std::atan2(-s * r.m[j][k], r.m[k][k]);
    }

    if (off_axis < kGimbalLockThreshold) {
        // The first and third axes coincide, so only a0 + a2 (or a0 - a2) is determined; the
        // documented choice is a2 = 0. With a2 = 0, column j of R is R_i(a0) e_j in both families.
        a0 = std::atan2(s * r.m[k][j], r.m[j][j]);
        a2 = 0;
    } else {
        const double c0 = std::cos(a0), s0 = std::sin(a0);
        // Row j of M = R_i(a0)^T R is (column j of R_i(a0))^T R.
        const double m_jj = c0 * r.m[j][j] + s * s0 * r.m[k][j];
        if (proper) {
            // Row j of R_i(a2) is cos a2 e_j - s sin a2 e_k.
            const double m_jk = c0 * r.m[j][k] + s * s0 * r.m[k][k];
            a2 = std::atan2(-s * m_jk, m_jj);
        } else {
            // Row j of R_k(a2) is cos a2 e_j + s sin a2 e_i.
            const double m_ji = c0 * r.m[j][i] + s * s0 * r.m[k][i];
            a2 = std::atan2(s * m_ji, m_jj);
        }
    }
    return {wrap_half_open(a0), a1, wrap_half_open(a2)};
}

Mat3 axis_angle_to_matrix(Vec3 rotation_vector) {
    const double angle = norm(rotation_vector);
    const double t2 = angle * angle;
    // R = I + A [v]x + B [v]x^2 with A = sin t / t and B = (1 - cos t) / t^2; B is written with
    // the half-angle sine because 1 - cos t cancels catastrophically for small t.
    double a, b;
    if (angle < kSmallAngle) {
        a = 1.0 - t2 / 6.0;
        b = 0.5 - t2 / 24.0;
    } else {
        a = std::sin(angle) / angle;
        const double half_sinc = std::sin(0.5 * angle) / angle;
        b = 2.0 * half_sinc * half_sinc;
    }
    const Vec3 v = rotation_vector;
    Mat3 k;
    k.m[0][0] = 0;
    k.m[0][1] = -v.z;
    k.m[0][2] = v.y;
    k.m[1][0] = v.z;
    k.m[1][1] = 0;
    k.m[1][2] = -v.x;
    k.m[2][0] = -v.y;
    k.m[2][1] = v.x;
    k.m[2][2] = 0;
    const Mat3 k2 = k * k;
    Mat3 r;
    for (int row = 0; row < 3; ++row)
        for (int col = 0; col < 3; ++col)
            r.m[row][col] = (row == col ? 1.0 : 0.0) + a * k.m[row][col] + b * k2.m[row][col];
    return r;
}

// Through the quaternion: its construction switches to the symmetric part of R when the angle
// nears pi, where the antisymmetric part used by the textbook formula vanishes and loses the
// axis, and w >= 0 puts the angle in [0, pi].
Vec3 matrix_to_axis_angle(const Mat3& rotation) {
    const Quaternion q = matrix_to_quaternion(rotation);
    const double sin_half = std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z);
    if (sin_half == 0) return {0, 0, 0};
    const double angle = 2.0 * std::atan2(sin_half, q.w);
    const double scale = angle / sin_half;
    return {scale * q.x, scale * q.y, scale * q.z};
}

Mat3 quaternion_to_matrix(Quaternion q) {
    if (!std::isfinite(q.w) || !std::isfinite(q.x) || !std::isfinite(q.y) || !std::isfinite(q.z)) {
        throw InvalidArgument("quaternion (w, x, y, z) = " + format_quaternion(q) +
                              " is not finite: expected four finite components");
    }
    // Dividing by the largest component first keeps the norm from overflowing or underflowing
    // for quaternions given at an extreme scale.
    const double largest = std::max(std::max(std::fabs(q.w), std::fabs(q.x)),
                                    std::max(std::fabs(q.y), std::fabs(q.z)));
    if (largest == 0) {
        throw InvalidArgument("quaternion (w, x, y, z) = " + format_quaternion(q) +
                              " has zero norm: expected a non-zero quaternion");
    }
    q = {q.w / largest, q.x / largest, q.y / largest, q.z / largest};
    const double n = std::sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
    const double w = q.w / n, x = q.x / n, y = q.y / n, z = q.z / n;
    Mat3 r;
    r.m[0][0] = 1 - 2 * (y * y + z * z);
    r.m[0][1] = 2 * (x * y - w * z);
    r.m[0][2] = 2 * (x * z + w * y);
    r.m[1][0] = 2 * (x * y + w * z);
    r.m[1][1] = 1 - 2 * (x * x + z * z);
    r.m[1][2] = 2 * (y * z - w * x);
    r.m[2][0] = 2 * (x * z - w * y);
    r.m[2][1] = 2 * (y * z + w * x);
    r.m[2][2] = 1 - 2 * (x * x + y * y);
    return r;
}

// Each of w, x, y, z can be read from a square root of a combination of diagonal entries; taking
// the largest one keeps the square root well away from zero and the divisions well conditioned
// for every rotation, including 180 degree turns where w vanishes.
Quaternion matrix_to_quaternion(const Mat3& rotation) {
    const Mat3& r = rotation;
    const double trace = r.m[0][0] + r.m[1][1] + r.m[2][2];
    Quaternion q;
    if (trace >= r.m[0][0] && trace >= r.m[1][1] && trace >= r.m[2][2]) {
        const double t = std::sqrt(std::max(0.0, 1.0 + trace));  // 2|w|
        const double f = 0.5 / t;
        q.w = 0.5 * t;
        q.x = (r.m[2][1] - r.m[1][2]) * f;
        q.y = (r.m[0][2] - r.m[2][0]) * f;
        q.z = (r.m[1][0] - r.m[0][1]) * f;
    } else {
        // Largest diagonal entry picks the dominant vector component; the others come from the
        // symmetric part, w from the antisymmetric part.
        int i = 0;
        if (r.m[1][1] > r.m[i][i]) i = 1;
        if (r.m[2][2] > r.m[i][i]) i = 2;
        const int j = (i + 1) % 3, k = (i + 2) % 3;
        const double t = std::sqrt(std::max(0.0, 1.0 + r.m[i][i] - r.m[j][j] - r.m[k][k]));
        const double f = 0.5 / t;
        double v[3];
        v[i] = 0.5 * t;
        v[j] = (r.m[j][i] + r.m[i][j]) * f;
        v[k] = (r.m[k][i] + r.m[i][k]) * f;
        q.w = (r.m[k][j] - r.m[j][k]) * f;
        q.x = v[0];
        q.y = v[1];
        q.z = v[2];
    }
    // q and -q are the same rotation; w >= 0 is the documented representative.
    const double sign = q.w < 0 ? -1.0 : 1.0;
    const double n = std::sqrt(q.w * q.w + q.x * q.x + q.y * q.y + q.z * q.z);
    // Renormalizing absorbs the small non-orthonormality of matrices that were rounded or
    // accumulated.
    const double scale = n > 0 ? sign / n : sign;
    return {scale * q.w + 0.0, scale * q.x, scale * q.y, scale * q.z};
}

bool is_rotation(const Mat3& r, double tolerance) {
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            if (!std::isfinite(r.m[i][j])) return false;
    return max_orthonormality_error(r) <= tolerance && std::fabs(determinant(r) - 1.0) <= tolerance;
}

RigidTransform RigidTransform::inverse() const {
    RigidTransform inv;
    inv.rotation = transpose(rotation);
    inv.translation = -(inv.rotation * translation);
    return inv;
}

RigidTransform operator*(const RigidTransform& a, const RigidTransform& b) {
    RigidTransform c;
    c.rotation = a.rotation * b.rotation;
    c.translation = a.rotation * b.translation + a.translation;
    return c;
}

RigidTransform from_matrix4(const std::array<double, 16>& m) {
    for (std::size_t n = 0; n < 16; ++n) {
        if (!std::isfinite(m[n])) {
            std::ostringstream msg;
            msg << "4x4 matrix element [" << n / 4 << "][" << n % 4 << "] is " << m[n]
                << ": expected a finite value";
            throw InvalidArgument(msg.str());
        }
    }
    const bool last_row_ok =
        std::fabs(m[12]) <= kMatrix4Tolerance && std::fabs(m[13]) <= kMatrix4Tolerance &&
        std::fabs(m[14]) <= kMatrix4Tolerance && std::fabs(m[15] - 1.0) <= kMatrix4Tolerance;
    if (!last_row_ok) {
        std::ostringstream msg;
        msg << "4x4 matrix last row is (" << m[12] << ", " << m[13] << ", " << m[14] << ", "
            << m[15] << "): expected (0, 0, 0, 1) for a rigid transform";
        throw InvalidArgument(msg.str());
    }
    Mat3 r;
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j)
            r.m[i][j] = m[4 * i + j];
    if (!is_rotation(r, kMatrix4Tolerance)) {
        std::ostringstream msg;
        msg << "4x4 matrix upper-left 3x3 is not a rotation (max |R^T R - I| = "
            << max_orthonormality_error(r) << ", det = " << determinant(r)
            << "): expected orthonormal with determinant +1 within " << kMatrix4Tolerance
            << " (no scaling, shear or reflection)";
        throw InvalidArgument(msg.str());
    }
    RigidTransform t;
    t.rotation = orthonormalize(r);
    t.translation = {m[3], m[7], m[11]};
    return t;
}

std::array<double, 16> to_matrix4(const RigidTransform& t) {
    std::array<double, 16> m{};
    for (std::size_t i = 0; i < 3; ++i) {
        for (std::size_t j = 0; j < 3; ++j)
            m[4 * i + j] = t.rotation.m[i][j];
        m[4 * i + 3] = t.translation[static_cast<int>(i)];
    }
    m[15] = 1.0;
    return m;
}

}  // namespace radon
