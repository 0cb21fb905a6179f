#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernels/core/array.h"

namespace radon::recon {

// A 2D float image (a DRR, a sinogram) with its pixel spacing, or a stack of such images of one
// size (one DRR per label): pixels.extents() is {width, height, channels}, channel c starting at
// c * width * height. Row 0 is the first row in memory and the top row on screen.
struct Image2D {
    Array<float> pixels;
    double spacing[2] = {1.0, 1.0};  // mm between column centres, between row centres
    // Where pixel (0, 0) is in the file's physical coordinates (mm), for formats that keep an
    // origin (NRRD, MetaImage, NIfTI): RTK reads it as the detector coordinates of that pixel.
    double origin[2] = {0.0, 0.0};
    // Key/value pairs written into the file header where the format keeps them (NRRD,
    // MetaImage): the geometry that made the image, what its values are, channel labels.
    std::vector<std::pair<std::string, std::string>> metadata;

    int64_t width() const { return pixels.extents()[0]; }
    int64_t height() const { return pixels.extents()[1]; }
    int64_t channels() const { return pixels.extents()[2]; }

    // Channel c as an image of its own that aliases this one's pixels (no copy; valid while they
    // live), with the same spacing and metadata. Throws InvalidArgument for a channel out of
    // range.
    Image2D channel(int64_t c) const;

    static Image2D allocate(int64_t width, int64_t height, double col_spacing, double row_spacing,
                            int64_t channels = 1);
};

}  // namespace radon::recon
