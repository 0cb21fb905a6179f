// radon pet: the PET commands (scanners, project, backproject, recon).

#include <iostream>

#include "app/radon/commands.h"
#include "kernels/core/error.h"

namespace radon::cli {
namespace {

const char* kUsage = R"(usage: radon pet SUBCOMMAND [options]

  scanners      list the scanner presets; for one, its crystals, LORs, sinogram shapes and TOF
  project       image or phantom -> sinogram (TOF or not, with attenuation)
  backproject   sinogram -> image (the exact adjoint of project)
  recon         MLEM/OSEM reconstruction of a sinogram

Run 'radon pet SUBCOMMAND --help' for its options. Conventions (view 0, the direction views
turn, the TOF sign, planes and ring pairs): docs/CONVENTIONS.md, "PET".
)";

}  // namespace

int run_pet(const std::vector<std::string>& raw) {
    if (raw.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    if (raw[0] == "--help" || raw[0] == "-h") {
        std::cout << kUsage;
        return 0;
    }
    const std::vector<std::string> rest(raw.begin() + 1, raw.end());
    if (raw[0] == "scanners") return run_pet_scanners(rest);
    if (raw[0] == "project") return run_pet_project(rest);
    if (raw[0] == "backproject") return run_pet_backproject(rest);
    if (raw[0] == "recon") return run_pet_recon(rest);
    throw InvalidArgument("unknown PET subcommand '" + raw[0] +
                          "': expected scanners, project, backproject or recon");
}

}  // namespace radon::cli
