#pragma once

#include <vector>

#include "kernels/core/vec.h"
#include "kernels/pet/sinogram_descriptor.h"

namespace radon::pet {

// Linked picking between a sinogram and its scanner: what a bin is in the scanner (its detector
// pairs, its LOR, its TOF kernel along the LOR) and which bins a crystal takes part in (its fan).
// Everything is asked of the SinogramDescriptor (bin <-> detector pair <-> LOR); this adds only
// the TOF kernel's place on the LOR and the bins' angles and radial distances for display.

// One bin as the scanner sees it.
struct BinLor {
    SinogramBin bin;
    std::vector<DetectorPair> pairs;  // contributing_pairs(bin): one for an uncompressed bin
    Vec3 p1, p2;                      // lor_endpoints(bin), LPS mm
    double view_angle_deg = 0;        // view_angle_deg(view)
    double radial_mm = 0;             // radial_position_mm(bin)
    // With a TOF axis: the TOF bin's kernel, centred at the signed distance tof_centre_mm from
    // the LOR's midpoint toward p2 (tof_bin_centre_mm), of standard deviation tof_sigma_mm along
    // the LOR (tof_sigma_mm), and that centre in the world.
    bool has_tof = false;
    double tof_centre_mm = 0;
    double tof_sigma_mm = 0;
    Vec3 tof_centre;
};

// Throws InvalidArgument naming the index out of range.
BinLor describe_bin(const SinogramDescriptor& sinogram, const SinogramBin& bin);

// The angle of sinogram view `view` in degrees: that of the normal of its LORs from view 0's,
// turning from +x toward +y (360 / N per uncompressed view; a mashed view's is the mean of its
// views'). Odd radial positions sit 180 / N degrees back (the interleaved sampling).
double view_angle_deg(const SinogramDescriptor& sinogram, double view);

// The signed transaxial distance (mm) of a bin's LOR from the scanner axis: positive where the
// radial position t is (for view 0, toward +x, the patient's left).
double radial_position_mm(const SinogramDescriptor& sinogram, const SinogramBin& bin);

// A crystal's fan: every detector pair (crystal, partner) the sinogram holds, oriented as its
// bin (a at p1), with that bin (tof 0), and the distinct bins they land in, in memory order
// (several pairs share a bin when views are mashed or planes compressed).
struct CrystalFan {
    int crystal = -1;
    std::vector<DetectorPair> pairs;
    std::vector<SinogramBin> pair_bins;  // pair_bins[i]: the bin of pairs[i]
    std::vector<SinogramBin> bins;       // distinct
};

// Throws InvalidArgument for a crystal id out of range.
CrystalFan crystal_fan(const SinogramDescriptor& sinogram, int crystal);

}  // namespace radon::pet
