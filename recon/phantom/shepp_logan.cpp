#include <algorithm>
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
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

// The 3D phantom of Kak & Slaney (1988), "Principles of Computerized Tomographic Imaging",
// Table 3.2 (p. 102), read as relative attenuation (skull 2.0, brain 2.0 - 0.98 = 1.02): the table
// RTK's SheppLoganPhantom and TIGRE's "kak-slaney" use. Its small features differ by only 1-2 %
// from brain, as in a real head, which makes it the right reference for quantitative projector
// checks. `value` is the book's (original) intensity; kModified3d holds the other contrast.
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

// Toft's higher contrast carried to the 3D table row by row: Yu, Ye & Wang (2004), "Katsevich-
// type algorithms for variable radius spiral cone-beam CT", Proc. SPIE 5535, 550-557 (TIGRE's
// "yu-ye-wang" phantom). Skull 1.0 and brain -0.8 as Toft's; every small feature ten times the
// original.
const double kModified3d[] = {1.0, -0.8, -0.2, -0.2, 0.2, 0.2, 0.1, 0.1, 0.2, -0.2};

// The 2D phantom of Shepp & Logan (1974), "The Fourier reconstruction of a head section",
// IEEE Trans. Nucl. Sci. 21(3), 21-43, in the columns of Kak & Slaney (1988), Table 3.1 (p. 55):
// centre, major axis, minor axis, rotation angle of the major axis (degrees, counter-clockwise
// from +x), original intensity. The major axis is `a` (along +x before the rotation), so the
// numbers are the book's unchanged; z and c are placeholders for the cylinder (see shepp_logan_
// phantom_2d). The axis mapping to LPS is the 3D phantom's: the larger ventricle d lies on the
// patient's right (-x), as in the 3D phantom.
const TableRow kTable2d[] = {
    {"a_skull", 0.0, 0.0, 0.0, 0.92, 0.69, 1.0, 90, 2.0},
    {"b_brain", 0.0, -0.0184, 0.0, 0.874, 0.6624, 1.0, 90, -0.98},
    {"c_left_ventricle", 0.22, 0.0, 0.0, 0.31, 0.11, 1.0, 72, -0.02},
    {"d_right_ventricle", -0.22, 0.0, 0.0, 0.41, 0.16, 1.0, 108, -0.02},
    {"e_anterior_ellipse", 0.0, 0.35, 0.0, 0.25, 0.21, 1.0, 90, 0.01},
    {"f_upper_central_circle", 0.0, 0.1, 0.0, 0.046, 0.046, 1.0, 0, 0.01},
    {"g_lower_central_circle", 0.0, -0.1, 0.0, 0.046, 0.046, 1.0, 0, 0.01},
    {"h_posterior_right_ellipse", -0.08, -0.605, 0.0, 0.046, 0.023, 1.0, 0, 0.01},
    {"i_posterior_central_circle", 0.0, -0.606, 0.0, 0.023, 0.023, 1.0, 0, 0.01},
    {"j_posterior_left_ellipse", 0.06, -0.605, 0.0, 0.046, 0.023, 1.0, 90, 0.01},
};

// Toft (1996), "The Radon Transform: Theory and Implementation", PhD thesis, DTU: its modified
// Shepp-Logan phantom, the intensities of MATLAB's phantom('Modified Shepp-Logan') and of the
// 2D section of Schabel's and ODL's modified 3D phantoms.
const double kModified2d[] = {1.0, -0.8, -0.2, -0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};

// The cylinders of the 2D phantom are this many times longer than the phantom is wide: a slice
// of thickness t sees each section shrink by sqrt(1 - (t / 2L)^2), under 1e-12 for any slice
// thinner than the phantom.
constexpr double kCylinderLengthFactor = 1e6;

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

const char* to_string(SheppLoganContrast contrast) {
    return contrast == SheppLoganContrast::Modified ? "modified" : "original";
}

SheppLoganContrast parse_shepp_logan_contrast(const std::string& name) {
    if (name == "original") return SheppLoganContrast::Original;
    if (name == "modified") return SheppLoganContrast::Modified;
    throw InvalidArgument("Shepp-Logan contrast '" + name +
                          "': expected 'original' (Kak & Slaney) or 'modified' (Toft)");
}

namespace {

void check_half_extent(double value, char axis) {
    if (!std::isfinite(value) || value <= 0) {
        std::ostringstream msg;
        msg << "Shepp-Logan phantom: half extent along " << axis << " is " << value
            << " mm, expected a finite value > 0";
        throw InvalidArgument(msg.str());
    }
}

template <std::size_t N>
EllipsoidPhantom build(const char* name, const TableRow (&table)[N], const double (&modified)[N],
                       Vec3 half, SheppLoganContrast contrast) {
    std::vector<Ellipsoid> ellipsoids;
    for (std::size_t i = 0; i < N; ++i) {
        Ellipsoid e = scaled(table[i], half);
        if (contrast == SheppLoganContrast::Modified) e.value = modified[i];
        ellipsoids.push_back(std::move(e));
    }
    const std::string suffix = contrast == SheppLoganContrast::Modified ? "-modified" : "";
    return EllipsoidPhantom(name + suffix, std::move(ellipsoids));
}

}  // namespace

EllipsoidPhantom shepp_logan_phantom(Vec3 half_extent_mm, SheppLoganContrast contrast) {
    for (int i = 0; i < 3; ++i)
        check_half_extent(half_extent_mm[i], "xyz"[i]);
    return build("shepp-logan", kTable, kModified3d, half_extent_mm, contrast);
}

EllipsoidPhantom shepp_logan_phantom_2d(double half_extent_x_mm, double half_extent_y_mm,
                                        SheppLoganContrast contrast) {
    check_half_extent(half_extent_x_mm, 'x');
    check_half_extent(half_extent_y_mm, 'y');
    const double length = kCylinderLengthFactor * std::max(half_extent_x_mm, half_extent_y_mm);
    return build("shepp-logan-2d", kTable2d, kModified2d,
                 {half_extent_x_mm, half_extent_y_mm, length}, contrast);
}

}  // namespace radon::recon
