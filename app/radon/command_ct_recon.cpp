// radon ct recon: a projection stack -> a reconstructed image (FDK/FBP or iterative).

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>

#include "app/radon/arguments.h"
#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "app/radon/ct_options.h"
#include "recon/bench/peak_memory.h"
#include "app/radon/terminal_progress.h"
#include "kernels/core/error.h"
#include "kernels/operator/subset_stack.h"
#include "recon/algorithms/cgls.h"
#include "recon/algorithms/em_reconstruction.h"
#include "recon/algorithms/filtered_backprojection.h"
#include "recon/algorithms/os_sart.h"
#include "recon/algorithms/sirt.h"
#include "recon/io/atomic_file.h"
#include "recon/io/volume_io.h"

namespace radon::cli {
namespace {

const std::string kCommand = "ct recon";

const char* kUsage = R"(usage: radon ct recon STACK -o IMAGE --method METHOD [options]

Reconstructs a projection stack (as `radon ct project` writes it: line integrals, its geometry in
STACK.json beside it or given with --geometry) on an image grid in the LPS world and writes it as
NIfTI, NRRD or MetaImage (.nii, .nii.gz, .nrrd, .mha). The image is in the projections' unit per
mm (line integrals of relative attenuation give relative attenuation).
  --method fdk|fbp            filtered back projection of a circular scan: FDK for cone beams,
                              FBP for parallel and fan beams (either name takes either beam);
                              Parker weights when the scan is short
  --method sirt|cgls|os-sart  iterative methods on the ray-driven projector (--algorithm)
  --method osem               MLEM/OSEM (Poisson model; projections must be >= 0)
Filtered back projection:
  --filter NAME               ram-lak, shepp-logan, cosine, hamming, hann (default ram-lak)
  --cutoff F                  the window's cut-off, of the Nyquist frequency, in (0, 1] (default 1)
  --arc auto|full|short       the scan's arc, for the redundancy weights (default auto)
  --views-per-batch N         views filtered and back-projected together (default 32)
Iterative:
  --iterations N              (default 20; osem 4)
  --subsets K                 os-sart and osem: subsets of views (default 10 and 1)
  --relaxation L              sirt and os-sart: step factor (default 1)
  --min V, --max V            bounds every iterate is clipped to (sirt, os-sart)
  --save-every N              also write the image after every N-th iteration, as
                              IMAGE_itNN.EXT beside the output
)";

enum class Method { Fdk, Fbp, Sirt, Cgls, OsSart, Osem };

Method parse_method(const std::string& name) {
    if (name == "fdk") return Method::Fdk;
    if (name == "fbp") return Method::Fbp;
    if (name == "sirt") return Method::Sirt;
    if (name == "cgls") return Method::Cgls;
    if (name == "os-sart") return Method::OsSart;
    if (name == "osem") return Method::Osem;
    throw InvalidArgument("--method: unknown method '" + name +
                          "': expected fdk, fbp, sirt, cgls, os-sart or osem");
}

bool is_filtered(Method m) {
    return m == Method::Fdk || m == Method::Fbp;
}

std::string with_iteration(const std::string& path, int iteration) {
    const std::string ext = recon::file_extension(path);
    const std::string stem = path.substr(0, path.size() - ext.size());
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "_it%02d", iteration);
    return stem + suffix + ext;
}

recon::Volume image_volume(const VolumeGrid& grid, const std::vector<float>& values) {
    recon::Volume v = recon::Volume::allocate(grid, recon::VoxelUnit::AttenuationPerMm);
    std::copy(values.begin(), values.end(), v.voxels.host_data());
    return v;
}

// The projector split into `subsets` interleaved subsets of views, each the projector of the
// geometry's views it holds.
std::shared_ptr<const SubsetStack> projector_subsets(const CtGeometry& geometry,
                                                     const VolumeGrid& grid,
                                                     const CtProjectorSettings& settings,
                                                     DeviceKind device, int subsets,
                                                     std::string& note) {
    const auto full = make_ct_projector(geometry, grid, settings, device, &note);
    return subsets_by_views(full->out_shape(), subsets, [&](const std::vector<int64_t>& views) {
        CtGeometry part = geometry;
        part.views.clear();
        for (const int64_t v : views)
            part.views.push_back(geometry.views[static_cast<std::size_t>(v)]);
        return make_ct_projector(part, grid, settings, device);
    });
}

}  // namespace

