// The line plot of iteration figures: the ranges its axes span (with no point, one point, equal
// values, non-finite values, a logarithmic y), its ticks, and points drawn where they belong,
// at once when added.

#include <QtTest>

#include <cmath>
#include <limits>

#include "tests/common/test_registry.h"
#include "ui/common/line_plot.h"

using radon::ui::LinePlot;

namespace {

bool close(double a, double b, double tolerance = 1e-9) {
    return std::fabs(a - b) <= tolerance * std::max(1.0, std::fabs(b));
}

bool is_power_of_ten(double v) {
    const double e = std::log10(v);
    return std::fabs(e - std::round(e)) < 1e-9;
}

// Whether the plot's grab shows `colour` within `radius` pixels of `at`.
bool shows(const QImage& shot, QPointF at, const QColor& colour, int radius = 2) {
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            const QColor c = shot.pixelColor(at.toPoint() + QPoint(dx, dy));
            if (std::abs(c.red() - colour.red()) < 40 &&
                std::abs(c.green() - colour.green()) < 40 &&
                std::abs(c.blue() - colour.blue()) < 40)
                return true;
        }
    return false;
}

}  // namespace

class TestLinePlot : public QObject {
    Q_OBJECT

  private slots:
    void axes_span_the_finite_points_with_a_margin() {
        LinePlot plot;
        plot.resize(400, 260);
        const int s = plot.addSeries("residual", Qt::red);
        QCOMPARE(s, 0);
        plot.addPoint(s, {1, 10});
        plot.addPoint(s, {3, 30});
        // 5 % of the span each side.
        QVERIFY(close(plot.xRange().low, 0.9) && close(plot.xRange().high, 3.1));
        QVERIFY(close(plot.yRange().low, 9) && close(plot.yRange().high, 31));
        // NaN and infinities are skipped, in x and in y.
        const double inf = std::numeric_limits<double>::infinity();
        plot.addPoint(s, {2, std::nan("")});
        plot.addPoint(s, {inf, 5});
        plot.addPoint(s, {2, -inf});
        QCOMPARE(plot.points(s).size(), 5);
        QVERIFY(close(plot.xRange().low, 0.9) && close(plot.xRange().high, 3.1));
        QVERIFY(close(plot.yRange().low, 9) && close(plot.yRange().high, 31));
        // A second series widens the ranges.
        const int t = plot.addSeries("other", Qt::blue);
        plot.setPoints(t, {{5, -10}});
        QVERIFY(close(plot.xRange().low, 1 - 0.2) && close(plot.xRange().high, 5.2));
        QVERIFY(close(plot.yRange().low, -10 - 2) && close(plot.yRange().high, 30 + 2));
        // The mapping: the ranges' ends are the plot's edges.
        const QRectF rect = plot.plotRect();
        QVERIFY(std::fabs(plot.widgetPosition({0.8, -12}).x() - rect.left()) < 1e-9);
        QVERIFY(std::fabs(plot.widgetPosition({0.8, -12}).y() - rect.bottom()) < 1e-9);
        QVERIFY(std::fabs(plot.widgetPosition({5.2, 32}).x() - rect.right()) < 1e-9);
        QVERIFY(std::fabs(plot.widgetPosition({5.2, 32}).y() - rect.top()) < 1e-9);
    }

    void no_point_one_point_and_equal_values_still_get_a_range() {
        LinePlot plot;
        plot.resize(400, 260);
        QVERIFY(plot.xRange().low < plot.xRange().high);  // nothing: a default range
        const int s = plot.addSeries("", Qt::red);
        plot.grab();  // an empty series draws "no data yet" without dividing by zero
        plot.addPoint(s, {1, 5});
        QVERIFY(close(plot.xRange().low, 0.5) && close(plot.xRange().high, 1.5));
        QVERIFY(close(plot.yRange().low, 4.5) && close(plot.yRange().high, 5.5));
        // Whole x (iterations): a tick on each whole number, none between.
        QCOMPARE(plot.xTicks(), QVector<double>{1});
        plot.addPoint(s, {2, 5});
        plot.addPoint(s, {3, 5});
        QCOMPARE(plot.xTicks(), (QVector<double>{1, 2, 3}));
        QVERIFY(close(plot.yRange().low, 4.5) && close(plot.yRange().high, 5.5));
        plot.setPoints(s, {{1, 0}, {2, 0}});
        QVERIFY(close(plot.yRange().low, -1) && close(plot.yRange().high, 1));
        const QVector<double> ticks = plot.yTicks();
        QVERIFY(ticks.contains(0.0));
        plot.grab();
    }

