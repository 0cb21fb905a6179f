// radon pet recon: MLEM/OSEM reconstruction of a sinogram.

#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/radon/arguments.h"
#include "app/radon/commands.h"
#include "recon/bench/peak_memory.h"
#include "app/radon/pet_options.h"
#include "app/radon/terminal_progress.h"
#include "kernels/core/error.h"
#include "recon/algorithms/em_reconstruction.h"
#include "recon/io/atomic_file.h"
#include "recon/io/volume_io.h"
#include "recon/pet/pet_setup.h"
#include "recon/pet/sinogram_file.h"

namespace radon::cli {
namespace {

const char* kUsage = R"(usage: radon pet recon SINOGRAM.hs|.nrrd -o IMAGE [options]

Reconstructs a sinogram by OSEM (MLEM with --subsets 1) from a uniform image, with the
attenuation of the mu-map given (the forward model is y ~ Poisson(a (A x) + r)), and prints the
Poisson log-likelihood of every iteration. The sinogram must match the scanner and sinogram
options given (its header is checked against them).
  --iterations N              full passes over all subsets (default 4)
  --subsets K                 subsets of views, interleaved (default 1: MLEM)
  --randoms R                 a constant expected background per bin, in counts (default 0)
  --save-every N              also write the image after every N-th iteration, as
                              IMAGE_itNN.EXT beside the output
)";

std::string with_iteration(const std::string& path, int iteration) {
    const std::string ext = recon::file_extension(path);
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "_it%02d", iteration);
    return path.substr(0, path.size() - ext.size()) + suffix + ext;
}

}  // namespace

int run_pet_recon(const std::vector<std::string>& raw) {
    const Arguments args = pet_arguments(
        raw, {"-o", "--output", "--iterations", "--subsets", "--randoms", "--save-every"}, true);
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage << pet_options_help() << pet_object_help();
        return 0;
    }
    if (args.has("--image"))
        throw InvalidArgument(
            "--image: recon reconstructs an image; give the sinogram as the "
            "argument and the mu-map with --mu-map");
    const std::string sinogram_path = sinogram_argument(args);
    const std::string out = image_output(args);
    const int iterations =
        static_cast<int>(args.integer_in("--iterations", 4, {0, 10000, false, "iterations", ""}));
    const int save_every = static_cast<int>(
        args.integer_in("--save-every", 0, {0, 10000, false, "iterations between saves", ""}));
    const double randoms =
        args.number_in("--randoms", 0, {0, 1e12, false, "expected randoms per bin", "counts"});

    const recon::ScannerDescription scanner = scanner_from_arguments(args);
    const pet::SinogramDescriptor sinogram = sinogram_from_arguments(args, scanner);
    const int subsets = static_cast<int>(args.integer_in(
        "--subsets", 1, {1, double(sinogram.views()), false, "subsets of views", ""}));
    const std::vector<float> measured = recon::read_sinogram(sinogram_path, sinogram);
    const pet::PetImageGrid grid = image_grid_from_arguments(args, sinogram);
    const pet::LorProjectorConfig config = projector_from_arguments(args, grid);
    std::printf("%s\n", pet_setup_line(scanner, sinogram).c_str());
    std::printf("image: %s; %s, %d iteration(s) of %d subset(s)\n", grid_text(grid).c_str(),
                subsets == 1 ? "MLEM" : "OSEM", iterations, subsets);

    recon::reset_peak_memory();
    const auto start = std::chrono::steady_clock::now();
    std::string attenuation_what;
    std::vector<float> factors =
        attenuation_from_arguments(args, sinogram, grid, config, attenuation_what);
    if (!factors.empty()) std::printf("attenuation: %s\n", attenuation_what.c_str());
    recon::PetOsemProblem problem =
        recon::make_pet_osem_problem(sinogram, config, subsets, std::move(factors), randoms);

    std::vector<float> image = recon::pet_osem_initial_image(grid);
    recon::AtomicFileSet outputs;
    recon::EmReconstructor reconstructor(problem.subsets, std::move(problem.model));
    {
        // The sensitivity images are the setup, timed apart from the iterations.
        TerminalProgress progress("sensitivity images");
        RunControl control;
        control.progress = &progress;
        reconstructor.prepare(control);
    }
    const auto prepared = std::chrono::steady_clock::now();
    const double setup_seconds = std::chrono::duration<double>(prepared - start).count();
    std::printf("setup (attenuation, %d sensitivity image(s)): %.2f s\n", subsets, setup_seconds);
    TerminalProgress progress("reconstructing");
    recon::EmOptions options;
    options.iterations = iterations;
    options.control.progress = &progress;
    auto last = prepared;
    options.on_iteration = [&](int iteration, double log_likelihood) {
        const auto now = std::chrono::steady_clock::now();
        std::printf("iteration %d: log-likelihood %.10g (%.2f s)\n", iteration, log_likelihood,
                    std::chrono::duration<double>(now - last).count());
        std::fflush(stdout);
        last = now;
    };
    recon::PetImage result;
    result.grid = grid;
    if (save_every > 0) {
        options.image_every = save_every;
        options.on_image = [&](int iteration, const std::vector<float>& values) {
            if (iteration == iterations) return;  // the output itself
            result.values = values;
            recon::write_volume(outputs,
                                recon::volume_from_pet_image(result, recon::VoxelUnit::Activity),
                                with_iteration(out, iteration));
        };
    }
    const recon::EmResult em = reconstructor.run(measured, image, options);
    const auto end = std::chrono::steady_clock::now();
    const double iterating = std::chrono::duration<double>(end - prepared).count();
    // With several subsets each iteration's time includes one forward projection of the whole
    // sinogram for its log-likelihood (and the first, that of the initial image).
    std::printf(
        "initial log-likelihood %.10g; %.2f s in all: setup %.2f s, %.2f s per iteration%s; "
        "peak memory %.0f MB\n",
        em.log_likelihood.front(), std::chrono::duration<double>(end - start).count(),
        setup_seconds, iterations ? iterating / iterations : 0.0,
        subsets > 1 ? " (each with a forward projection for its log-likelihood)" : "",
        recon::peak_memory_mb());
    result.values = std::move(image);
    recon::write_volume(outputs, recon::volume_from_pet_image(result, recon::VoxelUnit::Activity),
                        out);
    outputs.commit();
    std::printf("wrote %s\n", out.c_str());
    return 0;
}

}  // namespace radon::cli
