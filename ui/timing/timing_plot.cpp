#include "ui/timing/timing_plot.h"

#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QPen>
#include <QSvgGenerator>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>
#include <QtCharts/QLogValueAxis>
#include <QtCharts/QScatterSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "kernels/core/error.h"
#include "recon/bench/diffdrr_published_timing.h"
#include "recon/io/atomic_file.h"

namespace radon::ui {
namespace {

struct SeriesKey {
    std::string variant, patch, target, algorithm;
    bool operator<(const SeriesKey& o) const {
        return std::tie(variant, patch, target, algorithm) <
               std::tie(o.variant, o.patch, o.target, o.algorithm);
    }
};

double metric_value(const recon::DrrBenchmarkCell& c, DrrTimingMetric metric) {
    switch (metric) {
        case DrrTimingMetric::Time:
            return c.median_ms;
        case DrrTimingMetric::RaysPerSecond:
            return c.rays_per_second / 1e6;
        case DrrTimingMetric::PeakMemory:
            return c.target.device == DeviceKind::Cuda ? c.peak_device_mb : c.peak_host_mb;
    }
    return 0;
}

}  // namespace

TimingPlotData drr_timing_plot(const std::vector<recon::DrrBenchmarkCell>& cells,
                               DrrTimingMetric metric, bool with_reference) {
    TimingPlotData data;
    data.x_title = QObject::tr("DRR height (pixels)");
    switch (metric) {
        case DrrTimingMetric::Time:
            data.title = QObject::tr("Time per DRR (median)");
            data.y_title = QObject::tr("ms");
            break;
        case DrrTimingMetric::RaysPerSecond:
            data.title = QObject::tr("Rays per second");
            data.y_title = QObject::tr("million rays/s");
            break;
        case DrrTimingMetric::PeakMemory:
            data.title = QObject::tr("Peak memory (CPU: process RSS, CUDA: device)");
            data.y_title = QObject::tr("MiB");
            break;
    }
    // Name a series by what varies across the grid; the patch size always.
    std::set<std::string> variants, targets, algorithms;
    for (const auto& c : cells) {
        variants.insert(c.variant);
        targets.insert(c.target.label());
        algorithms.insert(to_string(c.algorithm));
    }
    std::map<SeriesKey, std::size_t> index;
    for (const auto& c : cells) {
        const SeriesKey key{c.variant, c.patch.label(), c.target.label(), to_string(c.algorithm)};
        auto found = index.find(key);
        if (found == index.end()) {
            // Short: the legends sit beside plots a third of the window wide.
            QStringList name{QString::fromStdString(key.patch)};
            if (targets.size() > 1) name << QString::fromStdString(key.target);
            if (algorithms.size() > 1) name << QString::fromStdString(key.algorithm);
            if (variants.size() > 1) name << QString::fromStdString(key.variant);
            found = index.emplace(key, data.series.size()).first;
            data.series.push_back({name.join(" · "), {}, false});
        }
        if (c.status != recon::CellStatus::Measured) continue;
        const double y = metric_value(c, metric);
        if (y > 0) data.series[found->second].points.emplace_back(static_cast<double>(c.height), y);
    }
    // What every series shares goes in the title; the legend names the patch sizes.
    QStringList shared;
    if (targets.size() == 1) shared << QString::fromStdString(*targets.begin());
    if (algorithms.size() == 1) shared << QString::fromStdString(*algorithms.begin());
    if (variants.size() == 1) shared << QString::fromStdString(*variants.begin());
    if (!cells.empty()) data.subtitle = QObject::tr("by patch size; ") + shared.join(", ");
    if (with_reference && metric == DrrTimingMetric::Time) {
        TimingSeries reference{QObject::tr("DiffDRR (GPU)"), {}, true};
        for (const recon::PublishedDrrTime& t : recon::kDiffDrrPublishedTimes)
            reference.points.emplace_back(static_cast<double>(t.height), t.mean_ms);
        data.series.push_back(reference);
    }
    return data;
}

TimingPlot::TimingPlot(QWidget* parent) : QChartView(new QChart, parent) {
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(320, 240);
    chart()->legend()->setAlignment(Qt::AlignRight);
    QFont small = chart()->legend()->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    chart()->legend()->setFont(small);
    chart()->setMargins(QMargins(4, 4, 4, 4));
    rebuild();
}

void TimingPlot::setData(const TimingPlotData& data) {
    data_ = data;
    rebuild();
}

void TimingPlot::setLogAxes(bool log) {
    if (log == log_) return;
    log_ = log;
    rebuild();
}

int TimingPlot::seriesCount() const {
    return static_cast<int>(chart()->series().size());
}

void TimingPlot::rebuild() {
    QChart* c = chart();
    c->removeAllSeries();
    for (QAbstractAxis* axis : c->axes()) {
        c->removeAxis(axis);
        delete axis;
    }
    c->setTitle(data_.subtitle.isEmpty()
                    ? data_.title
                    : QString("%1<br><small>%2</small>")
                          .arg(data_.title.toHtmlEscaped(), data_.subtitle.toHtmlEscaped()));

    double x_lo = std::numeric_limits<double>::max(), x_hi = 0;
    double y_lo = std::numeric_limits<double>::max(), y_hi = 0;
    for (const TimingSeries& s : data_.series)
        for (const QPointF& p : s.points) {
            x_lo = std::min(x_lo, p.x()), x_hi = std::max(x_hi, p.x());
            y_lo = std::min(y_lo, p.y()), y_hi = std::max(y_hi, p.y());
        }
    if (x_hi <= 0) x_lo = 100, x_hi = 1500, y_lo = 1, y_hi = 1000;  // nothing measured yet

    QAbstractAxis* x_axis = nullptr;
    QAbstractAxis* y_axis = nullptr;
    // A log axis within one decade would have no label (Qt labels only the powers of ten): it
    // then spans that whole decade.
    const auto make_axis = [this](double lo, double hi, const QString& title, bool integer) {
        QAbstractAxis* axis = nullptr;
        if (log_) {
            auto* a = new QLogValueAxis;
            a->setBase(10);
            // Powers of ten up to 1e6 read as plain numbers ("1000", "0.01"), not "1e+03".
            a->setLabelFormat("%.7g");
            a->setMinorTickCount(8);
            if (std::floor(std::log10(lo)) == std::floor(std::log10(hi)))
                a->setRange(std::pow(10.0, std::floor(std::log10(lo))),
                            std::pow(10.0, std::floor(std::log10(lo)) + 1));
            else
                a->setRange(lo, hi);
            axis = a;
        } else {
            auto* a = new QValueAxis;
            a->setRange(0, hi * 1.05);
            a->setLabelFormat(integer ? "%d" : "%.3g");
            a->applyNiceNumbers();
            axis = a;
        }
        axis->setTitleText(title);
        return axis;
    };
    x_axis = make_axis(x_lo * 0.8, x_hi * 1.25, data_.x_title, true);
    y_axis = make_axis(y_lo * 0.8, y_hi * 1.25, data_.y_title, false);
    c->addAxis(x_axis, Qt::AlignBottom);
    c->addAxis(y_axis, Qt::AlignLeft);

    for (const TimingSeries& s : data_.series) {
        auto* line = new QLineSeries;
        line->setName(s.name);
        line->setPointsVisible(true);
        for (const QPointF& p : s.points)
            line->append(p);
        c->addSeries(line);
        if (s.reference) {
            QPen pen(QColor(110, 110, 110));
            pen.setStyle(Qt::DashLine);
            pen.setWidthF(2.0);
            line->setPen(pen);
        } else {
            QPen pen = line->pen();
            pen.setWidthF(2.0);
            line->setPen(pen);
        }
        line->attachAxis(x_axis);
        line->attachAxis(y_axis);
    }
}

void TimingPlot::savePng(const QString& path) const {
    const QImage image = const_cast<TimingPlot*>(this)->grab().toImage();
    recon::write_atomically(path.toStdString(), [&](const std::string& temp) {
        if (!image.save(QString::fromStdString(temp), "PNG"))
            throw Error(path.toStdString() + ": the plot could not be written as PNG");
    });
}

void TimingPlot::saveSvg(const QString& path) const {
    recon::write_atomically(path.toStdString(), [&](const std::string& temp) {
        QSvgGenerator svg;
        svg.setFileName(QString::fromStdString(temp));
        svg.setSize(size());
        svg.setViewBox(rect());
        svg.setTitle(data_.title);
        svg.setDescription(QObject::tr("Radon Studio timing plot"));
        QPainter painter;
        if (!painter.begin(&svg))
            throw Error(path.toStdString() + ": the plot could not be written as SVG");
        const_cast<TimingPlot*>(this)->render(&painter);
        if (!painter.end() || QFileInfo(QString::fromStdString(temp)).size() == 0)
            throw Error(path.toStdString() + ": the plot could not be written as SVG");
    });
}

}  // namespace radon::ui
