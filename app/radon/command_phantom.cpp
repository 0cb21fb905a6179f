// radon phantom: writes a built-in phantom as a CT volume in HU.

#include <cstdio>
#include <iostream>

#include "app/radon/arguments.h"
#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "app/radon/volume_source.h"
#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/volume_io.h"

namespace radon::cli {
namespace {

// The name every stderr line of the command starts with.
const std::string kCommand = "phantom";

const char* kUsage = R"(usage: radon phantom [--phantom thorax|shepp-logan] -o VOLUME [options]

Voxelises a built-in analytic phantom in HU and writes it (.nii, .nii.gz, .nrrd, .mha).
  --phantom-size NX,NY,NZ     grid size (thorax: 512,512,133; shepp-logan: 256,256,256)
  --phantom-spacing SX,SY,SZ  voxel spacing in mm (thorax: 0.703125,0.703125,2.5; else 1,1,1)
)";

}  // namespace

int run_phantom(const std::vector<std::string>& raw) {
    std::vector<std::string> value_options = {"-o", "--output"};
    value_options.insert(value_options.end(), volume_source_options().begin(),
                         volume_source_options().end());
    const Arguments args(raw, value_options, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }
    if (!args.positional().empty()) {
        throw InvalidArgument("unexpected argument '" + args.positional()[0] +
                              "': choose the phantom with --phantom");
    }
    const std::string out = args.text("-o", args.text("--output", ""));
    if (out.empty()) throw InvalidArgument("no output given: add -o FILE (.nii.gz, .nrrd, .mha)");
    // Checked before the phantom is voxelised, which takes seconds at the thorax's size.
    if (!recon::is_writable_volume_extension(recon::file_extension(out))) {
        throw InvalidArgument(out + ": cannot write a volume as '" + recon::file_extension(out) +
                              "': expected .nii, .nii.gz, .nrrd or .mha");
    }
    std::string description;
    const recon::Volume volume = load_hu_volume(args, kCommand, description);
    recon::write_volume(volume, out);
    std::printf("wrote %s (%s)\n", out.c_str(), description.c_str());
    return 0;
}

}  // namespace radon::cli
