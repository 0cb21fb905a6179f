// radon drr: renders one DRR of a volume or phantom and writes it with its geometry.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "app/radon/arguments.h"
#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "app/radon/drr_record_base.h"
#include "app/radon/physics_options.h"
#include "app/radon/pose_options.h"
#include "app/radon/render_options.h"
#include "app/radon/terminal_progress.h"
#include "app/radon/volume_source.h"
#include "kernels/core/error.h"
#include "kernels/drr/detector_cut.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/label_drr.h"
#include "kernels/physics/drr_output.h"
#include "recon/io/atomic_file.h"
#include "recon/io/image_io.h"
#include "recon/io/projection_geometry_json.h"

namespace radon::cli {
namespace {

// The name every stderr line of the command starts with.
const std::string kCommand = "drr";

const char* kUsage = R"(usage: radon drr [VOLUME | --phantom thorax|shepp-logan] -o OUTPUT [options]

Renders a digitally reconstructed radiograph. VOLUME is a CT in HU (.nii, .nii.gz, .nrrd, .nhdr,
.mha, .mhd); without one the built-in thorax phantom is used. OUTPUT may be given several times;
its extension picks the format: .nrrd .mha .nii .nii.gz .tif .tiff (float; NRRD and MetaImage
headers also hold the projection matrix and source) or .png (windowed). Next to the images,
<OUTPUT without extension>.json holds the geometry.

Volume:    --phantom NAME  --phantom-size NX,NY,NZ  --phantom-spacing SX,SY,SZ (mm)
           VOLUME may also be a DICOM file or folder; --series UID|DESCRIPTION chooses one
           series of a folder ('radon series' lists them)
Physics:   --attenuation water|bilinear|diffdrr  HU -> attenuation (water)
           --energy KEV       effective energy, 20-150 keV (60; water and bilinear)
           --mu-water PER_MM  water attenuation instead of an energy (water only)
           --air-threshold HU voxels below it count as air (default: none)
           --bone-multiplier X  DiffDRR's bone_attenuation_multiplier (diffdrr only, 1)
           (coefficients and their sources: docs/PHYSICS.md)
Values:    --output-kind line-integral|transmission|log  (line-integral)
             line-integral  p = integral of mu ds
             transmission   I = I0 exp(-p), counts (I/I0 with the default I0 = 1)
             log            ln(I0 / max(I, 1)) = min(p, ln I0), needs I0 > 1
           --i0 COUNTS  incident intensity per pixel (transmission and log)
           --invert     reflect the values: I0 - I, ln I0 - log, -p (swaps bone white/black)
Labels:    --labels FILE  label map on the volume's grid (whole numbers 0-65535)
           --label-channels  one channel per label present (or per --label-subset label):
             a width x height x channels stack, one PNG per channel (NAME_label<L>.png)
           --label-subset 1,3,...  render only these labels, together
C-arm:     --preset AP|PA|LAT-L|LAT-R  --primary DEG (LAO+)  --secondary DEG (CRAN+)
           --roll DEG  --isocenter-offset X,Y,Z (mm from the volume centre)
Rigid:     --rotation A,B,C --convention ZXY (any of the 12)  | --quaternion W,X,Y,Z
           | --axis-angle X,Y,Z (rotation vector, degrees)  | --matrix 16 numbers (row-major)
           --translation X,Y,Z  world position of the isocenter (default: volume centre)
DiffDRR:   --diffdrr-rotation VALUES --diffdrr-translation X,Y,Z  as drr(rotation, translation),
           degrees  --diffdrr-parameterization euler_angles|axis_angle|quaternion|matrix
           --diffdrr-convention ZXY  --diffdrr-orientation AP|PA|none  --diffdrr-center-volume BOOL
           --diffdrr-reverse-x-axis BOOL  --diffdrr-principal X0,Y0  (docs/CONVENTIONS.md)
Distances: --sad MM (850)  --sdd MM (1020)
Detector:  --height N (200)  --width N (= height)  --delx MM (2.0)  --dely MM (= delx)
           --principal U,V  principal point offset from the panel centre (mm)
Rendering: --renderer siddon|trilinear  --step VOXELS (trilinear, 1.0)  --mode sum|mip
           --patch-size N (must tile the panel)  --threads N  --device cpu|cuda
           --memory-path auto|texture|global  (CUDA trilinear: hardware texture or plain memory)
Output:    --window LEVEL,WIDTH for PNG (default: 0.5-99.5 percentile)  --png-bits 8|16 (8)
           --quiet
)";

std::string without_extension(const std::string& path) {
    const std::string ext = recon::file_extension(path);
    return path.substr(0, path.size() - ext.size());
}

// Where channel `label` of a stack goes when the output is a PNG: NAME_label<L>.png.
std::string channel_png_path(const std::string& png_path, uint16_t label) {
    return without_extension(png_path) + "_label" + std::to_string(label) + ".png";
}

void check_outputs(const std::vector<std::string>& outputs) {
    if (outputs.empty()) {
        throw InvalidArgument("no output given: add -o FILE (.png, .nrrd, .mha, .nii, .tif)");
    }
    for (const auto& path : outputs) {
        const std::string ext = recon::file_extension(path);
        if (!recon::is_image_extension(ext)) {
            throw InvalidArgument(path + ": unknown output format '" + ext + "': expected " +
                                  recon::image_extensions());
        }
        const auto parent = std::filesystem::path(path).parent_path();
        if (!parent.empty() && !std::filesystem::is_directory(parent)) {
            throw InvalidArgument(path + ": output folder " + parent.string() + " does not exist");
        }
        if (std::filesystem::is_directory(path)) {
            throw InvalidArgument(path + ": is a folder, expected an output file name");
        }
    }
}

bool is_png(const std::string& path) {
    return recon::file_extension(path) == ".png";
}

}  // namespace

