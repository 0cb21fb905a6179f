#include "ui/common/image_view.h"

#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "ui/common/axis_ticks.h"
#include "ui/common/image_view_parts.h"
#include "ui/common/windowed_image.h"

namespace radon::ui {

struct ImageView::Drag {
    enum Mode { None = 0, Pan, Window };
};

namespace {

constexpr int kTickLength = 4, kGap = 3;
// Tick labels are at most this wide ("-8888.8", "1.5e+03"): the left margin never changes width.
const char* const kWidestTickLabel = "-8888.8";
constexpr double kLeastImageSide = 64;  // pixels the image keeps before axes and bar give way
// Screen pixels between neighbouring tick labels, at least.
constexpr double kColumnTickGap = 14, kRowTickGap = 14;
const QColor kBackground(20, 20, 22), kAxisColour(190, 190, 190), kCrosshairColour(80, 200, 255);

QString axis_title(const ImageAxis& axis) {
    if (axis.unit.isEmpty()) return axis.label;
    if (axis.label.isEmpty()) return axis.unit;
    return QStringLiteral("%1 (%2)").arg(axis.label, axis.unit);
}

}  // namespace

ImageView::ImageView(QWidget* parent) : QWidget(parent), highlight_colour_(255, 140, 0) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImageView::setImage(const recon::Image2D& image,
                         const std::optional<recon::Window>& automatic) {
    const bool new_size = !hasImage() || !image.pixels.bound() || image.width() != image_.width() ||
                          image.height() != image_.height();
    image_ = image;
    automatic_ = automatic;
    if (!hasImage() || image_.width() < 1 || image_.height() < 1) {
        clear();
        return;
    }
    if (new_size) follow_fit_ = true;
    if (follow_fit_) fit();
    if (!window_held_) {
        applyWindow(automatic_ ? *automatic_ : recon::automatic_window(image_));
    } else {
        refreshDisplay();
    }
    if (hover_) reportCursor(*hover_);
    update();
}

void ImageView::clear() {
    image_ = {};
    automatic_.reset();
    display_ = {};
    highlight_.clear();
    crosshair_.reset();
    follow_fit_ = true;
    if (cursor_inside_) {
        cursor_inside_ = false;
        emit cursorLeftImage();
    }
    update();
}

void ImageView::setAxes(const ImageAxis& columns, const ImageAxis& rows) {
    columns_ = columns;
    rows_ = rows;
    update();
}

QString ImageView::describePixel(int column, int row) const {
    if (!hasImage() || column < 0 || row < 0 || column >= image_.width() || row >= image_.height())
        return {};
    QStringList where;
    for (const auto& [axis, index] : {std::pair<const ImageAxis&, int>(columns_, column),
                                      std::pair<const ImageAxis&, int>(rows_, row)}) {
        if (axis.label.isEmpty() || axis.step == 0) continue;
        QString part = axis.label + ' ' + QString::number(axis.first + index * axis.step, 'g', 6);
        if (!axis.unit.isEmpty()) part += ' ' + axis.unit;
        where << part;
    }
    const QString pixel = tr("pixel %1, %2").arg(column).arg(row);
    const QString value =
        QString::number(image_.pixels[int64_t(row) * image_.width() + column], 'g', 6);
    if (where.isEmpty()) return QStringLiteral("%1: %2").arg(pixel, value);
    return QStringLiteral("%1 (%2): %3").arg(where.join(QStringLiteral(", ")), pixel, value);
}

void ImageView::setPixelAspect(double height_over_width) {
    if (!(height_over_width > 0) || !std::isfinite(height_over_width)) height_over_width = 1;
    if (height_over_width == pixel_aspect_) return;
    pixel_aspect_ = height_over_width;
    follow_fit_ = true;
    fit();
}

void ImageView::setEdgeLetters(const QString& left, const QString& right, const QString& top,
                               const QString& bottom) {
    letters_[0] = left;
    letters_[1] = right;
    letters_[2] = top;
    letters_[3] = bottom;
    update();
}

void ImageView::setColourBarTitle(const QString& title) {
    colour_bar_title_ = title;
    update();
}

void ImageView::setColourBarShown(bool shown) {
    if (shown == colour_bar_shown_) return;
    colour_bar_shown_ = shown;
    if (follow_fit_) fit();
    update();
}

void ImageView::setCaption(const QString& caption) {
    caption_ = caption;
    update();
}

void ImageView::setWindow(const recon::Window& window) {
    if (!std::isfinite(window.level) || !std::isfinite(window.width) || !(window.width > 0)) return;
    window_held_ = true;
    applyWindow(window);
}

void ImageView::resetWindow() {
    window_held_ = false;
    if (hasImage()) applyWindow(automatic_ ? *automatic_ : recon::automatic_window(image_));
    emit windowReset();
}

void ImageView::applyWindow(const recon::Window& window) {
    const bool changed = window.level != window_.level || window.width != window_.width;
    window_ = window;
    refreshDisplay();
    update();
    if (changed) emit windowChanged(window_.level, window_.width);
}

void ImageView::refreshDisplay() {
    display_ = hasImage() ? windowed_image(image_, window_) : QImage();
}

void ImageView::setHighlight(const QVector<QPoint>& pixels, const QColor& colour) {
    highlight_ = pixels;
    highlight_colour_ = colour;
    update();
}

void ImageView::setCrosshair(const std::optional<QPoint>& pixel) {
    crosshair_ = pixel;
    update();
}

ImageView::Layout ImageView::layout() const {
    const QFontMetrics metrics = fontMetrics();
    const double axis_left = metrics.horizontalAdvance(QString::fromLatin1(kWidestTickLabel)) +
                             kTickLength + 2 * kGap + metrics.height() + kGap;
    const double axis_bottom = kTickLength + kGap + 2 * metrics.height() + kGap;
    const double top = metrics.height() + 2 * kGap;
    const double bar = colour_bar_width(metrics), edge = kGap + kTickLength;
    // A view squeezed below what its axes and colour bar need gives up first the colour bar, then
    // the axes, rather than the image.
    Layout out;
    out.colour_bar = colour_bar_shown_ && width() - axis_left - bar >= kLeastImageSide;
    out.left_axis = width() - axis_left - (out.colour_bar ? bar : edge) >= kLeastImageSide;
    out.bottom_axis = height() - top - axis_bottom >= kLeastImageSide;
    const double left = out.left_axis ? axis_left : kGap;
    const double right = out.colour_bar ? bar : edge;
    const double bottom = out.bottom_axis ? axis_bottom : kGap;
    out.area = QRectF(left, top, std::max(1.0, width() - left - right),
                      std::max(1.0, height() - top - bottom));
    return out;
}

QRectF ImageView::imageArea() const {
    return layout().area;
}

QPointF ImageView::widgetPosition(const QPointF& p) const {
    return imageArea().center() +
           QPointF((p.x() - centre_.x()) * scale_, (p.y() - centre_.y()) * scale_ * pixel_aspect_);
}

QPointF ImageView::imagePosition(const QPointF& widget_point) const {
    if (!(scale_ > 0)) return {};
    const QPointF d = widget_point - imageArea().center();
    return centre_ + QPointF(d.x() / scale_, d.y() / (scale_ * pixel_aspect_));
}

QRectF ImageView::imageRect() const {
    if (!hasImage()) return {};
    return QRectF(widgetPosition({-0.5, -0.5}),
                  widgetPosition({image_.width() - 0.5, image_.height() - 0.5}));
}

void ImageView::fit() {
    if (!hasImage()) return;
    const QRectF area = imageArea();
    const double w = static_cast<double>(image_.width());
    const double h = static_cast<double>(image_.height()) * pixel_aspect_;
    scale_ = std::min(area.width() / w, area.height() / h);
    centre_ = QPointF(0.5 * (image_.width() - 1), 0.5 * (image_.height() - 1));
    update();
}

void ImageView::fitToView() {
    follow_fit_ = true;
    fit();
}

void ImageView::resizeEvent(QResizeEvent*) {
    if (follow_fit_) fit();
}

QVector<double> ImageView::ticks(bool columns) const {
    if (!hasImage() || !(scale_ > 0)) return {};
    const ImageAxis& axis = columns ? columns_ : rows_;
    if (axis.step == 0 || !std::isfinite(axis.step) || !std::isfinite(axis.first)) return {};
    const QRectF area = imageArea();
    const QPointF from = imagePosition(area.topLeft()), to = imagePosition(area.bottomRight());
    const double count = static_cast<double>(columns ? image_.width() : image_.height());
    // The part of the image's extent (outer pixel edges) that is in view.
    const double low = std::max(-0.5, columns ? from.x() : from.y());
    const double high = std::min(count - 0.5, columns ? to.x() : to.y());
    if (!(high > low)) return {};
    const double screen = (high - low) * scale_ * (columns ? 1.0 : pixel_aspect_);
    const QFontMetrics metrics = fontMetrics();
    const auto extent = [&](const QString& label) {
        return columns ? double(metrics.horizontalAdvance(label)) : double(metrics.height());
    };
    return fitting_ticks(axis.first + low * axis.step, axis.first + high * axis.step, screen,
                         extent, columns ? kColumnTickGap : kRowTickGap);
}

QVector<double> ImageView::columnTicks() const {
    return ticks(true);
}

QVector<double> ImageView::rowTicks() const {
    return ticks(false);
}

void ImageView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), kBackground);
    const QRectF area = imageArea();
    if (display_.isNull()) {
        painter.setPen(QColor(150, 150, 150));
        painter.drawText(area, Qt::AlignCenter, tr("no image"));
    } else {
        // Smooth only when shrinking: zoomed in, each pixel should stay a crisp rectangle.
        const bool shrinking = scale_ < 1.0 || scale_ * pixel_aspect_ < 1.0;
        painter.save();
        painter.setRenderHint(QPainter::SmoothPixmapTransform, shrinking);
        painter.setClipRect(area);
        painter.drawImage(imageRect(), display_);
        drawHighlight(painter);
        drawCrosshair(painter);
        drawEdgeLetters(painter);
        painter.restore();
        const Layout parts = layout();
        if (parts.bottom_axis) drawAxis(painter, true);
        if (parts.left_axis) drawAxis(painter, false);
    }
    drawCaption(painter);
    if (layout().colour_bar) {
        draw_colour_bar(painter, colour_ramp_rect(size(), fontMetrics()),
                        hasImage() ? std::optional<recon::Window>(window_) : std::nullopt,
                        colour_bar_title_);
    }
}

