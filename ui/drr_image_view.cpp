#include "ui/drr_image_view.h"

#include <QLinearGradient>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "ui/windowed_image.h"

namespace radon::ui {
namespace {

constexpr int kColourBarWidth = 84;                  // the ramp and its labels
constexpr double kDragPixelsPerWindowWidth = 200.0;  // W/L drag sensitivity
constexpr double kZoomPerWheelNotch = 1.2;           // a notch is 120 units of angleDelta
constexpr double kMinScale = 1e-3, kMaxScale = 1e3;  // screen pixels per mm
constexpr double kClickSlop = 3.0;  // pixels a press may move and still count as a click

bool same_extent(double a, double b) {
    return std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b));
}

QString value_label(double value) {
    return QString::number(value, 'g', 4);
}

}  // namespace

DrrImageView::DrrImageView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void DrrImageView::setImage(const recon::Image2D& image,
                            const std::optional<recon::Window>& automatic,
                            const DrrValues& values) {
    const QPointF old_extent = extentMm();
    const bool had_image = hasImage();
    image_ = image;
    automatic_ = automatic;
    if (values != values_) {
        values_ = values;
        if (!preset_) preset_ = last_preset_;
    }
    const QPointF extent = extentMm();
    // A new panel size (not just a new pixel count over the same panel) deserves a fresh fit.
    if (!had_image || !same_extent(old_extent.x(), extent.x()) ||
        !same_extent(old_extent.y(), extent.y())) {
        follow_fit_ = true;
    }
    if (follow_fit_) fitToView();
    if (preset_) {
        applyWindow(window_for_preset(*preset_, image_, automatic_, values_));
    } else {
        display_ = windowed_image(image_, window_);
    }
    if (hover_) reportCursor(*hover_);
    update();
}

void DrrImageView::setWindow(double level, double width) {
    if (!std::isfinite(level) || !std::isfinite(width) || width <= 0) return;
    preset_.reset();
    applyWindow({level, width});
}

void DrrImageView::applyWindowPreset(WindowPreset preset) {
    preset_ = preset;
    last_preset_ = preset;
    if (hasImage()) applyWindow(window_for_preset(preset, image_, automatic_, values_));
}

void DrrImageView::applyWindow(const recon::Window& window) {
    window_ = window;
    if (hasImage()) display_ = windowed_image(image_, window_);
    update();
    emit windowChanged(window_.level, window_.width);
}

QRectF DrrImageView::imageArea() const {
    return QRectF(0, 0, std::max(1, width() - kColourBarWidth), std::max(1, height()));
}

QPointF DrrImageView::extentMm() const {
    if (!hasImage()) return {0, 0};
    return {static_cast<double>(image_.width()) * image_.spacing[0],
            static_cast<double>(image_.height()) * image_.spacing[1]};
}

QPointF DrrImageView::toScreen(const QPointF& mm) const {
    return imageArea().center() + (mm - center_mm_) * scale_;
}

QPointF DrrImageView::toMm(const QPointF& screen) const {
    return center_mm_ + (screen - imageArea().center()) / scale_;
}

QRectF DrrImageView::imageRect() const {
    return QRectF(toScreen({0, 0}), toScreen(extentMm()));
}

QPointF DrrImageView::imagePosition(const QPointF& widget_point) const {
    const QPointF mm = toMm(widget_point);
    return {mm.x() / image_.spacing[0] - 0.5, mm.y() / image_.spacing[1] - 0.5};
}

void DrrImageView::fitToView() {
    follow_fit_ = true;
    const QPointF extent = extentMm();
    if (extent.x() <= 0 || extent.y() <= 0) return;
    const QRectF area = imageArea();
    scale_ = std::min(area.width() / extent.x(), area.height() / extent.y());
    center_mm_ = extent / 2;
    update();
}

void DrrImageView::resizeEvent(QResizeEvent*) {
    if (follow_fit_) fitToView();
}

void DrrImageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), QColor(20, 20, 22));
    if (display_.isNull()) {
        painter.setPen(QColor(150, 150, 150));
        painter.drawText(imageArea(), Qt::AlignCenter, tr("no image"));
    } else {
        // Smooth only when shrinking: zoomed in, each pixel should stay a crisp square.
        const bool shrinking = scale_ * image_.spacing[0] < 1.0 || scale_ * image_.spacing[1] < 1.0;
        painter.setRenderHint(QPainter::SmoothPixmapTransform, shrinking);
        painter.setClipRect(imageArea());
        painter.drawImage(imageRect(), display_);
        painter.setClipping(false);
    }
    drawColourBar(painter);
}

