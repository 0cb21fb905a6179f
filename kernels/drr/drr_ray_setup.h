#pragma once

#include <array>
#include <cstdint>

#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/drr/occupancy.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"

namespace radon {

// The voxels a render's rays are clipped to: [lo, hi) along each index axis. Zero voxels add
// nothing to a line integral, so sums walk only the occupied box (when `occupied` is given); a
// maximum must see them, and trilinear samples reach one voxel further.
struct WalkedCells {
    std::array<int64_t, 3> lo{0, 0, 0};
    std::array<int64_t, 3> hi{0, 0, 0};
};
WalkedCells walked_cells(const VolumeGrid& grid, const DrrSettings& settings,
                         const OccupiedBox* occupied);

// Reduces a render's geometry and settings to the floats every ray reads, in the volume's cell
// coordinates, with strides for the native x-fastest layout. Every backend builds its
// DrrRayParams here. `occupied` (may be null) clips line integrals to the non-zero voxels.
DrrRayParams drr_ray_params(const VolumeGrid& grid, const ProjectionGeometry& geometry,
                            const DrrSettings& settings, const OccupiedBox* occupied);

// How many slabs ahead a CPU engine's Siddon walk prefetches (DrrRayParams::prefetch_slabs) for
// rays that mostly travel along `direction` (cell coordinates): none along x, whose slabs are
// neighbours in memory, a few along y and z.
int32_t cpu_prefetch_slabs(const float direction[3]);

}  // namespace radon
