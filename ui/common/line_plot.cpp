#include "ui/common/line_plot.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ui/common/axis_ticks.h"

namespace radon::ui {
namespace {

constexpr int kTickLength = 4, kGap = 4, kRightMargin = 14;
constexpr double kMargin = 0.05;            // of the span, around the data
constexpr double kSingleLogHalfSpan = 0.5;  // decades around a single value on a log axis
constexpr double kTickGap = 16;             // screen pixels between x tick labels, at least
constexpr double kYTickSpacing = 30;        // screen pixels per y interval, at least
constexpr int kMaxDots = 400;               // more points than this are drawn as a line only
constexpr double kDotRadius = 2.5;

bool whole(double v) {
    return std::floor(v) == v;
}

// Log ticks (1, 2 or 5 times a power of ten) read plainly from 0.001 to 1000, in scientific
// notation beyond.
QString axis_label(double value, double step, bool logarithmic) {
    if (!logarithmic) return tick_label(value, step);
    const bool plain = value >= 1e-3 * (1 - 1e-9) && value < 1e4;
    return QString::number(value, 'g', plain ? 6 : 3);
}

}  // namespace

LinePlot::LinePlot(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(160, 120);
}

void LinePlot::setTitle(const QString& title) {
    title_ = title;
    update();
}

void LinePlot::setAxisLabels(const QString& x, const QString& y) {
    x_label_ = x;
    y_label_ = y;
    update();
}

void LinePlot::setLogarithmicY(bool logarithmic) {
    log_y_ = logarithmic;
    update();
}

int LinePlot::addSeries(const QString& name, const QColor& colour) {
    series_.push_back({name, colour, {}});
    update();
    return static_cast<int>(series_.size()) - 1;
}

void LinePlot::setPoints(int series, const QVector<QPointF>& points) {
    if (series < 0 || series >= series_.size()) return;
    series_[series].points = points;
    update();
}

void LinePlot::addPoint(int series, const QPointF& point) {
    if (series < 0 || series >= series_.size()) return;
    series_[series].points.push_back(point);
    update();
}

void LinePlot::clearPoints() {
    for (Series& s : series_)
        s.points.clear();
    update();
}

void LinePlot::clear() {
    series_.clear();
    update();
}

bool LinePlot::shown(const QPointF& p) const {
    return std::isfinite(p.x()) && std::isfinite(p.y()) && (!log_y_ || p.y() > 0);
}

LinePlot::Range LinePlot::xRange() const {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const Series& s : series_)
        for (const QPointF& p : s.points)
            if (shown(p)) {
                low = std::min(low, p.x());
                high = std::max(high, p.x());
            }
    if (!(low <= high)) return {};
    if (low == high) {
        // One x: a unit range about it (an iteration number), or 10 % of it for large values.
        const double half = std::max(0.5, 0.1 * std::fabs(low));
        return {low - half, high + half};
    }
    const double margin = kMargin * (high - low);
    return {low - margin, high + margin};
}

LinePlot::Range LinePlot::yRange() const {
    double low = std::numeric_limits<double>::infinity(), high = -low;
    for (const Series& s : series_)
        for (const QPointF& p : s.points)
            if (shown(p)) {
                const double y = log_y_ ? std::log10(p.y()) : p.y();
                low = std::min(low, y);
                high = std::max(high, y);
            }
    if (!(low <= high)) return log_y_ ? Range{1, 10} : Range{};
    double margin = kMargin * (high - low);
    if (low == high) {
        // All values equal: a range about them, so that they show as a level line mid-plot.
        margin = log_y_ ? kSingleLogHalfSpan : (low == 0 ? 1.0 : 0.1 * std::fabs(low));
    }
    if (log_y_) return {std::pow(10.0, low - margin), std::pow(10.0, high + margin)};
    return {low - margin, high + margin};
}

QVector<double> LinePlot::xTicks() const {
    const Range range = xRange();
    const double width = std::max(1.0, plotRect().width());
    // Iteration counts: no tick between two whole numbers when every x is whole.
    bool all_whole = true;
    for (const Series& s : series_)
        for (const QPointF& p : s.points)
            if (shown(p) && !whole(p.x())) all_whole = false;
    const QFontMetrics metrics = fontMetrics();
    QVector<double> ticks = fitting_ticks(
        range.low, range.high, width,
        [&](const QString& label) { return double(metrics.horizontalAdvance(label)); }, kTickGap);
    if (all_whole && ticks.size() >= 2 && ticks[1] - ticks[0] < 1) {
        QVector<double> whole_ticks;
        for (double x = std::ceil(range.low); x <= range.high; x += 1)
            whole_ticks.push_back(x);
        return whole_ticks;
    }
    return ticks;
}