int run_drr(const std::vector<std::string>& raw) {
    std::vector<std::string> value_options = {"-o", "--output", "--window"};
    for (const auto* list : {&render_options(), &volume_source_options(), &pose_options(),
                             &detector_options(), &output_options(), &label_options()}) {
        value_options.insert(value_options.end(), list->begin(), list->end());
    }
    std::vector<std::string> flags = {"--help", "-h", "--quiet"};
    for (const auto* list : {&output_flags(), &label_flags()})
        flags.insert(flags.end(), list->begin(), list->end());
    const Arguments args(raw, value_options, flags);
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }

    // Everything that can be checked before loading the volume is checked first, so a typo
    // costs no loading time and never leaves a file behind.
    const std::vector<std::string> outputs = output_paths(args);
    check_outputs(outputs);
    const Detector detector = detector_from_arguments(args);
    const DrrSettings settings = render_settings_from_arguments(args);
    settings.validate(detector);
    const DeviceKind device = device_from_arguments(args);
    std::optional<recon::Window> window;
    if (args.has("--window")) {
        const auto w = args.numbers("--window", 2);
        window = recon::Window{w[0], w[1]};
        recon::check_window(*window, "--window");
    }
    const int png_bits = png_bits_from_arguments(
        args, std::any_of(outputs.begin(), outputs.end(), [](const auto& p) { return is_png(p); }));
    const DrrOutput output = output_from_arguments(args, settings.reduction);
    attenuation_from_arguments(args);
    const LabelRequest labels = label_request_from_arguments(args);
    pose_from_arguments(args, Vec3{0, 0, 0});
    check_volume_source(args);

    const VolumeSource volume = load_volume_source(args, kCommand);
    const PoseChoice pose = pose_from_arguments(args, volume.grid.center());
    const ProjectionGeometry geometry = pose_projection(pose, detector);
    DetectorCut cut = detector_cut(geometry, volume.grid, settings, &volume.occupied);

    std::vector<uint16_t> channel_labels;
    if (labels.channels) {
        channel_labels = labels.subset.empty() ? all_labels(*volume.labels) : labels.subset;
        check_channel_stack_fits(channel_labels.size(), detector.width, detector.height);
    }
    recon::Image2D image = recon::Image2D::allocate(
        detector.width, detector.height, detector.delx, detector.dely,
        channel_labels.empty() ? 1 : static_cast<int64_t>(channel_labels.size()));
    TerminalProgress progress("rendering");
    RunControl control;
    control.progress = &progress;
    std::string engine = to_string(device);
    const auto start = std::chrono::steady_clock::now();
    if (labels.file.empty()) {
        std::string fallback;
        auto renderer =
            make_drr_renderer(device, volume.grid, volume.attenuation, &fallback, &volume.occupied);
        if (!fallback.empty()) print_note(kCommand, fallback);
        engine = renderer->description(settings);
        cut = confirm_detector_cut(cut, geometry, *renderer, settings);
        renderer->render(geometry, settings, image.pixels.host_data(), control);
    } else {
        LabelDrrRenderer renderer(device, volume.grid, volume.attenuation, *volume.labels);
        // Only the chosen labels' voxels are in the image, so only they can be cut off.
        const std::vector<uint16_t>& chosen = labels.channels ? channel_labels : labels.subset;
        cut = confirm_detector_cut(cut, geometry, settings,
                                   [&](const ProjectionGeometry& g, const DrrSettings& s,
                                       float* out) { renderer.render_subset(chosen, g, s, out); });
        if (labels.channels) {
            renderer.render_channels(channel_labels, geometry, settings, image.pixels.host_data(),
                                     control);
        } else {
            renderer.render_subset(labels.subset, geometry, settings, image.pixels.host_data(),
                                   control);
        }
    }
    const std::string cut_warning = detector_cut_warning(cut, geometry.span);
    if (!cut_warning.empty()) {
        print_warning(kCommand, "at this pose " + cut_warning);
    }
    apply_drr_output(image.pixels.host_data(), image.pixels.size(), output);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

    recon::DrrRecord record = base_drr_record(geometry, pose, detector, volume, settings);
    record.output = output;
    record.labels_file = labels.file;
    record.channel_labels = channel_labels;
    if (!labels.channels) record.label_subset = labels.subset;
    image.metadata = recon::drr_record_metadata(record);

    const recon::Window png_window = window ? *window : recon::automatic_window(image);
    // Images first, then one record per name stem (NAME.png and NAME.nrrd share NAME.json),
    // listing every channel PNG written. All of them replace the previous files together, or
    // none does.
    recon::AtomicFileSet files;
    std::vector<std::string> written, records;
    for (const auto& path : outputs) {
        if (is_png(path) && image.channels() > 1) {
            for (int64_t c = 0; c < image.channels(); ++c) {
                const std::string channel_path = channel_png_path(path, channel_labels[c]);
                recon::write_image(files, image.channel(c), channel_path, png_window, png_bits);
                record.channel_files.push_back(
                    std::filesystem::path(channel_path).filename().string());
                written.push_back(channel_path);
            }
        } else {
            recon::write_image(files, image, path, png_window, png_bits);
            written.push_back(path);
        }
        if (std::find(records.begin(), records.end(), recon::drr_record_path(path)) ==
            records.end()) {
            records.push_back(recon::drr_record_path(path));
        }
    }
    for (const auto& path : records) {
        recon::write_drr_record(files, record, path);
        written.push_back(path);
    }
    files.commit();

    if (!args.flag("--quiet")) {
        const double rays = static_cast<double>(detector.width * detector.height);
        std::printf("rendered %lldx%lld DRR%s in %.2f ms (%s, %s; %.1f Mrays/s)\n",
                    static_cast<long long>(detector.width), static_cast<long long>(detector.height),
                    image.channels() > 1
                        ? (" x " + std::to_string(image.channels()) + " label channels").c_str()
                        : "",
                    ms, engine.c_str(), to_string(settings.algorithm),
                    rays * static_cast<double>(image.channels()) / ms / 1e3);
        for (const auto& path : written)
            std::printf("wrote %s\n", path.c_str());
    }
    return 0;
}

}  // namespace radon::cli
