#pragma once

#include <array>
#include <string>

#include "recon/io/image_io.h"

class vtkVolumeMapper;
class vtkVolumeProperty;

namespace radon::render {

// How a CT volume (in HU) is volume rendered: colour and opacity over HU, shading and blending.
// - Bone: bone opaque and ivory, everything softer transparent.
// - SoftTissue: skin faint, muscle and organs red, bone white.
// - Lung: air-filled lung tissue pink and translucent, walls and bone faint.
// - Mip: maximum intensity projection, grey from soft tissue to dense bone.
enum class CtVolumePreset { Bone, SoftTissue, Lung, Mip };

const std::array<CtVolumePreset, 4>& all_ct_volume_presets();
const char* to_string(CtVolumePreset preset);  // "bone", "soft-tissue", "lung", "mip"
// Accepts the names of to_string (case-insensitive); throws InvalidArgument listing them.
CtVolumePreset parse_ct_volume_preset(const std::string& name);

// Sets the transfer functions and shading of `property` and the blend mode of `mapper`.
void apply_ct_volume_preset(CtVolumePreset preset, vtkVolumeProperty* property,
                            vtkVolumeMapper* mapper);

// The grey window that goes with the preset on slices (in HU).
recon::Window ct_slice_window(CtVolumePreset preset);

}  // namespace radon::render
