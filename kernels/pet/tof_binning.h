#pragma once

#include "kernels/core/hd.h"

namespace radon::pet {

// Time-of-flight bins along a LOR that runs from its first endpoint p1 to its second p2.
//
// Sign convention: TOF bin k (0 <= k < bins) is centred at the signed distance
//     s_k = (k - (bins - 1) / 2) * bin_width_mm + centre_offset_mm
// from the LOR's midpoint, measured along p2 - p1: a positive s lies toward p2. An annihilation
// nearer p2 reaches p2's detector first (t1 - t2 = 2 s / c > 0) and lands in a bin with k above
// the centre. Swapping p1 and p2 mirrors the bins (k -> bins - 1 - k, with the offset negated).
struct TofBinning {
    int bins = 1;
    float bin_width_mm = 0;       // along the LOR
    float fwhm_mm = 0;            // of the Gaussian TOF kernel, along the LOR
    float truncation_sigmas = 3;  // the kernel is zero further than this many sigmas
    float centre_offset_mm = 0;   // shift of every bin centre toward p2

    bool enabled() const { return bins > 0 && fwhm_mm > 0; }
};

RADON_HD float tof_bin_centre_mm(const TofBinning& tof, int k) {
    return (static_cast<float>(k) - 0.5f * static_cast<float>(tof.bins - 1)) * tof.bin_width_mm +
           tof.centre_offset_mm;
}

RADON_HD float tof_sigma_mm(const TofBinning& tof) {
    // FWHM = 2 sqrt(2 ln 2) sigma
    return tof.fwhm_mm / 2.354820045f;
}

}  // namespace radon::pet
