#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

#include "kernels/core/error.h"
#include "recon/phantom/ellipsoid_phantom.h"

namespace radon::recon {

namespace {

// One row of the table, in the phantom's own [-1, 1]^3 frame: centre, semi-axes before the
// rotation, rotation about the phantom z axis (degrees, counter-clockwise from +x towards +y)
// and the additive intensity.
struct TableRow {
    const char* label;
    double x, y, z;
    double a, b, c;
    double theta_deg;
    double value;
};

// Variant: the 3D phantom of Kak & Slaney (1988), Table 3.2, with its original intensities
// read as relative attenuation (skull 2.0, brain 2.0 - 0.98 = 1.02), not one of the
// higher-contrast "modified" variants. Its small features differ by only 1-2 % from brain, as
// in a real head, which makes it the right reference for quantitative projector checks.
//
// Axis mapping to patient LPS:  x_lps = +x,  y_lps = -y,  z_lps = +z  (times half_extent).
// Why: the book's axial sections are planes of constant phantom z (its features sit at
// z = -0.25 and z = 0.625), so phantom z is the head's superior-inferior axis; the head is then
// long in z (0.9) and in the antero-posterior direction (0.92), narrow left-right (0.69), like
// a real skull. Those sections are drawn in the radiological convention: image right
// (phantom +x) is the patient's left, image up (phantom +y) is anterior, where the face is.
// LPS y points posterior, hence the sign flip: the larger ellipsoid e lies anterior of the
// centre and the two small ones g, h near the back of the head.
//
// Rows c and d are the same pair of tilted ellipses as the 2D phantom's (semi-axes 0.16 x 0.41
// tilted by 18 degrees), written with the axes swapped and the angle offset by 90 degrees.
const TableRow kTable[] = {
    {"a_skull", 0.0, 0.0, 0.0, 0.69, 0.92, 0.9, 0, 2.0},
    {"b_brain", 0.0, 0.0, 0.0, 0.6624, 0.874, 0.88, 0, -0.98},
    {"c_right_ventricle", -0.22, 0.0, -0.25, 0.41, 0.16, 0.21, 108, -0.02},
    {"d_left_ventricle", 0.22, 0.0, -0.25, 0.31, 0.11, 0.22, 72, -0.02},
    {"e_anterior_ellipsoid", 0.0, 0.35, -0.25, 0.21, 0.25, 0.5, 0, 0.02},
    {"f_central_sphere", 0.0, 0.1, -0.25, 0.046, 0.046, 0.046, 0, 0.02},
    {"g_posterior_right_ellipsoid", -0.08, -0.65, -0.25, 0.046, 0.023, 0.02, 0, 0.01},
    {"h_posterior_left_ellipsoid", 0.06, -0.65, -0.25, 0.046, 0.023, 0.02, 90, 0.01},
    {"i_superior_posterior_ellipsoid", 0.06, -0.105, 0.625, 0.056, 0.04, 0.1, 90, 0.02},
    {"j_superior_anterior_ellipsoid", 0.0, 0.1, 0.625, 0.056, 0.056, 0.1, 0, -0.02},
};

// The table's ellipsoid under the (possibly anisotropic) scaling to millimetres. Scaling a
// tilted ellipse unevenly gives another ellipse with different semi-axes and tilt, so the new
// ones come from the eigen-decomposition of its 2x2 in-plane shape matrix, not from scaling
// the old semi-axes; the result is exact for any half_extent.
Ellipsoid scaled(const TableRow& row, Vec3 half) {
    // M maps the unit ball onto the ellipsoid in LPS mm: M = S * Rz(theta) * diag(a, b, c).
    const double theta = deg_to_rad(row.theta_deg);
    const double ct = std::cos(theta), st = std::sin(theta);
    const double m00 = half.x * ct * row.a, m01 = -half.x * st * row.b;
    const double m10 = -half.y * st * row.a, m11 = -half.y * ct * row.b;
    // In-plane block of M * M^T, whose eigenvectors are the new axes, eigenvalues their squares.
    const double g00 = m00 * m00 + m01 * m01;
    const double g01 = m00 * m10 + m01 * m11;
    const double g11 = m10 * m10 + m11 * m11;
    const double phi = 0.5 * std::atan2(2.0 * g01, g00 - g11);
    const double cp = std::cos(phi), sp = std::sin(phi);
    const double l0 = g00 * cp * cp + 2.0 * g01 * sp * cp + g11 * sp * sp;
    const double l1 = g00 * sp * sp - 2.0 * g01 * sp * cp + g11 * cp * cp;

    Ellipsoid e;
    e.label = row.label;
    e.center = {half.x * row.x, -half.y * row.y, half.z * row.z};
    e.semi_axes = {std::sqrt(l0), std::sqrt(l1), half.z * row.c};
    e.rotation = rotation_z(phi);
    e.value = row.value;
    return e;
}

}  // namespace

EllipsoidPhantom shepp_logan_phantom(Vec3 half_extent_mm) {
    for (int i = 0; i < 3; ++i) {
        if (!std::isfinite(half_extent_mm[i]) || half_extent_mm[i] <= 0) {
            std::ostringstream msg;
            msg << "Shepp-Logan phantom: half extent along "
                << "xyz"[i] << " is " << half_extent_mm[i] << " mm, expected a finite value > 0";
            throw InvalidArgument(msg.str());
        }
    }
    std::vector<Ellipsoid> ellipsoids;
    for (const TableRow& row : kTable)
        ellipsoids.push_back(scaled(row, half_extent_mm));
    return EllipsoidPhantom("shepp-logan", std::move(ellipsoids));
}

}  // namespace radon::recon
