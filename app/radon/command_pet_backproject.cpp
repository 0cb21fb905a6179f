// radon pet backproject: a sinogram -> an image, by the exact adjoint of radon pet project.

#include <cstdio>
#include <iostream>

#include "app/radon/arguments.h"
#include "app/radon/commands.h"
#include "app/radon/pet_options.h"
#include "app/radon/terminal_progress.h"
#include "kernels/core/error.h"
#include "kernels/pet/sinogram_projector.h"
#include "recon/io/atomic_file.h"
#include "recon/io/volume_io.h"
#include "recon/pet/sinogram_file.h"

namespace radon::cli {
namespace {

const char* kUsage = R"(usage: radon pet backproject SINOGRAM.hs|.nrrd -o IMAGE [options]

Back-projects a sinogram (A^T y, the exact adjoint of 'radon pet project') onto the image grid.
The sinogram must match the scanner and sinogram options given (the same as when it was
written): its header is checked against them.
)";

}  // namespace

int run_pet_backproject(const std::vector<std::string>& raw) {
    const Arguments args = pet_arguments(raw, {"-o", "--output"}, false);
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage << pet_options_help();
        return 0;
    }
    const std::string sinogram_path = sinogram_argument(args);
    const std::string out = image_output(args);
    const recon::ScannerDescription scanner = scanner_from_arguments(args);
    const pet::SinogramDescriptor sinogram = sinogram_from_arguments(args, scanner);
    const std::vector<float> y = recon::read_sinogram(sinogram_path, sinogram);
    const pet::PetImageGrid grid = image_grid_from_arguments(args, sinogram);
    const auto projector =
        pet::make_sinogram_projector(sinogram, projector_from_arguments(args, grid));
    std::printf("%s\n", pet_setup_line(scanner, sinogram).c_str());
    recon::PetImage image;
    image.grid = grid;
    image.values.resize(static_cast<std::size_t>(grid.voxels()));
    {
        TerminalProgress progress("back-projecting");
        RunControl control;
        control.progress = &progress;
        projector->apply_adjoint(y.data(), static_cast<int64_t>(y.size()), image.values.data(),
                                 static_cast<int64_t>(image.values.size()), MemorySpace::Host,
                                 control);
    }
    recon::write_volume(recon::volume_from_pet_image(image, recon::VoxelUnit::Activity), out);
    std::printf("wrote %s (%s)\n", out.c_str(), grid_text(grid).c_str());
    return 0;
}

}  // namespace radon::cli
