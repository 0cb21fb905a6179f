#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/drr_settings.h"

namespace radon::detail {

// What the CUDA CT projector projects: the per-view ray params (kernels/ct/ct_ray_setup.h), the
// stack's extents and the volume's voxels.
struct CtDeviceSpec {
    std::vector<DrrRayParams> params;  // one per view
    int64_t columns = 0, rows = 0;
    int64_t voxels = 0;
    bool parallel = false;
    bool trilinear = false;
    DrrMemoryPath memory_path = DrrMemoryPath::Auto;
};

// The CT projector on one CUDA device (kernels/cuda/ct_cuda.cu): the per-ray code of
// kernels/ct/ct_rays.h, one ray per thread; back projection adds with atomicAdd. The volume and
// the view params stay on the device across calls; projections go in batches of views sized
// from the free device memory. Inputs and outputs may be host or device memory (`space`).
class CtDeviceProjector {
  public:
    virtual ~CtDeviceProjector() = default;
    virtual void forward(const float* volume, float* stack, MemorySpace space,
                         const RunControl& control) = 0;
    virtual void back(const float* stack, float* volume, MemorySpace space,
                      const RunControl& control) = 0;
    // Views per launch when projections are staged through the host (for logs and tests).
    virtual int64_t batch_views() const = 0;
    virtual std::string description() const = 0;
};

// Throws Error in builds without CUDA (kernels/backend/no_cuda_ct.cpp).
std::unique_ptr<CtDeviceProjector> make_cuda_ct_projector(const CtDeviceSpec& spec,
                                                          int device_index);

}  // namespace radon::detail
