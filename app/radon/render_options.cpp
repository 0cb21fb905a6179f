#include "app/radon/render_options.h"

namespace radon::cli {

const std::vector<std::string>& render_options() {
    static const std::vector<std::string> options = {
        "--renderer", "--step", "--mode", "--patch-size", "--threads", "--device", "--memory-path"};
    return options;
}

DrrSettings render_settings_from_arguments(const Arguments& args) {
    DrrSettings s;
    s.algorithm = parse_drr_algorithm(args.text("--renderer", "siddon"));
    s.step_voxels = args.number("--step", 1.0);
    s.reduction = parse_drr_reduction(args.text("--mode", "sum"));
    s.patch_size = args.integer("--patch-size", 0);
    s.threads = static_cast<int>(args.integer("--threads", 0));
    s.memory_path = parse_drr_memory_path(args.text("--memory-path", "auto"));
    return s;
}

DeviceKind device_from_arguments(const Arguments& args) {
    return parse_device_kind(args.text("--device", "cpu"));
}

}  // namespace radon::cli
