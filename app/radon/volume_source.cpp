#include "app/radon/volume_source.h"

#include <sstream>
#include <utility>

#include "app/radon/command_messages.h"
#include "app/radon/physics_options.h"
#include "kernels/core/error.h"
#include "kernels/core/host_memory.h"
#include "kernels/physics/attenuation.h"
#include "recon/attenuation_volume.h"
#include "recon/io/volume_io.h"
#include "recon/phantom/ellipsoid_phantom.h"

namespace radon::cli {
namespace {

std::array<int64_t, 3> grid_size(const Arguments& args, std::array<int64_t, 3> fallback) {
    if (!args.has("--phantom-size")) return fallback;
    const auto n = args.numbers("--phantom-size", 3);
    std::array<int64_t, 3> size{};
    for (int i = 0; i < 3; ++i) {
        if (n[i] < 1 || n[i] > 4096 || n[i] != static_cast<double>(static_cast<int64_t>(n[i]))) {
            std::ostringstream msg;
            msg << "--phantom-size: " << n[i] << " is not a whole number of voxels in [1, 4096]";
            throw InvalidArgument(msg.str());
        }
        size[i] = static_cast<int64_t>(n[i]);
    }
    // Each axis may be fine and their product still too large: refused here, with the numbers,
    // rather than by a failed allocation.
    const double count = n[0] * n[1] * n[2];
    const double max_count = 2147483647.0;  // the projectors' 32-bit voxel indices
    // The phantom in HU and its attenuation copy, both float.
    const double needed = 2.0 * sizeof(float) * count;
    const double memory = static_cast<double>(physical_memory_bytes());
    if (count > max_count || (memory > 0 && needed > memory)) {
        std::ostringstream msg;
        msg.precision(3);
        msg << "--phantom-size: " << size[0] << "x" << size[1] << "x" << size[2] << " = " << count
            << " voxels";
        if (count > max_count) {
            msg << ", more than the " << static_cast<int64_t>(max_count) << " a volume may have";
        } else {
            msg << " need " << needed / (1 << 30) << " GiB of memory, more than this machine's "
                << memory / (1 << 30) << " GiB";
        }
        throw InvalidArgument(msg.str());
    }
    return size;
}

Vec3 grid_spacing(const Arguments& args, Vec3 fallback) {
    if (!args.has("--phantom-spacing")) return fallback;
    const auto s = args.numbers("--phantom-spacing", 3);
    for (double v : s) {
        if (v <= 0 || v > 1e3) {
            std::ostringstream msg;
            msg << "--phantom-spacing: " << v << " mm is not a spacing > 0 and at most 1000 mm";
            throw InvalidArgument(msg.str());
        }
    }
    return {s[0], s[1], s[2]};
}

void print_warnings(const std::string& command, const std::vector<std::string>& warnings) {
    for (const std::string& line : warnings)
        print_warning(command, line);
}

}  // namespace

const std::vector<std::string>& volume_source_options() {
    static const std::vector<std::string> options = [] {
        std::vector<std::string> list = {"--phantom", "--phantom-size", "--phantom-spacing",
                                         "--series"};
        list.insert(list.end(), attenuation_options().begin(), attenuation_options().end());
        return list;
    }();
    return options;
}

void check_volume_source(const Arguments& args) {
    const auto& files = args.positional();
    if (files.size() > 1) {
        throw InvalidArgument("expected one volume file, got " + std::to_string(files.size()) +
                              " ('" + files[0] + "', '" + files[1] + "', ...)");
    }
    if (!files.empty() && args.has("--phantom")) {
        throw InvalidArgument("give either a volume file or --phantom, not both");
    }
    if (args.has("--phantom")) {
        recon::builtin_phantom_grid(*args.value("--phantom"));  // refuses an unknown name
    }
    if (files.empty()) {
        grid_size(args, recon::default_thorax_size());
        grid_spacing(args, recon::default_thorax_spacing());
    } else if (args.has("--phantom-size") || args.has("--phantom-spacing")) {
        throw InvalidArgument("--phantom-size and --phantom-spacing apply to phantoms only");
    }
    if (args.has("--series") && files.empty()) {
        throw InvalidArgument("--series chooses a series of a DICOM folder: give the folder too");
    }
}

recon::Volume load_hu_volume(const Arguments& args, const std::string& command,
                             std::string& description) {
    check_volume_source(args);
    if (!args.positional().empty()) {
        const std::string& path = args.positional()[0];
        const std::string series = args.text("--series", "");
        description = series.empty() ? path : path + " (series " + series + ")";
        std::vector<std::string> warnings;
        recon::Volume volume = recon::read_volume(path, series, &warnings);
        print_warnings(command, warnings);
        return volume;
    } else {
        const std::string name = args.text("--phantom", "thorax");
        const VolumeGrid defaults = recon::builtin_phantom_grid(name);
        const auto size = grid_size(args, defaults.size);
        const Vec3 spacing = grid_spacing(args, defaults.spacing);
        const VolumeGrid grid = recon::builtin_phantom_grid(name, size, spacing);
        const recon::EllipsoidPhantom phantom = recon::builtin_phantom(name, grid);
        std::ostringstream d;
        d << name << " phantom, " << size[0] << "x" << size[1] << "x" << size[2] << " voxels of "
          << spacing[0] << "x" << spacing[1] << "x" << spacing[2] << " mm";
        description = d.str();
        return phantom.voxelize_hu(grid);
    }
}

VolumeSource load_volume_source(const Arguments& args, const std::string& command) {
    VolumeSource source;
    source.attenuation_spec = attenuation_from_arguments(args);
    recon::Volume hu = load_hu_volume(args, command, source.description);
    source.attenuation_model = make_attenuation_model(
        source.attenuation_spec, hu.voxels.host_data(), hu.voxels.size(), source.description);
    recon::AttenuationVolume mu =
        recon::attenuation_in_place(std::move(hu), source.attenuation_model);
    source.grid = mu.grid;
    source.attenuation = std::move(mu.mu);
    source.occupied = mu.occupied;
    if (args.has("--labels")) {
        const std::string path = *args.value("--labels");
        std::vector<std::string> warnings;
        const recon::Volume map = recon::read_volume(path, "", &warnings);
        print_warnings(command, warnings);
        source.labels = make_label_map(source.grid, map.grid, map.voxels, path);
    }
    return source;
}

}  // namespace radon::cli
