// The CT workspace: its scene model (the trajectory is the scan's sources), its reconstructions
// equal `radon ct recon`'s for the same settings, cancel stops FDK and SIRT within one
// sub-iteration, the UI thread never stalls 50 ms while they run, its PSNR equals one computed
// here independently, and the DRR -> CBCT sweep of the Shepp-Logan phantom reconstructs about as
// well as FDK of the same sweep projected by the CT projector.

#include <QElapsedTimer>
#include <QObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include <vtkPoints.h>
#include <vtkPolyData.h>

#include "kernels/ct/voxel_backprojector.h"
#include "kernels/physics/attenuation.h"
#include "recon/algorithms/ct_reconstruction.h"
#include "recon/attenuation_volume.h"
#include "recon/io/volume_io.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "render/ct/ct_scan_scene.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"
#include "tests/ui/ui_test_support.h"
#include "ui/common/compute_worker.h"
#include "ui/ct/ct_geometry_view.h"
#include "ui/ct/ct_recon_panel.h"
#include "ui/ct/ct_workspace.h"

using namespace radon;
using radon::ui::CtScanSettings;
using radon::ui::CtWorkspace;

namespace {

// The 3D Shepp-Logan head (original contrast) on `n`^3 voxels of `spacing` mm, as the main
// window loads a phantom: HU, and attenuation through the water-linear model.
ui::LoadedVolume shepp_logan(int64_t n, double spacing) {
    const double half = 0.5 * double(n) * spacing;
    ui::LoadedVolume v;
    v.hu = recon::shepp_logan_phantom({half, half, half})
               .voxelize_hu(centered_grid({n, n, n}, {spacing, spacing, spacing}));
    AttenuationModel model;
    v.water_attenuation = model.mu_water;
    v.attenuation = recon::attenuation_from_hu(v.hu, model);
    v.phantom = "shepp-logan";
    return v;
}

// A workspace on `volume`, shown, with its scan in place and the first projection on screen.
struct Fixture {
    explicit Fixture(const std::optional<ui::LoadedVolume>& volume) : worker("CPU") {
        context.compute = &worker;
        context.volume = volume;
        workspace = std::make_unique<CtWorkspace>(context);
        workspace->resize(1500, 950);
        workspace->show();
        workspace->activate();
    }
    ~Fixture() {
        workspace->cancel();
        worker.waitForIdle();
    }
    bool settle() {
        worker.waitForIdle();
        QCoreApplication::processEvents();
        worker.waitForIdle();
        return QTest::qWaitFor([this] { return workspace->firstResultShown(); }, 60000);
    }
    // Runs a job and waits for its end; returns how it ended.
    QString run(ui::ComputeWorker::JobId id, int timeout_ms = 300000) {
        if (id == 0) return "not started";
        QSignalSpy ended(workspace.get(), &CtWorkspace::jobEnded);
        if (!ended.wait(timeout_ms)) return "timed out";
        return ended.first().first().toString();
    }

    ui::ComputeWorker worker;
    ui::StudioContext context;
    std::unique_ptr<CtWorkspace> workspace;
};

QString number(double v) {
    return QString::number(v, 'g', 17);
}

// Peak-signal-to-noise ratio computed here from scratch: the truth of an image voxel is the
// mean of the volume voxels whose centres fall inside it (found through world coordinates), the
// peak the truth's range over the voxels every view sees.
double independent_psnr(const ui::LoadedVolume& volume, const recon::Volume& image,
                        const CtGeometry& geometry) {
    const VolumeGrid& vg = volume.hu.grid;
    const VolumeGrid& ig = image.grid;
    std::vector<double> sum(std::size_t(ig.voxel_count()), 0.0);
    std::vector<int> count(sum.size(), 0);
    const float* mu = volume.attenuation.host_data();
    for (int64_t k = 0; k < vg.size[2]; ++k)
        for (int64_t j = 0; j < vg.size[1]; ++j)
            for (int64_t i = 0; i < vg.size[0]; ++i) {
                const Vec3 q =
                    ig.world_to_index(vg.index_to_world({double(i), double(j), double(k)}));
                const int64_t x = std::llround(q.x), y = std::llround(q.y), z = std::llround(q.z);
                if (x < 0 || y < 0 || z < 0 || x >= ig.size[0] || y >= ig.size[1] ||
                    z >= ig.size[2])
                    continue;
                if (std::abs(q.x - x) > 0.4999 || std::abs(q.y - y) > 0.4999 ||
                    std::abs(q.z - z) > 0.4999)
                    continue;  // on a face between two image voxels
                const std::size_t at = std::size_t((z * ig.size[1] + y) * ig.size[0] + x);
                sum[at] += mu[(k * vg.size[1] + j) * vg.size[0] + i];
                ++count[at];
            }
    const std::vector<uint8_t> seen = voxels_seen_by_every_view(geometry, ig);
    double lo = 1e30, hi = -1e30, squares = 0;
    int64_t n = 0;
    const float* x = image.voxels.host_data();
    for (std::size_t v = 0; v < sum.size(); ++v) {
        if (!seen[v] || count[v] == 0) continue;
        const double truth = sum[v] / count[v];
        lo = std::min(lo, truth);
        hi = std::max(hi, truth);
        squares += (x[v] - truth) * (x[v] - truth);
        ++n;
    }
    return 10.0 * std::log10((hi - lo) * (hi - lo) / (squares / double(n)));
}

}  // namespace

