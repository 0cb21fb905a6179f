#include "app/radon/pet_options.h"

#include <cmath>
#include <sstream>

#include "app/radon/render_options.h"
#include "kernels/core/error.h"
#include "recon/io/volume_io.h"

namespace radon::cli {

const std::vector<std::string>& pet_value_options() {
    static const std::vector<std::string> options = {
        "--scanner",    "--span",       "--max-ring-difference", "--view-mashing", "--radial-bins",
        "--axis-order", "--image-size", "--voxel-size",          "--projector",    "--device",
        "--threads"};
    return options;
}

const std::vector<std::string>& pet_flags() {
    static const std::vector<std::string> flags = {"--tof", "--no-tof"};
    return flags;
}

const char* pet_options_help() {
    return R"(Scanner and sinogram:
  --scanner PRESET|FILE       a preset id or name ('radon pet scanners' lists them) or a scanner
                              JSON file (a YRT-PET scanner file too); default: demo
  --span S                    odd axial compression (1: every ring pair its own plane)
  --max-ring-difference D     largest ring difference kept
  --view-mashing M            views added together (divides detectors per ring / 2)
  --radial-bins N             radial bins kept, centred (0: all)
  --axis-order ORDER          memory order of radial, view, plane, slowest first (RVP, PVR, ...)
  --tof | --no-tof            time-of-flight bins as the scanner has them, or none
Image and projector:
  --image-size NX,NY,NZ       voxels (default: the scanner's field of view, planes half a ring
  --voxel-size SX,SY,SZ       apart); voxel size in mm; the grid is centred on the scanner
  --projector joseph|siddon   Joseph (interpolating; TOF or not) or Siddon (exact, non-TOF)
  --device cpu|cuda           where the projectors run
  --threads N                 CPU threads (0: every core)
)";
}

recon::ScannerDescription scanner_from_arguments(const Arguments& args) {
    return recon::load_scanner(args.text("--scanner", "demo"));
}

pet::SinogramDescriptor sinogram_from_arguments(const Arguments& args,
                                                const recon::ScannerDescription& scanner) {
    pet::SinogramSpec spec = scanner.default_sinogram;
    const int rings = scanner.scanner.rings;
    spec.span = static_cast<int>(
        args.integer_in("--span", spec.span, {1, 2.0 * rings - 1, false, "axial compression", ""}));
    spec.max_ring_difference = static_cast<int>(args.integer_in(
        "--max-ring-difference", spec.max_ring_difference,
        {-1, rings - 1.0, false, "maximum ring difference, -1 for the scanner's", ""}));
    spec.view_mashing = static_cast<int>(
        args.integer_in("--view-mashing", spec.view_mashing,
                        {1, scanner.scanner.detectors_per_ring / 2.0, false, "view mashing", ""}));
    if (args.has("--radial-bins")) {
        spec.radial_bins = static_cast<int>(args.integer_in(
            "--radial-bins", 0,
            {0, double(scanner.scanner.detectors_per_ring), false, "radial bins, 0 for all", ""}));
        spec.radial_trim = -1;
    }
    std::string order = args.text("--axis-order", spec.axis_order);
    // The TOF axis goes last: the projectors write a LOR's TOF bins together.
    if (!order.empty() && (order.back() == 'T' || order.front() == 'T'))
        order.erase(order.back() == 'T' ? order.size() - 1 : 0, 1);
    if (args.flag("--tof") && args.flag("--no-tof"))
        throw InvalidArgument("--tof and --no-tof: give one of them");
    if (args.flag("--no-tof")) spec.tof = pet::TofBinning{};
    if (args.flag("--tof")) {
        if (!scanner.scanner.tof.enabled() || scanner.scanner.tof.bins < 2)
            throw InvalidArgument(
                "--tof: " + scanner.origin +
                " has no TOF settings (its \"tof\" block: bins >= 2, fwhm_ps > 0)");
        spec.tof = scanner.scanner.tof;
    }
    if (spec.tof.bins > 1) order += 'T';
    spec.axis_order = order;
    return pet::SinogramDescriptor(scanner.scanner, spec);
}

