#include "ui/common/window_preset.h"

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

bool DrrValues::denserIsLarger() const {
    // A MIP holds the largest attenuation coefficient instead of a line integral, but it grows
    // with density in the same way, and inverting it reflects it the same way.
    return drr_output_value(1.0f, output) > drr_output_value(0.0f, output);
}

bool DrrValues::operator==(const DrrValues& other) const {
    return reduction == other.reduction && output.kind == other.output.kind &&
           output.i0 == other.output.i0 && output.invert == other.output.invert;
}

recon::Window window_for_preset(WindowPreset preset, const recon::Image2D& image,
                                const std::optional<recon::Window>& automatic,
                                const DrrValues& values) {
    if (preset == WindowPreset::FullRange)
        return recon::full_range_window(image.pixels.host_data(), image.pixels.size());
    const recon::Window base = automatic ? *automatic : recon::automatic_window(image);
    const bool dense_up = values.denserIsLarger();
    switch (preset) {
        case WindowPreset::Bone:
            return dense_up ? within(base, 0.5, 1.0) : within(base, 0.0, 0.5);
        case WindowPreset::SoftTissue:
            return dense_up ? within(base, 0.0, 0.6) : within(base, 0.4, 1.0);
        default:
            return base;
    }
}

}  // namespace radon::ui
