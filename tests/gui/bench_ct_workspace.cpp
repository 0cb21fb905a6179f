// bench_ct_workspace: how long the CT workspace's UI thread is ever blocked while it reconstructs,
// and how long the reconstructions take. Prints a table; asserts nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" bench_ct_workspace [--runs N] [--iterations K]
//
// The workspace's own Shepp-Logan head (128^3 voxels of 1.5 mm), its default cone-beam scan of 180
// views fitted to it, the image on the volume's grid. The stall is the longest gap between ticks
// of a 1 ms timer on the UI thread from "Reconstruct" to the job's end (radon::test::StallMeter).

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <string>

#include <cstdio>
#include <vector>

#include "kernels/core/sample_summary.h"
#include "render/common/vtk_view.h"
#include "tests/gui/timed_application.h"
#include "tests/ui/ui_test_support.h"
#include "ui/common/compute_worker.h"
#include "ui/ct/ct_geometry_view.h"
#include "ui/ct/ct_recon_panel.h"
#include "ui/ct/ct_workspace.h"

using namespace radon;

int main(int argc, char** argv) {
    render::VtkView::set_default_surface_format();
    test::TimedApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({"runs", "runs of each method", "N", "5"});
    parser.addOption({"iterations", "SIRT iterations", "K", "3"});
    parser.process(app);
    const int runs = parser.value("runs").toInt();

    ui::ComputeWorker worker("CPU");
    ui::StudioContext context;
    context.compute = &worker;
    ui::CtWorkspace workspace(context);
    workspace.resize(1600, 1000);
    workspace.show();
    workspace.activate();
    if (!QTest::qWaitFor([&] { return workspace.firstResultShown(); }, 120000)) return 1;
    workspace.panel()->setImageBlock(1);
    workspace.panel()->setIterations(parser.value("iterations").toInt());
    worker.waitForIdle();
    if (!QTest::qWaitFor([&] { return !workspace.geometryView()->interacting(); }, 10000))
        std::fprintf(stderr, "bench_ct_workspace: the 3D view did not settle\n");
    QTest::qWait(500);

    std::printf("%-6s %5s %12s %12s %12s %10s\n", "method", "runs", "stall med", "stall min",
                "stall max", "time med");
    for (const auto method : {recon::CtMethod::Fdk, recon::CtMethod::Sirt}) {
        workspace.panel()->setMethod(method);
        std::vector<double> stall, seconds;
        test::TimedApplication::SlowEvent slowest;
        for (int r = 0; r < runs; ++r) {
            QSignalSpy ended(&workspace, &ui::CtWorkspace::jobEnded);
            test::StallMeter meter;
            QElapsedTimer clock;
            meter.start();
            clock.start();
            app.start_recording();
            if (workspace.reconstruct() == 0 || !ended.wait(1200000)) return 1;
            stall.push_back(meter.stop());
            app.stop_recording();
            if (app.slowest().ms > slowest.ms) slowest = app.slowest();
            seconds.push_back(1e-3 * double(clock.elapsed()));
            QTest::qWait(200);
        }
        const SampleSummary s = summarize(stall), t = summarize(seconds);
        std::printf("%-6s %5d %9.1f ms %9.1f ms %9.1f ms %8.2f s   slowest event %.1f ms: %s\n",
                    recon::to_string(method), runs, s.median, s.min, s.max, t.median, slowest.ms,
                    slowest.what.c_str());
    }
    return 0;
}
