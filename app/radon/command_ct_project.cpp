// radon ct project: a volume or an analytic phantom -> its projection stack and geometry.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/radon/arguments.h"
#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "app/radon/ct_options.h"
#include "app/radon/terminal_progress.h"
#include "kernels/core/error.h"
#include "recon/ct/projection_stack.h"
#include "recon/io/volume_io.h"
#include "recon/phantom/analytic_projections.h"
#include "recon/phantom/ellipsoid_phantom.h"

namespace radon::cli {
namespace {

const std::string kCommand = "ct project";

const char* kUsage =
    R"(usage: radon ct project [VOLUME | --phantom NAME] -o STACK [options]

Projects a volume, or a built-in analytic phantom, along the rays of a CT scan and writes the
projection stack (line integrals, one frame per view: .nrrd, .mha, .nii, .nii.gz) and its
geometry, the 12 numbers of every view, as STACK.json beside it. Phantom values are relative
attenuation (mu / mu_water: air 0, water 1), so the stack holds mm of water equivalent and a
reconstruction gives the phantom's values back.
  --phantom NAME              shepp-logan, modified-shepp-logan (3D, Kak & Slaney's ellipsoids;
                              original or Toft's modified contrast), shepp-logan-2d,
                              modified-shepp-logan-2d (2D scans only), thorax
  --phantom-radius MM         half the extent of the Shepp-Logan frame [-1, 1] (default 100)
  --projection analytic|voxel exact line integrals through the phantom's ellipsoids (default for
                              phantoms), or the ray-driven projector through voxels (volumes;
                              phantoms voxelised on the image grid)
  --hu                        VOLUME holds HU: project 1 + HU / 1000 (relative attenuation);
                              otherwise its values are projected as they are
)";

struct PhantomChoice {
    recon::EllipsoidPhantom phantom;
    bool two_d = false;
};

PhantomChoice phantom_from_arguments(const Arguments& args) {
    const std::string name = args.text("--phantom", "");
    const double r =
        args.number_in("--phantom-radius", 100.0, {0, 1e5, true, "phantom radius", "mm"});
    using recon::SheppLoganContrast;
    if (name == "shepp-logan" || name == "modified-shepp-logan") {
        const auto contrast =
            name == "shepp-logan" ? SheppLoganContrast::Original : SheppLoganContrast::Modified;
        return {recon::shepp_logan_phantom({r, r, r}, contrast), false};
    }
    if (name == "shepp-logan-2d" || name == "modified-shepp-logan-2d") {
        const auto contrast =
            name == "shepp-logan-2d" ? SheppLoganContrast::Original : SheppLoganContrast::Modified;
        return {recon::shepp_logan_phantom_2d(r, r, contrast), true};
    }
    if (name == "thorax") {
        if (args.has("--phantom-radius"))
            throw InvalidArgument("--phantom-radius: the thorax phantom has its own size");
        return {recon::thorax_phantom(), false};
    }
    throw InvalidArgument("--phantom: unknown phantom '" + name +
                          "': expected shepp-logan, modified-shepp-logan, shepp-logan-2d, "
                          "modified-shepp-logan-2d or thorax");
}

}  // namespace

