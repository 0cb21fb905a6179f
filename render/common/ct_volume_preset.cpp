#include "render/common/ct_volume_preset.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

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
    bool shade = false;
    bool maximum_intensity = false;
    recon::Window slice_window;
};

// The tables are data, kept in resources/presets/ct_volume.json and compiled into the binary;
// a malformed entry is a build defect, so it is reported with the resource and field names.
constexpr const char* kPresetResource = ":/presets/ct_volume.json";

[[noreturn]] void bad_resource(const std::string& preset, const std::string& what) {
    throw Error(std::string(kPresetResource) + ": preset '" + preset + "': " + what);
}

// [[x0, y...], [x1, y...], ...] with `width` numbers a point and x strictly increasing.
std::vector<std::vector<double>> points(const QJsonValue& value, const std::string& preset,
                                        const char* field, int width) {
    if (!value.isArray() || value.toArray().isEmpty()) {
        bad_resource(preset, std::string(field) + " must be a non-empty array of points");
    }
    std::vector<std::vector<double>> out;
    for (const QJsonValue& point : value.toArray()) {
        const QJsonArray numbers = point.toArray();
        if (numbers.size() != width) {
            bad_resource(preset, std::string(field) + ": each point needs " +
                                     std::to_string(width) + " numbers");
        }
        std::vector<double> row;
        for (const QJsonValue& n : numbers) {
            if (!n.isDouble()) bad_resource(preset, std::string(field) + ": a value is no number");
            row.push_back(n.toDouble());
        }
        if (!out.empty() && row[0] <= out.back()[0]) {
            bad_resource(preset, std::string(field) + ": HU values must increase");
        }
        out.push_back(row);
    }
    return out;
}

PresetTables parse_tables(const QJsonObject& entry, const std::string& preset) {
    PresetTables t;
    for (const auto& p : points(entry.value("colors"), preset, "colors", 4))
        t.colors.push_back({p[0], p[1], p[2], p[3]});
    for (const auto& p : points(entry.value("opacities"), preset, "opacities", 2))
        t.opacities.push_back({p[0], p[1]});
    t.shade = entry.value("shade").toBool();
    const QString blend = entry.value("blend").toString();
    if (blend != "composite" && blend != "maximum-intensity") {
        bad_resource(preset, "blend must be composite or maximum-intensity");
    }
    t.maximum_intensity = blend == "maximum-intensity";
    const QJsonObject window = entry.value("slice_window").toObject();
    if (!window.value("level").isDouble() || !(window.value("width").toDouble() > 0)) {
        bad_resource(preset, "slice_window needs a level and a width > 0 in HU");
    }
    t.slice_window = {window.value("level").toDouble(), window.value("width").toDouble()};
    return t;
}

const PresetTables& tables(CtVolumePreset preset) {
    static const std::map<CtVolumePreset, PresetTables> all = [] {
        QFile file(kPresetResource);
        if (!file.open(QIODevice::ReadOnly)) {
            throw Error(std::string(kPresetResource) + ": missing from the binary");
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
        if (document.isNull()) {
            throw Error(std::string(kPresetResource) + ": " + error.errorString().toStdString());
        }
        const QJsonObject presets = document.object().value("presets").toObject();
        std::map<CtVolumePreset, PresetTables> out;
        for (CtVolumePreset p : all_ct_volume_presets()) {
            const std::string name = to_string(p);
            if (!presets.contains(QString::fromStdString(name))) bad_resource(name, "missing");
            out[p] = parse_tables(presets.value(QString::fromStdString(name)).toObject(), name);
        }
        return out;
    }();
    return all.at(preset);
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
    const PresetTables& t = tables(preset);
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
    return tables(preset).slice_window;
}

}  // namespace radon::render
