// radon: the command-line twin of Radon Studio.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "app/radon/commands.h"
#include "kernels/core/error.h"

namespace {

const char* kUsage = R"(usage: radon COMMAND [options]

Commands:
  drr          render a DRR of a CT volume or a built-in phantom
  drr-batch    render one DRR per pose of a CSV or JSON file into one multi-frame file
  bench drr    time DRR rendering over detector and patch sizes
  phantom      write a built-in phantom as a CT volume
  series       list the DICOM series of a folder
  info         versions, devices and build options; or a volume's grid, values and load cost

Run 'radon COMMAND --help' for the options of a command.
)";

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::fputs(kUsage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    if (args[0] == "--version") {
        std::printf("radon %s\n", RADON_VERSION);
        return 0;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    try {
        if (command == "drr") return radon::cli::run_drr(args);
        if (command == "drr-batch") return radon::cli::run_drr_batch(args);
        if (command == "bench") return radon::cli::run_bench(args);
        if (command == "info") return radon::cli::run_info(args);
        if (command == "phantom") return radon::cli::run_phantom(args);
        if (command == "series") return radon::cli::run_series(args);
        std::fprintf(stderr,
                     "radon: error: unknown command '%s' (expected drr, drr-batch, bench, phantom, "
                     "series or info)\n",
                     command.c_str());
        return 2;
    } catch (const radon::InvalidArgument& e) {
        std::fprintf(stderr, "radon %s: error: %s\n", command.c_str(), e.what());
        return 2;
    } catch (const radon::Cancelled&) {
        std::fprintf(stderr, "radon %s: cancelled\n", command.c_str());
        return 130;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "radon %s: error: %s\n", command.c_str(), e.what());
        return 1;
    }
}
