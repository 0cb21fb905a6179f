#pragma once

#include <cuda_runtime.h>

#include <string>

#include "kernels/core/error.h"

namespace radon::cuda {

// Turns a failed CUDA runtime call into an exception that names the call and CUDA's message.
inline void check(cudaError_t status, const char* call) {
    if (status != cudaSuccess) {
        throw Error(std::string("CUDA call ") + call + " failed: " + cudaGetErrorString(status));
    }
}

}  // namespace radon::cuda

#define RADON_CUDA_CHECK(call) ::radon::cuda::check((call), #call)
