#include "kernels/backend/devices.h"

#include <omp.h>

#include <cstdlib>
#include <fstream>

#include "kernels/backend/cuda_probe.h"
#include "kernels/core/error.h"
#include "kernels/simd/cpu_features.h"

namespace radon {
namespace {

// RADON_DISABLE_CUDA=1 hides every CUDA device, as on a machine without one: to compare with
// the CPU, or to check the fallback on a GPU machine.
bool cuda_disabled_by_environment() {
    const char* v = std::getenv("RADON_DISABLE_CUDA");
    return v && *v && std::string(v) != "0";
}

// Why CUDA is unusable (empty when devices were found); fills `devices` with what was found.
std::string probe(std::vector<DeviceInfo>& devices) {
    if (cuda_disabled_by_environment()) return "disabled by RADON_DISABLE_CUDA";
    return detail::probe_cuda_devices(devices);
}

}  // namespace

std::vector<DeviceInfo> available_devices() {
    std::vector<DeviceInfo> devices;
    DeviceInfo cpu;
    cpu.kind = DeviceKind::Cpu;
    cpu.name = "CPU";
    cpu.detail = std::string("SIMD ") + to_string(detected_simd_level()) + ", " +
                 std::to_string(omp_get_max_threads()) + " OpenMP threads";
    devices.push_back(cpu);
    probe(devices);
    return devices;
}

std::string cuda_unavailable_reason() {
    std::vector<DeviceInfo> cuda_devices;
    return probe(cuda_devices);
}

bool built_with_cuda() {
    return detail::cuda_compiled_in();
}

void use_cuda_device(int index) {
    const std::string error = detail::set_cuda_device(index);
    if (!error.empty()) {
        throw InvalidArgument("CUDA device " + std::to_string(index) + " cannot be used: " + error);
    }
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
