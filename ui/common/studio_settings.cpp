#include "ui/common/studio_settings.h"

#include <QSettings>

#include <cmath>
#include <exception>

namespace radon::ui {

std::optional<WindowPreset> parse_window_preset(const QString& name) {
    for (const WindowPreset preset : {WindowPreset::Automatic, WindowPreset::Bone,
                                      WindowPreset::SoftTissue, WindowPreset::FullRange}) {
        if (name == QLatin1String(to_string(preset))) return preset;
    }
    return std::nullopt;
}

void StudioSettings::load(QSettings& s) {
    if (const auto p = parse_studio_palette(s.value("view/palette").toString())) palette = *p;
    try {
        if (s.contains("view/volumePreset"))
            volume_preset = render::parse_ct_volume_preset(
                s.value("view/volumePreset").toString().toStdString());
    } catch (const std::exception&) {
        // A name from another version: keep the default.
    }
    if (const auto w = parse_window_preset(s.value("view/drrWindow").toString())) drr_window = *w;
    try {
        if (s.contains("drr/projection"))
            drr_projection =
                parse_drr_reduction(s.value("drr/projection").toString().toStdString());
        if (s.contains("drr/output"))
            drr_output.kind = parse_drr_output_kind(s.value("drr/output").toString().toStdString());
    } catch (const std::exception&) {
        // A name from another version: keep the default.
    }
    bool number = false;
    const double i0 = s.value("drr/i0").toDouble(&number);
    if (number && std::isfinite(i0) && i0 > 0) drr_output.i0 = static_cast<float>(i0);
    drr_output.invert = s.value("drr/invert", drr_output.invert != 0).toBool() ? 1 : 0;
    keep_field_of_view = s.value("drr/keepFieldOfView", keep_field_of_view).toBool();
    hold_drr_window = s.value("view/holdDrrWindow", hold_drr_window).toBool();
    volume_visible = s.value("view/volumeVisible", volume_visible).toBool();
    slices_visible = s.value("view/slicesVisible", slices_visible).toBool();
    last_folder = s.value("files/lastFolder", last_folder).toString();
    window_geometry = s.value("window/geometry").toByteArray();
    window_state = s.value("window/state").toByteArray();
    splitter_state = s.value("window/splitter").toByteArray();
}

void StudioSettings::save(QSettings& s) const {
    s.setValue("view/palette", to_string(palette));
    s.setValue("view/volumePreset", render::to_string(volume_preset));
    s.setValue("view/drrWindow", to_string(drr_window));
    s.setValue("drr/projection", to_string(drr_projection));
    s.setValue("drr/output", to_string(drr_output.kind));
    s.setValue("drr/i0", static_cast<double>(drr_output.i0));
    s.setValue("drr/invert", drr_output.invert != 0);
    s.setValue("drr/keepFieldOfView", keep_field_of_view);
    s.setValue("view/holdDrrWindow", hold_drr_window);
    s.setValue("view/volumeVisible", volume_visible);
    s.setValue("view/slicesVisible", slices_visible);
    s.setValue("files/lastFolder", last_folder);
    s.setValue("window/geometry", window_geometry);
    s.setValue("window/state", window_state);
    s.setValue("window/splitter", splitter_state);
}

}  // namespace radon::ui
