#pragma once

#include <QPoint>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <Qt>

#include <cstdint>
#include <optional>

#include "recon/io/image_io.h"

class QFontMetrics;
class QPainter;

namespace radon::ui {

// What every image view of the app shares, so that the DRR view and the PET and CT views look and
// answer the mouse alike: the window/level drag, the wheel zoom, the click tolerance, the colour
// bar and the text drawn over images.

inline constexpr double kClickSlop = 3.0;  // pixels a press may move and still count as a click
// Whether a press that moved by `delta` has become a drag.
inline bool beyond_click(QPointF delta) {
    return delta.manhattanLength() > kClickSlop;
}
// What a mouse press starts: a pan (left button), a window/level drag (right button, or Ctrl +
// left), or nothing.
enum class ImageDrag { None, Pan, Window };
ImageDrag drag_for_press(Qt::MouseButton button, Qt::KeyboardModifiers modifiers);

// The pixel (column, row) whose centre is nearest `image_position` (continuous image coordinates,
// pixel centres at whole numbers), when it lies in a width x height image.
std::optional<QPoint> pixel_at(QPointF image_position, int64_t width, int64_t height);

inline constexpr double kMinViewScale = 1e-3, kMaxViewScale = 1e3;  // screen pixels per unit

// The window after a drag of `delta` screen pixels from a press with `at_press`: rightwards widens
// it (exponentially, so that it never reaches zero), downwards lowers the level, by a width per
// 200 pixels.
recon::Window dragged_window(const recon::Window& at_press, QPointF delta);

// The zoom factor of a wheel turn (angleDelta().y(); a notch is 120): 1.2 per notch.
double wheel_zoom_factor(int angle_delta_y);

// A colour bar's value label ("1.234", "-2.5e-05").
QString value_label(double value);

// The width a colour bar needs right of an image: a gap, the grey ramp, value labels as wide as
// the widest value_label writes (so that it never changes width), the title turned upright.
int colour_bar_width(const QFontMetrics& metrics);
// The ramp of a colour bar of colour_bar_width() at the right of a widget of `widget_size`.
QRectF colour_ramp_rect(const QSizeF& widget_size, const QFontMetrics& metrics);
// The grey ramp in `ramp`, labelled with the window's top, level and bottom values when there is
// a window, and `title` running up its right side.
void draw_colour_bar(QPainter& painter, const QRectF& ramp,
                     const std::optional<recon::Window>& window, const QString& title);

// Text with a dark halo, legible on bone white and on air black.
void draw_outlined_text(QPainter& painter, const QRectF& box, int flags, const QString& text);

}  // namespace radon::ui
