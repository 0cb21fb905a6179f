#pragma once

#include <optional>

#include "kernels/drr/drr_settings.h"
#include "kernels/physics/drr_output.h"
#include "recon/image2d.h"
#include "recon/io/image_io.h"

namespace radon::ui {

// Display windows for a DRR. A DRR's values (line integrals) scale with the patient's size and
// the X-ray energy, so fixed numbers would not carry from one volume to the next: the presets
// are placed within the automatic window of the image they are applied to. Bone is the end of
// that range where the denser tissue lies (the upper end for line integrals, the lower end for
// transmission or an inverted image), soft tissue the other end.
enum class WindowPreset { Automatic, Bone, SoftTissue, FullRange };

const char* to_string(WindowPreset preset);

// What a DRR's values are, as far as its window is concerned: a window chosen for one kind of
// values means nothing for another (line integrals of about 0..10 against counts up to I0).
struct DrrValues {
    DrrReduction reduction = DrrReduction::Sum;
    DrrOutput output;

    // Whether more attenuation gives larger values, by the output's own formula.
    bool denserIsLarger() const;
    bool operator==(const DrrValues& other) const;
    bool operator!=(const DrrValues& other) const { return !(*this == other); }
};

// `automatic` is recon::automatic_window(image) when the caller already has it.
recon::Window window_for_preset(WindowPreset preset, const recon::Image2D& image,
                                const std::optional<recon::Window>& automatic = std::nullopt,
                                const DrrValues& values = {});

}  // namespace radon::ui
