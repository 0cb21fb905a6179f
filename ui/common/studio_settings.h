#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

#include "kernels/drr/drr_settings.h"
#include "kernels/physics/drr_output.h"
#include "render/common/ct_volume_preset.h"
#include "ui/common/studio_palette.h"
#include "ui/common/window_preset.h"

class QSettings;

namespace radon::ui {

// What the desktop app remembers between runs (the recent files are kept by RecentFiles). Values
// missing from the settings, or that no longer parse, keep their defaults.
struct StudioSettings {
    StudioPalette palette = StudioPalette::Dark;
    render::CtVolumePreset volume_preset = render::CtVolumePreset::Bone;
    WindowPreset drr_window = WindowPreset::Automatic;
    bool volume_visible = true;
    bool slices_visible = true;
    // The pose panel's projection and output controls (PosePanel::outputChoice).
    DrrReduction drr_projection = DrrReduction::Sum;
    DrrOutput drr_output;
    // A new pixel count keeps the panel size (PosePanel); on, as imaging systems do.
    bool keep_field_of_view = true;
    // The DRR view keeps its window across poses (DrrImageView::setHoldWindow).
    bool hold_drr_window = false;
    QString last_folder;  // where the file dialogs open
    // QMainWindow::saveGeometry/saveState and the views' splitter, as Qt encodes them.
    QByteArray window_geometry;
    QByteArray window_state;
    QByteArray splitter_state;

    void load(QSettings& settings);
    void save(QSettings& settings) const;
};

// "automatic", "bone", "soft tissue", "full range" (as to_string names them).
std::optional<WindowPreset> parse_window_preset(const QString& name);

}  // namespace radon::ui
