#pragma once

#include <cstdint>

#include "kernels/core/array.h"

namespace radon::recon {

// A 2D float image (a DRR, a sinogram) with its pixel spacing. pixels.extents() is
// {width, height, 1}; row 0 is the first row in memory and the top row on screen.
struct Image2D {
    Array<float> pixels;
    double spacing[2] = {1.0, 1.0};  // mm between column centres, between row centres

    int64_t width() const { return pixels.extents()[0]; }
    int64_t height() const { return pixels.extents()[1]; }

    static Image2D allocate(int64_t width, int64_t height, double col_spacing, double row_spacing);
};

}  // namespace radon::recon
