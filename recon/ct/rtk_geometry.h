#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernels/ct/ct_geometry.h"

namespace radon::recon {

// RTK's description of a scan (rtk::ThreeDCircularProjectionGeometry, checked against RTK 2.7's
// rtkThreeDCircularProjectionGeometry.cxx and itk-rtk 2.7.0 in Python), and how it maps onto
// radon's CtGeometry.
//
// World. RTK has no patient frame of its own: its world is the physical space of ITK images,
// the same space radon reads volumes into (patient LPS for DICOM, NIfTI, NRRD and MetaImage). So
// RTK's coordinates are radon's, unchanged: a volume and an XML file used with both tools give
// the same rays.
//
// Angles. Each projection has its own frame, the gantry frame, in which the source sits at
// (SourceOffsetX, SourceOffsetY, SourceToIsocenterDistance), the detector plane is
// z = SID - SDD, detector coordinates u, v run along +x, +y, and (u, v) = (0, 0) lies at
// (ProjectionOffsetX, ProjectionOffsetY, SID - SDD). The gantry frame maps to the world by
//     world = Ry(GantryAngle) Rx(OutOfPlaneAngle) Rz(InPlaneAngle) gantry
// (right-handed rotations, the inverse of RTK's rotation matrix Rz(-ia) Rx(-oa) Ry(-ga)): RTK's
// gantry turns about world +y, its source at +z at angle 0 and at +x at 90 degrees. radon's
// circular trajectories and C-arms turn about world z (the patient's S axis), so they appear in
// RTK with out-of-plane and in-plane angles: the C-arm frame (docs/CONVENTIONS.md) is RTK's
// gantry frame turned by Rx(-90 degrees), i.e.
//     R_carm = Ry(GantryAngle) Rx(OutOfPlaneAngle) Rz(InPlaneAngle) Rx(90 degrees).
// Parallel beams (SourceToDetectorDistance 0) send their rays along the gantry's -z; RTK puts
// their panel at z = -SID.
//
// Pixels. RTK's geometry knows no pixels: its 3x4 matrix maps world points to detector
// coordinates in mm. The pixel grid is that of the projection images: pixel (i, j) at detector
// coordinates (origin_u + i spacing_u, origin_v + j spacing_v) (identity direction). So a
// radon projection matrix P (world to pixel index) and RTK's matrix M relate by
//     M = s A P,   A = [[spacing_u, 0, origin_u], [0, spacing_v, origin_v], [0, 0, 1]],
// with s < 0 for cone beams (RTK's w is negative in front of the source, radon's positive;
// |s| makes the third row of M's left 3x3 block a unit vector) and s = 1 for parallel beams.
// The usual origin is the centred one, origin = -(N - 1) / 2 * spacing, which radon takes when
// none is given and writes into the XML as a comment.
struct RtkProjection {
    double source_isocenter_mm = 0;
    double source_detector_mm = 0;  // 0 for a parallel beam, as in RTK
    double gantry_deg = 0;
    double out_of_plane_deg = 0;
    double in_plane_deg = 0;
    double projection_offset_x_mm = 0;
    double projection_offset_y_mm = 0;
    double source_offset_x_mm = 0;
    double source_offset_y_mm = 0;
};

// The pixel grid of the projection images.
struct RtkPanel {
    int64_t columns = 0;
    int64_t rows = 0;
    double spacing_u_mm = 0;
    double spacing_v_mm = 0;
    std::optional<double> origin_u_mm;  // default: centred, -(columns - 1) / 2 * spacing_u
    std::optional<double> origin_v_mm;  // default: centred, -(rows - 1) / 2 * spacing_v

    double origin_u() const;
    double origin_v() const;
    // Throws InvalidArgument naming `what` for an empty panel or a spacing or origin that is not
    // finite (and positive).
    void validate(const std::string& what) const;
};

// The CT geometry of RTK's projections on `panel`. Throws InvalidArgument naming `what` (and
// the projection) for no projections, a mix of parallel and cone beams, a non-finite value, a
// parallel projection with a source offset (RTK's matrix ignores it; radon cannot place it) or a
// geometry CtGeometry::validate refuses.
CtGeometry ct_geometry_from_rtk(const std::vector<RtkProjection>& projections,
                                const RtkPanel& panel, const std::string& what);

// RTK's parameters of every view, as rtk::ThreeDCircularProjectionGeometry::AddProjection(source,
// detector, row, column) would set them, with the angles in [0, 360) as RTK keeps them. `panel`
// takes its size and spacing from the geometry (|u|, |v|) and, when given, the origin. Throws
// InvalidArgument naming `what` and the view when RTK cannot hold the geometry: u and v not
// orthogonal, a pixel size that changes from view to view, or (parallel) rays that are not
// perpendicular to the panel or do not run along -(u x v).
std::vector<RtkProjection> rtk_projections(const CtGeometry& geometry, RtkPanel& panel,
                                           const std::string& what);

// RTK's matrix of a view (world to detector mm, RTK's sign and scale), from radon's projection
// matrix and the panel, as stated above.
std::array<double, 12> rtk_matrix(const CtGeometry& geometry, int64_t view, const RtkPanel& panel);

}  // namespace radon::recon
