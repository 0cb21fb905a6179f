#include "recon/image2d.h"

#include <string>

#include "kernels/core/error.h"

namespace radon::recon {

Image2D Image2D::channel(int64_t c) const {
    if (c < 0 || c >= channels()) {
        throw InvalidArgument("channel " + std::to_string(c) + " of an image with " +
                              std::to_string(channels()) + " channels");
    }
    Image2D one;
    const int64_t plane = width() * height();
    // Shared, as copies of an Image2D share their pixels; valid while this image's pixels live.
    one.pixels = Array<float>::alias(const_cast<float*>(pixels.host_data()) + c * plane,
                                     {width(), height(), 1});
    one.spacing[0] = spacing[0];
    one.spacing[1] = spacing[1];
    one.origin[0] = origin[0];
    one.origin[1] = origin[1];
    one.metadata = metadata;
    return one;
}

Image2D Image2D::allocate(int64_t width, int64_t height, double col_spacing, double row_spacing,
                          int64_t channels) {
    Image2D image;
    image.pixels = Array<float>::allocate({width, height, channels});
    image.spacing[0] = col_spacing;
    image.spacing[1] = row_spacing;
    return image;
}

}  // namespace radon::recon
