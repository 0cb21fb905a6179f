#include "app/radon/pet_options.h"

#include <array>
#include <cmath>
#include <optional>
#include <sstream>

#include "app/radon/render_options.h"
#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/volume_io.h"
#include "recon/pet/pet_setup.h"

namespace radon::cli {

const std::vector<std::string>& pet_value_options() {
    static const std::vector<std::string> options = {
        "--scanner",      "--span",        "--max-ring-difference",
        "--view-mashing", "--radial-bins", "--axis-order",
        "--image-size",   "--voxel-size",  "--projector",
        "--device",       "--threads",     "--scanner-centre"};
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
  --scanner-centre X,Y,Z      where the scanner's centre sits in the LPS world, mm (default the
                              file's, usually 0,0,0): put it on a CT's centre to use its mu-map
Image and projector:
  --image-size NX,NY,NZ       voxels (default: the scanner's field of view, planes half a ring
  --voxel-size SX,SY,SZ       apart); voxel size in mm; the grid is centred on the scanner
  --projector joseph|siddon   Joseph (interpolating; TOF or not) or Siddon (exact, non-TOF)
  --device cpu|cuda           where the projectors run
  --threads N                 CPU threads (0: every core)
)";
}

Arguments pet_arguments(const std::vector<std::string>& raw, std::vector<std::string> value_options,
                        bool with_object) {
    std::vector<std::string> flags = {"--help", "-h"};
    value_options.insert(value_options.end(), pet_value_options().begin(),
                         pet_value_options().end());
    flags.insert(flags.end(), pet_flags().begin(), pet_flags().end());
    if (with_object) {
        value_options.insert(value_options.end(), pet_object_value_options().begin(),
                             pet_object_value_options().end());
        flags.insert(flags.end(), pet_object_flags().begin(), pet_object_flags().end());
    }
    return Arguments(raw, value_options, flags);
}

std::string sinogram_argument(const Arguments& args) {
    if (args.positional().size() != 1)
        throw InvalidArgument("expected one sinogram (.hs or .nrrd), got " +
                              std::to_string(args.positional().size()) + " arguments");
    return args.positional()[0];
}

std::string image_output(const Arguments& args) {
    const std::string out = args.text("-o", args.text("--output", ""));
    if (out.empty()) throw InvalidArgument("no output given: add -o IMAGE (.nii.gz, .nrrd, .mha)");
    if (!recon::is_writable_volume_extension(recon::file_extension(out)))
        throw InvalidArgument(out + ": cannot write an image as '" + recon::file_extension(out) +
                              "': expected .nii, .nii.gz, .nrrd or .mha");
    return out;
}

recon::ScannerDescription scanner_from_arguments(const Arguments& args) {
    recon::ScannerDescription scanner = recon::load_scanner(args.text("--scanner", "demo"));
    if (args.has("--scanner-centre")) {
        const std::vector<double> c = args.numbers_in(
            "--scanner-centre", 3, {-1e5, 1e5, false, "scanner centre (LPS)", "mm"});
        scanner.scanner.isocentre_lps = {c[0], c[1], c[2]};
    }
    return scanner;
}

pet::SinogramDescriptor sinogram_from_arguments(const Arguments& args,
                                                const recon::ScannerDescription& scanner) {
    const pet::SinogramSpec& spec = scanner.default_sinogram;
    const int rings = scanner.scanner.rings;
    recon::SinogramChoice choice;
    choice.span = static_cast<int>(
        args.integer_in("--span", spec.span, {1, 2.0 * rings - 1, false, "axial compression", ""}));
    choice.max_ring_difference = static_cast<int>(args.integer_in(
        "--max-ring-difference", spec.max_ring_difference,
        {-1, rings - 1.0, false, "maximum ring difference, -1 for the scanner's", ""}));
    choice.view_mashing = static_cast<int>(
        args.integer_in("--view-mashing", spec.view_mashing,
                        {1, scanner.scanner.detectors_per_ring / 2.0, false, "view mashing", ""}));
    if (args.has("--radial-bins"))
        choice.radial_bins = static_cast<int>(args.integer_in(
            "--radial-bins", 0,
            {0, double(scanner.scanner.detectors_per_ring), false, "radial bins, 0 for all", ""}));
    choice.axis_order = args.text("--axis-order", spec.axis_order);
    if (args.flag("--tof") && args.flag("--no-tof"))
        throw InvalidArgument("--tof and --no-tof: give one of them");
    if (args.flag("--no-tof")) choice.tof = recon::TofChoice::Off;
    if (args.flag("--tof")) choice.tof = recon::TofChoice::On;
    return recon::make_pet_sinogram(scanner, choice, "--tof");
}

pet::PetImageGrid image_grid_from_arguments(const Arguments& args,
                                            const pet::SinogramDescriptor& sinogram) {
    std::optional<std::array<double, 3>> voxel_mm;
    std::optional<std::array<int, 3>> voxels;
    const Range size_range{1, 4096, false, "image voxels", ""};
    const Range voxel_range{0, 1000, true, "voxel size", "mm"};
    if (args.has("--voxel-size")) {
        const std::vector<double> v = args.numbers_in("--voxel-size", 3, voxel_range);
        voxel_mm = std::array<double, 3>{v[0], v[1], v[2]};
    }
    if (args.has("--image-size")) {
        const std::vector<double> n = args.numbers_in("--image-size", 3, size_range);
        std::array<int, 3> dims{};
        for (int a = 0; a < 3; ++a) {
            if (n[static_cast<std::size_t>(a)] != std::floor(n[static_cast<std::size_t>(a)]))
                throw InvalidArgument("--image-size: expected whole numbers of voxels, got " +
                                      *args.value("--image-size"));
            dims[static_cast<std::size_t>(a)] = static_cast<int>(n[static_cast<std::size_t>(a)]);
        }
        voxels = dims;
    }
    return recon::make_pet_image_grid(sinogram, voxels, voxel_mm, "--image-size/--voxel-size");
}

