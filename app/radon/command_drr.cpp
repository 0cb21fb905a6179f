// radon drr: renders one DRR of a volume or phantom and writes it with its geometry.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/radon/arguments.h"
#include "app/radon/commands.h"
#include "app/radon/pose_options.h"
#include "app/radon/terminal_progress.h"
#include "app/radon/volume_source.h"
#include "kernels/core/error.h"
#include "kernels/drr/drr_renderer.h"
#include "recon/io/atomic_file.h"
#include "recon/io/image_io.h"
#include "recon/io/projection_geometry_json.h"

namespace radon::cli {
namespace {

const char* kUsage = R"(usage: radon drr [VOLUME | --phantom thorax|shepp-logan] -o OUTPUT [options]

Renders a digitally reconstructed radiograph. VOLUME is a CT in HU (.nii, .nii.gz, .nrrd, .nhdr,
.mha, .mhd); without one the built-in thorax phantom is used. OUTPUT may be given several times;
its extension picks the format: .nrrd .mha .nii .nii.gz .tif .tiff (float) or .png (windowed).
Next to the images, <OUTPUT without extension>.json holds the geometry.

Volume:    --phantom NAME  --phantom-size NX,NY,NZ  --phantom-spacing SX,SY,SZ (mm)
           VOLUME may also be a DICOM file or folder; --series UID|DESCRIPTION chooses one
           series of a folder ('radon series' lists them)
           --mu-water PER_MM   water attenuation for HU -> mu (default 0.02059, 60 keV)
C-arm:     --preset AP|PA|LAT-L|LAT-R  --primary DEG (LAO+)  --secondary DEG (CRAN+)
           --roll DEG  --isocenter-offset X,Y,Z (mm from the volume centre)
Rigid:     --rotation A,B,C --convention ZXY (any of the 12)  | --quaternion W,X,Y,Z
           | --axis-angle X,Y,Z (rotation vector, degrees)  | --matrix 16 numbers (row-major)
           --translation X,Y,Z  world position of the isocenter (default: volume centre)
Distances: --sad MM (850)  --sdd MM (1020)
Detector:  --height N (200)  --width N (= height)  --delx MM (2.0)  --dely MM (= delx)
           --principal U,V  principal point offset from the panel centre (mm)
Rendering: --renderer siddon|trilinear  --step VOXELS (trilinear, 1.0)  --mode sum|mip
           --patch-size N (must tile the panel)  --threads N  --device cpu|cuda
Output:    --window LEVEL,WIDTH for PNG (default: 0.5-99.5 percentile)  --quiet
)";

std::string geometry_path(const std::string& image_path) {
    const std::string ext = recon::file_extension(image_path);
    return image_path.substr(0, image_path.size() - ext.size()) + ".json";
}

void check_outputs(const std::vector<std::string>& outputs) {
    if (outputs.empty()) {
        throw InvalidArgument("no output given: add -o FILE (.png, .nrrd, .mha, .nii, .tif)");
    }
    for (const auto& path : outputs) {
        const std::string ext = recon::file_extension(path);
        if (!recon::is_image_extension(ext)) {
            throw InvalidArgument(path + ": unknown output format '" + ext +
                                  "': expected .png, .nrrd, .mha, .nii, .nii.gz, .tif or .tiff");
        }
        const auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty() && !std::filesystem::is_directory(parent)) {
            throw InvalidArgument(path + ": output folder " + parent.string() + " does not exist");
        }
    }
}

DrrSettings settings_from_arguments(const Arguments& args, const Detector& detector) {
    DrrSettings s;
    s.algorithm = parse_drr_algorithm(args.text("--renderer", "siddon"));
    s.step_voxels = args.number("--step", 1.0);
    s.reduction = parse_drr_reduction(args.text("--mode", "sum"));
    s.patch_size = args.integer("--patch-size", 0);
    s.threads = static_cast<int>(args.integer("--threads", 0));
    s.validate(detector);
    return s;
}

}  // namespace

int run_drr(const std::vector<std::string>& raw) {
    std::vector<std::string> value_options = {"-o",        "--output", "--renderer",
                                              "--step",    "--mode",   "--patch-size",
                                              "--threads", "--device", "--window"};
    for (const auto* list : {&volume_source_options(), &pose_options(), &detector_options()}) {
        value_options.insert(value_options.end(), list->begin(), list->end());
    }
    const Arguments args(raw, value_options, {"--help", "-h", "--quiet"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }

    // Everything that can be checked before loading the volume is checked first, so a typo
    // costs no loading time and never leaves a file behind.
    std::vector<std::string> outputs = args.values("-o");
    for (const auto& o : args.values("--output"))
        outputs.push_back(o);
    check_outputs(outputs);
    const Detector detector = detector_from_arguments(args);
    const DrrSettings settings = settings_from_arguments(args, detector);
    const DeviceKind device = parse_device_kind(args.text("--device", "cpu"));
    std::optional<recon::Window> window;
    if (args.has("--window")) {
        const auto w = args.numbers("--window", 2);
        if (w[1] <= 0) throw InvalidArgument("--window: width must be > 0");
        window = recon::Window{w[0], w[1]};
    }
    pose_from_arguments(args, Vec3{0, 0, 0});
    check_volume_source(args);

    const VolumeSource volume = load_volume_source(args);
    const PoseChoice pose = pose_from_arguments(args, volume.hu.grid.center());
    const ProjectionGeometry geometry =
        rigid_projection(pose.carm_to_world, pose.sad, pose.sdd, detector);

    auto renderer = make_drr_renderer(device, volume.hu.grid, volume.attenuation);
    recon::Image2D image =
        recon::Image2D::allocate(detector.width, detector.height, detector.delx, detector.dely);
    TerminalProgress progress("rendering");
    RunControl control;
    control.progress = &progress;
    const auto start = std::chrono::steady_clock::now();
    renderer->render(geometry, settings, image.pixels.host_data(), control);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

    recon::DrrRecord record;
    record.geometry = geometry;
    record.carm_to_world = pose.carm_to_world;
    record.carm = pose.carm;
    record.sad = pose.sad;
    record.sdd = pose.sdd;
    record.pixel_spacing[0] = detector.delx;
    record.pixel_spacing[1] = detector.dely;
    record.volume = volume.description;
    record.settings = settings;
    record.water_attenuation = volume.water_attenuation;
    const recon::Window png_window = window ? *window : recon::automatic_window(image);
    for (const auto& path : outputs) {
        recon::write_image(image, path, png_window);
        recon::write_drr_record(record, geometry_path(path));
    }

    if (!args.flag("--quiet")) {
        const double rays = static_cast<double>(detector.width * detector.height);
        std::printf("rendered %lldx%lld DRR in %.2f ms (%s, %s; %.1f Mrays/s)\n",
                    static_cast<long long>(detector.width), static_cast<long long>(detector.height),
                    ms, renderer->description(settings).c_str(), to_string(settings.algorithm),
                    rays / ms / 1e3);
        for (const auto& path : outputs) {
            std::printf("wrote %s and %s\n", path.c_str(), geometry_path(path).c_str());
        }
    }
    return 0;
}

}  // namespace radon::cli
