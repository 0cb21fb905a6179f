// radon ct: the CT commands. A plain table of subcommands, so that each one is a line.

#include <iostream>

#include "app/radon/commands.h"
#include "kernels/core/error.h"

namespace radon::cli {
namespace {

struct Subcommand {
    const char* name;
    int (*run)(const std::vector<std::string>&);
    const char* summary;
};

const Subcommand kSubcommands[] = {
    {"geometry", run_ct_geometry,
     "circular and C-arm trajectories; RTK XML, view vectors, matrices, JSON"},
    {"project", run_ct_project, "volume or analytic phantom -> projection stack + geometry"},
    {"recon", run_ct_recon, "projection stack -> image: FDK/FBP, SIRT, CGLS, OS-SART, MLEM/OSEM"},
};

std::string usage() {
    std::string text = "usage: radon ct SUBCOMMAND [options]\n\n";
    for (const Subcommand& s : kSubcommands)
        text += "  " + std::string(s.name) + std::string(12 - std::string(s.name).size(), ' ') +
                s.summary + "\n";
    text +=
        "\nRun 'radon ct SUBCOMMAND --help' for its options. Frames and the conventions of RTK "
        "and ASTRA: docs/CONVENTIONS.md, \"CT\".\n";
    return text;
}

}  // namespace

int run_ct(const std::vector<std::string>& raw) {
    if (raw.empty()) {
        std::cerr << usage();
        return 2;
    }
    if (raw[0] == "--help" || raw[0] == "-h") {
        std::cout << usage();
        return 0;
    }
    const std::vector<std::string> rest(raw.begin() + 1, raw.end());
    std::string names;
    for (const Subcommand& s : kSubcommands) {
        if (raw[0] == s.name) return s.run(rest);
        names += (names.empty() ? "" : ", ") + std::string(s.name);
    }
    throw InvalidArgument("unknown CT subcommand '" + raw[0] + "': expected " + names);
}

}  // namespace radon::cli
