#pragma once

#include <QColor>
#include <QPointF>
#include <QString>
#include <QVector>
#include <QWidget>

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
    QSize sizeHint() const override { return {360, 220}; }

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
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
