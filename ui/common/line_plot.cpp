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
constexpr double kYTickSpacing = 36;        // screen pixels per y interval, at least
constexpr int kMaxDots = 400;               // more points than this are drawn as a line only
constexpr double kDotRadius = 2.5;

bool whole(double v) {
    return std::floor(v) == v;
}

QString axis_label(double value, double step, bool logarithmic) {
    return logarithmic ? QString::number(value, 'g', 3) : tick_label(value, step);
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

QPointF LinePlot::widgetPosition(const QPointF& data) const {
    const QRectF plot = plotRect();
    const Range x = xRange(), y = yRange();
    const double fx = (data.x() - x.low) / (x.high - x.low);
    const double fy = (yScreen(data.y()) - yScreen(y.low)) / (yScreen(y.high) - yScreen(y.low));
    return {plot.left() + fx * plot.width(), plot.bottom() - fy * plot.height()};
}

void LinePlot::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const QPalette& colours = palette();
    painter.fillRect(rect(), colours.color(QPalette::Window));
    const QRectF plot = plotRect();
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
            const double sx = widgetPosition({x, yRange().low}).x();
            painter.setPen(grid);
            painter.drawLine(QPointF(sx, plot.top()), QPointF(sx, plot.bottom()));
            painter.setPen(text);
            painter.drawLine(QPointF(sx, plot.bottom()), QPointF(sx, plot.bottom() + kTickLength));
            const QString label = tick_label(x, x_step);
            painter.drawText(QPointF(sx - 0.5 * metrics.horizontalAdvance(label),
                                     plot.bottom() + kTickLength + kGap + metrics.ascent()),
                             label);
        }
        for (const double y : ys) {
            const double sy = widgetPosition({xRange().low, y}).y();
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
                const QPointF at = widgetPosition(p);
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
                    if (shown(p)) painter.drawEllipse(widgetPosition(p), kDotRadius, kDotRadius);
            }
        }
        painter.restore();
        drawLegend(painter, plot);
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

void LinePlot::drawLegend(QPainter& painter, const QRectF& plot) const {
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
    const QRectF box(plot.right() - size.width() - 6, plot.top() + 6, size.width(), size.height());
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
