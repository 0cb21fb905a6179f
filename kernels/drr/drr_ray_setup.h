#pragma once

#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/drr/occupancy.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"

namespace radon {

// Reduces a render's geometry and settings to the floats every ray reads, in the volume's cell
// coordinates, with strides for the native x-fastest layout. Every backend builds its
// DrrRayParams here. `occupied` (may be null) clips line integrals to the non-zero voxels.
DrrRayParams drr_ray_params(const VolumeGrid& grid, const ProjectionGeometry& geometry,
                            const DrrSettings& settings, const OccupiedBox* occupied);

}  // namespace radon
