#pragma once

#include <math.h>

#include "kernels/core/hd.h"
#include "kernels/pet/tof_binning.h"

namespace radon::pet {

// The TOF kernel as the projectors apply it, for one sample of a LOR at signed distance s from
// the LOR's midpoint (positive toward p2, as kernels/pet/tof_binning.h defines).
//
// The kernel is a Gaussian of sigma = FWHM / 2.3548, truncated to |t - s| <= n sigma
// (n = truncation_sigmas) and divided by its remaining mass erf(n / sqrt 2), the truncation
// factor, so the truncated kernel still integrates to one. The weight of TOF bin k is that
// kernel integrated over the bin [e_k, e_k+1] (e_k = centre_k - width / 2):
//     w_k(s) = (C(e_k+1 - s) - C(e_k - s)) / erf(n / sqrt 2),
//     C(x) = erf(clamp(x, -n sigma, n sigma) / (sigma sqrt 2)) / 2.
// Consequences the tests check: a bin further than n sigma (edge to sample) gets exactly zero;
// the weights of consecutive bins telescope, so when the bins cover [s - n sigma, s + n sigma]
// they sum to one and the TOF projection summed over bins equals the non-TOF projection; a
// point source's TOF profile is the erf difference above, divided by erf(n / sqrt 2).
struct TofKernel {
    float edge0;            // e_0: the lower edge of bin 0, mm from the midpoint toward p2
    float width;            // bin width, mm
    float reach;            // n sigma, mm
    float inv_sigma_sqrt2;  // 1 / (sigma sqrt 2)
    float half_norm;        // 0.5 / erf(n / sqrt 2)
    int bins;
};

inline TofKernel make_tof_kernel(const TofBinning& tof) {
    TofKernel k;
    const float sigma = tof_sigma_mm(tof);
    k.edge0 = tof_bin_centre_mm(tof, 0) - 0.5f * tof.bin_width_mm;
    k.width = tof.bin_width_mm;
    k.reach = tof.truncation_sigmas * sigma;
    k.inv_sigma_sqrt2 = 1.0f / (sigma * 1.41421356f);
    k.half_norm = 0.5f / erff(tof.truncation_sigmas * 0.70710678f);
    k.bins = tof.bins;
    return k;
}

// C(edge - s) / erf(n / sqrt 2): the normalised truncated CDF at a bin edge.
RADON_HD float tof_edge_cdf(const TofKernel& k, float edge_minus_s) {
    const float x = fminf(fmaxf(edge_minus_s, -k.reach), k.reach);
    return k.half_norm * erff(x * k.inv_sigma_sqrt2);
}

// The range of bins [lo, hi] whose weight for a sample at s can be non-zero, clipped to the
// existing bins (empty when hi < lo). Bins outside it have weight exactly zero; one bin of
// margin on each side keeps rounding in the division from dropping a bin that touches the
// window (its extra weight is C(reach) - C(reach) = 0 exactly).
RADON_HD void tof_bin_window(const TofKernel& k, float s, int& lo, int& hi) {
    const float a = (s - k.reach - k.edge0) / k.width;
    const float b = (s + k.reach - k.edge0) / k.width;
    // Clamp before converting: a sample far outside the bins must not overflow the int.
    const float top = static_cast<float>(k.bins);
    lo = static_cast<int>(floorf(fminf(fmaxf(a, -1.0f), top))) - 1;
    hi = static_cast<int>(floorf(fminf(fmaxf(b, -1.0f), top))) + 1;
    lo = lo < 0 ? 0 : lo;
    hi = hi > k.bins - 1 ? k.bins - 1 : hi;
}

// The lower edge of bin j (j may be bins: the upper edge of the last bin). Computed the same
// way for bin j's lower and bin j-1's upper edge, so consecutive weights telescope exactly.
RADON_HD float tof_edge_mm(const TofKernel& k, int j) {
    return k.edge0 + static_cast<float>(j) * k.width;
}

// w_k(s) for one bin.
RADON_HD float tof_weight(const TofKernel& k, int bin, float s) {
    return tof_edge_cdf(k, tof_edge_mm(k, bin + 1) - s) - tof_edge_cdf(k, tof_edge_mm(k, bin) - s);
}

}  // namespace radon::pet
