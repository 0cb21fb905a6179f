#pragma once

#include <string>
#include <vector>

#include "kernels/backend/devices.h"

namespace radon::detail {

// Implemented by kernels/cuda/cuda_probe.cu in CUDA builds and by no_cuda_probe.cpp otherwise.
// Fills `devices` with the CUDA devices found; returns why there are none (empty when some).
std::string probe_cuda_devices(std::vector<DeviceInfo>& devices);
bool cuda_compiled_in();
// cudaSetDevice(index); returns the CUDA error text, empty on success.
std::string set_cuda_device(int index);

}  // namespace radon::detail
