#include "ui/drr/preview_parameters.h"

#include <algorithm>

namespace radon::ui {
namespace {

int64_t preview_pixels(int64_t full) {
    return std::min(full, std::max(kMinPreviewPixels, (full + 1) / 2));
}

}  // namespace

DrrParameters preview_parameters(const DrrParameters& full) {
    DrrParameters preview = full;
    Detector& d = preview.detector;
    d.width = preview_pixels(full.detector.width);
    d.height = preview_pixels(full.detector.height);
    // Wider pixels keep the panel's physical size, so the preview covers what the full image does.
    d.delx = full.detector.delx * static_cast<double>(full.detector.width) / d.width;
    d.dely = full.detector.dely * static_cast<double>(full.detector.height) / d.height;
    preview.settings.patch_size = 0;
    return preview;
}

}  // namespace radon::ui
