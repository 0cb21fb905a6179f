#pragma once

#include <memory>
#include <vector>

#include "kernels/ct/voxel_backprojector.h"

namespace radon::detail {

// The CUDA voxel-driven back projector on device `device_index`
// (kernels/cuda/ct_backproject_cuda.cu): one voxel per thread, by the per-voxel code of
// kernels/ct/voxel_backprojection.h. The sum stays on the device across add() calls. Views go in
// batches sized from the free device memory; `path` picks a layered 2D texture (hardware
// bilinear, a cudaArray copy of each batch) or padded panels in global memory (the shared
// software bilinear), Auto the texture. In builds without CUDA, no_cuda_ct_backproject.cpp
// throws; make_voxel_backprojector calls it only once a device was found.
std::unique_ptr<VoxelBackprojector> make_cuda_voxel_backprojector(
    std::vector<VoxelViewMap> maps, const CtGeometry& geometry, const VolumeGrid& grid,
    VoxelBackprojectionWeight weight, DrrMemoryPath path, int device_index);

}  // namespace radon::detail
