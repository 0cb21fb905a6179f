// Opens the CT workspace on the Shepp-Logan phantom or on a CT file, runs a reconstruction (or the
// DRR -> CBCT sweep), and saves the whole workspace as a PNG once the result is on screen. Not a
// test: for looking at the workspace, and for its pictures.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" ct_workspace_snapshot [--volume FILE]
//       [--method fdk|sirt|os-sart|cgls] [--iterations N] [--beam cone|fan|parallel]
//       [--views N] [--view K] [--sweep] [--difference] [-o FILE.png]

#include <QApplication>
#include <QCommandLineParser>
#include <QPushButton>
#include <QScreen>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

#include <cstdio>

#include "kernels/physics/attenuation.h"
#include "recon/attenuation_volume.h"
#include "recon/io/volume_io.h"
#include "render/common/vtk_view.h"
#include "ui/common/compute_worker.h"
#include "ui/ct/ct_recon_panel.h"
#include "ui/ct/ct_workspace.h"

using namespace radon;

int main(int argc, char** argv) {
    render::VtkView::set_default_surface_format();
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({"volume", "CT file (HU); default: the workspace's Shepp-Logan", "FILE"});
    parser.addOption({"method", "fdk, sirt, os-sart or cgls", "NAME", "fdk"});
    parser.addOption({"iterations", "iterative methods", "N", "10"});
    parser.addOption({"beam", "cone, fan or parallel", "NAME", "cone"});
    parser.addOption({"views", "views of the scan", "N", "180"});
    parser.addOption({"view", "the current view", "K", "20"});
    parser.addOption({"sweep", "DRR -> CBCT instead of the scan's reconstruction"});
    parser.addOption({"difference", "show the difference from the truth rather than the image"});
    parser.addOption({"o", "the PNG", "FILE", "ct_workspace.png"});
    parser.process(app);

    ui::ComputeWorker worker("CPU");
    ui::StudioContext context;
    context.compute = &worker;
    if (parser.isSet("volume")) {
        ui::LoadedVolume v;
        v.hu = recon::read_volume(parser.value("volume").toStdString());
        AttenuationModel model;
        v.water_attenuation = model.mu_water;
        v.attenuation = recon::attenuation_from_hu(v.hu, model);
        v.description = parser.value("volume");
        context.volume = v;
    }
    ui::CtWorkspace workspace(context);
    workspace.resize(1600, 1000);
    workspace.show();
    workspace.activate();
    if (!QTest::qWaitFor([&] { return workspace.firstResultShown(); }, 120000)) {
        std::fprintf(stderr, "ct_workspace_snapshot: no projection on screen\n");
        return 1;
    }
    ui::CtScanSettings s = workspace.panel()->scanSettings();
    s.beam = recon::parse_scan_beam(parser.value("beam").toStdString());
    s.views = parser.value("views").toInt();
    s.arc_deg = s.beam == recon::ScanBeam::Parallel ? 180 : 360;
    workspace.panel()->setScanSettings(s);
    workspace.panel()->fitButton()->click();
    workspace.setCurrentView(parser.value("view").toInt());
    workspace.panel()->setMethod(recon::parse_ct_method(parser.value("method").toStdString()));
    workspace.panel()->setIterations(parser.value("iterations").toInt());
    QSignalSpy ended(&workspace, &ui::CtWorkspace::jobEnded);
    const auto id = parser.isSet("sweep") ? workspace.drrToCbct() : workspace.reconstruct();
    if (id == 0 || !ended.wait(1200000)) {
        std::fprintf(stderr, "ct_workspace_snapshot: the job did not end\n");
        return 1;
    }
    std::printf("%s: %s\n", qPrintable(ended.first().first().toString()),
                qPrintable(workspace.panel()->resultText()));
    if (parser.isSet("difference"))
        for (QTabWidget* tabs : workspace.findChildren<QTabWidget*>())
            tabs->setCurrentIndex(1);
    QTest::qWait(1500);  // the 3D view's still frame
    const QPixmap shot = QGuiApplication::primaryScreen()->grabWindow(workspace.winId());
    if (!shot.save(parser.value("o"))) return 1;
    std::printf("wrote %s\n", qPrintable(parser.value("o")));
    return 0;
}
