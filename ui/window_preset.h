#pragma once

#include <optional>

#include "recon/image2d.h"
#include "recon/io/image_io.h"

namespace radon::ui {

// Display windows for a DRR. A DRR's values (line integrals) scale with the patient's size and
// the X-ray energy, so fixed numbers would not carry from one volume to the next: the presets
// are placed within the automatic window of the image they are applied to. Larger line integrals
// show brighter, so bone is the upper part of that range and soft tissue the lower part.
enum class WindowPreset { Automatic, Bone, SoftTissue, FullRange };

const char* to_string(WindowPreset preset);

// `automatic` is recon::automatic_window(image) when the caller already has it.
recon::Window window_for_preset(WindowPreset preset, const recon::Image2D& image,
                                const std::optional<recon::Window>& automatic = std::nullopt);

}  // namespace radon::ui
