#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/operator/elementwise_math.h"

namespace radon::detail {

// The device side of kernels/operator/elementwise.h (kernels/cuda/elementwise.cu); in builds
// without CUDA, no_cuda_elementwise.cpp throws. Every pointer is device memory.
void device_elementwise(BinaryOp op, const float* a, const float* b, float* out, int64_t n);
void device_fill(float* out, float value, int64_t n);
void device_gather(const float* full, const int64_t* rows, float* part, int64_t n);
void device_scatter(const float* part, const int64_t* rows, float* full, int64_t n);
enum class CopyDirection { HostToDevice, DeviceToHost, DeviceToDevice };
void device_copy(void* dst, const void* src, std::size_t bytes, CopyDirection direction);
double device_poisson_log_likelihood(const float* measured, const float* expected, int64_t n);

}  // namespace radon::detail
