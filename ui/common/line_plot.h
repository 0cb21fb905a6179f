#pragma once

#include <QColor>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QVector>
#include <QWidget>

class QPainter;

namespace radon::ui {

// A small line chart for values that grow with each iteration: the log-likelihood of OSEM, the
// residual of SIRT or CGLS, timings against a size. Axes carry labelled ticks at round values
// (the y axis logarithmic when asked, for residuals that fall by decades); each series has a
// colour and a name in a legend; points are drawn as dots joined by lines. Adding a point
// repaints at once, so a plot fed from a running job grows live.
class LinePlot : public QWidget {
    Q_OBJECT

  public:
    explicit LinePlot(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void setAxisLabels(const QString& x, const QString& y);
    void setLogarithmicY(bool logarithmic);
    // Returns the new series' index.
    int addSeries(const QString& name, const QColor& colour);
    void setPoints(int series, const QVector<QPointF>& points);
    void addPoint(int series, const QPointF& point);
    // Removes every point of every series (the series stay).
    void clearPoints();
    void clear();  // removes the series too

    int seriesCount() const { return static_cast<int>(series_.size()); }
    const QVector<QPointF>& points(int series) const { return series_[series].points; }
    QString title() const { return title_; }
    QString seriesName(int series) const { return series_[series].name; }
    QColor seriesColour(int series) const { return series_[series].colour; }
    bool logarithmicY() const { return log_y_; }

    // The ranges the axes span: every finite point (with y > 0 on a logarithmic axis) with a
    // margin; a single value gets a range around it. {0, 1} when there is nothing to show.
    struct Range {
        double low = 0, high = 1;
    };
    Range xRange() const;
    Range yRange() const;
    QVector<double> xTicks() const;
    QVector<double> yTicks() const;
    // Where the data are drawn, and the widget point of a data point.
    QRectF plotRect() const;
    QPointF widgetPosition(const QPointF& data) const;
    QSize sizeHint() const override { return {360, 220}; }

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    // Data to widget coordinates, computed once per paint rather than once per point.
    struct Mapping {
        QRectF plot;
        Range x, y;  // y as drawn: log10 of the values on a logarithmic axis
    };
    Mapping mapping() const;
    QPointF map(const Mapping& mapping, const QPointF& data) const;
    bool shown(const QPointF& point) const;  // finite, and y > 0 on a logarithmic axis
    double yScreen(double y) const;          // y (or log10 y) as the axis maps it
    void drawLegend(QPainter& painter, const Mapping& to_widget) const;

    struct Series {
        QString name;
        QColor colour;
        QVector<QPointF> points;
    };
    QVector<Series> series_;
    QString title_, x_label_, y_label_;
    bool log_y_ = false;
};

}  // namespace radon::ui
