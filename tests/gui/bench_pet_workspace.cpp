// bench_pet_workspace: how quickly the PET workspace shows a projected sinogram and how long its
// UI thread is ever blocked while OSEM runs. Prints a table; asserts nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" bench_pet_workspace [--scanner PRESET] [--tof|--no-tof]
//       [--runs N] [--iterations N] [--subsets K] [--no-osem] [--screenshot DIR]
//
// "Project to sinogram on screen" runs from the Project button's click to the sinogram view
// having painted the new sinogram (the workspace's sinogramShown, emitted after a synchronous
// repaint): the activity, the projection on the compute worker and the display. The UI stall is
// the longest gap between the ticks of a 2 ms timer on the UI thread while OSEM runs, the
// reconstruction views updating every sub-iteration. --screenshot writes the workspace as PNGs:
// after the projection, with a crystal's fan picked, and after OSEM.

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "kernels/core/sample_summary.h"
#include "render/common/vtk_view.h"
#include "tests/gui/timed_application.h"
#include "ui/common/compute_worker.h"
#include "ui/pet/pet_session.h"
#include "ui/pet/pet_workspace.h"
#include "ui/pet/sinogram_view.h"

using namespace radon;

int main(int argc, char** argv) {
    test::TimedApplication app(argc, argv);
    QString scanner = "ge_discovery_mi_4ring", shots;
    int runs = 5, iterations = 2, subsets = 4;
    bool osem_too = true;
    recon::TofChoice tof = recon::TofChoice::Off;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        const bool more = i + 1 < args.size();
        if (args[i] == "--scanner" && more)
            scanner = args[++i];
        else if (args[i] == "--runs" && more)
            runs = std::max(1, args[++i].toInt());
        else if (args[i] == "--iterations" && more)
            iterations = args[++i].toInt();
        else if (args[i] == "--subsets" && more)
            subsets = args[++i].toInt();
        else if (args[i] == "--screenshot" && more)
            shots = args[++i];
        else if (args[i] == "--no-osem")
            osem_too = false;
        else if (args[i] == "--tof")
            tof = recon::TofChoice::On;
        else if (args[i] == "--no-tof")
            tof = recon::TofChoice::Off;
        else {
            std::fprintf(stderr, "unknown argument %s\n", qPrintable(args[i]));
            return 2;
        }
    }
    ui::ComputeWorker worker("CPU");
    ui::StudioContext context;
    context.compute = &worker;
    ui::PetWorkspace workspace(context);
    workspace.resize(1600, 1000);
    workspace.show();
    if (!QTest::qWaitForWindowExposed(&workspace)) return 1;
    ui::PetSettings s = workspace.session().settings();
    s.scanner = recon::scanner_preset(scanner.toStdString());
    s.sinogram = {};
    s.sinogram.tof = tof;
    s.iterations = iterations;
    s.subsets = subsets;
    workspace.session().setSettings(s);
    std::printf("%s\n",
                qPrintable(QString::fromStdString(workspace.session().descriptor().description())));
    auto grab = [&](const QString& name) {
        if (shots.isEmpty()) return;
        QDir().mkpath(shots);
        QApplication::processEvents();
        QPixmap pixmap = workspace.grab();
        // The 3D view draws into a native window of its own, which QWidget::grab leaves out.
        QPainter painter(&pixmap);
        for (render::VtkView* view : workspace.findChildren<render::VtkView*>())
            if (view->isVisible())
                painter.drawImage(QRect(view->mapTo(&workspace, QPoint(0, 0)), view->size()),
                                  view->screenshot());
        painter.end();
        pixmap.save(QDir(shots).filePath(name));
    };

    std::vector<double> latency;
    for (int r = 0; r < runs; ++r) {
        QSignalSpy shown(&workspace, &ui::PetWorkspace::sinogramShown);
        QElapsedTimer t;
        t.start();
        workspace.projectButton()->click();
        if (!shown.wait(3600000)) return 1;
        latency.push_back(1e-3 * t.nsecsElapsed() * 1e-3);
        std::printf("run %d: project to sinogram on screen %.0f ms (worker %.0f ms)\n", r + 1,
                    latency.back(), 1e3 * workspace.session().sinogram()->seconds);
        std::fflush(stdout);
    }
    grab("pet_sinogram.png");
    workspace.session().pickCrystal(workspace.session().descriptor().scanner().crystal_count() / 3);
    grab("pet_crystal_fan.png");
    {
        const pet::SinogramDescriptor& d = workspace.session().descriptor();
        workspace.session().pickBin({d.radial_bins() / 3, d.views() / 4, d.planes() / 2,
                                     d.has_tof_axis() ? d.tof_bins() / 2 + 1 : 0});
        grab("pet_bin_lor.png");
    }
    const SampleSummary l = summarize(latency);
    std::printf("project to sinogram on screen: median %.0f ms (min %.0f, max %.0f; %d runs)\n",
                l.median, l.min, l.max, runs);
    std::fflush(stdout);
    if (!osem_too) return 0;

    // Let the views draw the pick before timing: the stall measured is OSEM's.
    QTest::qWait(1000);
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed(), longest = 0;
    QTimer ticker;
    ticker.setInterval(2);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        longest = std::max(longest, now - last);
        last = now;
    });
    QSignalSpy ended(&workspace.session(), &ui::PetSession::reconstructionEnded);
    int updates = 0;
    QObject::connect(&workspace.session(), &ui::PetSession::reconstructionUpdated,
                     [&] { ++updates; });
    QElapsedTimer osem;
    osem.start();
    workspace.reconstructButton()->click();
    last = clock.nsecsElapsed();
    ticker.start();
    app.start_recording();
    if (!ended.wait(3600000)) return 1;
    const auto slow = app.stop_recording();
    ticker.stop();
    grab("pet_osem.png");
    std::printf("OSEM %d x %d: %.1f s, %d live updates; longest UI stall %.1f ms\n", iterations,
                subsets, 1e-9 * osem.nsecsElapsed(), updates, 1e-6 * longest);
    test::print_slow_events("OSEM", slow);
    worker.cancelAll();
    worker.waitForIdle();
    return 0;
}