int run_ct_recon(const std::vector<std::string>& raw) {
    std::vector<std::string> value_options = {"-o",
                                              "--output",
                                              "--method",
                                              "--filter",
                                              "--cutoff",
                                              "--arc",
                                              "--views-per-batch",
                                              "--iterations",
                                              "--subsets",
                                              "--relaxation",
                                              "--min",
                                              "--max",
                                              "--save-every",
                                              "--geometry",
                                              "--beam",
                                              "--detector"};
    for (const auto* list : {&ct_grid_options(), &ct_projector_options()})
        value_options.insert(value_options.end(), list->begin(), list->end());
    const Arguments args(raw, value_options, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage << ct_grid_help() << ct_projector_help();
        return 0;
    }
    if (args.positional().size() != 1)
        throw InvalidArgument("expected one projection stack, got " +
                              std::to_string(args.positional().size()) + " arguments");
    const std::string stack_path = args.positional()[0];
    if (!args.has("--method"))
        throw InvalidArgument("no method given: add --method fdk|fbp|sirt|cgls|os-sart|osem");
    const Method method = parse_method(args.text("--method", ""));
    const std::string out = args.text("-o", args.text("--output", ""));
    if (out.empty()) throw InvalidArgument("no output given: add -o IMAGE (.nii.gz, .nrrd, .mha)");
    if (!recon::is_writable_volume_extension(recon::file_extension(out)))
        throw InvalidArgument(out + ": cannot write an image as '" + recon::file_extension(out) +
                              "': expected .nii, .nii.gz, .nrrd or .mha");
    // Options of the other family are refused, so a misplaced one is not silently ignored.
    for (const char* o : {"--filter", "--cutoff", "--arc", "--views-per-batch"})
        if (!is_filtered(method) && args.has(o))
            throw InvalidArgument(std::string(o) + ": only for --method fdk or fbp");
    for (const char* o : {"--iterations", "--subsets", "--relaxation", "--min", "--max",
                          "--save-every", "--algorithm", "--step"})
        if (is_filtered(method) && args.has(o))
            throw InvalidArgument(std::string(o) + ": only for the iterative methods");

    if ((method == Method::Sirt || method == Method::Cgls) && args.has("--subsets"))
        throw InvalidArgument("--subsets: only for --method os-sart or osem");
    if (method == Method::Osem || method == Method::Cgls)
        for (const char* o : {"--relaxation", "--min", "--max"})
            if (args.has(o))
                throw InvalidArgument(std::string(o) + ": only for --method sirt or os-sart");

    recon::FilteredBackprojectionSettings fbp;
    fbp.filter.window = recon::parse_ramp_window(args.text("--filter", "ram-lak"));
    fbp.filter.cutoff = args.number_in(
        "--cutoff", 1.0, {0, 1, true, "filter cut-off, a fraction of the Nyquist frequency", ""});
    fbp.arc = recon::parse_scan_arc(args.text("--arc", "auto"));
    fbp.views_per_batch =
        args.integer_in("--views-per-batch", 0, {0, 1e6, false, "views per batch", ""});
    const int iterations = static_cast<int>(args.integer_in(
        "--iterations", method == Method::Osem ? 4 : 20, {0, 100000, false, "iterations", ""}));
    const int save_every = static_cast<int>(
        args.integer_in("--save-every", 0, {0, 100000, false, "iterations between saves", ""}));
    const double relaxation =
        args.number_in("--relaxation", 1.0, {0, 2, true, "relaxation factor", ""});
    const double lower = args.number_in("--min", -std::numeric_limits<double>::infinity(),
                                        {-1e30, 1e30, false, "lower bound", ""});
    const double upper = args.number_in("--max", std::numeric_limits<double>::infinity(),
                                        {-1e30, 1e30, false, "upper bound", ""});
    if ((args.has("--min") || args.has("--max")) && !(lower < upper))
        throw InvalidArgument("--min/--max: expected the lower bound below the upper bound");
    const CtProjectorSettings projector = ct_projector_from_arguments(args);
    const DeviceKind device = ct_device_from_arguments(args);

    const CtStack stack = read_ct_stack(stack_path, args);
    const CtGeometry& geometry = stack.geometry;
    const int subsets = static_cast<int>(args.integer_in(
        "--subsets", method == Method::OsSart ? std::min<int64_t>(10, geometry.view_count()) : 1,
        {1, double(geometry.view_count()), false, "subsets of views", ""}));
    const VolumeGrid grid = ct_grid_from_arguments(args, default_ct_grid(geometry));
    check_detector_sees_volume(geometry, grid, "--size/--spacing/--centre");
    std::printf("geometry: %s\nimage: %s\n", ct_geometry_line(geometry).c_str(),
                ct_grid_line(grid).c_str());

    recon::AtomicFileSet outputs;
    TerminalProgress progress("reconstructing");
    RunControl control;
    control.progress = &progress;
    recon::reset_peak_memory();
    std::vector<float> image;
    std::string note;
    const auto start = std::chrono::steady_clock::now();
    auto last = start;
    const auto on_iteration = [&](int iteration, const char* what, double value) {
        const auto now = std::chrono::steady_clock::now();
        std::printf("iteration %d: %s %.10g (%.2f s)\n", iteration, what, value,
                    std::chrono::duration<double>(now - last).count());
        std::fflush(stdout);
        last = now;
    };
    const auto on_image = [&](int iteration, const std::vector<float>& values) {
        if (save_every <= 0 || iteration == iterations || iteration % save_every != 0) return;
        recon::write_volume(outputs, image_volume(grid, values), with_iteration(out, iteration));
    };

    if (is_filtered(method)) {
        fbp.threads = projector.threads;
        fbp.device = device;
        fbp.memory_path = projector.memory_path;
        recon::FilteredBackprojectionReport report;
        image = recon::filtered_backprojection(stack.values.data(), stack.values.size(), geometry,
                                               grid, fbp, control, &report);
        note = report.fallback_note;
        std::printf("%s, %s filter, cut-off %g; %s scan over %.1f degrees; %s\n",
                    geometry.beam == CtBeam::Cone ? "FDK" : "FBP",
                    recon::to_string(fbp.filter.window), fbp.filter.cutoff,
                    report.short_scan ? "short" : "full", report.arc_deg,
                    report.backprojector.c_str());
    } else if (method == Method::Osem) {
        for (const float v : stack.values)
            if (v < 0)
                throw InvalidArgument(stack_path +
                                      ": osem needs projections >= 0 (counts or line integrals)");
        const auto stack_op = projector_subsets(geometry, grid, projector, device, subsets, note);
        recon::EmReconstructor em(stack_op, {});
        image.assign(static_cast<std::size_t>(grid.voxel_count()), 1.0f);
        recon::EmOptions options;
        options.iterations = iterations;
        options.control = control;
        options.on_iteration = [&](int k, double ll) { on_iteration(k, "log-likelihood", ll); };
        options.image_every = save_every;
        options.on_image = on_image;
        em.run(stack.values, image, options);
        std::printf("%s, %d iteration(s) of %d subset(s); %s\n", subsets == 1 ? "MLEM" : "OSEM",
                    iterations, subsets, stack_op->subset(0).description().c_str());
    } else {
        recon::IterativeOptions options;
        options.iterations = iterations;
        options.relaxation = relaxation;
        options.bounds.lower = static_cast<float>(lower);
        options.bounds.upper = static_cast<float>(upper);
        options.control = control;
        options.on_iteration = [&](int k, double r) { on_iteration(k, "residual", r); };
        options.image_every = save_every;
        options.on_image = on_image;
        image.assign(static_cast<std::size_t>(grid.voxel_count()), 0.0f);
        std::string what;
        if (method == Method::OsSart) {
            const auto stack_op =
                projector_subsets(geometry, grid, projector, device, subsets, note);
            recon::os_sart(stack_op, stack.values, image, options);
            what = "OS-SART, " + std::to_string(subsets) + " subset(s)";
            what += "; " + stack_op->subset(0).description();
        } else {
            const auto op = make_ct_projector(geometry, grid, projector, device, &note);
            if (method == Method::Sirt)
                recon::sirt(op, stack.values, image, options);
            else
                recon::cgls(op, stack.values, image, options);
            what = std::string(method == Method::Sirt ? "SIRT" : "CGLS") + "; " + op->description();
        }
        std::printf("%s, %d iteration(s)\n", what.c_str(), iterations);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!note.empty()) print_note(kCommand, note);
    const double updates = double(grid.voxel_count()) * double(geometry.view_count());
    std::printf("reconstructed in %.3f s", seconds);
    if (is_filtered(method)) std::printf(" (%.3g G voxel updates/s)", updates / seconds / 1e9);
    std::printf("; peak memory %.0f MB\n", recon::peak_memory_mb());
    for (const float v : image)
        if (!std::isfinite(v))
            throw Error("the reconstruction holds a non-finite value: nothing written");
    recon::write_volume(outputs, image_volume(grid, image), out);
    outputs.commit();
    std::printf("wrote %s\n", out.c_str());
    return 0;
}

}  // namespace radon::cli
