#include "render/ct_volume_preset.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include <vtkColorTransferFunction.h>
#include <vtkNew.h>
#include <vtkPiecewiseFunction.h>
#include <vtkVolumeMapper.h>
#include <vtkVolumeProperty.h>

#include "kernels/core/error.h"

namespace radon::render {

namespace {

struct ColorPoint {
    double hu, r, g, b;
};
struct OpacityPoint {
    double hu, opacity;
};

struct PresetTables {
    std::vector<ColorPoint> colors;
    std::vector<OpacityPoint> opacities;
    bool shade;
    bool maximum_intensity;
};

// Opacities are per millimetre of ray (the property's unit distance is set to 1 mm), so they
// do not change with the voxel size or the sampling distance.
PresetTables tables(CtVolumePreset preset) {
    switch (preset) {
        case CtVolumePreset::Bone:
            return {{{-1000, 0, 0, 0},
                     {150, 0.55, 0.25, 0.15},
                     {300, 0.9, 0.82, 0.66},
                     {1000, 1.0, 0.97, 0.9},
                     {3000, 1, 1, 1}},
                    {{-1000, 0}, {140, 0}, {250, 0.25}, {600, 0.7}, {3000, 0.9}},
                    true,
                    false};
        case CtVolumePreset::SoftTissue:
            return {{{-1000, 0, 0, 0},
                     {-500, 0.55, 0.35, 0.3},
                     {-100, 0.85, 0.6, 0.45},
                     {40, 0.8, 0.3, 0.25},
                     {200, 0.95, 0.85, 0.75},
                     {3000, 1, 1, 1}},
                    {{-1000, 0},
                     {-600, 0},
                     {-400, 0.01},
                     {-100, 0.02},
                     {20, 0.06},
                     {100, 0.12},
                     {300, 0.5},
                     {3000, 0.8}},
                    true,
                    false};
        case CtVolumePreset::Lung:
            return {{{-1000, 0, 0, 0},
                     {-950, 0.8, 0.45, 0.4},
                     {-600, 0.95, 0.6, 0.55},
                     {-200, 0.9, 0.8, 0.7},
                     {3000, 1, 1, 1}},
                    {{-1000, 0},
                     {-960, 0},
                     {-900, 0.04},
                     {-700, 0.08},
                     {-450, 0.02},
                     {-300, 0},
                     {200, 0},
                     {400, 0.05},
                     {3000, 0.1}},
                    true,
                    false};
        case CtVolumePreset::Mip:
            return {{{-200, 0, 0, 0}, {1500, 1, 1, 1}},
                    {{-1000, 0}, {-200, 0}, {1500, 1}},
                    false,
                    true};
    }
    throw InvalidArgument("unknown CT volume preset");
}

}  // namespace

const std::array<CtVolumePreset, 4>& all_ct_volume_presets() {
    static const std::array<CtVolumePreset, 4> presets{CtVolumePreset::Bone,
                                                       CtVolumePreset::SoftTissue,
                                                       CtVolumePreset::Lung, CtVolumePreset::Mip};
    return presets;
}

const char* to_string(CtVolumePreset preset) {
    switch (preset) {
        case CtVolumePreset::Bone:
            return "bone";
        case CtVolumePreset::SoftTissue:
            return "soft-tissue";
        case CtVolumePreset::Lung:
            return "lung";
        case CtVolumePreset::Mip:
            return "mip";
    }
    return "?";
}

CtVolumePreset parse_ct_volume_preset(const std::string& name) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (CtVolumePreset preset : all_ct_volume_presets())
        if (lower == to_string(preset)) return preset;
    throw InvalidArgument("unknown CT volume preset '" + name +
                          "' (expected bone, soft-tissue, lung or mip)");
}

void apply_ct_volume_preset(CtVolumePreset preset, vtkVolumeProperty* property,
                            vtkVolumeMapper* mapper) {
    const PresetTables t = tables(preset);
    vtkNew<vtkColorTransferFunction> colors;
    for (const ColorPoint& c : t.colors)
        colors->AddRGBPoint(c.hu, c.r, c.g, c.b);
    vtkNew<vtkPiecewiseFunction> opacities;
    for (const OpacityPoint& o : t.opacities)
        opacities->AddPoint(o.hu, o.opacity);
    property->SetColor(colors);
    property->SetScalarOpacity(opacities);
    property->SetScalarOpacityUnitDistance(1.0);
    property->SetInterpolationTypeToLinear();
    property->SetShade(t.shade ? 1 : 0);
    property->SetAmbient(0.25);
    property->SetDiffuse(0.75);
    property->SetSpecular(0.2);
    property->SetSpecularPower(12);
    if (t.maximum_intensity) {
        mapper->SetBlendModeToMaximumIntensity();
    } else {
        mapper->SetBlendModeToComposite();
    }
}

recon::Window ct_slice_window(CtVolumePreset preset) {
    switch (preset) {
        case CtVolumePreset::Bone:
            return {400, 2000};
        case CtVolumePreset::SoftTissue:
            return {40, 400};
        case CtVolumePreset::Lung:
            return {-600, 1500};
        case CtVolumePreset::Mip:
            return {500, 2500};
    }
    return {40, 400};
}

}  // namespace radon::render
