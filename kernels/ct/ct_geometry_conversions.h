#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/ct/ct_geometry.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "kernels/geometry/projection_geometry.h"

namespace radon {

// Conversions between a CT view (CtView, ASTRA's 12 numbers) and the other ways a projection's
// geometry is written down: the DRR engine's ProjectionGeometry, 3x4 projection matrices, and
// `radon drr` poses. CtGeometry::projection_geometry goes the other way for cone beams.

// The cone-beam view whose rays are those of `geometry` (source to every pixel centre). The
// panel size is the geometry's width x height.
CtView cone_view(const ProjectionGeometry& geometry);

// A cone-beam scan from the geometries of its projections, e.g. a C-arm sweep: every one must
// have the same panel size. Throws InvalidArgument naming `what` for an empty list, panels of
// different sizes, or a view CtGeometry::validate refuses.
CtGeometry cone_geometry(const std::vector<ProjectionGeometry>& projections,
                         const std::string& what);

// A C-arm sweep of `radon drr` poses on one detector (carm_projection of each pose): a cone-beam
// trajectory. `default_isocenter` is what a pose's isocenter offset is added to (for `radon
// drr`, the volume centre). Throws InvalidArgument for an invalid pose or detector.
CtGeometry carm_sweep_geometry(const std::vector<CArmPose>& poses, const Detector& detector,
                               Vec3 default_isocenter);

// The 3x4 matrix P (row-major) of view `view`, mapping world (x, y, z, 1) to w * (column, row, 1):
// - cone: ProjectionGeometry::projection_matrix, w > 0 in front of the source;
// - parallel: an affine map, last row (0, 0, 0, 1), so w = 1.
std::array<double, 12> projection_matrix(const CtGeometry& geometry, int64_t view);

// What a cone-beam matrix cannot say: P fixes the source and the line through every pixel, but
// the detector plane and the pixel size only up to one common factor (a panel twice as far with
// pixels twice as large casts the same rays). Exactly one of these fixes it.
struct MatrixScale {
    double pixel_u_mm = 0;          // the length of u: the pixel pitch along a row
    double source_detector_mm = 0;  // the distance from the source to the detector plane
};

// The cone-beam view of a matrix P as projection_matrix writes it, on a panel of `columns` x
// `rows` pixels (the matrix does not know the panel's extent: its centre is pixel
// ((columns - 1) / 2, (rows - 1) / 2)). P may be multiplied by any positive number; its sign
// decides on which side of the source the detector lies (w > 0 in front of the source: a matrix
// whose w is negative in front, as RTK's are, must be negated first). Throws InvalidArgument for
// a singular left 3x3 block (a parallel-beam or degenerate matrix), non-finite numbers, or a
// scale that is not exactly one finite positive value.
CtView cone_view_from_matrix(const std::array<double, 12>& matrix, int64_t columns, int64_t rows,
                             const MatrixScale& scale);

// The parallel-beam view of an affine matrix as projection_matrix writes it. The matrix fixes u
// and v only as seen along the rays, so the view's u and v are taken perpendicular to the rays,
// the rays travel along -(u x v) (as in every trajectory radon makes), and the detector centre
// is put in the plane through the world origin perpendicular to the rays. Throws
// InvalidArgument when the last row is not (0, 0, 0, 1) or the first two rows are parallel.
CtView parallel_view_from_matrix(const std::array<double, 12>& matrix, int64_t columns,
                                 int64_t rows);

}  // namespace radon
