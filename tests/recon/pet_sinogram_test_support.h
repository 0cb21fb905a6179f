#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/pet/sinogram_descriptor.h"
#include "recon/pet/scanner_json.h"

namespace radon::test {

// A sinogram of `scanner` (the demo preset by default) with the given span, view mashing, axis
// order and TOF bins (the scanner's TOF binning otherwise).
inline pet::SinogramDescriptor demo_sinogram(const recon::ScannerDescription& scanner, int span,
                                             int mashing, const char* order, int tof_bins) {
    pet::SinogramSpec spec;
    spec.span = span;
    spec.view_mashing = mashing;
    spec.axis_order = order;
    spec.tof = scanner.scanner.tof;
    spec.tof.bins = tof_bins;
    return pet::SinogramDescriptor(scanner.scanner, spec);
}

inline pet::SinogramDescriptor demo_sinogram(int span, int mashing, const char* order,
                                             int tof_bins) {
    return demo_sinogram(recon::scanner_preset("demo"), span, mashing, order, tof_bins);
}

// `n` values in [-5, 100): negative ones included, so that no reader may clamp them.
inline std::vector<float> random_sinogram(int64_t n, unsigned seed = 7) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(-5, 100);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& x : v)
        x = u(rng);
    return v;
}

}  // namespace radon::test
