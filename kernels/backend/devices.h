#pragma once

#include <string>
#include <vector>

namespace radon {

enum class DeviceKind { Cpu, Cuda };

struct DeviceInfo {
    DeviceKind kind = DeviceKind::Cpu;
    int index = 0;     // CUDA ordinal; 0 for the CPU
    std::string name;  // "CPU (AVX-512, 2 threads)", "NVIDIA H100 80GB HBM3"
    std::size_t memory_bytes = 0;
    std::string detail;  // compute capability, SIMD level, ...
};

// The CPU, always, followed by every CUDA device the driver reports.
std::vector<DeviceInfo> available_devices();

// Why no CUDA device is usable, in one line ("built without CUDA", "no CUDA driver", ...); empty
// when at least one CUDA device is present. RADON_DISABLE_CUDA=1 in the environment hides every
// CUDA device (the reason then says so).
std::string cuda_unavailable_reason();

bool built_with_cuda();

// Makes CUDA device `index` current for this thread's CUDA calls that follow (allocations, kernel
// launches): arrays from Python name the GPU they live on. Throws InvalidArgument in a build
// without CUDA or for an index the driver does not know.
void use_cuda_device(int index);

// The CPU's model name as the operating system reports it ("AMD EPYC"), for logs and benchmarks.
std::string cpu_model_name();

DeviceKind parse_device_kind(const std::string& name);  // "cpu" | "cuda"; throws InvalidArgument
const char* to_string(DeviceKind kind);

}  // namespace radon