void DrrImageView::drawColourBar(QPainter& painter) const {
    const int margin = 12;
    const QRectF ramp(width() - kColourBarWidth + 10, margin, 14, height() - 2 * margin);
    if (ramp.height() < 20) return;
    QLinearGradient gradient(ramp.bottomLeft(), ramp.topLeft());
    gradient.setColorAt(0, Qt::black);
    gradient.setColorAt(1, Qt::white);
    painter.fillRect(ramp, gradient);
    painter.setPen(QColor(110, 110, 110));
    painter.drawRect(ramp);
    if (!hasImage()) return;

    painter.setPen(QColor(220, 220, 220));
    const double low = window_.level - 0.5 * window_.width;
    const QFontMetrics metrics = painter.fontMetrics();
    const double text_x = ramp.right() + 6;
    const double half_line = 0.35 * metrics.height();
    painter.drawText(QPointF(text_x, ramp.top() + half_line), value_label(low + window_.width));
    painter.drawText(QPointF(text_x, ramp.center().y() + half_line), value_label(window_.level));
    painter.drawText(QPointF(text_x, ramp.bottom() + half_line), value_label(low));
}

void DrrImageView::reportCursor(const QPointF& widget_point) {
    const bool over_area = imageArea().contains(widget_point);
    if (hasImage() && over_area) {
        const QPointF position = imagePosition(widget_point);
        const auto column = static_cast<int64_t>(std::floor(position.x() + 0.5));
        const auto row = static_cast<int64_t>(std::floor(position.y() + 0.5));
        if (column >= 0 && row >= 0 && column < image_.width() && row < image_.height()) {
            cursor_inside_ = true;
            emit pixelHovered(static_cast<int>(column), static_cast<int>(row),
                              image_.pixels[row * image_.width() + column]);
            return;
        }
    }
    if (cursor_inside_) {
        cursor_inside_ = false;
        emit cursorLeftImage();
    }
}

void DrrImageView::mousePressEvent(QMouseEvent* event) {
    press_position_ = event->position();
    press_center_mm_ = center_mm_;
    press_window_ = window_;
    dragged_ = false;
    const bool window_drag =
        event->button() == Qt::RightButton ||
        (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier));
    if (window_drag) {
        drag_ = Drag::Window;
    } else if (event->button() == Qt::LeftButton) {
        drag_ = Drag::Pan;
    }
}

void DrrImageView::mouseMoveEvent(QMouseEvent* event) {
    hover_ = event->position();
    const QPointF delta = event->position() - press_position_;
    if (drag_ != Drag::None && (std::fabs(delta.x()) + std::fabs(delta.y()) > kClickSlop)) {
        dragged_ = true;
    }
    if (drag_ == Drag::Pan && dragged_) {
        follow_fit_ = false;
        center_mm_ = press_center_mm_ - delta / scale_;
        update();
    } else if (drag_ == Drag::Window && dragged_ && hasImage()) {
        const double width = press_window_.width * std::exp(delta.x() / kDragPixelsPerWindowWidth);
        const double level =
            press_window_.level - delta.y() * press_window_.width / kDragPixelsPerWindowWidth;
        setWindow(level, width);
    }
    reportCursor(event->position());
}

void DrrImageView::mouseReleaseEvent(QMouseEvent* event) {
    const bool click = !dragged_;
    drag_ = Drag::None;
    if (event->button() == Qt::RightButton && click) {
        showPresetMenu(event->globalPosition().toPoint());
    }
}

void DrrImageView::showPresetMenu(const QPoint& global_position) {
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    for (const WindowPreset preset : {WindowPreset::Automatic, WindowPreset::Bone,
                                      WindowPreset::SoftTissue, WindowPreset::FullRange}) {
        QAction* action = menu->addAction(tr("Window: %1").arg(to_string(preset)));
        action->setCheckable(true);
        action->setChecked(preset_ == preset);
        connect(action, &QAction::triggered, this, [this, preset] { applyWindowPreset(preset); });
    }
    menu->addSeparator();
    connect(menu->addAction(tr("Fit to view")), &QAction::triggered, this,
            &DrrImageView::fitToView);
    menu->popup(global_position);
}

void DrrImageView::mouseDoubleClickEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) fitToView();
}

void DrrImageView::wheelEvent(QWheelEvent* event) {
    if (!hasImage()) return;
    const QPointF anchor = event->position();
    const QPointF anchor_mm = toMm(anchor);
    const double factor = std::pow(kZoomPerWheelNotch, event->angleDelta().y() / 120.0);
    scale_ = std::clamp(scale_ * factor, kMinScale, kMaxScale);
    // Keep the point under the cursor where it is.
    center_mm_ = anchor_mm - (anchor - imageArea().center()) / scale_;
    follow_fit_ = false;
    update();
    reportCursor(anchor);
    event->accept();
}

void DrrImageView::leaveEvent(QEvent*) {
    hover_.reset();
    if (cursor_inside_) {
        cursor_inside_ = false;
        emit cursorLeftImage();
    }
}

}  // namespace radon::ui