pet::PetImageGrid image_grid_from_arguments(const Arguments& args,
                                            const pet::SinogramDescriptor& sinogram) {
    pet::PetImageGrid grid = recon::default_pet_image_grid(sinogram);
    if (!args.has("--image-size") && !args.has("--voxel-size")) return grid;
    const Range size_range{1, 4096, false, "image voxels", ""};
    const Range voxel_range{0, 1000, true, "voxel size", "mm"};
    if (args.has("--voxel-size")) {
        const std::vector<double> v = args.numbers_in("--voxel-size", 3, voxel_range);
        for (int a = 0; a < 3; ++a) {
            // Keep the field covered when only the voxel size changes.
            const double extent = grid.dims[a] * double(grid.voxel_mm[a]);
            grid.voxel_mm[a] = static_cast<float>(v[static_cast<std::size_t>(a)]);
            grid.dims[a] = std::max(
                1, static_cast<int>(std::ceil(extent / v[static_cast<std::size_t>(a)] - 1e-9)));
        }
    }
    if (args.has("--image-size")) {
        const std::vector<double> n = args.numbers_in("--image-size", 3, size_range);
        for (int a = 0; a < 3; ++a) {
            if (n[static_cast<std::size_t>(a)] != std::floor(n[static_cast<std::size_t>(a)]))
                throw InvalidArgument("--image-size: expected whole numbers of voxels, got " +
                                      *args.value("--image-size"));
            grid.dims[a] = static_cast<int32_t>(n[static_cast<std::size_t>(a)]);
        }
    }
    // Centred on the scanner, as the default grid.
    const pet::ScannerGeometry& s = sinogram.scanner();
    const double z_mid = 0.5 * (s.ring_z_mm.front() + s.ring_z_mm.back());
    const double centre[3] = {s.isocentre_lps.x, s.isocentre_lps.y, s.isocentre_lps.z + z_mid};
    for (int a = 0; a < 3; ++a)
        grid.origin_mm[a] =
            static_cast<float>(centre[a] - 0.5 * (grid.dims[a] - 1) * double(grid.voxel_mm[a]));
    pet::check_pet_image_grid(grid, "--image-size/--voxel-size");
    recon::check_image_meets_fov(grid, sinogram, "--image-size/--voxel-size");
    return grid;
}

pet::LorProjectorConfig projector_from_arguments(const Arguments& args,
                                                 const pet::PetImageGrid& grid) {
    pet::LorProjectorConfig config;
    config.grid = grid;
    const std::string model = args.text("--projector", "joseph");
    if (model == "joseph") {
        config.model = pet::PetModel::Joseph;
    } else if (model == "siddon") {
        config.model = pet::PetModel::Siddon;
    } else {
        throw InvalidArgument("--projector: unknown projector '" + model +
                              "': expected joseph or siddon");
    }
    config.device = device_from_arguments(args);
    config.cpu.threads = static_cast<int>(args.integer_in("--threads", 0, thread_range()));
    return config;
}

recon::PetImage read_pet_image(const std::string& path, const pet::SinogramDescriptor& sinogram) {
    const recon::Volume volume = recon::read_volume(path);
    recon::PetImage image = recon::pet_image_from_volume(volume, path);
    recon::check_image_meets_fov(image.grid, sinogram, path);
    return image;
}

std::string pet_setup_line(const recon::ScannerDescription& scanner,
                           const pet::SinogramDescriptor& sinogram) {
    std::ostringstream out;
    out << scanner.scanner.name << ": " << scanner.scanner.detectors_per_ring << " x "
        << scanner.scanner.rings << " crystals; sinogram " << sinogram.description();
    if (sinogram.has_tof_axis())
        out << "; TOF " << sinogram.tof_bins() << " bins of " << sinogram.spec().tof.bin_width_mm
            << " mm, FWHM " << sinogram.spec().tof.fwhm_mm << " mm";
    return out.str();
}

std::string grid_text(const pet::PetImageGrid& grid) {
    std::ostringstream out;
    out << grid.dims[0] << "x" << grid.dims[1] << "x" << grid.dims[2] << " voxels of "
        << grid.voxel_mm[0] << "x" << grid.voxel_mm[1] << "x" << grid.voxel_mm[2] << " mm";
    return out.str();
}

}  // namespace radon::cli
