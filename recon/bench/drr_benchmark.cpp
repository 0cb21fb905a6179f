#include "recon/bench/drr_benchmark.h"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <map>
#include <memory>
#include <new>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kernels/core/error.h"
#include "kernels/core/sample_summary.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/geometry/projection_geometry.h"
#include "recon/bench/peak_memory.h"

namespace radon::recon {
namespace {

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    std::string token;
    while (std::getline(in, token, ','))
        out.push_back(token);
    return out;
}

int64_t parse_size(const std::string& token, const std::string& what) {
    std::size_t used = 0;
    long long value = 0;
    try {
        value = std::stoll(token, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != token.size() || value < 1 || value > 16384) {
        throw InvalidArgument(what + ": '" + token + "' is not a size in [1, 16384]");
    }
    return value;
}

bool out_of_memory_message(const std::string& message) {
    return message.find("out of memory") != std::string::npos ||
           message.find("cudaErrorMemoryAllocation") != std::string::npos;
}

}  // namespace

std::string PatchChoice::label() const {
    switch (kind) {
        case Kind::None:
            return "none";
        case Kind::Auto:
            return "auto";
        case Kind::Fixed:
            return std::to_string(size);
    }
    return {};
}

std::vector<PatchChoice> parse_patch_choices(const std::string& list, const std::string& what) {
    std::vector<PatchChoice> out;
    for (const std::string& token : split(list)) {
        if (token == "none")
            out.push_back({PatchChoice::Kind::None, 0});
        else if (token == "auto")
            out.push_back({PatchChoice::Kind::Auto, 0});
        else
            out.push_back({PatchChoice::Kind::Fixed, parse_size(token, what)});
    }
    if (out.empty()) throw InvalidArgument(what + ": empty list (sizes, none or auto)");
    return out;
}

std::vector<int64_t> parse_size_list(const std::string& list, const std::string& what) {
    std::vector<int64_t> out;
    for (const std::string& token : split(list))
        out.push_back(parse_size(token, what));
    if (out.empty()) throw InvalidArgument(what + ": empty list");
    return out;
}

std::string BenchmarkTarget::label() const {
    if (device == DeviceKind::Cuda) return "cuda";
    return std::string("cpu ") + radon::to_string(simd);
}

bool BenchmarkTarget::operator==(const BenchmarkTarget& other) const {
    return device == other.device && (device == DeviceKind::Cuda || simd == other.simd);
}

std::vector<BenchmarkTarget> available_benchmark_targets() {
    std::vector<BenchmarkTarget> out;
    const SimdLevel best = detected_simd_level();
    for (SimdLevel level : {SimdLevel::Avx512, SimdLevel::Avx2, SimdLevel::Baseline})
        if (static_cast<int>(level) <= static_cast<int>(best))
            out.push_back({DeviceKind::Cpu, level});
    if (cuda_unavailable_reason().empty()) out.push_back({DeviceKind::Cuda, SimdLevel::Baseline});
    return out;
}

BenchmarkTarget default_benchmark_target(DeviceKind device) {
    if (device == DeviceKind::Cuda && cuda_unavailable_reason().empty())
        return {DeviceKind::Cuda, SimdLevel::Baseline};
    return {DeviceKind::Cpu, detected_simd_level()};
}

std::string DetectorVariant::label() const {
    std::ostringstream s;
    if (field_mm > 0)
        s << "field " << field_mm << " mm";
    else
        s << "pixel " << std::fixed << std::setprecision(1) << pixel_spacing_mm << " mm";
    return s.str();
}

double DetectorVariant::spacing_at(int64_t height) const {
    return field_mm > 0 ? field_mm / static_cast<double>(height) : pixel_spacing_mm;
}

const char* to_string(CellStatus status) {
    switch (status) {
        case CellStatus::Planned:
            return "planned";
        case CellStatus::Measured:
            return "measured";
        case CellStatus::DoesNotTile:
            return "does not tile";
        case CellStatus::OutOfMemory:
            return "out of memory";
        case CellStatus::Failed:
            return "failed";
        case CellStatus::Cancelled:
            return "cancelled";
    }
    return "";
}

std::vector<DrrBenchmarkCell> plan_drr_benchmark(const DrrBenchmarkGrid& grid) {
    const std::vector<BenchmarkTarget> targets =
        grid.targets.empty()
            ? std::vector<BenchmarkTarget>{default_benchmark_target(DeviceKind::Cpu)}
            : grid.targets;
    std::vector<DrrBenchmarkCell> cells;
    for (const DetectorVariant& variant : grid.variants) {
        for (const int64_t height : grid.heights) {
            for (const PatchChoice& patch : grid.patches) {
                for (const BenchmarkTarget& target : targets) {
                    for (const DrrAlgorithm algorithm : grid.algorithms) {
                        DrrBenchmarkCell cell;
                        cell.variant = variant.label();
                        cell.target = target;
                        cell.algorithm = algorithm;
                        cell.height = cell.width = height;
                        cell.pixel_spacing_mm = variant.spacing_at(height);
                        cell.patch = patch;
                        if (patch.kind == PatchChoice::Kind::Fixed && height % patch.size != 0) {
                            cell.status = CellStatus::DoesNotTile;
                            cell.note = "patch " + std::to_string(patch.size) +
                                        " does not tile a height of " + std::to_string(height);
                        }
                        cells.push_back(cell);
                    }
                }
            }
        }
    }
    return cells;
}

void run_drr_benchmark(const DrrBenchmarkGrid& grid, const VolumeGrid& volume,
                       const Array<float>& attenuation, const OccupiedBox* occupied,
                       std::vector<DrrBenchmarkCell>& cells, const RunControl& control,
                       const std::function<void(std::size_t index)>& cell_done) {
    std::map<std::string, std::unique_ptr<DrrRenderer>> renderers;
    const auto renderer_for = [&](const BenchmarkTarget& target) -> DrrRenderer& {
        auto& slot = renderers[target.label()];
        if (!slot) {
            if (target.device == DeviceKind::Cuda) {
                std::string fallback;
                slot =
                    make_drr_renderer(DeviceKind::Cuda, volume, attenuation, &fallback, occupied);
                if (!fallback.empty()) throw Error(fallback);
            } else {
                slot = make_cpu_drr_renderer(volume, attenuation, target.simd, occupied);
            }
        }
        return *slot;
    };
    const auto cancel_from = [&](std::size_t first) {
        for (std::size_t j = first; j < cells.size(); ++j)
            if (cells[j].status == CellStatus::Planned) cells[j].status = CellStatus::Cancelled;
    };

    for (std::size_t i = 0; i < cells.size(); ++i) {
        control.report(static_cast<double>(i) / static_cast<double>(cells.size()));
        DrrBenchmarkCell& cell = cells[i];
        if (cell.status != CellStatus::Planned) {
            if (cell_done) cell_done(i);
            continue;
        }
        try {
            control.check_cancel();
            DrrRenderer& renderer = renderer_for(cell.target);
            DrrSettings settings = grid.settings;
            settings.algorithm = cell.algorithm;
            settings.patch_size = cell.patch.kind == PatchChoice::Kind::Fixed ? cell.patch.size : 0;
            Detector detector;
            detector.width = cell.width;
            detector.height = cell.height;
            detector.delx = detector.dely = cell.pixel_spacing_mm;
            const ProjectionGeometry geometry =
                carm_projection(grid.pose, detector, volume.center());
            const PatchPlan plan = renderer.patch_plan(cell.width, cell.height, settings);
            cell.piece_width = plan.width;
            cell.piece_height = plan.height;
            if (cell.patch.kind == PatchChoice::Kind::Auto) cell.note = "auto: " + plan.reason;
            cell.device_description = renderer.description(settings);
            std::vector<float> image(static_cast<std::size_t>(cell.width * cell.height));
            reset_peak_memory();
            renderer.reset_peak_device_bytes();
            // Progress after each render, outside the timed span: a cell of large DRRs lasts
            // seconds, and the app's compute worker runs its interactive renders at each report.
            const int renders = grid.warmup + grid.runs;
            int rendered = 0;
            const auto report_render = [&] {
                ++rendered;
                control.report((static_cast<double>(i) + static_cast<double>(rendered) / renders) /
                               static_cast<double>(cells.size()));
            };
            for (int w = 0; w < grid.warmup; ++w) {
                renderer.render(geometry, settings, image.data(), {control.cancel, nullptr});
                report_render();
            }
            std::vector<double> times, kernel_ms, readback_ms;
            for (int r = 0; r < grid.runs; ++r) {
                const auto start = std::chrono::steady_clock::now();
                renderer.render(geometry, settings, image.data(), {control.cancel, nullptr});
                times.push_back(std::chrono::duration<double, std::milli>(
                                    std::chrono::steady_clock::now() - start)
                                    .count());
                const DrrStageTimes stages = renderer.last_stage_times();
                cell.upload_ms = stages.upload_ms;
                kernel_ms.push_back(stages.kernel_ms);
                readback_ms.push_back(stages.readback_ms);
                report_render();
            }
            const SampleSummary ms = summarize(times);
            cell.median_ms = ms.median;
            cell.min_ms = ms.min;
            cell.max_ms = ms.max;
            cell.rays_per_second =
                static_cast<double>(cell.width * cell.height) / (cell.median_ms * 1e-3);
            cell.peak_host_mb = peak_memory_mb();
            cell.peak_device_mb =
                static_cast<double>(renderer.peak_device_bytes()) / (1024.0 * 1024.0);
            if (!kernel_ms.empty() && std::isfinite(kernel_ms.front())) {
                cell.kernel_ms = summarize(kernel_ms).median;
                cell.readback_ms = summarize(readback_ms).median;
            }
            cell.status = CellStatus::Measured;
        } catch (const Cancelled&) {
            cancel_from(i);
            if (cell_done) cell_done(i);
            throw;
        } catch (const std::bad_alloc&) {
            cell.status = CellStatus::OutOfMemory;
            cell.note = "host memory ran out";
        } catch (const std::exception& e) {
            cell.note = e.what();
            cell.status =
                out_of_memory_message(cell.note) ? CellStatus::OutOfMemory : CellStatus::Failed;
        }
        if (cell_done) cell_done(i);
    }
    control.report(1.0);
}

std::string drr_benchmark_csv(const std::vector<DrrBenchmarkCell>& cells) {
    std::ostringstream csv;
    csv << "variant,height,width,patch,pixel_spacing_mm,median_ms,min_ms,max_ms,rays_per_s,"
           "peak_rss_mb,peak_device_mb,target,device,algorithm,piece_width,piece_height,status,"
           "note,upload_ms,kernel_ms,readback_ms\n";
    const auto quoted = [](const std::string& text) {
        std::string out = "\"";
        for (char c : text)
            out += c == '"' ? std::string("\"\"") : std::string(1, c);
        return out + '"';
    };
    for (const DrrBenchmarkCell& c : cells) {
        const bool measured = c.status == CellStatus::Measured;
        csv << quoted(c.variant) << ',' << c.height << ',' << c.width << ',' << c.patch.label()
            << ',' << c.pixel_spacing_mm << ',';
        if (measured)
            csv << c.median_ms << ',' << c.min_ms << ',' << c.max_ms << ',' << c.rays_per_second
                << ',' << c.peak_host_mb << ',' << c.peak_device_mb << ',';
        else
            csv << ",,,,,,";
        csv << quoted(c.target.label()) << ',' << quoted(c.device_description) << ','
            << radon::to_string(c.algorithm) << ',';
        if (c.piece_width > 0)
            csv << c.piece_width << ',' << c.piece_height << ',';
        else
            csv << ",,";
        csv << quoted(to_string(c.status)) << ',' << quoted(c.note);
        for (const double ms : {c.upload_ms, c.kernel_ms, c.readback_ms}) {
            csv << ',';
            if (measured && std::isfinite(ms)) csv << ms;
        }
        csv << '\n';
    }
    return csv.str();
}

std::string drr_benchmark_json(const DrrBenchmarkGrid& grid,
                               const std::vector<DrrBenchmarkCell>& cells,
                               const DrrBenchmarkContext& context) {
    nlohmann::json results = nlohmann::json::array();
    for (const DrrBenchmarkCell& c : cells) {
        const bool measured = c.status == CellStatus::Measured;
        const auto figure = [measured](double v) {
            return measured && std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
        };
        results.push_back(
            {{"variant", c.variant},
             {"height", c.height},
             {"width", c.width},
             {"patch", c.patch.kind == PatchChoice::Kind::Fixed ? nlohmann::json(c.patch.size)
                                                                : nlohmann::json(c.patch.label())},
             {"pixel_spacing_mm", c.pixel_spacing_mm},
             {"median_ms", figure(c.median_ms)},
             {"min_ms", figure(c.min_ms)},
             {"max_ms", figure(c.max_ms)},
             {"rays_per_s", figure(c.rays_per_second)},
             {"peak_rss_mb", figure(c.peak_host_mb)},
             {"peak_device_mb", figure(c.peak_device_mb)},
             {"target", c.target.label()},
             {"device", c.device_description},
             {"algorithm", radon::to_string(c.algorithm)},
             {"piece_width", c.piece_width},
             {"piece_height", c.piece_height},
             {"status", to_string(c.status)},
             {"note", c.note},
             {"upload_ms", figure(c.upload_ms)},
             {"kernel_ms", figure(c.kernel_ms)},
             {"readback_ms", figure(c.readback_ms)}});
    }
    const nlohmann::json doc = {{"benchmark", "radon bench drr"},
                                {"format_version", 2},
                                {"cpu", context.cpu},
                                {"volume", context.volume},
                                {"memory_path", radon::to_string(grid.settings.memory_path)},
                                {"sad_mm", grid.pose.sad},
                                {"sdd_mm", grid.pose.sdd},
                                {"runs", grid.runs},
                                {"warmup", grid.warmup},
                                {"results", results}};
    return doc.dump(2) + "\n";
}

}  // namespace radon::recon