void ImageView::drawHighlight(QPainter& painter) const {
    if (highlight_.isEmpty()) return;
    const QSizeF pixel(scale_, scale_ * pixel_aspect_);
    // Pixels a few screen pixels wide are outlined; smaller ones are filled, since an outline
    // would hide them anyway.
    const bool outline = pixel.width() >= 5 && pixel.height() >= 5;
    QVector<QRectF> boxes;
    boxes.reserve(highlight_.size());
    for (const QPoint& p : highlight_) {
        if (p.x() < 0 || p.y() < 0 || p.x() >= image_.width() || p.y() >= image_.height()) continue;
        const QPointF corner = widgetPosition(QPointF(p.x() - 0.5, p.y() - 0.5));
        boxes.push_back(QRectF(corner, pixel));
    }
    painter.save();
    if (outline) {
        painter.setPen(QPen(highlight_colour_, 2));
        painter.setBrush(Qt::NoBrush);
        for (QRectF& box : boxes)
            box.adjust(1, 1, -1, -1);
    } else {
        painter.setPen(Qt::NoPen);
        painter.setBrush(highlight_colour_);
    }
    painter.drawRects(boxes);
    painter.restore();
}

void ImageView::drawCrosshair(QPainter& painter) const {
    if (!crosshair_) return;
    const QRectF shown = imageRect();
    const QPointF at = widgetPosition(QPointF(crosshair_->x(), crosshair_->y()));
    painter.save();
    QColor colour = kCrosshairColour;
    colour.setAlpha(150);
    painter.setPen(QPen(colour, 1, Qt::DashLine));
    painter.drawLine(QPointF(shown.left(), at.y()), QPointF(shown.right(), at.y()));
    painter.drawLine(QPointF(at.x(), shown.top()), QPointF(at.x(), shown.bottom()));
    painter.restore();
}

