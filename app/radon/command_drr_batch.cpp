// radon drr-batch: renders one DRR per pose of a CSV or JSON file into one multi-frame volume,
// with every frame's geometry in a JSON file next to it. For training data and pose sweeps.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/radon/arguments.h"
#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "app/radon/drr_record_base.h"
#include "app/radon/pose_file.h"
#include "app/radon/pose_options.h"
#include "app/radon/render_options.h"
#include "app/radon/terminal_progress.h"
#include "app/radon/volume_source.h"
#include "kernels/core/error.h"
#include "kernels/core/host_memory.h"
#include "kernels/core/shard_range.h"
#include "kernels/drr/detector_cut.h"
#include "kernels/drr/drr_renderer.h"
#include "recon/io/atomic_file.h"
#include "recon/io/printable_text.h"
#include "recon/io/projection_geometry_json.h"
#include "recon/io/volume_io.h"

namespace radon::cli {
namespace {

// The name every stderr line of the command starts with.
const std::string kCommand = "drr-batch";

const char* kUsage =
    R"(usage: radon drr-batch [VOLUME | --phantom NAME] --poses FILE -o STACK [options]

Renders one DRR per pose listed in FILE and writes them as one multi-frame file: STACK is a
width x height x N float volume (.nrrd, .mha, .nii, .nii.gz) whose frame k (third axis, spacing
1) is the DRR of pose k, and <STACK without extension>.json lists every frame's geometry as
'radon drr' writes it for one image (source, pixel grid, 3x4 projection matrix, pose).
On CUDA, the download of one frame overlaps the computation of the next.

Poses file, CSV: a header row names the columns, then one pose per row. A column is a pose
option of 'radon drr' without its dashes: preset, primary, secondary, roll, isocenter-offset,
rotation, convention, quaternion, axis-angle, matrix, translation, sad, sdd. A vector goes in one
quoted cell ("30,-15,-5") or in component columns: rx,ry,rz (rotation), tx,ty,tz (translation),
qw,qx,qy,qz (quaternion), ax,ay,az (axis-angle), ox,oy,oz (isocenter-offset), m00 ... m33
(matrix, row-major). An empty cell leaves the option out of that row; a column 'name' labels
the frame. Lines starting with # are comments. For example:

