#include "kernels/backend/devices.h"

#include <omp.h>

#include <fstream>

#include "kernels/backend/cuda_probe.h"
#include "kernels/core/error.h"
#include "kernels/simd/cpu_features.h"

namespace radon {

std::vector<DeviceInfo> available_devices() {
    std::vector<DeviceInfo> devices;
    DeviceInfo cpu;
    cpu.kind = DeviceKind::Cpu;
    cpu.name = "CPU";
    cpu.detail = std::string("SIMD ") + to_string(detected_simd_level()) + ", " +
                 std::to_string(omp_get_max_threads()) + " OpenMP threads";
    devices.push_back(cpu);
    detail::probe_cuda_devices(devices);
    return devices;
}

std::string cuda_unavailable_reason() {
    std::vector<DeviceInfo> cuda_devices;
    return detail::probe_cuda_devices(cuda_devices);
}

bool built_with_cuda() {
    return detail::cuda_compiled_in();
}

DeviceKind parse_device_kind(const std::string& name) {
    if (name == "cpu") return DeviceKind::Cpu;
    if (name == "cuda") return DeviceKind::Cuda;
    throw InvalidArgument("unknown device '" + name + "': expected cpu or cuda");
}

const char* to_string(DeviceKind kind) {
    return kind == DeviceKind::Cpu ? "cpu" : "cuda";
}

std::string cpu_model_name() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) != 0) continue;
        const auto colon = line.find(':');
        if (colon != std::string::npos && colon + 2 <= line.size()) return line.substr(colon + 2);
    }
    return "unknown CPU";
}

}  // namespace radon
