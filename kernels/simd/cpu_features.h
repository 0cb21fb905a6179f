#pragma once

#include <string>

namespace radon {

// Instruction sets the CPU DRR engine has code paths for; each path is built from the same
// source with different target flags, and the best one the CPU supports runs.
enum class SimdLevel { Baseline, Avx2, Avx512 };

SimdLevel detected_simd_level();
const char* to_string(SimdLevel level);
// "baseline" | "avx2" | "avx512"; throws InvalidArgument naming the accepted values.
SimdLevel parse_simd_level(const std::string& name);

}  // namespace radon
