// The Timing workspace in the main window: while a grid runs on the compute worker, the DRR
// workspace keeps answering pose changes (its renders run between the benchmark's renders), and
// the run still ends when cancelled.

#include <QProgressBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>

#include "recon/bench/drr_benchmark.h"
#include "tests/common/test_registry.h"
#include "tests/gui/main_window_fixture.h"
#include "ui/timing/timing_grid_panel.h"
#include "ui/timing/timing_plot.h"
#include "ui/timing/timing_workspace.h"

using radon::recon::PatchChoice;
using radon::test::Studio;
using radon::ui::TimingWorkspace;

class TestTimingInWindow : public QObject {
    Q_OBJECT

  private slots:
    void the_drr_workspace_renders_while_a_grid_runs() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        auto* timing = qobject_cast<TimingWorkspace*>(studio.window->workspace("timing"));
        QVERIFY(timing);
        QCOMPARE(timing->title(), QString("Timing"));

        // Cells of many renders each: the grid outlasts the pose changes below by far.
        radon::recon::DrrBenchmarkGrid grid;
        grid.heights = {512, 1024};
        grid.patches = {{PatchChoice::Kind::None, 0}, {PatchChoice::Kind::Fixed, 256}};
        grid.runs = 400;
        grid.warmup = 0;
        timing->gridPanel()->setGrid(grid);
        QSignalSpy finished(timing, &TimingWorkspace::runFinished);
        QVERIFY(timing->startRun());
        QVERIFY(QTest::qWaitFor([&] { return timing->gridPanel()->progressBar()->value() > 0; },
                                30000));

        for (const double primary : {25.0, -40.0}) {
            radon::ui::DrrParameters p = studio.window->posePanel()->parameters();
            p.pose.primary_deg = primary;
            studio.window->posePanel()->setParameters(p);
            QVERIFY(studio.settle(30000));
            QCOMPARE(studio.last_frame().request.parameters.pose.primary_deg, primary);
            QVERIFY2(timing->running(), "the frame came only after the grid had ended");
        }
        timing->cancelRun();
        QVERIFY(finished.wait(30000));
        QVERIFY(!timing->running());
        bool cancelled = false;
        for (const auto& c : timing->cells())
            cancelled = cancelled || c.status == radon::recon::CellStatus::Cancelled;
        QVERIFY(cancelled);

        // Under Xvfb too the time plot draws: at least DiffDRR's grey reference line.
        QVERIFY(studio.window->setCurrentWorkspace("timing"));
        radon::ui::TimingPlot* plot = timing->plot(radon::ui::DrrTimingMetric::Time);
        QCOMPARE(plot->seriesCount(), 2 + 1);  // patches none and 256, one device and renderer
        QTest::qWait(100);
        const QImage image = plot->grab().toImage();
        int grey = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QRgb p = image.pixel(x, y);
                grey +=
                    std::abs(qRed(p) - 110) + std::abs(qGreen(p) - 110) + std::abs(qBlue(p) - 110) <
                    12;
            }
        QVERIFY2(grey > 40, qPrintable(QString("%1 grey pixels").arg(grey)));
    }
};

RADON_TEST_CLASS(TestTimingInWindow);
#include "test_timing_in_window.moc"
