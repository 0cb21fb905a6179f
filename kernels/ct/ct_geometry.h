#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/geometry/projection_geometry.h"

namespace radon {

// Rays from a point source through each pixel (fan and cone beam), or parallel rays.
enum class CtBeam { Parallel, Cone };

// "parallel" | "cone"
const char* to_string(CtBeam beam);
CtBeam parse_ct_beam(const std::string& name);

// One view of a scan as the 12 numbers of an ASTRA `cone_vec` / `parallel3d_vec` row, in world
// (LPS) millimetres, so trajectories move between tools unchanged:
// - `source`: the focal spot (cone), or the direction every ray travels, from the source side
//   towards the detector (parallel; its length does not matter);
// - `detector_center`: the centre of the panel;
// - `u`: one pixel step along a detector row (column index increasing);
// - `v`: one pixel step down a detector column (row index increasing).
// Pixel (col, row) has its centre at detector_center + (col - (columns-1)/2) u
// + (row - (rows-1)/2) v, exactly as ASTRA places it.
struct CtView {
    Vec3 source;
    Vec3 detector_center;
    Vec3 u;
    Vec3 v;
};

// A CT scan's geometry: a panel of `columns` x `rows` pixels and one CtView per projection.
// 2D fan and 2D parallel scans are the one-row case (rows == 1) over a one-slice volume.
// Projection stacks are float arrays of views x rows x columns, column fastest (an ITK/RTK
// projection stack: x = column, y = row, z = view); LinearOperator names the axes
// "column", "row", "view".
struct CtGeometry {
    CtBeam beam = CtBeam::Cone;
    int64_t columns = 0;
    int64_t rows = 0;
    std::vector<CtView> views;

    int64_t view_count() const { return static_cast<int64_t>(views.size()); }
    int64_t pixels_per_view() const { return columns * rows; }
    int64_t pixel_count() const { return pixels_per_view() * view_count(); }

    Vec3 pixel_center(int64_t view, double col, double row) const;

    // For a cone-beam view, the DRR geometry that renders it (source to pixel centres).
    // Throws InvalidArgument for a parallel-beam geometry.
    ProjectionGeometry projection_geometry(int64_t view) const;

    // Throws InvalidArgument naming `what` (a file name, or "geometry") and the first bad field:
    // no views, an empty panel, a non-finite vector, u or v of zero length or parallel, a source
    // on the detector plane (cone), or a ray direction parallel to the panel (parallel).
    void validate(const std::string& what) const;
};

// A circular scan about the patient's S-I axis (world z) through `isocenter`. At angle a the
// gantry stands where a C-arm stands at primary angle a (docs/CONVENTIONS.md): at 0 the source is
// posterior and the detector anterior, and positive angles turn the detector towards the
// patient's left (LAO). Detector columns run along the C-arm's u, rows along -z.
// Offsets are in the rotating frame, in mm along u and v: `source_offset_*` moves the focal spot
// (RTK's SourceOffsetX/Y), `detector_offset_*` moves the panel centre (RTK's ProjectionOffsetX/Y).
// Parallel beams ignore the distances and the source offset; their panel centre is the
// isocenter plus the detector offset.
struct CircularTrajectory {
    CtBeam beam = CtBeam::Cone;
    std::vector<double> angles_deg;
    double source_isocenter_mm = 600;
    double source_detector_mm = 1200;
    int64_t columns = 128;
    int64_t rows = 128;
    double pixel_u_mm = 1;
    double pixel_v_mm = 1;
    double source_offset_u_mm = 0;
    double source_offset_v_mm = 0;
    double detector_offset_u_mm = 0;
    double detector_offset_v_mm = 0;
    Vec3 isocenter{0, 0, 0};
};

// `count` angles from `first_deg`, `arc_deg / count` apart (a full 360 degree arc does not
// repeat its first view; a short scan of arc 180 + fan angle is spaced the same way).
std::vector<double> evenly_spaced_angles(int64_t count, double first_deg, double arc_deg);

// Throws InvalidArgument for no angles, a non-finite value, distances that are not positive or
// a detector at or before the isocenter (cone), or an empty panel.
CtGeometry circular_geometry(const CircularTrajectory& trajectory);

}  // namespace radon
