#include "kernels/backend/cuda_ct.h"
#include "kernels/core/error.h"

namespace radon::detail {

std::unique_ptr<CtDeviceProjector> make_cuda_ct_projector(const CtDeviceSpec&, int) {
    throw Error("the CT projector cannot run on CUDA: this build of Radon Studio has no CUDA");
}

}  // namespace radon::detail
