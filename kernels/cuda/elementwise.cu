// Launch code for kernels/operator/elementwise.h on device memory. The arithmetic is
// kernels/operator/elementwise_math.h, the same functions the CPU loops call.

#include <algorithm>
#include <vector>

#include "kernels/backend/cuda_elementwise.h"
#include "kernels/cuda/cuda_check.h"

namespace radon::detail {

namespace {

constexpr int kThreads = 256;
// A grid-stride loop covers any n with at most this many blocks.
constexpr int64_t kMaxBlocks = 4096;

int blocks_for(int64_t n) {
    return static_cast<int>(std::min<int64_t>((n + kThreads - 1) / kThreads, kMaxBlocks));
}

__global__ void elementwise_kernel(BinaryOp op, const float* a, const float* b, float* out,
                                   int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
         i += int64_t(gridDim.x) * blockDim.x)
        out[i] = binary_op(op, a[i], b[i]);
}

__global__ void fill_kernel(float* out, float value, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
         i += int64_t(gridDim.x) * blockDim.x)
        out[i] = value;
}

__global__ void gather_kernel(const float* full, const int64_t* rows, float* part, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
         i += int64_t(gridDim.x) * blockDim.x)
        part[i] = full[rows[i]];
}

__global__ void scatter_kernel(const float* part, const int64_t* rows, float* full, int64_t n) {
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
         i += int64_t(gridDim.x) * blockDim.x)
        full[rows[i]] = part[i];
}

// One double partial sum per block (a tree in shared memory); the host adds the partials, so
// the result does not depend on the order atomics would land in.
__global__ void log_likelihood_kernel(const float* measured, const float* expected, int64_t n,
                                      double* partial) {
    __shared__ double sums[kThreads];
    double sum = 0.0;
    for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n;
         i += int64_t(gridDim.x) * blockDim.x)
        sum += poisson_log_likelihood_term(measured[i], expected[i]);
    sums[threadIdx.x] = sum;
    __syncthreads();
    for (int half = kThreads / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) sums[threadIdx.x] += sums[threadIdx.x + half];
        __syncthreads();
    }
    if (threadIdx.x == 0) partial[blockIdx.x] = sums[0];
}

void check_launch() {
    RADON_CUDA_CHECK(cudaGetLastError());
    RADON_CUDA_CHECK(cudaDeviceSynchronize());
}

}  // namespace

void device_elementwise(BinaryOp op, const float* a, const float* b, float* out, int64_t n) {
    elementwise_kernel<<<blocks_for(n), kThreads>>>(op, a, b, out, n);
    check_launch();
}

void device_fill(float* out, float value, int64_t n) {
    fill_kernel<<<blocks_for(n), kThreads>>>(out, value, n);
    check_launch();
}

void device_gather(const float* full, const int64_t* rows, float* part, int64_t n) {
    gather_kernel<<<blocks_for(n), kThreads>>>(full, rows, part, n);
    check_launch();
}

void device_scatter(const float* part, const int64_t* rows, float* full, int64_t n) {
    scatter_kernel<<<blocks_for(n), kThreads>>>(part, rows, full, n);
    check_launch();
}

void device_copy(void* dst, const void* src, std::size_t bytes, CopyDirection direction) {
    const cudaMemcpyKind kind = direction == CopyDirection::HostToDevice ? cudaMemcpyHostToDevice
                                : direction == CopyDirection::DeviceToHost
                                    ? cudaMemcpyDeviceToHost
                                    : cudaMemcpyDeviceToDevice;
    RADON_CUDA_CHECK(cudaMemcpy(dst, src, bytes, kind));
}

double device_poisson_log_likelihood(const float* measured, const float* expected, int64_t n) {
    const int blocks = blocks_for(n);
    double* partial = nullptr;
    RADON_CUDA_CHECK(cudaMalloc(&partial, sizeof(double) * blocks));
    std::vector<double> host(static_cast<std::size_t>(blocks));
    log_likelihood_kernel<<<blocks, kThreads>>>(measured, expected, n, partial);
    cudaError_t status = cudaGetLastError();
    if (status == cudaSuccess)
        status = cudaMemcpy(host.data(), partial, sizeof(double) * blocks, cudaMemcpyDeviceToHost);
    cudaFree(partial);
    cuda::check(status, "log_likelihood_kernel");
    double sum = 0.0;
    for (const double p : host)
        sum += p;
    return sum;
}

}  // namespace radon::detail
