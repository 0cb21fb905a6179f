// radon info: versions, devices and build options; or the grid, values, load time and memory of
// a volume.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include <omp.h>

#include "app/radon/arguments.h"
#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "recon/bench/peak_memory.h"
#include "app/radon/volume_source.h"
#include "kernels/backend/devices.h"
#include "kernels/simd/cpu_features.h"

namespace radon::cli {
namespace {

// The name every stderr line of the command starts with.
const std::string kCommand = "info";

const char* kUsage = R"(usage: radon info [VOLUME [--series UID|DESCRIPTION] | --phantom NAME]

Without a volume: versions, compute devices and build options.
With a volume (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd, a DICOM file or a DICOM folder; --series
chooses one series of a folder, see 'radon series'): its grid (size, spacing, origin, direction
cosines), its value range, the time it took to load and the peak memory while loading.
)";

void print_system() {
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
}

// The peak is measured from the memory in use just before loading, so that it shows what
// loading itself costs next to the float volume it produces.
void print_volume(const Arguments& args) {
    check_volume_source(args);
    const double before_mib = recon::resident_memory_mb();
    recon::reset_peak_memory();
    const auto start = std::chrono::steady_clock::now();
    std::string description;
    const recon::Volume volume = load_hu_volume(args, kCommand, description);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const double peak_mib = recon::peak_memory_mb();

    const VolumeGrid& g = volume.grid;
    const float* voxels = volume.voxels.host_data();
    const auto [low, high] = std::minmax_element(voxels, voxels + volume.voxels.size());
    const double volume_mib = static_cast<double>(volume.voxels.bytes()) / (1024.0 * 1024.0);
    std::printf("volume:    %s\n", description.c_str());
    std::printf("size:      %lld x %lld x %lld voxels\n", static_cast<long long>(g.size[0]),
                static_cast<long long>(g.size[1]), static_cast<long long>(g.size[2]));
    std::printf("spacing:   %.9g x %.9g x %.9g mm\n", g.spacing[0], g.spacing[1], g.spacing[2]);
    std::printf("origin:    %.9g, %.9g, %.9g mm (LPS, centre of voxel 0, 0, 0)\n", g.origin[0],
                g.origin[1], g.origin[2]);
    std::printf("direction: ");
    const char axis[] = {'i', 'j', 'k'};
    for (int c = 0; c < 3; ++c) {
        std::printf("%s%c (%.9g, %.9g, %.9g)", c ? ", " : "", axis[c], g.direction.m[0][c],
                    g.direction.m[1][c], g.direction.m[2][c]);
    }
    std::printf("  (world directions of the index axes)\n");
    std::printf("values:    %.9g to %.9g HU\n", *low, *high);
    std::printf("load time: %.1f ms\n", ms);
    std::printf(
        "memory:    peak %.1f MiB while loading, %.1f MiB above the %.1f MiB in use before "
        "(the float volume is %.1f MiB)\n",
        peak_mib, peak_mib - before_mib, before_mib, volume_mib);
}

}  // namespace

int run_info(const std::vector<std::string>& raw) {
    const Arguments args(raw, volume_source_options(), {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }
    const bool volume = !args.positional().empty() || args.has("--phantom") ||
                        args.has("--phantom-size") || args.has("--phantom-spacing") ||
                        args.has("--series");
    if (volume) {
        print_volume(args);
    } else {
        print_system();
    }
    return 0;
}

}  // namespace radon::cli
