#include "app/radon/render_options.h"

#include <algorithm>
#include <thread>

namespace radon::cli {

const std::vector<std::string>& render_options() {
    static const std::vector<std::string> options = {
        "--renderer", "--step", "--mode", "--patch-size", "--threads", "--device", "--memory-path"};
    return options;
}

// OpenMP crashes when asked for tens of thousands of threads, and a count far beyond the cores
// only costs time: up to 256, or one per logical core on larger machines; 0 takes every core.
Range thread_range() {
    const double cores = std::thread::hardware_concurrency();
    return {0, std::max(256.0, cores), false, "CPU threads, 0 for every core", ""};
}

DrrSettings render_settings_from_arguments(const Arguments& args) {
    DrrSettings s;
    s.algorithm = parse_drr_algorithm(args.text("--renderer", "siddon"));
    s.step_voxels = args.number("--step", 1.0);
    s.reduction = parse_drr_reduction(args.text("--mode", "sum"));
    s.patch_size = args.integer_in("--patch-size", 0, {0, 16384, false, "pixels", ""});
    s.threads = static_cast<int>(args.integer_in("--threads", 0, thread_range()));
    s.memory_path = parse_drr_memory_path(args.text("--memory-path", "auto"));
    return s;
}

DeviceKind device_from_arguments(const Arguments& args) {
    return parse_device_kind(args.text("--device", "cpu"));
}

}  // namespace radon::cli
