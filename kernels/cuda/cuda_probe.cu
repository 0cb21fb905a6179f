#include <string>

#include <cuda_runtime.h>

#include "kernels/backend/cuda_probe.h"

namespace radon::detail {

std::string probe_cuda_devices(std::vector<DeviceInfo>& devices) {
    int count = 0;
    const cudaError_t status = cudaGetDeviceCount(&count);
    if (status != cudaSuccess) {
        // A machine without a driver or device is normal: say why and let the CPU take over.
        cudaGetLastError();
        return std::string("no usable CUDA device: ") + cudaGetErrorString(status);
    }
    if (count == 0) return "no CUDA device present";
    for (int i = 0; i < count; ++i) {
        cudaDeviceProp prop{};
        if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
        DeviceInfo info;
        info.kind = DeviceKind::Cuda;
        info.index = i;
        info.name = prop.name;
        info.memory_bytes = prop.totalGlobalMem;
        info.detail = "compute capability " + std::to_string(prop.major) + "." +
                      std::to_string(prop.minor) + ", " +
                      std::to_string(prop.multiProcessorCount) + " SMs";
        devices.push_back(info);
    }
    return devices.empty() ? "CUDA devices reported but none could be queried" : "";
}

bool cuda_compiled_in() { return true; }

std::string set_cuda_device(int index) {
    const cudaError_t status = cudaSetDevice(index);
    if (status == cudaSuccess) return "";
    cudaGetLastError();
    return cudaGetErrorString(status);
}

}  // namespace radon::detail
