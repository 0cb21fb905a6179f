#pragma once

#include <QPointF>
#include <QString>
#include <QtCharts/QChartView>

#include <vector>

#include "recon/bench/drr_benchmark.h"

namespace radon::ui {

// One line of a timing plot. A reference line (published figures of another tool) is drawn
// dashed and grey, apart from the measured ones.
struct TimingSeries {
    QString name;
    std::vector<QPointF> points;
    bool reference = false;
};

// What a timing plot shows, independent of the benchmark that produced it: the DRR grid today,
// PET (LORs/s) and CT (voxel updates/s) benchmarks later, as more data of this kind.
struct TimingPlotData {
    QString title;
    QString subtitle;  // what all series share (the device, the renderer)
    QString x_title;
    QString y_title;
    std::vector<TimingSeries> series;
};

enum class DrrTimingMetric { Time, RaysPerSecond, PeakMemory };

// One series per patch size x device x renderer (x detector variant when there are several) of
// `cells`, in plan order, each holding the measured cells' (height, value) points; series exist
// for combinations that measured nothing (no height they tile), so the legend lists the grid.
// Memory is the device's peak on CUDA and the process's peak RSS on the CPU. With
// `with_reference`, the time plot adds DiffDRR's published table as a last, reference series.
TimingPlotData drr_timing_plot(const std::vector<recon::DrrBenchmarkCell>& cells,
                               DrrTimingMetric metric, bool with_reference);

// A Qt Charts view of a TimingPlotData, axes linear or log10.
class TimingPlot : public QChartView {
    Q_OBJECT

  public:
    explicit TimingPlot(QWidget* parent = nullptr);

    void setData(const TimingPlotData& data);
    const TimingPlotData& data() const { return data_; }
    void setLogAxes(bool log);
    bool logAxes() const { return log_; }
    // The series the chart holds (as drawn, the reference included).
    int seriesCount() const;

    // The plot at its size on screen. Both throw Error naming the file when it cannot be written,
    // and never leave a partly written file.
    void savePng(const QString& path) const;
    void saveSvg(const QString& path) const;

  private:
    void rebuild();

    TimingPlotData data_;
    bool log_ = true;
};

}  // namespace radon::ui
