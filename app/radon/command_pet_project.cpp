// radon pet project: an activity image or phantom -> its sinogram (Interfile).

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/radon/arguments.h"
#include "app/radon/commands.h"
#include "app/radon/pet_options.h"
#include "app/radon/terminal_progress.h"
#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/pet/pet_setup.h"
#include "recon/pet/sinogram_file.h"

namespace radon::cli {
namespace {

const char* kUsage =
    R"(usage: radon pet project [--phantom iec|point | --image FILE] -o SINOGRAM.hs|.nrrd [options]

Forward-projects an activity image into a sinogram: the expected counts of every bin (TOF bins
when the scanner has them and --no-tof is not given), attenuated when a mu-map is given, and
optionally scaled to a number of counts with Poisson noise. Writes Interfile (.hs header + .s
data, STIR's keys) or NRRD (.nrrd: labelled axes, the scanner and sinogram in the header).
  --counts N                  scale to N expected counts in all and draw Poisson counts
  --seed S                    the noise's seed (default 1)
)";

}  // namespace

int run_pet_project(const std::vector<std::string>& raw) {
    const Arguments args = pet_arguments(raw, {"-o", "--output", "--counts", "--seed"}, true);
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage << pet_options_help() << pet_object_help();
        return 0;
    }
    if (!args.positional().empty())
        throw InvalidArgument("unexpected argument '" + args.positional()[0] +
                              "': give the image with --image");
    const std::string out = args.text("-o", args.text("--output", ""));
    if (out.empty()) throw InvalidArgument("no output given: add -o SINOGRAM.hs (or .nrrd)");
    recon::require_sinogram_extension(out);
    const double counts =
        args.number_in("--counts", 0, {0, 1e15, false, "expected counts, 0 for none", ""});
    const auto seed =
        static_cast<uint64_t>(args.integer_in("--seed", 1, {0, 9.0e15, false, "noise seed", ""}));

    const recon::ScannerDescription scanner = scanner_from_arguments(args);
    const pet::SinogramDescriptor sinogram = sinogram_from_arguments(args, scanner);
    const pet::PetImageGrid grid = image_grid_from_arguments(args, sinogram);
    std::string what, attenuation_what;
    const recon::PetImage activity = activity_from_arguments(args, sinogram, grid, what);
    const pet::LorProjectorConfig config = projector_from_arguments(args, activity.grid);
    std::printf("%s\n", pet_setup_line(scanner, sinogram).c_str());
    std::printf("object: %s (%s)\n", what.c_str(), grid_text(activity.grid).c_str());

    const auto start = std::chrono::steady_clock::now();
    const std::vector<float> factors =
        attenuation_from_arguments(args, sinogram, activity.grid, config, attenuation_what);
    std::vector<float> y;
    {
        TerminalProgress progress("projecting");
        RunControl control;
        control.progress = &progress;
        y = recon::project_pet_activity(sinogram, config, activity, factors, control);
    }
    if (!factors.empty()) std::printf("attenuation: %s\n", attenuation_what.c_str());
    if (counts > 0) recon::draw_poisson_counts(y, counts, seed, "--counts");
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double total = 0;
    for (const float v : y)
        total += v;
    recon::AtomicFileSet outputs;
    recon::write_sinogram(outputs, out, scanner, sinogram, y);
    outputs.commit();
    std::printf("wrote %s: %lld bins, %.6g counts in all (%.2f s)\n",
                recon::sinogram_files_text(out).c_str(), static_cast<long long>(y.size()), total,
                seconds);
    return 0;
}

}  // namespace radon::cli
