// radon info: versions, devices and build options.

#include <cstdio>
#include <fstream>
#include <string>

#include <omp.h>

#include "app/radon/arguments.h"
#include "app/radon/commands.h"
#include "kernels/backend/devices.h"
#include "kernels/simd/cpu_features.h"

namespace radon::cli {
int run_info(const std::vector<std::string>& raw) {
    const Arguments args(raw, {}, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::printf("usage: radon info\n\nPrints versions, compute devices and build options.\n");
        return 0;
    }
    std::printf("Radon Studio %s (%s build)\n", RADON_VERSION, RADON_BUILD_TYPE);
    std::printf("compiler: %s\n", __VERSION__);
    std::printf("OpenMP: %d, up to %d threads\n", _OPENMP, omp_get_max_threads());
    std::printf("build options: CUDA %s, GUI %s\n", built_with_cuda() ? "on" : "off",
                RADON_GUI_ENABLED ? "on" : "off");
    std::printf("CPU: %s; DRR engine uses %s\n", cpu_model_name().c_str(),
                to_string(detected_simd_level()));
    std::printf("devices:\n");
    for (const auto& d : available_devices()) {
        std::printf("  %s:%d  %s", to_string(d.kind), d.index, d.name.c_str());
        if (d.memory_bytes) std::printf(", %.1f GiB", d.memory_bytes / 1073741824.0);
        std::printf("  (%s)\n", d.detail.c_str());
    }
    const std::string why = cuda_unavailable_reason();
    if (!why.empty()) std::printf("  cuda: none (%s)\n", why.c_str());
    return 0;
}

}  // namespace radon::cli
