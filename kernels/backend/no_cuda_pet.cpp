#include "kernels/backend/cuda_pet.h"
#include "kernels/core/error.h"

namespace radon::detail {

std::unique_ptr<PetDeviceProjector> make_cuda_pet_projector(const pet::PetProjectionSpec&,
                                                            const pet::PetLors&, int) {
    throw Error("the PET projector cannot run on CUDA: this build of Radon Studio has no CUDA");
}

}  // namespace radon::detail
