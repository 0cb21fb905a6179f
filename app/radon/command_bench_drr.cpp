// radon bench drr: the DRR timing grid of DiffDRR's benchmark (and a fixed-field variant),
// printed as a table and written as CSV and JSON.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/radon/arguments.h"
#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "app/radon/render_options.h"
#include "app/radon/volume_source.h"
#include "kernels/backend/devices.h"
#include "kernels/core/error.h"
#include "kernels/core/sample_summary.h"
#include "kernels/drr/drr_renderer.h"
#include "recon/bench/drr_benchmark.h"
#include "recon/bench/peak_memory.h"
#include "recon/io/atomic_file.h"

namespace radon::cli {
namespace {

// The name every stderr line of the command starts with.
const std::string kCommand = "bench";

const char* kUsage = R"(usage: radon bench drr [options]

Times DRR rendering of an AP view over detector heights and patch sizes, as DiffDRR's timing
table does: the thorax phantom on a 512x512x133 grid of 0.703125x0.703125x2.5 mm, SDD 1020 mm,
SAD 850 mm, 2.0 mm pixels; plus a fixed-field variant whose detector is 400 mm wide at every
height. Each cell (variant x height x patch x target x renderer) is rendered --warmup times,
then timed --runs times; the table gives the median. A patch size that does not tile a height is
listed as such, not run; "auto" lets the renderer choose and says how. Results go to PREFIX.csv
and PREFIX.json (format_version 2).

