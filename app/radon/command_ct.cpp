// radon ct: the CT commands (project, recon).

#include <iostream>

#include "app/radon/commands.h"
#include "kernels/core/error.h"

namespace radon::cli {
namespace {

const char* kUsage = R"(usage: radon ct SUBCOMMAND [options]

  project       volume or analytic phantom -> projection stack + geometry JSON
  recon         projection stack -> image: FDK/FBP, SIRT, CGLS, OS-SART, MLEM/OSEM

Run 'radon ct SUBCOMMAND --help' for its options. Conventions (a view's four vectors, circular
scans, the stack's axes): docs/CONVENTIONS.md, "CT".
)";

}  // namespace

int run_ct(const std::vector<std::string>& raw) {
    if (raw.empty()) {
        std::cerr << kUsage;
        return 2;
    }
    if (raw[0] == "--help" || raw[0] == "-h") {
        std::cout << kUsage;
        return 0;
    }
    const std::vector<std::string> rest(raw.begin() + 1, raw.end());
    if (raw[0] == "project") return run_ct_project(rest);
    if (raw[0] == "recon") return run_ct_recon(rest);
    throw InvalidArgument("unknown CT subcommand '" + raw[0] + "': expected project or recon");
}

}  // namespace radon::cli