void ImageView::drawEdgeLetters(QPainter& painter) const {
    // Mid-edge of the part of the image that is in view, so that a zoomed image keeps them.
    const QRectF shown = imageRect().intersected(imageArea()).adjusted(6, 4, -6, -4);
    if (shown.width() < 40 || shown.height() < 40) return;
    QFont font = painter.font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.2);
    painter.save();
    painter.setFont(font);
    draw_outlined_text(painter, shown, Qt::AlignLeft | Qt::AlignVCenter, letters_[0]);
    draw_outlined_text(painter, shown, Qt::AlignRight | Qt::AlignVCenter, letters_[1]);
    draw_outlined_text(painter, shown, Qt::AlignTop | Qt::AlignHCenter, letters_[2]);
    draw_outlined_text(painter, shown, Qt::AlignBottom | Qt::AlignHCenter, letters_[3]);
    painter.restore();
}

void ImageView::drawAxis(QPainter& painter, bool columns) const {
    const ImageAxis& axis = columns ? columns_ : rows_;
    const QVector<double> values = ticks(columns);
    const QRectF area = imageArea();
    // The axes hug the part of the image in view.
    const QRectF shown = imageRect().intersected(area);
    if (shown.isEmpty()) return;
    const QFontMetrics metrics = painter.fontMetrics();
    const double step = values.size() >= 2 ? values[1] - values[0] : 0;
    painter.save();
    painter.setPen(kAxisColour);
    if (columns) {
        const double y = shown.bottom();
        painter.drawLine(QPointF(shown.left(), y), QPointF(shown.right(), y));
        for (const double value : values) {
            const double x = widgetPosition({(value - axis.first) / axis.step, 0}).x();
            painter.drawLine(QPointF(x, y), QPointF(x, y + kTickLength));
            const QString label = tick_label(value, step);
            const double half = 0.5 * metrics.horizontalAdvance(label);
            painter.drawText(QPointF(x - half, y + kTickLength + kGap + metrics.ascent()), label);
        }
        const QRectF title_box(shown.left(), y + kTickLength + kGap + metrics.height(),
                               shown.width(), metrics.height());
        painter.drawText(
            title_box, Qt::AlignHCenter | Qt::AlignTop,
            metrics.elidedText(axis_title(axis), Qt::ElideRight, static_cast<int>(shown.width())));
    } else {
        const double x = shown.left();
        painter.drawLine(QPointF(x, shown.top()), QPointF(x, shown.bottom()));
        for (const double value : values) {
            const double y = widgetPosition({0, (value - axis.first) / axis.step}).y();
            painter.drawLine(QPointF(x - kTickLength, y), QPointF(x, y));
            const QString label = tick_label(value, step);
            painter.drawText(QPointF(x - kTickLength - kGap - metrics.horizontalAdvance(label),
                                     y + 0.35 * metrics.height()),
                             label);
        }
        // The title runs up along the left edge of the widget.
        const QString title =
            metrics.elidedText(axis_title(axis), Qt::ElideRight, static_cast<int>(shown.height()));
        const double title_x =
            std::max(0.0, x - kTickLength - 2 * kGap -
                              metrics.horizontalAdvance(QString::fromLatin1(kWidestTickLabel)) -
                              metrics.height());
        painter.translate(title_x + metrics.ascent(), shown.center().y());
        painter.rotate(-90);
        painter.drawText(
            QRectF(-0.5 * shown.height(), -metrics.ascent(), shown.height(), metrics.height()),
            Qt::AlignCenter, title);
    }
    painter.restore();
}