    name,primary,secondary,roll            name,rx,ry,rz,convention,tx,ty,tz
    ap,0,0,0                               a,30,-15,-5,ZXY,0,10,0
    lao30,30,15,0                          b,0,0,90,ZXY,0,0,0

Poses file, JSON: an array of objects, or {"poses": [...]}, with the same keys; a vector is an
array: [{"primary": 30, "secondary": 15}, {"rotation": [30, -15, -5], "convention": "ZXY"}].
A pose without sad or sdd takes --sad and --sdd.

The poses file is UTF-8 or ASCII text (a byte-order mark is accepted) of at most 256 MiB, with
lines of at most 64 KiB. The stack is held in memory until it is written: it may take at most
half of this machine's memory (4 bytes per pixel per pose), and each output folder needs room
for it; more poses are refused before any is rendered (with --shard, the shard's poses count).
All outputs and their records replace the previous files together, or none does.

Sharding, to render one long poses file on several machines: --shard i/N renders only shard i of
N (counted from 0). The split is contiguous: of the file's P poses, shard i gets poses
floor(i*P/N) up to but not including floor((i+1)*P/N), so every pose is in exactly one shard
and shard sizes differ by at most one. Every machine reads the whole file and finds the same
split. Concatenating the shards' stacks in shard order (0, 1, ..., N-1) along the frame axis
gives the whole list's stack (bit for bit when every shard runs with the same options on the
same kind of device). In the record, each frame's "pose_index" is its index in the whole file
("frame" is its index in this stack), and with --shard, "shard" gives "index" (i), "count" (N),
"first_pose", "poses" (in this shard) and "poses_in_list" (P). More shards than poses (N > P)
leave some shards empty and are refused, by every shard alike.

Volume:    --phantom NAME  --phantom-size NX,NY,NZ  --phantom-spacing SX,SY,SZ  --mu-water PER_MM
Distances: --sad MM (850)  --sdd MM (1020), for poses that do not give them
Detector:  --height N (200)  --width N (= height)  --delx MM (2.0)  --dely MM (= delx)
           --principal U,V
Rendering: --renderer siddon|trilinear  --step VOXELS  --mode sum|mip  --patch-size N
           --threads N  --device cpu|cuda  --memory-path auto|texture|global (CUDA trilinear)
Output:    -o STACK (several allowed)  --quiet  --shard i/N (only shard i of N, see above)
)";

void check_outputs(const std::vector<std::string>& outputs) {
    if (outputs.empty()) {
        throw InvalidArgument("no output given: add -o FILE (.nrrd, .mha, .nii or .nii.gz)");
    }
    for (const auto& path : outputs) {
        const std::string ext = recon::file_extension(path);
        if (!recon::is_writable_volume_extension(ext)) {
            const bool itk = recon::is_writable_volume_extension(".nrrd");
            throw InvalidArgument(path + ": cannot write a multi-frame stack to '" + ext +
                                  (itk ? "': expected .nrrd, .mha, .nii or .nii.gz"
                                       : "': expected .mha (this build has no ITK)"));
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

std::string size_text(double bytes) {
    const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
        bytes /= 1024;
        ++unit;
    }
    std::ostringstream s;
    s << std::setprecision(3) << bytes << " " << units[unit];
    return s.str();
}

// The most bytes a .nii.gz of `payload` bytes of voxels can take: the NIfTI-1 header and its
// extension flag (352 bytes) and the voxels go through one gzip stream, written with zlib's
// default parameters (niftilib opens it with gzopen "wb"). For those, zlib's deflateBound is
// n + n/2^12 + n/2^14 + n/2^25 + 7 bytes of deflate data plus the 18-byte gzip wrapper, and it
// holds for data fed in pieces without flushing, as gzwrite does.
double gzip_nifti_bound(double payload) {
    const double n = payload + 352;
    return n + std::floor(n / 4096) + std::floor(n / 16384) + std::floor(n / 33554432) + 7 + 18;
}

// The stack is rendered into memory and written as one file, so the number of poses per run is
// bounded by memory (half of it: the CT and the renderer need the rest) and by the free space of
// each output's folder. Checked before any pose is rendered, with the numbers. `what` names the
// poses file (and the shard), `smaller` says how to ask for fewer poses.
void check_stack_fits(std::size_t frames, const Detector& detector,
                      const std::vector<std::string>& outputs, const std::string& what,
                      const std::string& smaller) {
    const double frame_bytes =
        sizeof(float) * static_cast<double>(detector.width) * static_cast<double>(detector.height);
    const double stack_bytes = frame_bytes * static_cast<double>(frames);
    const std::string size = std::to_string(frames) + " poses of " +
                             std::to_string(detector.width) + "x" +
                             std::to_string(detector.height) + " pixels";
    const double memory = static_cast<double>(physical_memory_bytes());
    if (memory > 0 && stack_bytes > 0.5 * memory) {
        const auto most = static_cast<long long>(0.5 * memory / frame_bytes);
        throw InvalidArgument(what + ": " + size + " make a " + size_text(stack_bytes) +
                              " stack, more than half of this machine's " + size_text(memory) +
                              " of memory; at most " + std::to_string(most) +
                              " poses of this size fit in one run: " + smaller +
                              ", or use a smaller detector");
    }
    // A compressed stack's size is not known before it is written, but bounded: floats that do
    // not compress still fit in the bound, so a batch is refused only when it might not fit.
    std::map<std::string, double> needed;
    std::map<std::string, bool> compressed;
    for (const auto& path : outputs) {
        const auto folder = std::filesystem::path(path).parent_path();
        const std::string where = folder.empty() ? std::string(".") : folder.string();
        const bool gzip = recon::file_extension(path) == ".nii.gz";
        needed[where] += gzip ? gzip_nifti_bound(stack_bytes) : stack_bytes;
        compressed[where] = compressed[where] || gzip;
    }
    for (const auto& [folder, bytes] : needed) {
        std::error_code ec;
        const auto space = std::filesystem::space(folder, ec);
        if (!ec && static_cast<double>(space.available) < bytes) {
            throw InvalidArgument(what + ": " + size + " make " +
                                  (compressed.at(folder)
                                       ? "up to " + size_text(bytes) +
                                             " of output (.nii.gz counted at deflate's worst "
                                             "case, as if the floats did not compress)"
                                       : size_text(bytes) + " of output") +
                                  " in " + folder + ", which has " +
                                  size_text(static_cast<double>(space.available)) + " free");
        }
    }
}

// One stderr line per distinct warning, naming the frames it applies to (the first few).
void warn_detector_cuts(const std::vector<PoseEntry>& entries,
                        const std::vector<ProjectionGeometry>& geometries,
                        const VolumeSource& volume, const DrrSettings& settings,
                        DrrRenderer& renderer) {
    std::map<std::string, std::vector<std::size_t>> frames_by_warning;
    for (std::size_t k = 0; k < geometries.size(); ++k) {
        const std::string text = detector_cut_warning(
            confirm_detector_cut(
                detector_cut(geometries[k], volume.grid, settings, &volume.occupied), geometries[k],
                renderer, settings),
            geometries[k].span);
        if (!text.empty()) frames_by_warning[text].push_back(k);
    }
    constexpr std::size_t kNamed = 5;
    for (const auto& [text, frames] : frames_by_warning) {
        std::string names;
        for (std::size_t i = 0; i < frames.size() && i < kNamed; ++i) {
            const PoseEntry& e = entries[frames[i]];
            names += (i ? ", " : "") + std::to_string(frames[i]) +
                     (e.label.empty() ? "" : " '" + e.label + "'") + " (" + e.where + ")";
        }
        if (frames.size() > kNamed)
            names += " and " + std::to_string(frames.size() - kNamed) + " more";
        print_warning(kCommand, (frames.size() > 1 ? "frames " : "frame ") + names + ": " + text);
    }
}

}  // namespace

int run_drr_batch(const std::vector<std::string>& raw) {
    std::vector<std::string> value_options = {"-o",    "--output", "--poses",
                                              "--sad", "--sdd",    "--shard"};
    for (const auto* list : {&render_options(), &volume_source_options(), &detector_options()}) {
        value_options.insert(value_options.end(), list->begin(), list->end());
    }
    const Arguments args(raw, value_options, {"--help", "-h", "--quiet"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }

    // Everything that can be checked before loading the volume is checked first.
    const std::vector<std::string> outputs = output_paths(args);
    check_outputs(outputs);
    if (!args.has("--poses"))
        throw InvalidArgument("no poses given: add --poses FILE (.csv or .json)");
    const std::string poses_path = *args.value("--poses");
    std::optional<ShardSpec> shard;
    if (const auto text = args.value("--shard")) shard = parse_shard(*text, "--shard");
    const std::string shard_text =
        shard ? std::to_string(shard->index) + "/" + std::to_string(shard->shards) : "";
    // The poses this run renders, of `total` in the file: all of them, or shard i's.
    const auto selected = [&](std::size_t total) {
        const auto items = static_cast<int64_t>(total);
        return shard ? shard_range(items, shard->index, shard->shards) : ShardRange{0, items};
    };
    const Detector detector = detector_from_arguments(args);
    const auto check_count = [&](std::size_t poses) {
        check_stack_fits(static_cast<std::size_t>(selected(poses).count), detector, outputs,
                         "--poses: " + poses_path + (shard ? " (--shard " + shard_text + ")" : ""),
                         shard ? "use more shards" : "split the file, or use --shard i/N");
    };
    const std::vector<PoseEntry> all_entries = read_poses(poses_path, check_count);
    const ShardRange range = selected(all_entries.size());
    // More shards than poses leave some shards empty; refused on every machine alike, so that no
    // machine of such a run renders while others fail.
    if (shard && shard->shards > static_cast<int64_t>(all_entries.size())) {
        const auto poses = static_cast<int64_t>(all_entries.size());
        const std::string head = "--shard " + shard_text + ": the poses file " + poses_path +
                                 " has " + std::to_string(poses) +
                                 (poses == 1 ? " pose" : " poses");
        const std::string advice =
            "; use at most " + std::to_string(poses) + (poses == 1 ? " shard" : " shards");
        if (range.count == 0) {
            throw InvalidArgument(head + ", so shard " + std::to_string(shard->index) + " of " +
                                  std::to_string(shard->shards) + " is empty" + advice);
        }
        throw InvalidArgument(head + ", fewer than " + std::to_string(shard->shards) +
                              " shards, so " + std::to_string(shard->shards - poses) + " of the " +
                              std::to_string(shard->shards) + " shards are empty" + advice);
    }
    check_count(all_entries.size());
    // Every pose of the file is checked, not only the shard's, so that a bad file is refused
    // alike on every machine of a sharded run.
    for (const PoseEntry& e : all_entries)
        entry_pose(e, args, Vec3{0, 0, 0});
    const std::vector<PoseEntry> entries(all_entries.begin() + range.first,
                                         all_entries.begin() + range.first + range.count);
    const DrrSettings settings = render_settings_from_arguments(args);
    settings.validate(detector);
    const DeviceKind device = device_from_arguments(args);
    check_volume_source(args);

    const VolumeSource volume = load_volume_source(args, kCommand);
    const Vec3 center = volume.grid.center();
    std::vector<PoseChoice> poses;
    std::vector<ProjectionGeometry> geometries;
    for (const PoseEntry& e : entries) {
        poses.push_back(entry_pose(e, args, center));
        geometries.push_back(pose_projection(poses.back(), detector));
    }
    std::string fallback;
    auto renderer =
        make_drr_renderer(device, volume.grid, volume.attenuation, &fallback, &volume.occupied);
    if (!fallback.empty()) print_note(kCommand, fallback);
    warn_detector_cuts(entries, geometries, volume, settings, *renderer);

    const auto frames = static_cast<int64_t>(geometries.size());
    VolumeGrid stack_grid;
    stack_grid.size = {detector.width, detector.height, frames};
    stack_grid.spacing = {detector.delx, detector.dely, 1.0};
    recon::Volume stack = recon::Volume::allocate(stack_grid, recon::VoxelUnit::AttenuationPerMm);
    TerminalProgress progress("rendering");
    RunControl control;
    control.progress = &progress;
    const auto start = std::chrono::steady_clock::now();
    renderer->render_batch(geometries, settings, stack.voxels.host_data(), control);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

    nlohmann::json frame_list = nlohmann::json::array();
    for (int64_t k = 0; k < frames; ++k) {
        const PoseChoice& pose = poses[static_cast<std::size_t>(k)];
        const recon::DrrRecord record = base_drr_record(geometries[static_cast<std::size_t>(k)],
                                                        pose, detector, volume, settings);
        nlohmann::json frame = nlohmann::json::parse(recon::drr_record_json(record));
        frame["frame"] = k;
        frame["pose_index"] = range.first + k;
        frame["name"] = entries[static_cast<std::size_t>(k)].label;
        frame_list.push_back(frame);
    }
    // Every stack and its record replace the previous files together, or none does.
    recon::AtomicFileSet files;
    for (const auto& path : outputs) {
        recon::write_volume(files, stack, path);
        nlohmann::json doc = {
            {"stack", std::filesystem::path(path).filename().string()},
            {"frames", frames},
            {"layout",
             "width x height x frames, float; frame k is the third index, spacing 1; each "
             "frame's rows and columns as in 'radon drr' (row 0 first)"},
            {"poses_file", poses_path},
            {"frame_geometry", frame_list}};
        if (shard) {
            doc["shard"] = {{"index", shard->index},
                            {"count", shard->shards},
                            {"first_pose", range.first},
                            {"poses", range.count},
                            {"poses_in_list", static_cast<int64_t>(all_entries.size())}};
        }
        const std::string text = doc.dump(2) + "\n";
        files.add_text(recon::drr_record_path(path), text);
    }
    files.commit();

    if (!args.flag("--quiet")) {
        const double rays = static_cast<double>(detector.width * detector.height * frames);
        std::printf("rendered %lld DRRs of %lldx%lld in %.2f ms (%s, %s; %.1f Mrays/s)\n",
                    static_cast<long long>(frames), static_cast<long long>(detector.width),
                    static_cast<long long>(detector.height), ms,
                    renderer->description(settings).c_str(), to_string(settings.algorithm),
                    rays / ms / 1e3);
        if (shard) {
            std::printf("shard %s: poses %lld to %lld (from 0) of the %zu in %s\n",
                        shard_text.c_str(), static_cast<long long>(range.first),
                        static_cast<long long>(range.first + range.count - 1), all_entries.size(),
                        poses_path.c_str());
        }
        for (const auto& path : outputs) {
            std::printf("wrote %s and %s\n", path.c_str(), recon::drr_record_path(path).c_str());
        }
    }
    return 0;
}

}  // namespace radon::cli