class TestCtWorkspace : public QObject {
    Q_OBJECT

  private slots:
    // With no volume loaded the workspace scans a Shepp-Logan head of its own; a volume loaded
    // later replaces it, and the scan is fitted to the new one.
    void own_phantom_until_a_volume_is_loaded() {
        Fixture f(std::nullopt);
        QVERIFY(f.settle());
        CtWorkspace& ws = *f.workspace;
        QVERIFY(ws.volume() != nullptr);
        QCOMPARE(ws.volume()->phantom, QString("shepp-logan"));
        QCOMPARE(ws.volume()->hu.grid.size[0], CtWorkspace::kPhantomVoxels);
        QVERIFY(ws.hasScan());
        f.context.volume = shepp_logan(40, 5);
        ws.volumeChanged();
        QVERIFY(f.settle());
        QCOMPARE(ws.volume()->hu.grid.size[0], int64_t(40));
        const Vec3 centre = ws.volume()->hu.grid.center();
        const Vec3 iso = ws.imageGrid().grid.center();
        QVERIFY(norm(iso - centre) < 5.0);  // within a voxel of the new volume's centre
        QCOMPARE(ws.imageGrid().grid.size[0], int64_t(40) / ws.panel()->imageBlock());
    }

    // The 3D view draws what the scan is: one trajectory point per view at that view's source,
    // the outlined panels' corners where the geometry puts them, and the current view's panel
    // following the slider.
    void scene_model_is_the_scan() {
        Fixture f(shepp_logan(48, 4));
        QVERIFY(f.settle());
        CtWorkspace& ws = *f.workspace;
        const CtGeometry& g = ws.geometry();
        QCOMPARE(g.beam, CtBeam::Cone);
        render::CtScanScene& scene = ws.geometryView()->scanScene();
        vtkPoints* path = scene.trajectory_data()->GetPoints();
        QCOMPARE(path->GetNumberOfPoints(), vtkIdType(g.view_count()));
        for (int64_t v = 0; v < g.view_count(); ++v) {
            double p[3];
            path->GetPoint(v, p);
            const Vec3 s = g.views[std::size_t(v)].source;
            QVERIFY(std::abs(p[0] - s.x) + std::abs(p[1] - s.y) + std::abs(p[2] - s.z) < 1e-9);
        }
        // The sources lie on the circle of radius SID about the isocenter, in its axial plane.
        const CtScanSettings s = ws.panel()->scanSettings();
        const Vec3 iso = ws.imageGrid().grid.center();
        for (const CtView& w : g.views) {
            QVERIFY(std::abs(std::hypot(w.source.x - iso.x, w.source.y - iso.y) - s.sid_mm) < 1e-6);
            QVERIFY(std::abs(w.source.z - iso.z) < 1e-6);
        }
        QCOMPARE(scene.outlines_data()->GetNumberOfPoints(),
                 vtkIdType(4 * render::CtScanScene::kOutlinedViews));
        ws.setCurrentView(int(g.view_count() / 3));
        QCOMPARE(scene.current_view(), g.view_count() / 3);
        const auto corners = render::CtScanScene::panel_corners(g, g.view_count() / 3);
        vtkPoints* panel = scene.current_panel_data()->GetPoints();
        for (int k = 0; k < 4; ++k) {
            double p[3];
            panel->GetPoint(k, p);
            QVERIFY(std::abs(p[0] - corners[k].x) + std::abs(p[1] - corners[k].y) +
                        std::abs(p[2] - corners[k].z) <
                    1e-9);
        }
    }

