#include <cstddef>
#include <memory>

#include "kernels/core/error.h"

namespace radon::detail {

std::shared_ptr<void> allocate_device_bytes(std::size_t) {
    throw Error(
        "device memory requested, but this build of Radon Studio has no CUDA backend "
        "(configure with -DRADON_CUDA=ON on a machine with nvcc)");
}

void copy_device_bytes_to_host(void*, const void*, std::size_t) {
    throw Error("device memory to copy, but this build of Radon Studio has no CUDA backend");
}

}  // namespace radon::detail