QVector<double> LinePlot::yTicks() const {
    const Range range = yRange();
    // The height only (not the width, which depends on the labels of these ticks).
    const QFontMetrics metrics = fontMetrics();
    const double top = metrics.height() + 2 * kGap;
    const double bottom = kTickLength + kGap + 2 * metrics.height() + kGap;
    const double height = std::max(1.0, this->height() - top - bottom);
    const int intervals = std::max(1, static_cast<int>(height / kYTickSpacing));
    return log_y_ ? log_ticks(range.low, range.high, intervals)
                  : linear_ticks(range.low, range.high, intervals);
}

QRectF LinePlot::plotRect() const {
    const QFontMetrics metrics = fontMetrics();
    const QVector<double> ticks = yTicks();
    const double step = ticks.size() >= 2 ? ticks[1] - ticks[0] : 0;
    int label_width = metrics.horizontalAdvance(QStringLiteral("0"));
    for (const double t : ticks)
        label_width = std::max(label_width, metrics.horizontalAdvance(axis_label(t, step, log_y_)));
    const double left = kGap + metrics.height() + kGap + label_width + kGap + kTickLength;
    const double top = metrics.height() + 2 * kGap;
    const double bottom = kTickLength + kGap + 2 * metrics.height() + kGap;
    return QRectF(left, top, std::max(1.0, width() - left - kRightMargin),
                  std::max(1.0, height() - top - bottom));
}

double LinePlot::yScreen(double y) const {
    return log_y_ ? std::log10(y) : y;
}

LinePlot::Mapping LinePlot::mapping() const {
    const Range y = yRange();
    return {plotRect(), xRange(), {yScreen(y.low), yScreen(y.high)}};
}

QPointF LinePlot::map(const Mapping& m, const QPointF& data) const {
    const double fx = (data.x() - m.x.low) / (m.x.high - m.x.low);
    const double fy = (yScreen(data.y()) - m.y.low) / (m.y.high - m.y.low);
    return {m.plot.left() + fx * m.plot.width(), m.plot.bottom() - fy * m.plot.height()};
}

QPointF LinePlot::widgetPosition(const QPointF& data) const {
    return map(mapping(), data);
}

void LinePlot::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QPalette& colours = palette();
    painter.fillRect(rect(), colours.color(QPalette::Window));
    const Mapping to_widget = mapping();
    const QRectF plot = to_widget.plot;
    const QFontMetrics metrics = painter.fontMetrics();
    painter.fillRect(plot, colours.color(QPalette::Base));

    const QColor text = colours.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlpha(40);
    bool any = false;
    for (const Series& s : series_)
        for (const QPointF& p : s.points)
            any = any || shown(p);

    // Title above the plot.
    painter.setPen(text);
    if (!title_.isEmpty()) {
        QFont bold = painter.font();
        bold.setBold(true);
        painter.save();
        painter.setFont(bold);
        painter.drawText(QRectF(plot.left(), kGap, plot.width(), metrics.height()),
                         Qt::AlignHCenter | Qt::AlignVCenter,
                         metrics.elidedText(title_, Qt::ElideRight, int(plot.width())));
        painter.restore();
    }

    if (any) {
        // Grid and ticks.
        const QVector<double> xs = xTicks(), ys = yTicks();
        const double x_step = xs.size() >= 2 ? xs[1] - xs[0] : 0;
        const double y_step = ys.size() >= 2 ? ys[1] - ys[0] : 0;
        for (const double x : xs) {
            const double sx = map(to_widget, {x, 1}).x();
            painter.setPen(grid);
            painter.drawLine(QPointF(sx, plot.top()), QPointF(sx, plot.bottom()));
            painter.setPen(text);
            painter.drawLine(QPointF(sx, plot.bottom()), QPointF(sx, plot.bottom() + kTickLength));
            const QString label = tick_label(x, x_step);
            painter.drawText(QPointF(sx - 0.5 * metrics.horizontalAdvance(label),
                                     plot.bottom() + kTickLength + kGap + metrics.ascent()),
                             label);
        }
        if (log_y_) {
            painter.setPen(text);
            const Range y_range = yRange();
            for (const double y : log_minor_ticks(y_range.low, y_range.high, ys)) {
                const double sy = map(to_widget, {0, y}).y();
                painter.drawLine(QPointF(plot.left() - kTickLength / 2.0, sy),
                                 QPointF(plot.left(), sy));
            }
        }
        for (const double y : ys) {
            const double sy = map(to_widget, {0, y}).y();
            painter.setPen(grid);
            painter.drawLine(QPointF(plot.left(), sy), QPointF(plot.right(), sy));
            painter.setPen(text);
            painter.drawLine(QPointF(plot.left() - kTickLength, sy), QPointF(plot.left(), sy));
            const QString label = axis_label(y, y_step, log_y_);
            painter.drawText(
                QPointF(plot.left() - kTickLength - kGap - metrics.horizontalAdvance(label),
                        sy + 0.35 * metrics.height()),
                label);
        }

        // The series: lines broken where a point cannot be shown, dots where they are few.
        painter.save();
        painter.setClipRect(
            plot.adjusted(-kDotRadius - 1, -kDotRadius - 1, kDotRadius + 1, kDotRadius + 1));
        painter.setRenderHint(QPainter::Antialiasing);
        for (const Series& s : series_) {
            QPainterPath path;
            bool open = false;
            int count = 0;
            for (const QPointF& p : s.points) {
                if (!shown(p)) {
                    open = false;
                    continue;
                }
                const QPointF at = map(to_widget, p);
                if (open) {
                    path.lineTo(at);
                } else {
                    path.moveTo(at);
                    open = true;
                }
                ++count;
            }
            painter.setPen(QPen(s.colour, 1.6));
            painter.setBrush(Qt::NoBrush);
            painter.drawPath(path);
            if (count <= kMaxDots) {
                painter.setPen(Qt::NoPen);
                painter.setBrush(s.colour);
                for (const QPointF& p : s.points)
                    if (shown(p)) painter.drawEllipse(map(to_widget, p), kDotRadius, kDotRadius);
            }
        }
        painter.restore();
        drawLegend(painter, to_widget);
    } else {
        painter.setPen(QColor(140, 140, 140));
        painter.drawText(plot, Qt::AlignCenter, tr("no data yet"));
    }

    painter.setPen(text);
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(plot);

    // Axis titles: x below the tick labels, y up the left edge.
    painter.drawText(QRectF(plot.left(), plot.bottom() + kTickLength + kGap + metrics.height(),
                            plot.width(), metrics.height()),
                     Qt::AlignHCenter | Qt::AlignTop,
                     metrics.elidedText(x_label_, Qt::ElideRight, int(plot.width())));
    painter.save();
    painter.translate(kGap + metrics.ascent(), plot.center().y());
    painter.rotate(-90);
    painter.drawText(
        QRectF(-0.5 * plot.height(), -metrics.ascent(), plot.height(), metrics.height()),
        Qt::AlignCenter, metrics.elidedText(y_label_, Qt::ElideRight, int(plot.height())));
    painter.restore();
}

