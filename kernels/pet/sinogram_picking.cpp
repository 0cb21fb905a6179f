#include "kernels/pet/sinogram_picking.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/core/error.h"
#include "kernels/pet/tof_binning.h"

namespace radon::pet {
namespace {

void check_index(const char* what, int value, int count) {
    if (value < 0 || value >= count)
        throw InvalidArgument(std::string("sinogram bin: ") + what + " " + std::to_string(value) +
                              ", expected 0 to " + std::to_string(count - 1));
}

}  // namespace

double view_angle_deg(const SinogramDescriptor& sinogram, double view) {
    const int m = sinogram.spec().view_mashing;
    const double per_view = 360.0 / sinogram.scanner().detectors_per_ring;
    return (view * m + 0.5 * (m - 1)) * per_view;
}

double radial_position_mm(const SinogramDescriptor& sinogram, const SinogramBin& bin) {
    Vec3 p1, p2;
    sinogram.lor_endpoints(bin, p1, p2);
    const Vec3 axis = sinogram.scanner().isocentre_lps;
    const Vec3 d = p2 - p1;
    const double length = std::hypot(d.x, d.y);
    if (length == 0) return 0;
    return ((p1.x - axis.x) * d.y - (p1.y - axis.y) * d.x) / length;
}

BinLor describe_bin(const SinogramDescriptor& sinogram, const SinogramBin& bin) {
    check_index("radial", bin.radial, sinogram.radial_bins());
    check_index("view", bin.view, sinogram.views());
    check_index("plane", bin.plane, sinogram.planes());
    check_index("TOF bin", bin.tof, sinogram.tof_bins());
    BinLor out;
    out.bin = bin;
    out.pairs = sinogram.contributing_pairs(bin);
    sinogram.lor_endpoints(bin, out.p1, out.p2);
    out.view_angle_deg = view_angle_deg(sinogram, bin.view);
    out.radial_mm = radial_position_mm(sinogram, bin);
    if (sinogram.has_tof_axis()) {
        const TofBinning& tof = sinogram.spec().tof;
        out.has_tof = true;
        out.tof_centre_mm = tof_bin_centre_mm(tof, bin.tof);
        out.tof_sigma_mm = tof_sigma_mm(tof);
        out.tof_centre = 0.5 * (out.p1 + out.p2) + out.tof_centre_mm * normalized(out.p2 - out.p1);
    }
    return out;
}

CrystalFan crystal_fan(const SinogramDescriptor& sinogram, int crystal) {
    const ScannerGeometry& scanner = sinogram.scanner();
    if (crystal < 0 || crystal >= scanner.crystal_count())
        throw InvalidArgument("crystal " + std::to_string(crystal) + " of " + scanner.name +
                              ": expected 0 to " + std::to_string(scanner.crystal_count() - 1));
    CrystalFan fan;
    fan.crystal = crystal;
    std::vector<int64_t> offsets;
    for (int partner = 0; partner < scanner.crystal_count(); ++partner) {
        SinogramBin bin;
        bool swapped = false;
        if (!sinogram.bin_of_pair(crystal, partner, bin, swapped)) continue;
        fan.pairs.push_back(swapped ? DetectorPair{partner, crystal}
                                    : DetectorPair{crystal, partner});
        fan.pair_bins.push_back(bin);
        offsets.push_back(sinogram.offset(bin));
    }
    std::vector<std::size_t> order(offsets.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return offsets[a] < offsets[b]; });
    for (std::size_t k = 0; k < order.size(); ++k)
        if (k == 0 || offsets[order[k]] != offsets[order[k - 1]])
            fan.bins.push_back(fan.pair_bins[order[k]]);
    return fan;
}

}  // namespace radon::pet
