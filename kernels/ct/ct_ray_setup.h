#pragma once

#include <vector>

#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_projector.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/geometry/volume_grid.h"

namespace radon {

// One DrrRayParams per view of `geometry`, for the per-ray code of kernels/ct/ct_rays.h. A
// cone-beam view gets exactly what the DRR engine uses for CtGeometry::projection_geometry(view)
// (rays from the source to the pixel centres); a parallel-beam view the params that
// clip_parallel_ray reads (the whole line through each pixel centre along the view's direction).
// Rays are clipped to the whole volume: A^T must walk the same voxels as A, whatever the values.
// prefetch_slabs is set for the CPU engine (GPUs ignore it).
std::vector<DrrRayParams> ct_ray_params(const CtGeometry& geometry, const VolumeGrid& grid,
                                        const CtProjectorSettings& settings);

}  // namespace radon
