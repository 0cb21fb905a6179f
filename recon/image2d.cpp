#include "recon/image2d.h"

namespace radon::recon {

Image2D Image2D::allocate(int64_t width, int64_t height, double col_spacing, double row_spacing) {
    Image2D image;
    image.pixels = Array<float>::allocate({width, height, 1});
    image.spacing[0] = col_spacing;
    image.spacing[1] = row_spacing;
    return image;
}

}  // namespace radon::recon