pet::LorProjectorConfig projector_from_arguments(const Arguments& args,
                                                 const pet::PetImageGrid& grid) {
    pet::LorProjectorConfig config;
    config.grid = grid;
    config.model = pet::parse_pet_model(args.text("--projector", "joseph"), "--projector");
    config.device = device_from_arguments(args);
    config.cpu.threads = static_cast<int>(args.integer_in("--threads", 0, thread_range()));
    return config;
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
    return recon::pet_grid_text(grid);
}

}  // namespace radon::cli

namespace radon::cli {
namespace {

recon::IecBodyPhantom iec_from_arguments(const Arguments& args,
                                         const pet::SinogramDescriptor& sinogram) {
    return recon::pet_iec_phantom(
        sinogram,
        args.number_in("--contrast", 4.0, {0, 1000, true, "sphere to background activity", ""}));
}

}  // namespace

const std::vector<std::string>& pet_object_value_options() {
    static const std::vector<std::string> options = {"--image",    "--phantom", "--point",
                                                     "--contrast", "--mu-map",  "--mu-from-ct"};
    return options;
}

const std::vector<std::string>& pet_object_flags() {
    static const std::vector<std::string> flags = {"--attenuation"};
    return flags;
}

const char* pet_object_help() {
    return R"(Object:
  --image FILE                activity image (.nii, .nii.gz, .nrrd, .mha; axes along L, P, S)
  --phantom iec|point         the NEMA IEC body phantom (spheres in the middle ring plane), or a
  --point X,Y,Z               point source at X,Y,Z mm (LPS, default the scanner centre)
  --contrast C                IEC sphere to background activity (default 4)
Attenuation (optional):
  --mu-map FILE               mu at 511 keV in 1/mm, on any grid with axes along L, P, S
  --mu-from-ct CT             a CT in HU, converted by the bilinear 511 keV model (docs/PHYSICS.md)
  --attenuation               the phantom's own mu-map
)";
}

recon::PetImage activity_from_arguments(const Arguments& args,
                                        const pet::SinogramDescriptor& sinogram,
                                        const pet::PetImageGrid& grid, std::string& description) {
    if (args.has("--image") && args.has("--phantom"))
        throw InvalidArgument("--image and --phantom: give one of them");
    if (args.has("--image")) {
        const std::string path = args.text("--image", "");
        description = path;
        return recon::read_pet_image(path, sinogram);
    }
    const std::string phantom = args.text("--phantom", "iec");
    if (phantom == "iec") {
        const recon::IecBodyPhantom iec = iec_from_arguments(args, sinogram);
        description = "IEC body phantom, spheres " +
                      std::to_string(iec.spec().sphere_to_background).substr(0, 4) + ":1, on " +
                      grid_text(grid);
        return recon::iec_activity(iec, grid);
    }
    if (phantom == "point") {
        Vec3 point = recon::pet_scanner_centre(sinogram);
        if (args.has("--point")) {
            const std::vector<double> p =
                args.numbers_in("--point", 3, {-1e4, 1e4, false, "point source position", "mm"});
            point = {p[0], p[1], p[2]};
        }
        recon::PetImage image = recon::point_activity(grid, point, "--point");
        description = "point source at the voxel nearest (" + std::to_string(point.x) + ", " +
                      std::to_string(point.y) + ", " + std::to_string(point.z) + ") mm";
        return image;
    }
    throw InvalidArgument("--phantom: unknown phantom '" + phantom + "': expected iec or point");
}

std::vector<float> attenuation_from_arguments(const Arguments& args,
                                              const pet::SinogramDescriptor& sinogram,
                                              const pet::PetImageGrid& grid,
                                              const pet::LorProjectorConfig& projector,
                                              std::string& description) {
    const int given =
        int(args.has("--mu-map")) + int(args.has("--mu-from-ct")) + int(args.flag("--attenuation"));
    if (given == 0) return {};
    if (given > 1)
        throw InvalidArgument("--mu-map, --mu-from-ct and --attenuation: give one of them");
    recon::PetImage mu;
    if (args.has("--mu-map")) {
        const std::string path = args.text("--mu-map", "");
        mu = recon::read_pet_image(path, sinogram);
        description = "mu-map " + path;
    } else if (args.has("--mu-from-ct")) {
        const std::string path = args.text("--mu-from-ct", "");
        mu = recon::mu_map_from_ct(recon::read_volume(path), sinogram, path);
        description = "mu-map at 511 keV from the CT " + path;
    } else {
        if (args.has("--image") || args.text("--phantom", "iec") != "iec")
            throw InvalidArgument(
                "--attenuation: only the IEC phantom has its own mu-map; give --mu-map FILE or "
                "--mu-from-ct CT for an image");
        mu = recon::iec_mu_map(iec_from_arguments(args, sinogram), grid);
        description = "the IEC phantom's mu-map at 511 keV";
    }
    return recon::pet_attenuation_factors(sinogram, projector, mu);
}

}  // namespace radon::cli
