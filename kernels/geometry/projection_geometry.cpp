#include "kernels/geometry/projection_geometry.h"

namespace radon {

const char* to_string(RaySpan span) {
    switch (span) {
        case RaySpan::WholeLine:
            return "whole_line";
        case RaySpan::PastDetector:
            return "past_detector";
        case RaySpan::BehindSource:
            return "behind_source";
        case RaySpan::SourceToDetector:
        default:
            return "source_to_detector";
    }
}

std::array<double, 12> ProjectionGeometry::projection_matrix() const {
    // A point on the ray through pixel (c, r) satisfies x - source ~ B (c, r, 1) with
    // B = [column_step, row_step, first_pixel - source], so (c, r, 1) ~ B^-1 (x - source).
    const Mat3 b = Mat3::from_columns(column_step, row_step, first_pixel - source);
    const Mat3 b_inv = inverse(b);
    const Vec3 offset = -(b_inv * source);
    std::array<double, 12> p{};
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c)
            p[r * 4 + c] = b_inv.m[r][c];
        p[r * 4 + 3] = offset[r];
    }
    return p;
}

ProjectionGeometry ProjectionGeometry::crop(int64_t col0, int64_t row0, int64_t cols,
                                            int64_t rows) const {
    ProjectionGeometry g = *this;
    g.first_pixel = pixel_center(static_cast<double>(col0), static_cast<double>(row0));
    g.width = cols;
    g.height = rows;
    return g;
}

ProjectionGeometry rigid_projection(const RigidTransform& carm_to_world, double sad, double sdd,
                                    const Detector& detector) {
    const Mat3& r = carm_to_world.rotation;
    const Vec3 toward_source = r * kCArmSourceDirection;
    const Vec3 u = r * kCArmColumnDirection;
    const Vec3 v = r * kCArmRowDirection;
    ProjectionGeometry g;
    g.source = carm_to_world.translation + sad * toward_source;
    // The principal point is where the perpendicular from the source meets the panel.
    const Vec3 principal_point = g.source - sdd * toward_source;
    const Vec3 panel_center = principal_point - detector.principal_u * u - detector.principal_v * v;
    g.column_step = detector.delx * u;
    g.row_step = detector.dely * v;
    g.first_pixel = panel_center - (0.5 * (detector.width - 1)) * g.column_step -
                    (0.5 * (detector.height - 1)) * g.row_step;
    g.width = detector.width;
    g.height = detector.height;
    return g;
}

ProjectionGeometry carm_projection(const CArmPose& pose, const Detector& detector,
                                   Vec3 default_isocenter) {
    return rigid_projection(carm_to_world(pose, default_isocenter), pose.sad, pose.sdd, detector);
}

}  // namespace radon