    // The workspace's image equals `radon ct recon`'s of `radon ct project`'s stack of the same
    // volume, scan and grid (the same floats up to the order of sums).
    void reconstruction_equals_cli_data() {
        QTest::addColumn<QString>("beam");
        QTest::addColumn<bool>("parallel3d");
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("iterations");
        QTest::newRow("cone FDK") << "cone" << false << "fdk" << 0;
        QTest::newRow("fan FBP") << "fan" << false << "fdk" << 0;
        QTest::newRow("parallel 2D FBP") << "parallel" << false << "fbp" << 0;
        QTest::newRow("cone SIRT") << "cone" << false << "sirt" << 3;
        QTest::newRow("cone OS-SART") << "cone" << false << "os-sart" << 2;
        QTest::newRow("parallel 3D CGLS") << "parallel" << true << "cgls" << 3;
    }
    void reconstruction_equals_cli() {
        QFETCH(QString, beam);
        QFETCH(bool, parallel3d);
        QFETCH(QString, method);
        QFETCH(int, iterations);
        Fixture f(shepp_logan(48, 4));
        QVERIFY(f.settle());
        CtWorkspace& ws = *f.workspace;
        CtScanSettings s = ws.panel()->scanSettings();
        s.beam = recon::parse_scan_beam(beam.toStdString());
        s.parallel_3d = parallel3d;
        s.views = 40;
        s.arc_deg = s.beam == recon::ScanBeam::Parallel ? 180 : 360;
        ws.panel()->setScanSettings(s);
        ws.panel()->fitButton()->click();
        s = ws.panel()->scanSettings();
        ws.panel()->setMethod(recon::parse_ct_method(method.toStdString()));
        if (iterations > 0) ws.panel()->setIterations(iterations);
        ws.panel()->setSubsets(4);
        QCOMPARE(f.run(ws.reconstruct()), QString("finished"));
        QVERIFY(ws.reconstruction().has_value());
        const recon::Volume& mine = *ws.reconstruction();

        QTemporaryDir dir;
        const QString volume = dir.filePath("mu.mha"), stack = dir.filePath("stack.mha"),
                      out = dir.filePath("recon.mha");
        recon::Volume mu =
            recon::Volume::allocate(ws.volume()->hu.grid, recon::VoxelUnit::AttenuationPerMm);
        std::copy(ws.volume()->attenuation.host_data(),
                  ws.volume()->attenuation.host_data() + mu.grid.voxel_count(),
                  mu.voxels.host_data());
        recon::write_volume(mu, volume.toStdString());
        const Vec3 iso = ws.imageGrid().grid.center();
        const QString cli_beam = s.beam == recon::ScanBeam::Parallel ? "parallel" : beam;
        QStringList project = {
            "ct",
            "project",
            volume,
            "-o",
            stack,
            "--beam",
            cli_beam,
            "--views",
            QString::number(s.views),
            "--arc",
            number(s.arc_deg),
            "--detector",
            s.twoD() ? QString::number(s.columns) : QString("%1,%2").arg(s.columns).arg(s.rows),
            "--pixel",
            number(s.pixel_mm),
            "--isocenter",
            QString("%1,%2,%3").arg(number(iso.x), number(iso.y), number(iso.z))};
        if (s.beam != recon::ScanBeam::Parallel)
            project << "--sid" << number(s.sid_mm) << "--sdd" << number(s.sdd_mm);
        const auto p = test::run_radon(project);
        QVERIFY2(p.exit_code == 0, qPrintable(p.err));
        const VolumeGrid& grid = mine.grid;
        QStringList reconstruct = {
            "ct",
            "recon",
            stack,
            "--method",
            method,
            "-o",
            out,
            "--size",
            QString("%1,%2,%3").arg(grid.size[0]).arg(grid.size[1]).arg(grid.size[2]),
            "--spacing",
            QString("%1,%2,%3")
                .arg(number(grid.spacing.x), number(grid.spacing.y), number(grid.spacing.z)),
            "--centre",
            QString("%1,%2,%3").arg(number(iso.x), number(iso.y), number(iso.z))};
        if (iterations > 0) reconstruct << "--iterations" << QString::number(iterations);
        if (method == "os-sart")
            reconstruct << "--subsets"
                        << "4";
        const auto r = test::run_radon(reconstruct);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err + r.out));
        const recon::Volume theirs = recon::read_volume(out.toStdString());
        QCOMPARE(theirs.grid.voxel_count(), grid.voxel_count());
        float peak = 0, worst = 0;
        for (int64_t i = 0; i < grid.voxel_count(); ++i) {
            peak = std::max(peak, std::abs(theirs.voxels.host_data()[i]));
            worst = std::max(worst,
                             std::abs(theirs.voxels.host_data()[i] - mine.voxels.host_data()[i]));
        }
        qInfo("%s: peak %.4g /mm, largest difference %.3g /mm", qPrintable(method), peak, worst);
        QVERIFY(peak > 0.5 * ws.volume()->water_attenuation);  // the skull, not an empty image
        QVERIFY2(worst <= 1e-5f * peak, qPrintable(QString("largest difference %1").arg(worst)));
    }

    // The PSNR the workspace shows equals one computed here from the volume and the image alone.
    void psnr_matches_an_independent_computation() {
        Fixture f(shepp_logan(48, 4));
        QVERIFY(f.settle());
        CtWorkspace& ws = *f.workspace;
        ws.panel()->setImageBlock(2);
        ws.panel()->setMethod(recon::CtMethod::Fdk);
        QCOMPARE(f.run(ws.reconstruct()), QString("finished"));
        QVERIFY(ws.imageError().has_value());
        const double expected = independent_psnr(*ws.volume(), *ws.reconstruction(), ws.geometry());
        qInfo("FDK PSNR %.3f dB (independent %.3f dB)", ws.imageError()->psnr_db, expected);
        QVERIFY(ws.imageError()->psnr_db > 15);
        QVERIFY(std::abs(ws.imageError()->psnr_db - expected) < 1e-6);
        QVERIFY(ws.panel()->resultText().contains("PSNR"));
    }

    // Cancel takes effect within one sub-iteration: for SIRT one iteration (a forward and a back
    // projection), for FDK one batch of 32 views; the time either takes is measured in the same
    // run. Meanwhile the UI thread's event loop never stalls 50 ms.
    void cancel_stops_within_one_sub_iteration_data() {
        QTest::addColumn<QString>("method");
        QTest::newRow("SIRT") << "sirt";
        QTest::newRow("FDK") << "fdk";
    }
    void cancel_stops_within_one_sub_iteration() {
        QFETCH(QString, method);
        Fixture f(shepp_logan(96, 2.5));
        QVERIFY(f.settle());
        CtWorkspace& ws = *f.workspace;
        ws.panel()->setImageBlock(1);
        CtScanSettings s = ws.panel()->scanSettings();
        s.views = method == "fdk" ? 256 : 64;
        ws.panel()->setScanSettings(s);
        ws.panel()->setMethod(recon::parse_ct_method(method.toStdString()));
        ws.panel()->setIterations(50);
        QVERIFY(f.settle());
        QElapsedTimer clock;
        clock.start();
        // When the reconstruction stage starts and how long a sub-iteration takes there.
        qint64 stage_start = -1, first_image = -1, second_image = -1;
        QObject::connect(&f.worker, &ui::ComputeWorker::jobProgress, &ws,
                         [&](quint64, double, const QString& stage) {
                             if (stage_start < 0 && !stage.startsWith("projecting"))
                                 stage_start = clock.elapsed();
                         });
        QObject::connect(&ws, &CtWorkspace::reconstructionShown, &ws, [&](int) {
            (first_image < 0 ? first_image : second_image) = clock.elapsed();
        });
        double sub_iteration_ms = 0;
        if (method == "fdk") {
            // An uncancelled run first: the FDK stage over its batches of 32 views.
            QCOMPARE(f.run(ws.reconstruct()), QString("finished"));
            sub_iteration_ms = double(first_image - stage_start) * 32.0 / s.views;
            stage_start = first_image = -1;
        }
        // The 3D view's frames render on the UI thread: let the last still frame pass first.
        QVERIFY(QTest::qWaitFor([&] { return !ws.geometryView()->interacting(); }, 10000));
        QTest::qWait(300);
        int frames = 0;
        double longest_frame_ms = 0;
        QObject::connect(ws.geometryView(), &render::VtkView::frame_rendered, &ws,
                         [&](double seconds) {
                             ++frames;
                             longest_frame_ms = std::max(longest_frame_ms, 1e3 * seconds);
                         });
        test::StallMeter meter;
        meter.start();
        const auto id = ws.reconstruct();
        QVERIFY(id != 0);
        QSignalSpy ended(&ws, &CtWorkspace::jobEnded);
        if (method == "fdk") {
            QVERIFY(QTest::qWaitFor([&] { return stage_start >= 0; }, 120000));
            QTest::qWait(int(sub_iteration_ms));  // inside the back projection
        } else {
            QVERIFY(QTest::qWaitFor([&] { return second_image >= 0; }, 300000));
            sub_iteration_ms = double(second_image - first_image);
            QTest::qWait(int(sub_iteration_ms / 2));
        }
        const qint64 cancelled_at = clock.elapsed();
        ws.cancel();
        QVERIFY(ended.wait(60000));
        const double latency = double(clock.elapsed() - cancelled_at);
        const double stall = meter.stop();
        QCOMPARE(ended.first().first().toString(), QString("cancelled"));
        qInfo(
            "%s: cancelled after %.0f ms; one sub-iteration takes %.0f ms; longest UI stall "
            "%.1f ms (3D frames meanwhile: %d, longest %.0f ms)",
            qPrintable(method), latency, sub_iteration_ms, stall, frames, longest_frame_ms);
        QVERIFY2(latency < sub_iteration_ms, qPrintable(QString::number(latency)));
        QVERIFY2(stall < 50, qPrintable(QString("longest UI stall %1 ms").arg(stall)));
        QVERIFY(!ws.busy());
    }

    // DRR -> CBCT: 120 DRRs of the Shepp-Logan head over a full turn of the C-arm from AP,
    // reconstructed by FDK. The DRR engine integrates the same volume the CT projector does, so
    // the image must come within 1 dB of FDK of the same sweep projected by the CT projector
    // (what `radon ct recon` would reconstruct), and both well above the 15 dB of a blurred or
    // misregistered image.
    void drr_to_cbct_reconstructs_shepp_logan() {
        Fixture f(shepp_logan(64, 3));
        QVERIFY(f.settle());
        CtWorkspace& ws = *f.workspace;
        Detector d;
        d.width = d.height = 160;
        d.delx = d.dely = 2.0;
        ws.setCarmDetector(d);
        ws.setCarmPose(CArmPose{});
        ws.panel()->setImageBlock(2);
        ws.panel()->setSweep(360, 120);
        QSignalSpy progress(&f.worker, &ui::ComputeWorker::jobProgress);
        QCOMPARE(f.run(ws.drrToCbct()), QString("finished"));
        QVERIFY(ws.imageError().has_value());
        const double drr_psnr = ws.imageError()->psnr_db;
        // Every DRR and the FDK showed their progress.
        bool saw_drr = false, saw_fdk = false;
        for (const auto& p : progress) {
            saw_drr |= p.at(2).toString().startsWith("DRR 120 of 120");
            saw_fdk |= p.at(2).toString().startsWith("FDK");
        }
        QVERIFY(saw_drr && saw_fdk);
        const CtGeometry& g = ws.sweepGeometry();
        QCOMPARE(g.view_count(), int64_t(120));
        const VolumeGrid& grid = ws.reconstruction()->grid;
        const std::vector<float> stack = ui::project_views(
            g, 0, g.view_count(), ws.volume()->hu.grid, ws.volume()->attenuation.host_data());
        recon::CtReconSettings fdk;
        const std::vector<float> reference = recon::reconstruct_ct(g, grid, stack, fdk);
        recon::Volume ref = recon::Volume::allocate(grid, recon::VoxelUnit::AttenuationPerMm);
        std::copy(reference.begin(), reference.end(), ref.voxels.host_data());
        const double ct_psnr = independent_psnr(*ws.volume(), ref, g);
        qInfo("DRR -> CBCT: PSNR %.2f dB; FDK of the CT projector's sweep %.2f dB", drr_psnr,
              ct_psnr);
        QVERIFY2(drr_psnr > ct_psnr - 1.0, qPrintable(QString::number(drr_psnr)));
        QVERIFY2(drr_psnr > 15, qPrintable(QString::number(drr_psnr)));
    }
};

RADON_TEST_CLASS(TestCtWorkspace);
#include "test_ct_workspace.moc"
