// radon pet scanners: the scanner presets, or one scanner's geometry in numbers.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "app/radon/arguments.h"
#include "app/radon/commands.h"
#include "app/radon/pet_options.h"
#include "kernels/core/error.h"

namespace radon::cli {
namespace {

const char* kUsage =
    R"(usage: radon pet scanners [PRESET | --scanner FILE] [--max-ring-difference D]

Without a scanner: one line per preset. With one: its crystals and rings, where crystal 0 sits,
its LOR count, the sinogram shape for each span and its TOF settings, with the public sources of
the numbers.
)";

int64_t lor_count(const pet::ScannerGeometry& s, int mrd) {
    // Pairs of rings within the MRD, times in-ring pairs at least min_angle_difference apart.
    int64_t ring_pairs = 0;
    for (int r1 = 0; r1 < s.rings; ++r1)
        for (int r2 = 0; r2 < s.rings; ++r2)
            if (std::abs(r1 - r2) <= mrd) ++ring_pairs;
    const int64_t n = s.detectors_per_ring;
    int64_t in_ring = 0;
    for (int64_t d = s.min_angle_difference; d <= n / 2; ++d)
        in_ring += d == n / 2 ? n / 2 : n;
    // Ordered ring pairs count each unordered crystal pair once with its orientation.
    return ring_pairs * in_ring;
}

void print_one(const recon::ScannerDescription& d, const Arguments& args) {
    const pet::ScannerGeometry& s = d.scanner;
    std::printf("%s (%s, %s)\n", s.name.c_str(), d.origin.c_str(), d.model.c_str());
    std::printf("  crystals: %d per ring x %d rings", s.detectors_per_ring, s.rings);
    if (s.doi_layers > 1) std::printf(" x %d DOI layers", s.doi_layers);
    int virtual_crystals = 0;
    for (const auto& c : s.crystals)
        virtual_crystals += c.is_virtual ? 1 : 0;
    std::printf(" = %d", s.crystal_count());
    if (virtual_crystals)
        std::printf(" (%d of them virtual: gaps counted as crystals)", virtual_crystals);
    std::printf(
        "\n  radius: %.4g mm to the crystal faces + %.4g mm average depth of interaction = %.4g "
        "mm\n",
        s.inner_radius_mm, s.average_doi_mm, s.effective_radius_mm());
    const double spacing =
        s.rings > 1 ? (s.ring_z_mm.back() - s.ring_z_mm.front()) / (s.rings - 1) : 0;
    std::printf("  rings: %.6g mm apart (mean), axial extent %.6g mm (crystal centres)\n", spacing,
                s.ring_z_mm.back() - s.ring_z_mm.front());
    const Vec3 c0 = s.crystals.front().centre;
    std::printf(
        "  crystal 0 of ring 0 at (%.2f, %.2f, %.2f) mm in the scanner frame (LPS axes), "
        "numbers turning anterior -> left -> posterior\n",
        c0.x, c0.y, c0.z);
    const int mrd = args.has("--max-ring-difference")
                        ? static_cast<int>(args.integer_in(
                              "--max-ring-difference", 0,
                              {0, s.rings - 1.0, false, "maximum ring difference", ""}))
                        : (s.max_ring_difference >= 0 ? s.max_ring_difference : s.rings - 1);
    std::printf("  LORs: %lld (maximum ring difference %d, minimum angle difference %d)\n",
                static_cast<long long>(lor_count(s, mrd)), mrd, s.min_angle_difference);
    std::printf("  sinograms (max ring difference %d):\n", mrd);
    std::printf("    %5s %9s %7s %7s %9s %14s\n", "span", "segments", "radial", "views", "planes",
                "bins (no TOF)");
    std::vector<int> spans;
    for (int span = 1; span <= std::min(11, 2 * mrd + 1); span += 2)
        spans.push_back(span);
    if (2 * mrd + 1 > 11) spans.push_back(2 * mrd + 1);  // one segment: every ring pair
    for (const int span : spans) {
        pet::SinogramSpec spec = d.default_sinogram;
        spec.span = span;
        spec.max_ring_difference = mrd;
        spec.tof = pet::TofBinning{};
        const pet::SinogramDescriptor sino(s, spec);
        std::printf("    %5d %9zu %7d %7d %9d %14lld\n", span, sino.segments().size(),
                    sino.radial_bins(), sino.views(), sino.planes(),
                    static_cast<long long>(sino.bins()));
    }
    if (s.tof.enabled() && s.tof.bins > 1) {
        std::printf(
            "  TOF: %d bins of %.4g mm (%.4g ps), FWHM %.4g mm (%.4g ps), kernel cut at %.3g "
            "sigma, centre offset %.4g mm; positive bins lie toward a LOR's second end (p2)\n",
            s.tof.bins, s.tof.bin_width_mm, s.tof.bin_width_mm / pet::kTofMmPerPs, s.tof.fwhm_mm,
            s.tof.fwhm_mm / pet::kTofMmPerPs, s.tof.truncation_sigmas, s.tof.centre_offset_mm);
    } else {
        std::printf("  TOF: none\n");
    }
    if (!d.sources.empty()) {
        std::printf("  sources:\n");
        for (const auto& [field, source] : d.sources)
            std::printf("    %s: %s\n", field.c_str(), source.c_str());
    }
    for (const std::string& note : d.disagreements)
        std::printf("  sources disagree: %s\n", note.c_str());
}

}  // namespace

int run_pet_scanners(const std::vector<std::string>& raw) {
    const Arguments args(raw, {"--scanner", "--max-ring-difference"}, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }
    if (args.positional().size() > 1)
        throw InvalidArgument("unexpected argument '" + args.positional()[1] +
                              "': name one scanner");
    if (args.has("--scanner") || !args.positional().empty()) {
        const std::string which =
            args.positional().empty() ? args.text("--scanner", "") : args.positional()[0];
        print_one(recon::load_scanner(which), args);
        return 0;
    }
    std::printf("%-28s %-32s %9s %6s %10s %9s %s\n", "preset", "name", "per ring", "rings",
                "radius mm", "ring mm", "TOF");
    for (const std::string& id : recon::scanner_preset_ids()) {
        const recon::ScannerDescription d = recon::scanner_preset(id);
        const pet::ScannerGeometry& s = d.scanner;
        const double spacing =
            s.rings > 1 ? (s.ring_z_mm.back() - s.ring_z_mm.front()) / (s.rings - 1) : 0;
        char tof[64] = "none";
        if (s.tof.enabled() && s.tof.bins > 1)
            std::snprintf(tof, sizeof tof, "%d bins, FWHM %.0f ps", s.tof.bins,
                          s.tof.fwhm_mm / pet::kTofMmPerPs);
        std::printf("%-28s %-32s %9d %6d %10.4g %9.6g %s\n", id.c_str(), s.name.c_str(),
                    s.detectors_per_ring, s.rings, s.inner_radius_mm, spacing, tof);
    }
    std::printf("\n'radon pet scanners PRESET' prints one in full.\n");
    return 0;
}

}  // namespace radon::cli