void ImageView::drawCaption(QPainter& painter) const {
    if (caption_.isEmpty()) return;
    const QRectF area = imageArea();
    const QFontMetrics metrics = painter.fontMetrics();
    // Just above the image (the top margin holds it when the image fills the height).
    const QRectF shown = hasImage() ? imageRect().intersected(area) : area;
    const double top =
        std::max(0.0, (shown.isEmpty() ? area : shown).top() - metrics.height() - kGap);
    const double left = (shown.isEmpty() ? area : shown).left();
    const QRectF line(left, top, area.right() - left, metrics.height());
    painter.save();
    painter.setPen(QColor(230, 230, 230));
    painter.drawText(line, Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(caption_, Qt::ElideRight, static_cast<int>(line.width())));
    painter.restore();
}

void ImageView::reportCursor(const QPointF& widget_point) {
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

void ImageView::mousePressEvent(QMouseEvent* event) {
    press_at_ = event->position();
    press_centre_ = centre_;
    press_window_ = window_;
    dragged_ = false;
    switch (drag_for_press(event->button(), event->modifiers())) {
        case ImageDrag::Window:
            drag_mode_ = Drag::Window;
            break;
        case ImageDrag::Pan:
            drag_mode_ = Drag::Pan;
            break;
        case ImageDrag::None:
            drag_mode_ = Drag::None;
            break;
    }
}

void ImageView::mouseMoveEvent(QMouseEvent* event) {
    hover_ = event->position();
    const QPointF delta = event->position() - press_at_;
    if (drag_mode_ != Drag::None && beyond_click(delta)) dragged_ = true;
    if (drag_mode_ == Drag::Pan && dragged_ && scale_ > 0) {
        follow_fit_ = false;
        centre_ = press_centre_ - QPointF(delta.x() / scale_, delta.y() / (scale_ * pixel_aspect_));
        update();
    } else if (drag_mode_ == Drag::Window && dragged_ && hasImage()) {
        setWindow(dragged_window(press_window_, delta));
    }
    reportCursor(event->position());
}

void ImageView::mouseReleaseEvent(QMouseEvent* event) {
    const bool moved = dragged_;
    const int mode = drag_mode_;
    drag_mode_ = Drag::None;
    dragged_ = false;
    if (event->button() == Qt::RightButton && !moved) {
        showMenu(event->globalPosition().toPoint());
        return;
    }
    const bool click = !moved && mode == Drag::Pan && event->button() == Qt::LeftButton;
    if (!click || !hasImage() || !imageArea().contains(event->position())) return;
    const QPointF position = imagePosition(event->position());
    const auto column = static_cast<int64_t>(std::floor(position.x() + 0.5));
    const auto row = static_cast<int64_t>(std::floor(position.y() + 0.5));
    if (column >= 0 && row >= 0 && column < image_.width() && row < image_.height())
        emit pixelClicked(static_cast<int>(column), static_cast<int>(row));
}

void ImageView::showMenu(const QPoint& global_position) {
    // As in the DRR view, a right click without a drag offers what the mouse cannot undo.
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    QAction* automatic = menu->addAction(tr("Automatic window"));
    automatic->setCheckable(true);
    automatic->setChecked(!window_held_);
    connect(automatic, &QAction::triggered, this, &ImageView::resetWindow);
    connect(menu->addAction(tr("Fit to view")), &QAction::triggered, this, &ImageView::fitToView);
    menu->popup(global_position);
}

void ImageView::mouseDoubleClickEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) fitToView();
}

void ImageView::wheelEvent(QWheelEvent* event) {
    if (!hasImage() || !(scale_ > 0)) return;
    const QPointF anchor = event->position();
    const QPointF anchor_image = imagePosition(anchor);
    scale_ = std::clamp(scale_ * wheel_zoom_factor(event->angleDelta().y()), kMinViewScale,
                        kMaxViewScale);
    // Keep the point under the cursor where it is.
    const QPointF d = anchor - imageArea().center();
    centre_ = anchor_image - QPointF(d.x() / scale_, d.y() / (scale_ * pixel_aspect_));
    follow_fit_ = false;
    update();
    reportCursor(anchor);
    event->accept();
}

void ImageView::leaveEvent(QEvent*) {
    hover_.reset();
    if (cursor_inside_) {
        cursor_inside_ = false;
        emit cursorLeftImage();
    }
}

}  // namespace radon::ui
