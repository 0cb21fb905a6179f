#include "kernels/backend/cuda_ct_backproject.h"
#include "kernels/core/error.h"

namespace radon::detail {

std::unique_ptr<VoxelBackprojector> make_cuda_voxel_backprojector(std::vector<VoxelViewMap>,
                                                                  const CtGeometry&,
                                                                  const VolumeGrid&,
                                                                  VoxelBackprojectionWeight,
                                                                  DrrMemoryPath, int) {
    throw Error("the CT back projector cannot run on CUDA: this build of Radon Studio has no CUDA");
}

}  // namespace radon::detail
