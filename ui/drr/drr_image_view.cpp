#include "ui/drr/drr_image_view.h"

#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "ui/common/axis_ticks.h"
#include "ui/common/image_view_parts.h"
#include "ui/common/patient_direction.h"
#include "ui/common/windowed_image.h"

namespace radon::ui {
namespace {

constexpr double kScaleBarShare = 0.25;  // the scale bar spans at most this share of the view

bool same_extent(double a, double b) {
    return std::fabs(a - b) <= 1e-6 * std::max(std::fabs(a), std::fabs(b));
}

// The quantity the values are, with its unit; denser tissue is larger unless inverted.
QString values_title(const DrrValues& v) {
    const bool inverted = v.output.invert != 0;
    if (v.reduction == DrrReduction::Max)
        return inverted ? QObject::tr("minus max. attenuation \u03bc (1/mm)")
                        : QObject::tr("max. attenuation \u03bc (1/mm)");
    switch (v.output.kind) {
        case DrrOutputKind::Transmission:
            if (inverted) return QObject::tr("attenuated I0 - I (counts)");
            return v.output.i0 == 1.0f ? QObject::tr("transmission I/I0 (fraction)")
                                       : QObject::tr("transmission I (counts)");
        case DrrOutputKind::Log:
            return inverted ? QObject::tr("log counts ln I (dimensionless)")
                            : QObject::tr("log ln(I0/I) (dimensionless)");
        case DrrOutputKind::LineIntegral:
        default:
            return inverted ? QObject::tr("minus line integral -p (dimensionless)")
                            : QObject::tr("line integral p (dimensionless)");
    }
}

QString length_label(double mm) {
    return QString::number(mm, 'g', 3);
}

}  // namespace

DrrImageView::DrrImageView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void DrrImageView::setImage(const recon::Image2D& image,
                            const std::optional<recon::Window>& automatic, const DrrValues& values,
                            const std::optional<DrrImageGeometry>& geometry) {
    const QPointF old_extent = extentMm();
    const bool had_image = hasImage();
    image_ = image;
    automatic_ = automatic;
    geometry_ = geometry;
    const bool new_values = values != values_;
    if (new_values) {
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
    // A held window stays for values of the same kind; counts after line integrals need theirs.
    const bool hold = hold_window_ && had_image && !new_values;
    if (preset_ && !hold) {
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

void DrrImageView::setHoldWindow(bool hold) {
    if (hold == hold_window_) return;
    hold_window_ = hold;
    emit holdWindowChanged(hold);
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

int DrrImageView::colourBarWidth() const {
    return colour_bar_width(fontMetrics());
}

QRectF DrrImageView::imageArea() const {
    return QRectF(0, 0, std::max(1, width() - colourBarWidth()), std::max(1, height()));
}

QRectF DrrImageView::colourRampRect() const {
    return colour_ramp_rect(size(), fontMetrics());
}

QString DrrImageView::colourBarTitle() const {
    return values_title(values_);
}

DrrImageView::EdgeLetters DrrImageView::edgeLetters() const {
    if (!geometry_) return {};
    auto letters = [](Vec3 d) { return QString::fromStdString(patient_direction_letters(d)); };
    const Vec3 u = geometry_->column_direction, v = geometry_->row_direction;
    return {letters(-1.0 * u), letters(u), letters(-1.0 * v), letters(v)};
}

double DrrImageView::scaleBarMm() const {
    if (!hasImage() || scale_ <= 0) return 0;
    return nice_length(kScaleBarShare * imageArea().width() / scale_);
}

QString DrrImageView::scaleBarLabel() const {
    const double mm = scaleBarMm();
    if (mm <= 0) return {};
    if (!geometry_ || !(geometry_->magnification > 0))
        return tr("%1 mm at the detector").arg(length_label(mm));
    return tr("%1 mm at the detector\n%2 mm at the isocentre (\u00d7%3)")
        .arg(length_label(mm), length_label(mm / geometry_->magnification))
        .arg(geometry_->magnification, 0, 'f', 2);
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
        drawEdgeLetters(painter);
        drawScaleBar(painter);
        drawWarning(painter);
        painter.setClipping(false);
    }
    drawColourBar(painter);
}

void DrrImageView::drawEdgeLetters(QPainter& painter) const {
    const EdgeLetters letters = edgeLetters();
    // Mid-edge of the part of the image that is in view, so that a zoomed image keeps them.
    const QRectF shown = imageRect().intersected(imageArea()).adjusted(6, 4, -6, -4);
    if (shown.width() < 40 || shown.height() < 40) return;
    QFont font = painter.font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.3);
    painter.save();
    painter.setFont(font);
    draw_outlined_text(painter, shown, Qt::AlignLeft | Qt::AlignVCenter, letters.left);
    draw_outlined_text(painter, shown, Qt::AlignRight | Qt::AlignVCenter, letters.right);
    draw_outlined_text(painter, shown, Qt::AlignTop | Qt::AlignHCenter, letters.top);
    draw_outlined_text(painter, shown, Qt::AlignBottom | Qt::AlignHCenter, letters.bottom);
    painter.restore();
}

void DrrImageView::setWarning(const QString& banner, const QString& details) {
    setToolTip(details);
    if (banner == warning_) return;
    warning_ = banner;
    update();
}

void DrrImageView::drawWarning(QPainter& painter) const {
    if (warning_.isEmpty()) return;
    const QRectF area = imageArea();
    const QRectF shown = imageRect().intersected(area);
    const QFontMetrics metrics = painter.fontMetrics();
    // Above the image where there is room, so that it hides neither anatomy nor the top letter.
    const double height = metrics.height() + 8;
    const double top = shown.top() - height >= area.top() ? shown.top() - height : shown.top();
    const QRectF band(shown.left(), top, shown.width(), height);
    painter.save();
    painter.fillRect(band, QColor(170, 30, 20, 215));
    painter.setPen(Qt::white);
    painter.drawText(band.adjusted(6, 0, -6, 0), Qt::AlignCenter,
                     metrics.elidedText(warning_, Qt::ElideRight, int(band.width()) - 12));
    painter.restore();
}

void DrrImageView::drawScaleBar(QPainter& painter) const {
    const double mm = scaleBarMm();
    if (mm <= 0) return;
    const QStringList lines = scaleBarLabel().split('\n');
    const QFontMetrics metrics = painter.fontMetrics();
    int text_width = 0;
    for (const QString& line : lines)
        text_width = std::max(text_width, metrics.horizontalAdvance(line));
    const double length = mm * scale_;
    const QSizeF size(std::max<double>(text_width, length) + 12,
                      lines.size() * metrics.height() + 18);
    // Below the image where there is room, so that it hides no anatomy; else in its lower left
    // corner, on a dark plate.
    const QRectF area = imageArea();
    const QRectF shown = imageRect().intersected(area);
    QPointF top_left(std::max(area.left(), shown.left()) + 6, shown.bottom() + 6);
    if (shown.isEmpty() || top_left.y() + size.height() > area.bottom())
        top_left =
            QPointF(top_left.x(), (shown.isEmpty() ? area : shown).bottom() - size.height() - 6);
    const QRectF plate(top_left, size);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 150));
    painter.drawRoundedRect(plate, 4, 4);
    const QPointF start(plate.left() + 6, plate.bottom() - 8);
    painter.setPen(QPen(QColor(255, 220, 90), 3, Qt::SolidLine, Qt::FlatCap));
    painter.drawLine(start, start + QPointF(length, 0));
    painter.setPen(QColor(255, 220, 90));
    painter.drawText(
        QRectF(plate.left() + 6, plate.top() + 3, text_width, lines.size() * metrics.height()),
        Qt::AlignLeft | Qt::AlignTop, lines.join('\n'));
    painter.restore();
}

void DrrImageView::drawColourBar(QPainter& painter) const {
    draw_colour_bar(painter, colourRampRect(),
                    hasImage() ? std::optional<recon::Window>(window_) : std::nullopt,
                    colourBarTitle());
}

void DrrImageView::reportCursor(const QPointF& widget_point) {
    if (hasImage() && imageArea().contains(widget_point)) {
        if (const auto pixel =
                pixel_at(imagePosition(widget_point), image_.width(), image_.height())) {
            cursor_inside_ = true;
            emit pixelHovered(pixel->x(), pixel->y(),
                              image_.pixels[int64_t(pixel->y()) * image_.width() + pixel->x()]);
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
    const ImageDrag drag = drag_for_press(event->button(), event->modifiers());
    if (drag == ImageDrag::Window) {
        drag_ = Drag::Window;
    } else if (drag == ImageDrag::Pan) {
        drag_ = Drag::Pan;
    }
}

void DrrImageView::mouseMoveEvent(QMouseEvent* event) {
    hover_ = event->position();
    const QPointF delta = event->position() - press_position_;
    if (drag_ != Drag::None && beyond_click(delta)) {
        dragged_ = true;
    }
    if (drag_ == Drag::Pan && dragged_) {
        follow_fit_ = false;
        center_mm_ = press_center_mm_ - delta / scale_;
        update();
    } else if (drag_ == Drag::Window && dragged_ && hasImage()) {
        const recon::Window dragged = dragged_window(press_window_, delta);
        setWindow(dragged.level, dragged.width);
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
    QAction* hold = menu->addAction(tr("Hold window across poses"));
    hold->setCheckable(true);
    hold->setChecked(hold_window_);
    connect(hold, &QAction::toggled, this, &DrrImageView::setHoldWindow);
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
    scale_ = std::clamp(scale_ * wheel_zoom_factor(event->angleDelta().y()), kMinViewScale,
                        kMaxViewScale);
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
