// radon: the command-line twin of Radon Studio.

#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "app/radon/command_messages.h"
#include "app/radon/commands.h"
#include "kernels/core/error.h"
#include "recon/io/printable_text.h"

namespace {

const char* kUsage = R"(usage: radon COMMAND [options]

Commands:
  drr          render a DRR of a CT volume or a built-in phantom
  drr-batch    render one DRR per pose of a CSV or JSON file into one multi-frame file
  bench drr    time DRR rendering over detector and patch sizes
  bench pet    time the PET projectors on one subset of a scanner's sinogram
  bench ct     time the CT projectors and FDK/FBP
  phantom      write a built-in phantom as a CT volume
  series       list the DICOM series of a folder
  pet          PET scanners, projection, back projection and MLEM/OSEM reconstruction
  ct           CT geometries, projection and reconstruction (FDK/FBP, SIRT, CGLS, OS-SART,
               OSEM)
  info         versions, devices and build options; or a volume's grid, values and load cost

Run 'radon COMMAND --help' for the options of a command.

Exit status: 0 done; 1 failed (an output that could not be written, such as on a full disk;
not enough memory); 2 bad input (an option, a file); 130 cancelled. Every error is one line on
stderr that names the file or option. A command that fails leaves its previous outputs as they
were: its outputs are replaced all together or not at all.
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
    const std::string command = radon::recon::detail::printable(args[0]);
    args.erase(args.begin());
    try {
        if (command == "drr") return radon::cli::run_drr(args);
        if (command == "drr-batch") return radon::cli::run_drr_batch(args);
        if (command == "bench") return radon::cli::run_bench(args);
        if (command == "info") return radon::cli::run_info(args);
        if (command == "phantom") return radon::cli::run_phantom(args);
        if (command == "series") return radon::cli::run_series(args);
        if (command == "pet") return radon::cli::run_pet(args);
        if (command == "ct") return radon::cli::run_ct(args);
        std::fprintf(stderr,
                     "radon: error: unknown command '%s' (expected drr, drr-batch, bench, phantom, "
                     "series, pet, ct or info)\n",
                     command.c_str());
        return 2;
    } catch (const radon::InvalidArgument& e) {
        radon::cli::print_error(command, e.what());
        return 2;
    } catch (const radon::Cancelled&) {
        radon::cli::print_note(command, "cancelled");
        return 130;
    } catch (const std::bad_alloc&) {
        radon::cli::print_error(command, "not enough memory");
        return 1;
    } catch (const std::exception& e) {
        radon::cli::print_error(command, e.what());
        return 1;
    }
}