  --device cpu|cuda        (cpu; cuda falls back to the CPU, saying why, without a GPU)
  --targets LIST|all       devices to compare: cpu-avx512, cpu-avx2, cpu-baseline, cuda
                           (default: the --device's best); all: every one this machine has
  --renderer siddon|trilinear  --renderers LIST  --step VOXELS  --threads N
  --memory-path auto|texture|global   where CUDA trilinear reads the volume (auto)
  --heights LIST           (100,200,300,400,500,750,1000,1500)
  --patches LIST           (none,150,250; also auto)
  --fixed-field MM         width of the fixed-field detector (400; 0 skips that variant)
  --pixel-spacing MM       pixel spacing of the DiffDRR variant (2.0)
  --runs N (5)  --warmup N (2)
  --out PREFIX (bench_drr_DEVICE)
  VOLUME | --phantom NAME --phantom-size NX,NY,NZ --phantom-spacing SX,SY,SZ
)";

std::vector<recon::BenchmarkTarget> targets_from_arguments(const Arguments& args,
                                                           DeviceKind device) {
    if (!args.has("--targets")) return {recon::default_benchmark_target(device)};
    const std::vector<recon::BenchmarkTarget> available = recon::available_benchmark_targets();
    const std::string list = *args.value("--targets");
    if (list == "all") return available;
    std::vector<recon::BenchmarkTarget> out;
    std::stringstream in(list);
    std::string token;
    while (std::getline(in, token, ',')) {
        std::string names;
        bool found = false;
        for (const recon::BenchmarkTarget& t : available) {
            std::string name = t.label();
            std::replace(name.begin(), name.end(), ' ', '-');
            names += (names.empty() ? "" : ", ") + name;
            if (name == token) {
                out.push_back(t);
                found = true;
            }
        }
        if (!found) {
            throw InvalidArgument("--targets: '" + token + "' is not a device of this machine (" +
                                  names + ", or all)");
        }
    }
    if (out.empty()) throw InvalidArgument("--targets: empty list");
    return out;
}

std::vector<DrrAlgorithm> renderers_from_arguments(const Arguments& args,
                                                   const DrrSettings& settings) {
    if (!args.has("--renderers")) return {settings.algorithm};
    std::vector<DrrAlgorithm> out;
    std::stringstream in(*args.value("--renderers"));
    std::string token;
    while (std::getline(in, token, ','))
        out.push_back(parse_drr_algorithm(token));
    if (out.empty()) throw InvalidArgument("--renderers: empty list (siddon, trilinear)");
    return out;
}

}  // namespace

int run_bench(const std::vector<std::string>& raw) {
    if (!raw.empty() && raw[0] == "pet") return run_bench_pet({raw.begin() + 1, raw.end()});
    if (!raw.empty() && raw[0] == "ct") return run_bench_ct({raw.begin() + 1, raw.end()});
    if (raw.empty() || raw[0] != "drr") {
        if (!raw.empty() && (raw[0] == "--help" || raw[0] == "-h")) {
            std::cout << kUsage;
            return 0;
        }
        throw InvalidArgument("expected 'radon bench drr', 'radon bench pet' or 'radon bench ct'");
    }
    std::vector<std::string> value_options = {
        "--device",  "--renderer",    "--step",          "--threads",  "--heights",
        "--patches", "--fixed-field", "--pixel-spacing", "--runs",     "--warmup",
        "--out",     "--memory-path", "--targets",       "--renderers"};
    value_options.insert(value_options.end(), volume_source_options().begin(),
                         volume_source_options().end());
    const Arguments args({raw.begin() + 1, raw.end()}, value_options, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }
    const DeviceKind device = device_from_arguments(args);
    recon::DrrBenchmarkGrid grid;
    grid.settings = render_settings_from_arguments(args);
    grid.heights = recon::parse_size_list(
        args.text("--heights", "100,200,300,400,500,750,1000,1500"), "--heights");
    grid.patches = recon::parse_patch_choices(args.text("--patches", "none,150,250"), "--patches");
    const double fixed_field =
        args.number_in("--fixed-field", 400.0, {0, 1e5, false, "panel size, 0 for none", "mm"});
    const double pixel_spacing =
        args.number_in("--pixel-spacing", 2.0, {0, 100, true, "detector pixel spacing", "mm"});
    grid.runs =
        static_cast<int>(args.integer_in("--runs", 5, {1, 100000, false, "timed runs", ""}));
    grid.warmup =
        static_cast<int>(args.integer_in("--warmup", 2, {0, 100000, false, "untimed runs", ""}));
    grid.variants = {recon::DetectorVariant{pixel_spacing, 0}};
    if (fixed_field > 0) grid.variants.push_back(recon::DetectorVariant{0, fixed_field});
    grid.algorithms = renderers_from_arguments(args, grid.settings);
    if (device == DeviceKind::Cuda && !args.has("--targets") && !cuda_unavailable_reason().empty())
        print_note(kCommand, "CUDA is not usable (" + cuda_unavailable_reason() +
                                 "): timing the CPU instead");
    grid.targets = targets_from_arguments(args, device);
    check_volume_source(args);
    // Known before the hours of timing, not after.
    if (args.has("--out")) {
        const auto folder = std::filesystem::path(*args.value("--out")).parent_path();
        if (!folder.empty() && !std::filesystem::is_directory(folder)) {
            throw InvalidArgument("--out: the folder " + folder.string() + " does not exist");
        }
    }

    const VolumeSource volume = load_volume_source(args, kCommand);
    // Named after the device that renders (the CPU after a fallback).
    const std::string prefix =
        args.text("--out", std::string("bench_drr_") +
                               (grid.targets.front().device == DeviceKind::Cuda ? "cuda" : "cpu"));

    std::printf("radon bench drr: %s\n", volume.description.c_str());
    std::printf("AP view, SAD %.0f mm, SDD %.0f mm; median of %d runs after %d warm-up\n",
                grid.pose.sad, grid.pose.sdd, grid.runs, grid.warmup);
    std::printf("%-14s %-11s %-9s %6s %6s %9s %10s %10s %10s %12s %9s %9s\n", "variant", "target",
                "renderer", "height", "patch", "pixel mm", "median ms", "min ms", "max ms",
                "Mrays/s", "peak MB", "dev MB");
    std::vector<recon::DrrBenchmarkCell> cells = recon::plan_drr_benchmark(grid);
    recon::run_drr_benchmark(
        grid, volume.grid, volume.attenuation, &volume.occupied, cells, {},
        [&cells](std::size_t i) {
            const recon::DrrBenchmarkCell& c = cells[i];
            std::printf("%-14s %-11s %-9s %6lld %6s %9.4f ", c.variant.c_str(),
                        c.target.label().c_str(), to_string(c.algorithm),
                        static_cast<long long>(c.height), c.patch.label().c_str(),
                        c.pixel_spacing_mm);
            if (c.status == recon::CellStatus::Measured)
                std::printf("%10.3f %10.3f %10.3f %12.2f %9.0f %9.1f\n", c.median_ms, c.min_ms,
                            c.max_ms, c.rays_per_second / 1e6, c.peak_host_mb, c.peak_device_mb);
            else
                std::printf("%s: %s\n", recon::to_string(c.status), c.note.c_str());
            std::fflush(stdout);
        });
    // How "auto" chose, once per target and reason.
    std::vector<std::string> auto_notes;
    for (const recon::DrrBenchmarkCell& c : cells) {
        if (c.patch.kind != recon::PatchChoice::Kind::Auto || c.note.empty()) continue;
        const std::string line = c.target.label() + ", " + c.note;
        if (std::find(auto_notes.begin(), auto_notes.end(), line) != auto_notes.end()) continue;
        auto_notes.push_back(line);
        std::printf("%s\n", line.c_str());
    }

    recon::AtomicFileSet files;
    files.add_text(prefix + ".csv", recon::drr_benchmark_csv(cells));
    files.add_text(prefix + ".json",
                   recon::drr_benchmark_json(grid, cells, {volume.description, cpu_model_name()}));
    files.commit();
    std::printf("wrote %s.csv and %s.json\n", prefix.c_str(), prefix.c_str());
    return 0;
}

}  // namespace radon::cli
