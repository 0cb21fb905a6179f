#pragma once

#include <cstdint>

#include "kernels/core/array.h"
#include "kernels/operator/elementwise_math.h"

namespace radon {

// Element-wise helpers for the operator compositions and the EM algorithms, on host memory
// (OpenMP loops) or on device memory (kernels/cuda/elementwise.cu; a build without CUDA throws
// a clear error for device memory). All pointers of one call live in `space`; `out` may be the
// same array as an input. n = 0 is allowed and does nothing.

// out[i] = binary_op(op, a[i], b[i]).
void elementwise(BinaryOp op, const float* a, const float* b, float* out, int64_t n,
                 MemorySpace space);

// out[i] = value.
void fill(float* out, float value, int64_t n, MemorySpace space);

// part[i] = full[rows[i]]  (rows: indices into `full`, in the same space).
void gather(const float* full, const int64_t* rows, float* part, int64_t n, MemorySpace space);
// full[rows[i]] = part[i]; the rows must be distinct.
void scatter(const float* part, const int64_t* rows, float* full, int64_t n, MemorySpace space);

// Copies n floats between any two spaces.
void copy_values(float* dst, MemorySpace dst_space, const float* src, MemorySpace src_space,
                 int64_t n);
void copy_indices(int64_t* dst, MemorySpace dst_space, const int64_t* src, MemorySpace src_space,
                  int64_t n);

// sum_i poisson_log_likelihood_term(measured[i], expected[i]), accumulated in double.
double poisson_log_likelihood(const float* measured, const float* expected, int64_t n,
                              MemorySpace space);

// An array of n floats (as extents {n, 1, 1}) in `space`; a device array throws in a build
// without CUDA.
Array<float> allocate_values(int64_t n, MemorySpace space);

// An array's data in whichever space it lives.
template <class T>
T* data_of(Array<T>& a) {
    return a.space() == MemorySpace::Host ? a.host_data() : a.device_data();
}
template <class T>
const T* data_of(const Array<T>& a) {
    return a.space() == MemorySpace::Host ? a.host_data() : a.device_data();
}

}  // namespace radon
