#include "kernels/simd/cpu_features.h"

#include "kernels/core/error.h"

namespace radon {

SimdLevel detected_simd_level() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")) {
        return SimdLevel::Avx512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::Avx2;
#endif
    return SimdLevel::Baseline;
}

const char* to_string(SimdLevel level) {
    switch (level) {
        case SimdLevel::Avx512:
            return "avx512";
        case SimdLevel::Avx2:
            return "avx2";
        case SimdLevel::Baseline:
            break;
    }
    return "baseline";
}

SimdLevel parse_simd_level(const std::string& name) {
    if (name == "avx512") return SimdLevel::Avx512;
    if (name == "avx2") return SimdLevel::Avx2;
    if (name == "baseline") return SimdLevel::Baseline;
    throw InvalidArgument("unknown SIMD level '" + name + "': expected baseline, avx2 or avx512");
}

}  // namespace radon
