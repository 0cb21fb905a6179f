#include "kernels/backend/cuda_probe.h"

namespace radon::detail {

std::string probe_cuda_devices(std::vector<DeviceInfo>&) {
    return "built without CUDA (nvcc was not found or RADON_CUDA=OFF)";
}

bool cuda_compiled_in() {
    return false;
}

std::string set_cuda_device(int) {
    return "built without CUDA";
}

}  // namespace radon::detail
