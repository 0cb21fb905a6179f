#pragma once

#include <QImage>

#include "recon/image2d.h"
#include "recon/io/image_io.h"

namespace radon::ui {

// The 8-bit grey picture of a float image through a display window, in one pass over the pixels
// (recon::window_to_bytes, the mapping PNG output uses). Row 0 is the top row.
QImage windowed_image(const recon::Image2D& image, const recon::Window& window);

}  // namespace radon::ui
