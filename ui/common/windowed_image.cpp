#include "ui/common/windowed_image.h"

namespace radon::ui {

QImage windowed_image(const recon::Image2D& image, const recon::Window& window) {
    if (!image.pixels.bound() || image.width() < 1 || image.height() < 1) return {};
    const auto width = static_cast<int>(image.width()), height = static_cast<int>(image.height());
    QImage out(width, height, QImage::Format_Grayscale8);
    const float* pixels = image.pixels.host_data();
    // Row by row: QImage pads its scan lines to 4 bytes.
    for (int row = 0; row < height; ++row)
        recon::window_to_bytes(pixels + static_cast<int64_t>(row) * width, width, window,
                               out.scanLine(row));
    return out;
}

}  // namespace radon::ui
