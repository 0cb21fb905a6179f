#include "recon/ct/rtk_geometry.h"

#include <cmath>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "kernels/geometry/rotation.h"

namespace radon::recon {
namespace {

// World = Ry(gantry) Rx(out of plane) Rz(in plane) gantry frame: Euler "YXZ" in radon's
// convention (intrinsic, in the order written).
const EulerConvention& rtk_convention() {
    static const EulerConvention convention = EulerConvention::parse("YXZ");
    return convention;
}

std::string number(double v) {
    std::ostringstream s;
    s.precision(15);
    s << v;
    return s.str();
}

double degrees_0_360(double radians) {
    double d = rad_to_deg(radians);
    d -= 360.0 * std::floor(d / 360.0);
    return d >= 360.0 ? 0.0 : d;
}

bool finite(const RtkProjection& p) {
    const double values[] = {
        p.source_isocenter_mm,    p.source_detector_mm, p.gantry_deg,
        p.out_of_plane_deg,       p.in_plane_deg,       p.projection_offset_x_mm,
        p.projection_offset_y_mm, p.source_offset_x_mm, p.source_offset_y_mm};
    for (double v : values)
        if (!std::isfinite(v)) return false;
    return true;
}

}  // namespace

double RtkPanel::origin_u() const {
    return origin_u_mm ? *origin_u_mm : -0.5 * static_cast<double>(columns - 1) * spacing_u_mm;
}

double RtkPanel::origin_v() const {
    return origin_v_mm ? *origin_v_mm : -0.5 * static_cast<double>(rows - 1) * spacing_v_mm;
}

void RtkPanel::validate(const std::string& what) const {
    if (columns < 1 || rows < 1) {
        std::ostringstream msg;
        msg << what << ": a panel of " << columns << " x " << rows
            << " pixels, expected at least 1 x 1";
        throw InvalidArgument(msg.str());
    }
    if (!std::isfinite(spacing_u_mm) || !(spacing_u_mm > 0) || !std::isfinite(spacing_v_mm) ||
        !(spacing_v_mm > 0)) {
        throw InvalidArgument(what + ": pixel spacing " + number(spacing_u_mm) + " x " +
                              number(spacing_v_mm) + " mm, expected finite values > 0");
    }
    if (!std::isfinite(origin_u()) || !std::isfinite(origin_v()))
        throw InvalidArgument(what + ": the projection images' origin is not finite");
}

CtGeometry ct_geometry_from_rtk(const std::vector<RtkProjection>& projections,
                                const RtkPanel& panel, const std::string& what) {
    panel.validate(what);
    if (projections.empty()) throw InvalidArgument(what + ": no projections");
    CtGeometry g;
    g.beam = projections.front().source_detector_mm == 0 ? CtBeam::Parallel : CtBeam::Cone;
    g.columns = panel.columns;
    g.rows = panel.rows;
    // The panel's centre pixel in detector coordinates.
    const double centre_u =
        panel.origin_u() + 0.5 * static_cast<double>(panel.columns - 1) * panel.spacing_u_mm;
    const double centre_v =
        panel.origin_v() + 0.5 * static_cast<double>(panel.rows - 1) * panel.spacing_v_mm;
    for (std::size_t i = 0; i < projections.size(); ++i) {
        const RtkProjection& p = projections[i];
        const std::string where = what + ": projection " + std::to_string(i);
        if (!finite(p)) throw InvalidArgument(where + ": a parameter is not finite");
        const bool parallel = p.source_detector_mm == 0;
        if (parallel != (g.beam == CtBeam::Parallel)) {
            throw InvalidArgument(where +
                                  ": mixes parallel (SourceToDetectorDistance 0) and cone-beam "
                                  "projections, which RTK refuses too");
        }
        const Mat3 to_world = euler_to_matrix(
            {deg_to_rad(p.gantry_deg), deg_to_rad(p.out_of_plane_deg), deg_to_rad(p.in_plane_deg)},
            rtk_convention());
        CtView w;
        w.u = panel.spacing_u_mm * to_world.column(0);
        w.v = panel.spacing_v_mm * to_world.column(1);
        const double panel_z =
            parallel ? -p.source_isocenter_mm : p.source_isocenter_mm - p.source_detector_mm;
        w.detector_center = to_world * Vec3{centre_u + p.projection_offset_x_mm,
                                            centre_v + p.projection_offset_y_mm, panel_z};
        if (parallel) {
            if (p.source_offset_x_mm != 0 || p.source_offset_y_mm != 0) {
                throw InvalidArgument(where +
                                      ": a parallel-beam projection with a source offset, which "
                                      "RTK's matrix ignores: remove SourceOffsetX/Y");
            }
            w.source = -to_world.column(2);
        } else {
            w.source =
                to_world * Vec3{p.source_offset_x_mm, p.source_offset_y_mm, p.source_isocenter_mm};
        }
        g.views.push_back(w);
    }
    g.validate(what);
    return g;
}

std::vector<RtkProjection> rtk_projections(const CtGeometry& g, RtkPanel& panel,
                                           const std::string& what) {
    g.validate(what);
    panel.columns = g.columns;
    panel.rows = g.rows;
    panel.spacing_u_mm = norm(g.views.front().u);
    panel.spacing_v_mm = norm(g.views.front().v);
    panel.validate(what);
    const double centre_u =
        panel.origin_u() + 0.5 * static_cast<double>(panel.columns - 1) * panel.spacing_u_mm;
    const double centre_v =
        panel.origin_v() + 0.5 * static_cast<double>(panel.rows - 1) * panel.spacing_v_mm;
    std::vector<RtkProjection> out;
    out.reserve(g.views.size());
    for (std::size_t i = 0; i < g.views.size(); ++i) {
        const CtView& w = g.views[i];
        const std::string where = what + ": view " + std::to_string(i);
        const double du = norm(w.u), dv = norm(w.v);
        if (std::fabs(du - panel.spacing_u_mm) > 1e-9 * panel.spacing_u_mm ||
            std::fabs(dv - panel.spacing_v_mm) > 1e-9 * panel.spacing_v_mm) {
            throw InvalidArgument(where + " has pixels of " + number(du) + " x " + number(dv) +
                                  " mm, view 0 of " + number(panel.spacing_u_mm) + " x " +
                                  number(panel.spacing_v_mm) +
                                  " mm: RTK's projections share one pixel spacing");
        }
        const Vec3 r = (1.0 / du) * w.u, c = (1.0 / dv) * w.v;
        if (std::fabs(dot(r, c)) > 1e-6) {
            throw InvalidArgument(where +
                                  ": u and v are not orthogonal, and RTK's detector rows and "
                                  "columns are");
        }
        const Vec3 n = normalized(cross(r, c));
        // Re-orthogonalise to the last bit so that the angles describe exactly this frame.
        const Vec3 c_exact = cross(n, r);
        const Mat3 to_world = Mat3::from_columns(r, c_exact, n);
        const Vec3 angles = matrix_to_euler(to_world, rtk_convention());
        RtkProjection p;
        p.gantry_deg = degrees_0_360(angles.x);
        p.out_of_plane_deg = degrees_0_360(angles.y);
        p.in_plane_deg = degrees_0_360(angles.z);
        const Vec3 centre = w.detector_center;
        p.projection_offset_x_mm = dot(centre, r) - centre_u;
        p.projection_offset_y_mm = dot(centre, c_exact) - centre_v;
        if (g.beam == CtBeam::Cone) {
            p.source_isocenter_mm = dot(n, w.source);
            p.source_detector_mm = dot(n, w.source - centre);
            p.source_offset_x_mm = dot(r, w.source);
            p.source_offset_y_mm = dot(c_exact, w.source);
            if (p.source_detector_mm == 0) {
                throw InvalidArgument(where + ": the source lies on the detector plane");
            }
        } else {
            const Vec3 ray = normalized(w.source);
            if (dot(ray, n) > -(1 - 1e-9)) {
                throw InvalidArgument(where +
                                      ": RTK's parallel rays are perpendicular to the panel and "
                                      "run along -(u x v); these do not");
            }
            p.source_isocenter_mm = -dot(n, centre);
        }
        out.push_back(p);
    }
    return out;
}

std::array<double, 12> rtk_matrix(const CtGeometry& geometry, int64_t view, const RtkPanel& panel) {
    const std::array<double, 12> p = projection_matrix(geometry, view);
    const double a[3][3] = {{panel.spacing_u_mm, 0, panel.origin_u()},
                            {0, panel.spacing_v_mm, panel.origin_v()},
                            {0, 0, 1}};
    std::array<double, 12> m{};
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 4; ++c)
            m[r * 4 + c] = a[r][0] * p[c] + a[r][1] * p[4 + c] + a[r][2] * p[8 + c];
    if (geometry.beam == CtBeam::Cone) {
        const double s = -1.0 / norm(Vec3{m[8], m[9], m[10]});
        for (double& x : m)
            x *= s;
    }
    return m;
}

}  // namespace radon::recon