void LinePlot::drawLegend(QPainter& painter, const Mapping& to_widget) const {
    const QRectF& plot = to_widget.plot;
    const QFontMetrics metrics = painter.fontMetrics();
    int named = 0, text_width = 0;
    for (const Series& s : series_) {
        if (s.name.isEmpty()) continue;
        ++named;
        text_width = std::max(text_width, metrics.horizontalAdvance(s.name));
    }
    if (named == 0) return;
    constexpr int kSwatch = 16, kPad = 5;
    const QSizeF size(kPad + kSwatch + kPad + text_width + kPad,
                      kPad + named * metrics.height() + kPad);
    // The corner that hides the fewest points (top right first: where falling residuals leave
    // room).
    const QRectF corners[4] = {
        QRectF(QPointF(plot.right() - size.width() - 6, plot.top() + 6), size),
        QRectF(QPointF(plot.right() - size.width() - 6, plot.bottom() - size.height() - 6), size),
        QRectF(QPointF(plot.left() + 6, plot.top() + 6), size),
        QRectF(QPointF(plot.left() + 6, plot.bottom() - size.height() - 6), size)};
    QRectF box = corners[0];
    int fewest = std::numeric_limits<int>::max();
    for (const QRectF& corner : corners) {
        int hidden = 0;
        for (const Series& s : series_)
            for (const QPointF& p : s.points)
                if (shown(p) && corner.contains(map(to_widget, p))) ++hidden;
        if (hidden < fewest) {
            fewest = hidden;
            box = corner;
        }
    }
    painter.save();
    QColor fill = palette().color(QPalette::Base);
    fill.setAlpha(220);
    painter.setPen(QColor(128, 128, 128));
    painter.setBrush(fill);
    painter.drawRect(box);
    double y = box.top() + kPad;
    for (const Series& s : series_) {
        if (s.name.isEmpty()) continue;
        const double mid = y + 0.5 * metrics.height();
        painter.setPen(QPen(s.colour, 2));
        painter.drawLine(QPointF(box.left() + kPad, mid),
                         QPointF(box.left() + kPad + kSwatch, mid));
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRectF(box.left() + 2 * kPad + kSwatch, y, text_width, metrics.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, s.name);
        y += metrics.height();
    }
    painter.restore();
}

}  // namespace radon::ui
