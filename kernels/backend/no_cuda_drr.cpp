#include "kernels/backend/cuda_drr.h"
#include "kernels/core/error.h"

namespace radon::detail {

std::unique_ptr<DrrRenderer> make_cuda_drr_renderer(const VolumeGrid&, const Array<float>&, int,
                                                    const OccupiedBox*) {
    throw Error(
        "CUDA DRR rendering requested, but this build of Radon Studio has no CUDA backend "
        "(configure with -DRADON_CUDA=ON on a machine with nvcc)");
}

}  // namespace radon::detail
