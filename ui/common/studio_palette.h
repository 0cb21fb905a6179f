#pragma once

#include <QPalette>
#include <QString>

#include <optional>

namespace radon::ui {

// The desktop app's two colour schemes. Both keep Qt's Fusion style, so that they look the same
// whatever the desktop's theme is.
enum class StudioPalette { Dark, Light };

const char* to_string(StudioPalette palette);  // "dark", "light"
std::optional<StudioPalette> parse_studio_palette(const QString& name);

QPalette make_palette(StudioPalette palette);

// Sets the Fusion style and the palette on the whole application.
void apply_studio_palette(StudioPalette palette);

}  // namespace radon::ui
