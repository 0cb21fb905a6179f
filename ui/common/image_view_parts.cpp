#include "ui/common/image_view_parts.h"

#include <QFontMetrics>
#include <QLinearGradient>
#include <QPainter>

#include <cmath>

namespace radon::ui {
namespace {

// The colour bar, from the image: a gap, the ramp, a gap, the value labels, the title (turned).
constexpr int kRampGap = 10, kRampWidth = 14, kLabelGap = 6, kTitleGap = 4, kBarMargin = 12;
// The widest value label value_label() writes, so that the bar's width never changes.
const char* const kWidestValueLabel = "-8.888e-88";
constexpr double kDragPixelsPerWindowWidth = 200.0;  // W/L drag sensitivity
constexpr double kZoomPerWheelNotch = 1.2;

}  // namespace

recon::Window dragged_window(const recon::Window& at_press, QPointF delta) {
    return {at_press.level - delta.y() * at_press.width / kDragPixelsPerWindowWidth,
            at_press.width * std::exp(delta.x() / kDragPixelsPerWindowWidth)};
}

double wheel_zoom_factor(int angle_delta_y) {
    return std::pow(kZoomPerWheelNotch, angle_delta_y / 120.0);
}

QString value_label(double value) {
    return QString::number(value, 'g', 4);
}

int colour_bar_width(const QFontMetrics& metrics) {
    return kRampGap + kRampWidth + kLabelGap +
           metrics.horizontalAdvance(QString::fromLatin1(kWidestValueLabel)) + kTitleGap +
           metrics.height() + kTitleGap;
}

QRectF colour_ramp_rect(const QSizeF& widget_size, const QFontMetrics& metrics) {
    return QRectF(widget_size.width() - colour_bar_width(metrics) + kRampGap, kBarMargin,
                  kRampWidth, widget_size.height() - 2 * kBarMargin);
}

void draw_colour_bar(QPainter& painter, const QRectF& ramp,
                     const std::optional<recon::Window>& window, const QString& title) {
    if (ramp.height() < 20) return;
    QLinearGradient gradient(ramp.bottomLeft(), ramp.topLeft());
    gradient.setColorAt(0, Qt::black);
    gradient.setColorAt(1, Qt::white);
    painter.fillRect(ramp, gradient);
    painter.setPen(QColor(110, 110, 110));
    painter.drawRect(ramp);
    if (!window) return;

    painter.setPen(QColor(220, 220, 220));
    const double low = window->level - 0.5 * window->width;
    const QFontMetrics metrics = painter.fontMetrics();
    const double text_x = ramp.right() + kLabelGap;
    // The top and bottom labels sit level with the ramp's ends, inside the widget.
    painter.drawText(QPointF(text_x, ramp.top() + metrics.ascent() - 2),
                     value_label(low + window->width));
    painter.drawText(QPointF(text_x, ramp.center().y() + 0.35 * metrics.height()),
                     value_label(window->level));
    painter.drawText(QPointF(text_x, ramp.bottom() - metrics.descent()), value_label(low));

    // The title runs up along the right edge.
    const double title_x =
        text_x + metrics.horizontalAdvance(QString::fromLatin1(kWidestValueLabel)) + kTitleGap;
    const QString elided =
        metrics.elidedText(title, Qt::ElideRight, static_cast<int>(ramp.height()));
    painter.save();
    painter.translate(title_x + metrics.ascent(), ramp.center().y());
    painter.rotate(-90);
    painter.drawText(
        QRectF(-0.5 * ramp.height(), -metrics.ascent(), ramp.height(), metrics.height()),
        Qt::AlignCenter, elided);
    painter.restore();
}

void draw_outlined_text(QPainter& painter, const QRectF& box, int flags, const QString& text) {
    painter.setPen(QColor(0, 0, 0, 200));
    for (const QPointF d : {QPointF(-1, 0), QPointF(1, 0), QPointF(0, -1), QPointF(0, 1)})
        painter.drawText(box.translated(d), flags, text);
    painter.setPen(QColor(255, 220, 90));
    painter.drawText(box, flags, text);
}

ImageDrag drag_for_press(Qt::MouseButton button, Qt::KeyboardModifiers modifiers) {
    if (button == Qt::RightButton ||
        (button == Qt::LeftButton && (modifiers & Qt::ControlModifier)))
        return ImageDrag::Window;
    return button == Qt::LeftButton ? ImageDrag::Pan : ImageDrag::None;
}

std::optional<QPoint> pixel_at(QPointF image_position, int64_t width, int64_t height) {
    const auto column = static_cast<int64_t>(std::floor(image_position.x() + 0.5));
    const auto row = static_cast<int64_t>(std::floor(image_position.y() + 0.5));
    if (column < 0 || row < 0 || column >= width || row >= height) return std::nullopt;
    return QPoint(static_cast<int>(column), static_cast<int>(row));
}

}  // namespace radon::ui