int run_ct_project(const std::vector<std::string>& raw) {
    std::vector<std::string> value_options = {"-o", "--output", "--phantom", "--phantom-radius",
                                              "--projection"};
    for (const auto* list : {&ct_geometry_options(), &ct_grid_options(), &ct_projector_options()})
        value_options.insert(value_options.end(), list->begin(), list->end());
    const Arguments args(raw, value_options, {"--help", "-h", "--hu"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage << ct_geometry_help() << ct_grid_help() << ct_projector_help();
        return 0;
    }
    if (args.positional().size() > 1)
        throw InvalidArgument("expected at most one volume, got " +
                              std::to_string(args.positional().size()) + " arguments");
    const bool from_file = !args.positional().empty();
    if (from_file == args.has("--phantom"))
        throw InvalidArgument(from_file ? "give a VOLUME or --phantom, not both"
                                        : "nothing to project: give a VOLUME or --phantom NAME");
    if (!from_file && args.flag("--hu"))
        throw InvalidArgument("--hu: phantoms are in relative attenuation already");
    const std::string out = args.text("-o", args.text("--output", ""));
    check_stack_output(out);
    const std::string projection = args.text("--projection", from_file ? "voxel" : "analytic");
    if (projection != "analytic" && projection != "voxel")
        throw InvalidArgument("--projection: unknown projection '" + projection +
                              "': expected analytic or voxel");
    if (from_file && projection == "analytic")
        throw InvalidArgument(
            "--projection analytic: only phantoms have exact line integrals; "
            "a volume is projected through its voxels (voxel)");
    const CtProjectorSettings settings = ct_projector_from_arguments(args);
    const DeviceKind device = ct_device_from_arguments(args);

    CtStack stack;
    stack.geometry = ct_geometry_from_arguments(args);
    const CtGeometry& geometry = stack.geometry;
    std::printf("geometry: %s\n", ct_geometry_line(geometry).c_str());
    TerminalProgress progress("projecting");
    RunControl control;
    control.progress = &progress;
    const auto start = std::chrono::steady_clock::now();

    if (!from_file) {
        const PhantomChoice choice = phantom_from_arguments(args);
        if (choice.two_d && geometry.rows != 1)
            throw InvalidArgument("--phantom " + args.text("--phantom", "") +
                                  ": a 2D phantom needs a 2D scan (one detector row), the "
                                  "geometry has " +
                                  std::to_string(geometry.rows) + " rows");
        if (projection == "analytic") {
            stack.values = recon::analytic_projections(choice.phantom, geometry, control);
            if (std::all_of(stack.values.begin(), stack.values.end(),
                            [](float v) { return v == 0.0f; }))
                throw InvalidArgument(
                    "geometry: the detector misses the phantom in every view (every line "
                    "integral is 0): expected rays through it (check --isocenter, the distances "
                    "and the detector size)");
            std::printf("object: %s phantom, exact line integrals\n",
                        choice.phantom.name().c_str());
        } else {
            const VolumeGrid grid = ct_grid_from_arguments(args, default_ct_grid(geometry));
            check_detector_sees_volume(geometry, grid, "--size/--spacing/--centre");
            // Voxel values in relative attenuation: the phantom's own unit.
            recon::Volume volume = choice.phantom.voxelize_hu(grid, 2);
            float* v = volume.voxels.host_data();
            for (int64_t i = 0; i < grid.voxel_count(); ++i)
                v[i] = 1.0f + v[i] / 1000.0f;
            std::string note;
            const auto projector = make_ct_projector(geometry, grid, settings, device, &note);
            if (!note.empty()) print_note(kCommand, note);
            stack.values.assign(static_cast<std::size_t>(geometry.pixel_count()), 0.0f);
            projector->apply(v, grid.voxel_count(), stack.values.data(), geometry.pixel_count(),
                             MemorySpace::Host, control);
            std::printf("object: %s phantom on %s, %s\n", choice.phantom.name().c_str(),
                        ct_grid_line(grid).c_str(), projector->description().c_str());
        }
    } else {
        const std::string path = args.positional()[0];
        for (const char* grid_option : {"--size", "--spacing", "--centre", "--center"})
            if (args.has(grid_option))
                throw InvalidArgument(std::string(grid_option) +
                                      ": a volume is projected on its own grid");
        recon::Volume volume = recon::read_volume(path);
        check_detector_sees_volume(geometry, volume.grid, path);
        float* v = volume.voxels.host_data();
        if (args.flag("--hu"))
            for (int64_t i = 0; i < volume.grid.voxel_count(); ++i)
                v[i] = 1.0f + v[i] / 1000.0f;
        std::string note;
        const auto projector = make_ct_projector(geometry, volume.grid, settings, device, &note);
        if (!note.empty()) print_note(kCommand, note);
        stack.values.assign(static_cast<std::size_t>(geometry.pixel_count()), 0.0f);
        projector->apply(v, volume.grid.voxel_count(), stack.values.data(), geometry.pixel_count(),
                         MemorySpace::Host, control);
        std::printf("object: %s (%s), %s\n", path.c_str(), ct_grid_line(volume.grid).c_str(),
                    projector->description().c_str());
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    write_ct_stack(out, stack);
    std::printf("projected in %.3f s\nwrote %s and %s\n", seconds, out.c_str(),
                recon::projection_stack_geometry_path(out).c_str());
    return 0;
}

}  // namespace radon::cli
