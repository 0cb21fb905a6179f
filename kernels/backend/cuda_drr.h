#pragma once

#include <memory>

#include "kernels/drr/drr_renderer.h"

namespace radon::detail {

// The CUDA DRR renderer on device `device_index` (kernels/cuda/drr_cuda.cu); in builds without
// CUDA, no_cuda_drr.cpp throws. make_drr_renderer calls it only once a device was found.
std::unique_ptr<DrrRenderer> make_cuda_drr_renderer(const VolumeGrid& grid,
                                                    const Array<float>& attenuation,
                                                    int device_index,
                                                    const OccupiedBox* occupied = nullptr);

}  // namespace radon::detail
