#include "ui/window_preset.h"

namespace radon::ui {
namespace {

recon::Window within(const recon::Window& outer, double from, double to) {
    const double low = outer.level - 0.5 * outer.width;
    return {low + 0.5 * (from + to) * outer.width, (to - from) * outer.width};
}

}  // namespace

const char* to_string(WindowPreset preset) {
    switch (preset) {
        case WindowPreset::Automatic:
            return "automatic";
        case WindowPreset::Bone:
            return "bone";
        case WindowPreset::SoftTissue:
            return "soft tissue";
        case WindowPreset::FullRange:
            return "full range";
    }
    return "?";
}

recon::Window window_for_preset(WindowPreset preset, const recon::Image2D& image,
                                const std::optional<recon::Window>& automatic) {
    if (preset == WindowPreset::FullRange)
        return recon::full_range_window(image.pixels.host_data(), image.pixels.size());
    const recon::Window base = automatic ? *automatic : recon::automatic_window(image);
    switch (preset) {
        case WindowPreset::Bone:
            return within(base, 0.5, 1.0);
        case WindowPreset::SoftTissue:
            return within(base, 0.0, 0.6);
        default:
            return base;
    }
}

}  // namespace radon::ui
