#include "kernels/ct/ct_geometry_conversions.h"

#include <cmath>
#include <sstream>

#include "kernels/core/error.h"

namespace radon {
namespace {

bool all_finite(const std::array<double, 12>& p) {
    for (double x : p)
        if (!std::isfinite(x)) return false;
    return true;
}

Vec3 row3(const std::array<double, 12>& p, int r) {
    return {p[r * 4 + 0], p[r * 4 + 1], p[r * 4 + 2]};
}

Vec3 pixel_center_offset(int64_t columns, int64_t rows) {
    return {0.5 * static_cast<double>(columns - 1), 0.5 * static_cast<double>(rows - 1), 0};
}

void check_panel(int64_t columns, int64_t rows) {
    if (columns < 1 || rows < 1) {
        std::ostringstream msg;
        msg << "projection matrix: a panel of " << columns << " x " << rows
            << " pixels, expected at least 1 x 1";
        throw InvalidArgument(msg.str());
    }
}

}  // namespace

CtView cone_view(const ProjectionGeometry& g) {
    CtView w;
    w.source = g.source;
    w.detector_center = g.detector_center();
    w.u = g.column_step;
    w.v = g.row_step;
    return w;
}

CtGeometry cone_geometry(const std::vector<ProjectionGeometry>& projections,
                         const std::string& what) {
    if (projections.empty())
        throw InvalidArgument(what + ": no views: a CT scan needs at least one");
    CtGeometry g;
    g.beam = CtBeam::Cone;
    g.columns = projections.front().width;
    g.rows = projections.front().height;
    g.views.reserve(projections.size());
    for (std::size_t i = 0; i < projections.size(); ++i) {
        const ProjectionGeometry& p = projections[i];
        if (p.width != g.columns || p.height != g.rows) {
            std::ostringstream msg;
            msg << what << ": view " << i << " has a panel of " << p.width << " x " << p.height
                << " pixels, view 0 one of " << g.columns << " x " << g.rows
                << ": every view of a scan must have the same panel";
            throw InvalidArgument(msg.str());
        }
        g.views.push_back(cone_view(p));
    }
    g.validate(what);
    return g;
}

CtGeometry carm_sweep_geometry(const std::vector<CArmPose>& poses, const Detector& detector,
                               Vec3 default_isocenter) {
    detector.validate();
    std::vector<ProjectionGeometry> projections;
    projections.reserve(poses.size());
    for (std::size_t i = 0; i < poses.size(); ++i) {
        try {
            poses[i].validate();
        } catch (const InvalidArgument& e) {
            throw InvalidArgument("C-arm sweep pose " + std::to_string(i) + ": " + e.what());
        }
        projections.push_back(carm_projection(poses[i], detector, default_isocenter));
    }
    return cone_geometry(projections, "C-arm sweep");
}

std::array<double, 12> projection_matrix(const CtGeometry& geometry, int64_t view) {
    if (geometry.beam == CtBeam::Cone)
        return geometry.projection_geometry(view).projection_matrix();
    // A point x lies on the ray through pixel (c, r) when x = first + c u + r v + t d for some t,
    // so (c, r, t) = [u, v, d]^-1 (x - first); t is dropped.
    const CtView& w = geometry.views.at(static_cast<std::size_t>(view));
    const Vec3 first = geometry.pixel_center(view, 0.0, 0.0);
    const Mat3 b_inv = inverse(Mat3::from_columns(w.u, w.v, w.source));
    const Vec3 offset = -(b_inv * first);
    std::array<double, 12> p{};
    for (int r = 0; r < 2; ++r) {
        for (int c = 0; c < 3; ++c)
            p[r * 4 + c] = b_inv.m[r][c];
        p[r * 4 + 3] = offset[r];
    }
    p[11] = 1;
    return p;
}

CtView cone_view_from_matrix(const std::array<double, 12>& p, int64_t columns, int64_t rows,
                             const MatrixScale& scale) {
    check_panel(columns, rows);
    if (!all_finite(p)) throw InvalidArgument("projection matrix: a number is not finite");
    const bool by_pixel = scale.pixel_u_mm != 0;
    const bool by_distance = scale.source_detector_mm != 0;
    if (by_pixel == by_distance) {
        throw InvalidArgument(
            "projection matrix: give exactly one of the pixel size and the source to detector "
            "distance; the matrix alone fixes them only up to a common factor");
    }
    const double wanted = by_pixel ? scale.pixel_u_mm : scale.source_detector_mm;
    if (!std::isfinite(wanted) || wanted <= 0) {
        std::ostringstream msg;
        msg << "projection matrix: " << (by_pixel ? "pixel size " : "source to detector distance ")
            << wanted << " mm, expected a finite value > 0";
        throw InvalidArgument(msg.str());
    }
    // P = k B^-1 [I | -source] with B = [u, v, first_pixel - source] (see projection_matrix), so
    // source = -M^-1 p4 and B = k M^-1 for the unknown factor k > 0.
    const Mat3 m = Mat3::from_columns({p[0], p[4], p[8]}, {p[1], p[5], p[9]}, {p[2], p[6], p[10]});
    const double scale_m = norm(row3(p, 0)) * norm(row3(p, 1)) * norm(row3(p, 2));
    if (!(std::fabs(determinant(m)) > 1e-12 * scale_m)) {
        throw InvalidArgument(
            "projection matrix: its left 3x3 block is singular: not a cone-beam (pinhole) "
            "matrix");
    }
    const Mat3 b = inverse(m);
    const Vec3 source = -(b * Vec3{p[3], p[7], p[11]});
    const Vec3 u0 = b.column(0), v0 = b.column(1), to_first0 = b.column(2);
    double k = 0;
    if (by_pixel) {
        k = wanted / norm(u0);
    } else {
        const Vec3 normal = normalized(cross(u0, v0));
        k = wanted / std::fabs(dot(to_first0, normal));
    }
    CtView w;
    w.source = source;
    w.u = k * u0;
    w.v = k * v0;
    const Vec3 c = pixel_center_offset(columns, rows);
    w.detector_center = source + k * to_first0 + c.x * w.u + c.y * w.v;
    return w;
}

CtView parallel_view_from_matrix(const std::array<double, 12>& p, int64_t columns, int64_t rows) {
    check_panel(columns, rows);
    if (!all_finite(p)) throw InvalidArgument("projection matrix: a number is not finite");
    const double size = std::max(norm(row3(p, 0)), norm(row3(p, 1)));
    if (std::fabs(p[8]) > 1e-12 * size || std::fabs(p[9]) > 1e-12 * size ||
        std::fabs(p[10]) > 1e-12 * size || !(p[11] > 0)) {
        throw InvalidArgument(
            "projection matrix: a parallel-beam matrix is affine, its last row (0, 0, 0, w) with "
            "w > 0");
    }
    const double w_scale = p[11];
    const Vec3 a0 = (1.0 / w_scale) * row3(p, 0), a1 = (1.0 / w_scale) * row3(p, 1);
    const Vec3 normal = cross(a0, a1);
    if (!(norm(normal) > 1e-12 * norm(a0) * norm(a1))) {
        throw InvalidArgument("projection matrix: its first two rows are parallel: no panel");
    }
    // Rows a0, a1 map a point to its column and row; d is the ray direction. u and v are the
    // steps perpendicular to d that move one column (row) and no row (column).
    const Vec3 d = -normalized(normal);
    const Mat3 n = Mat3::from_columns({a0.x, a1.x, d.x}, {a0.y, a1.y, d.y}, {a0.z, a1.z, d.z});
    const Mat3 n_inv = inverse(n);
    CtView w;
    w.source = d;
    w.u = n_inv.column(0);
    w.v = n_inv.column(1);
    const Vec3 c = pixel_center_offset(columns, rows);
    w.detector_center = n_inv * Vec3{c.x - p[3] / w_scale, c.y - p[7] / w_scale, 0};
    return w;
}

}  // namespace radon
