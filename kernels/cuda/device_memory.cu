#include <cstddef>
#include <memory>

#include "kernels/cuda/cuda_check.h"

namespace radon::detail {

std::shared_ptr<void> allocate_device_bytes(std::size_t bytes) {
    void* p = nullptr;
    RADON_CUDA_CHECK(cudaMalloc(&p, bytes == 0 ? 1 : bytes));
    RADON_CUDA_CHECK(cudaMemset(p, 0, bytes == 0 ? 1 : bytes));
    return std::shared_ptr<void>(p, [](void* q) { cudaFree(q); });
}

void copy_device_bytes_to_host(void* target, const void* source, std::size_t bytes) {
    RADON_CUDA_CHECK(cudaMemcpy(target, source, bytes, cudaMemcpyDeviceToHost));
}

}  // namespace radon::detail
