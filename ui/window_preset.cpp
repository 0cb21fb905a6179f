#include "ui/window_preset.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace radon::ui {
namespace {

recon::Window within(const recon::Window& outer, double from, double to) {
    const double low = outer.level - 0.5 * outer.width;
    return {low + 0.5 * (from + to) * outer.width, (to - from) * outer.width};
}

recon::Window full_range(const recon::Image2D& image) {
    const float* data = image.pixels.host_data();
    float low = std::numeric_limits<float>::infinity(), high = -low;
    for (int64_t i = 0; i < image.pixels.size(); ++i) {
        if (std::isfinite(data[i])) {
            low = std::min(low, data[i]);
            high = std::max(high, data[i]);
        }
    }
    if (!(low <= high)) return {};
    const double width = std::max<double>(high - low, 1e-6 * std::max(1.0f, std::fabs(high)));
    return {0.5 * (static_cast<double>(low) + high), width};
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
    if (preset == WindowPreset::FullRange) return full_range(image);
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
