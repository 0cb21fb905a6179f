#pragma once

#include <cstdint>
#include <memory>

#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "kernels/pet/pet_lor_projection.h"

namespace radon::detail {

// A PET projector on one CUDA device (kernels/cuda/pet_cuda.cu): the per-LOR code of
// kernels/pet/ run one LOR per thread. The LORs are copied to the device once when they fit in
// half its free memory, else streamed in batches sized from it; the image stays on the device
// across calls. Inputs and outputs may be host or device memory (`space`).
class PetDeviceProjector {
  public:
    virtual ~PetDeviceProjector() = default;
    virtual void forward(const float* image, float* out, MemorySpace space,
                         const RunControl& control) = 0;
    virtual void back(const float* values, float* image, MemorySpace space,
                      const RunControl& control) = 0;
    // LORs per launch (for logs and tests).
    virtual int64_t batch_lors() const = 0;
};

// Throws Error in builds without CUDA (kernels/backend/no_cuda_pet.cpp).
std::unique_ptr<PetDeviceProjector> make_cuda_pet_projector(const pet::PetProjectionSpec& spec,
                                                            const pet::PetLors& host_lors,
                                                            int device_index);

}  // namespace radon::detail
