#pragma once

#include <cstdint>
#include <string>

#include "kernels/core/vec.h"
#include "kernels/geometry/detector.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/rotation.h"

namespace radon {

// DiffDRR (pip package diffdrr, geometry checked against 0.6.1) describes a view differently from
// radon: its world is the volume's RAS+ frame moved so the volume centre is the origin, and its
// camera sits at the X-ray source. The functions below turn a DiffDRR view into radon's C-arm
// frame and ProjectionGeometry, so that `radon drr` renders the same rays DiffDRR renders.
// docs/CONVENTIONS.md gives the derivation and a worked example.

// The frame-of-reference change of DiffDRR's read(..., orientation=...).
enum class DiffDrrOrientation { AP, PA, None };

// "AP", "PA" or "none" (case-insensitive); throws InvalidArgument listing them.
DiffDrrOrientation parse_diffdrr_orientation(const std::string& name);
const char* to_string(DiffDrrOrientation orientation);

// The detector arguments of DiffDRR's DRR(subject, sdd, height, delx, width, dely, x0, y0,
// reverse_x_axis=...), in DiffDRR's meaning: x0 and y0 shift the panel in mm along DiffDRR's
// camera x and y axes.
struct DiffDrrDetector {
    double sdd = 1020;
    int64_t height = 200;
    int64_t width = 200;
    double delx = 2.0;
    double dely = 2.0;
    double x0 = 0;
    double y0 = 0;
    bool reverse_x_axis = true;  // DRR's default

    // Throws InvalidArgument for a non-positive or non-finite SDD or offset, or a bad panel.
    void validate() const;
};

// A pose as DiffDRR renders it. drr(rotation, translation, parameterization=..., convention=...)
// turns the rotation, in any parameterization, into a matrix R and places its camera with the
// transform x -> R x + R t; the subject's read(..., orientation, center_volume) chose the
// reorientation and whether the volume centre was moved to the origin.
struct DiffDrrPose {
    Mat3 rotation = Mat3::identity();  // R (euler_to_matrix, axis_angle_to_matrix, ...)
    Vec3 translation{0, 0, 0};         // t
    DiffDrrOrientation orientation = DiffDrrOrientation::AP;
    bool center_volume = true;
};

// DiffDRR's parameterization "matrix" takes the 4x4 camera-to-world transform M itself; this is
// the pose with R and t such that x -> R x + R t equals M.
DiffDrrPose diffdrr_pose_from_matrix(const RigidTransform& camera_to_world);

// The DiffDRR view in radon's terms: rigid_projection(carm_to_world, sad, sdd, detector) gives
// DiffDRR's rays exactly, and integrating them along their whole line (RaySpan::WholeLine)
// gives DiffDRR's pixels.
// - carm_to_world is orthogonal but not always a rotation: DiffDRR's image is a mirror image of
//   radon's (seen from the source rather than from behind the detector) for orientation AP or
//   None with reverse_x_axis, and for PA without it; then the determinant is -1, the C-arm frame's
//   column axis reversed.
// - The isocenter is the point of the central ray nearest the volume centre, and SAD its distance
//   from the source. When the volume centre lies behind DiffDRR's source (PA with the
//   translation used for AP, for example) the view is point-reflected through the source: the
//   same lines, with the volume in front of the source.
// - SAD may exceed SDD: DiffDRR's detector may lie inside or in front of the volume, and its
//   whole-line integral still counts the volume beyond it (detector_cut says when).
struct DiffDrrView {
    RigidTransform carm_to_world;
    double sad = 0;
    double sdd = 0;
    Detector detector;

    bool mirrored() const { return determinant(carm_to_world.rotation) < 0; }

    // Throws InvalidArgument when the volume centre lies level with the source: no C-arm frame
    // then has it in front of the source.
    void check_source_clear_of_volume_center() const;
};

// Radon's detector for DiffDRR's: the same size and spacing, x0 and y0 as principal point offsets.
Detector diffdrr_detector(const DiffDrrDetector& detector);

// `volume_center` is VolumeGrid::center(), the point DiffDRR's read(center_volume=True) moves to
// its origin. Throws InvalidArgument for a bad detector or a rotation that is not one.
DiffDrrView diffdrr_view(const DiffDrrPose& pose, const DiffDrrDetector& detector,
                         Vec3 volume_center);

// rigid_projection of diffdrr_view, after check_source_clear_of_volume_center, with
// RaySpan::WholeLine: DiffDRR's rays and DiffDRR's integral.
ProjectionGeometry diffdrr_projection(const DiffDrrPose& pose, const DiffDrrDetector& detector,
                                      Vec3 volume_center);

}  // namespace radon
