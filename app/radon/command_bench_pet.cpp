// radon bench pet: times the PET projectors, forward and back, on one OSEM subset of a scanner's
// sinogram (by default the GE DMI 4-ring problem parallelproj's authors time: 8 views x 415
// radial bins x 1296 planes, image 215 x 215 x 71 of 2.78 mm).

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <sstream>

#include "app/radon/arguments.h"
#include "app/radon/bench_timing.h"
#include "app/radon/commands.h"
#include "recon/bench/peak_memory.h"
#include "app/radon/pet_options.h"
#include "kernels/backend/devices.h"
#include "kernels/core/error.h"
#include "kernels/core/sample_summary.h"
#include "kernels/pet/sinogram_projector.h"
#include "kernels/simd/cpu_features.h"
#include "recon/io/atomic_file.h"

namespace radon::cli {
namespace {

const char* kUsage = R"(usage: radon bench pet [options]

Times the PET projector on one OSEM subset of a sinogram, forward (A x) and back (A^T y), with
and without TOF: the median of --runs after a warm-up, in seconds and million LORs per second,
with the peak memory. The image holds ones in its middle half transaxially. Results go to
PREFIX.csv. benchmarks/pet_projectors times the same problem beside parallelproj's library.
  --views N                   views in the subset, every (views / N)-th (default 8)
  --runs N                    timed runs (default 5)
  --modes non-tof,tof         which to time (default both, where the scanner has TOF)
  --out PREFIX                (default bench_pet)
Defaults: --scanner ge_discovery_mi_4ring --image-size 215,215,71 --voxel-size 2.78,2.78,2.78.
)";

struct Row {
    std::string mode, direction;
    SampleSummary seconds;
    double lors = 0;
};

}  // namespace

int run_bench_pet(const std::vector<std::string>& raw) {
    std::vector<std::string> defaults = {"--scanner",  "ge_discovery_mi_4ring", "--image-size",
                                         "215,215,71", "--voxel-size",          "2.78,2.78,2.78"};
    std::vector<std::string> given = defaults;
    given.insert(given.end(), raw.begin(), raw.end());  // later values win
    const Arguments args = pet_arguments(given, {"--views", "--runs", "--modes", "--out"}, false);
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage << pet_options_help();
        return 0;
    }
    if (!args.positional().empty())
        throw InvalidArgument("unexpected argument '" + args.positional()[0] + "'");
    const int runs =
        static_cast<int>(args.integer_in("--runs", 5, {1, 1000, false, "timed runs", ""}));
    const std::string prefix = args.text("--out", "bench_pet");
    const recon::ScannerDescription scanner = scanner_from_arguments(args);
    // TOF as the scanner has it, unless --no-tof: the non-TOF mode drops the TOF axis.
    const pet::SinogramDescriptor tof_sinogram = sinogram_from_arguments(args, scanner);
    const int views = static_cast<int>(args.integer_in(
        "--views", 8, {1, double(tof_sinogram.views()), false, "views in the subset", ""}));
    std::vector<int> subset;
    for (int v = 0; v < tof_sinogram.views() && int(subset.size()) < views;
         v += tof_sinogram.views() / views)
        subset.push_back(v);
    const pet::PetImageGrid grid = image_grid_from_arguments(args, tof_sinogram);
    const pet::LorProjectorConfig config = projector_from_arguments(args, grid);
    std::vector<float> image(static_cast<std::size_t>(grid.voxels()), 0.0f);
    for (int k = 0; k < grid.dims[2]; ++k)
        for (int j = grid.dims[1] / 4; j < 3 * grid.dims[1] / 4; ++j)
            for (int i = grid.dims[0] / 4; i < 3 * grid.dims[0] / 4; ++i)
                image[static_cast<std::size_t>(i +
                                               grid.dims[0] * (j + grid.dims[1] * int64_t(k)))] = 1;

    std::string modes = args.text("--modes", "non-tof,tof");
    if (!tof_sinogram.has_tof_axis()) modes = "non-tof";
    std::printf("%s; subset of %zu views\nimage %s; CPU %s, SIMD %s\n",
                pet_setup_line(scanner, tof_sinogram).c_str(), subset.size(),
                grid_text(grid).c_str(), cpu_model_name().c_str(),
                to_string(detected_simd_level()));
    std::printf("medians of %d runs after a warm-up\n\n%-8s %-8s %10s %10s %10s %12s\n", runs,
                "mode", "", "median s", "min s", "max s", "M LOR/s");
    recon::reset_peak_memory();
    std::vector<Row> rows;
    std::stringstream requested(modes);
    std::string mode;
    while (std::getline(requested, mode, ',')) {
        if (mode != "non-tof" && mode != "tof")
            throw InvalidArgument("--modes: unknown mode '" + mode + "': expected non-tof, tof");
        const pet::SinogramDescriptor sinogram =
            mode == "non-tof" ? tof_sinogram.without_tof() : tof_sinogram;
        const auto projector = pet::make_sinogram_projector(sinogram, config, subset);
        const auto lors =
            static_cast<double>(sinogram.radial_bins()) * double(subset.size()) * sinogram.planes();
        std::vector<float> y(static_cast<std::size_t>(projector->out_shape().size()), 1.0f);
        std::vector<float> x(image.size());
        const SampleSummary forward = time_runs(runs, [&] {
            projector->apply(image.data(), int64_t(image.size()), y.data(), int64_t(y.size()));
        });
        std::fill(y.begin(), y.end(), 1.0f);
        const SampleSummary back = time_runs(runs, [&] {
            projector->apply_adjoint(y.data(), int64_t(y.size()), x.data(), int64_t(x.size()));
        });
        for (const auto& [direction, s] :
             {std::pair{"forward", forward}, std::pair{"back", back}}) {
            rows.push_back({mode, direction, s, lors});
            std::printf("%-8s %-8s %10.3f %10.3f %10.3f %12.3f\n", mode.c_str(), direction,
                        s.median, s.min, s.max, lors / s.median / 1e6);
            std::fflush(stdout);
        }
    }
    std::printf("\npeak memory %.0f MB\n", recon::peak_memory_mb());
    std::ostringstream csv;
    csv << "mode,direction,lors,median_s,min_s,max_s,million_lors_per_s\n";
    for (const Row& r : rows)
        csv << r.mode << ',' << r.direction << ',' << static_cast<int64_t>(r.lors) << ','
            << r.seconds.median << ',' << r.seconds.min << ',' << r.seconds.max << ','
            << r.lors / r.seconds.median / 1e6 << '\n';
    write_bench_csv(prefix, csv.str());
    return 0;
}

}  // namespace radon::cli