    void a_logarithmic_y_ticks_decades_and_ignores_values_it_cannot_show() {
        LinePlot plot;
        plot.resize(400, 300);
        plot.setLogarithmicY(true);
        QVERIFY(plot.logarithmicY());
        const int s = plot.addSeries("residual", Qt::red);
        for (int i = 0; i <= 6; ++i)
            plot.addPoint(s, {double(i), std::pow(10.0, 3 - i)});  // 1000 .. 0.001
        plot.addPoint(s, {7, 0});                                  // no place on a log axis
        plot.addPoint(s, {8, -1});                                 // neither
        // Decades -3 .. 3, with 5 % of six decades each side, and x to 6 only.
        QVERIFY(close(std::log10(plot.yRange().low), -3.3));
        QVERIFY(close(std::log10(plot.yRange().high), 3.3));
        QVERIFY(close(plot.xRange().high, 6.3));
        const QVector<double> ticks = plot.yTicks();
        QVERIFY(ticks.size() >= 3);
        for (const double t : ticks)
            QVERIFY2(is_power_of_ten(t), qPrintable(QString::number(t)));
        // Equal steps on screen between decades.
        const double y0 = plot.widgetPosition({0, 1e-2}).y(), y1 = plot.widgetPosition({0, 1}).y(),
                     y2 = plot.widgetPosition({0, 100}).y();
        QVERIFY(std::fabs((y0 - y1) - (y1 - y2)) < 1e-9);
        // A single positive value: a decade around it.
        plot.setPoints(s, {{1, 50}});
        QVERIFY(close(plot.yRange().low, 50 / std::sqrt(10.0)));
        QVERIFY(close(plot.yRange().high, 50 * std::sqrt(10.0)));
        plot.grab();
        // Back to linear: the non-positive values count again.
        plot.setLogarithmicY(false);
        plot.setPoints(s, {{1, 50}, {2, -50}});
        QVERIFY(close(plot.yRange().low, -55) && close(plot.yRange().high, 55));
    }

    void added_points_show_at_once_in_their_series_colour() {
        LinePlot plot;
        plot.resize(400, 260);
        plot.setTitle("SIRT");
        plot.setAxisLabels("iteration", "residual");
        const QColor red(230, 20, 20), blue(20, 20, 230);
        const int a = plot.addSeries("a", red);
        const int b = plot.addSeries("b", blue);
        plot.addPoint(a, {0, 0});
        plot.addPoint(a, {10, 10});
        plot.addPoint(b, {0, 10});
        plot.addPoint(b, {10, 0});
        QImage shot = plot.grab().toImage();
        QVERIFY(shows(shot, plot.widgetPosition({2.5, 2.5}), red));   // on a's line
        QVERIFY(shows(shot, plot.widgetPosition({2.5, 7.5}), blue));  // on b's line
        QVERIFY(!shows(shot, plot.widgetPosition({2.5, 5.0}), red));  // between them
        // A point added later, past the others: the plot rescales and draws it.
        plot.addPoint(a, {20, 5});
        QCOMPARE(plot.points(a).size(), 3);
        shot = plot.grab().toImage();
        QVERIFY(shows(shot, plot.widgetPosition({20, 5}), red));
        QVERIFY(shows(shot, plot.widgetPosition({15, 7.5}), red));
        // A NaN breaks the line: no segment from (20, 5) to (30, 5) through the missing point.
        plot.addPoint(a, {25, std::nan("")});
        plot.addPoint(a, {30, 5});
        shot = plot.grab().toImage();
        QVERIFY(shows(shot, plot.widgetPosition({30, 5}), red));
        QVERIFY(!shows(shot, plot.widgetPosition({25, 5}), red, 1));

        plot.clearPoints();
        QCOMPARE(plot.seriesCount(), 2);
        QVERIFY(plot.points(a).isEmpty());
        plot.clear();
        QCOMPARE(plot.seriesCount(), 0);
        plot.addPoint(0, {1, 1});  // no series: ignored, not a crash
        plot.grab();
    }
};

RADON_TEST_CLASS(TestLinePlot);
#include "test_line_plot.moc"
