// The PET workspace on its own (no main window): its sinogram and reconstruction against the
// `radon pet` commands, linked picking through its model, and OSEM's cancel and responsiveness.

#include <QElapsedTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <set>
#include <vector>

#include "kernels/pet/sinogram_picking.h"
#include "recon/io/volume_io.h"
#include "recon/pet/pet_image.h"
#include "recon/pet/sinogram_file.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "render/pet/scanner_scene.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"
#include "ui/common/compute_worker.h"
#include "ui/common/image_view.h"
#include "ui/common/line_plot.h"
#include "ui/common/orthogonal_slices.h"
#include "ui/pet/michelogram_view.h"
#include "ui/pet/pet_session.h"
#include "ui/pet/pet_workspace.h"
#include "ui/pet/scanner_view.h"
#include "ui/pet/sinogram_view.h"

using namespace radon;
using radon::test::run_radon;
using radon::ui::PetSession;
using radon::ui::PetSettings;
using radon::ui::PetWorkspace;

namespace {

struct Fixture {
    ui::ComputeWorker worker{"CPU"};
    ui::StudioContext context;
    std::unique_ptr<PetWorkspace> workspace;

    Fixture() {
        context.compute = &worker;
        workspace = std::make_unique<PetWorkspace>(context);
        workspace->resize(1400, 900);
    }
    ~Fixture() {
        workspace.reset();
        worker.waitForIdle();
    }
    PetSession& session() { return workspace->session(); }

    bool project() {
        QSignalSpy ready(&session(), &PetSession::sinogramReady);
        session().project();
        return ready.wait(300000);
    }
};

// The largest difference between two vectors, over the largest magnitude of `b`.
double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
    if (a.size() != b.size()) return 1e30;
    double worst = 0, top = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
        top = std::max(top, std::fabs(double(b[i])));
    }
    return top > 0 ? worst / top : worst;
}

std::vector<float> voxels_of(const recon::Volume& v) {
    return {v.voxels.host_data(), v.voxels.host_data() + v.grid.voxel_count()};
}

}  // namespace

class TestPetWorkspace : public QObject {
    Q_OBJECT

  private slots:
    // The sinogram the workspace computes is `radon pet project`'s for the same settings: the
    // IEC phantom with its own attenuation, TOF (the demo scanner's 7 bins), span 3.
    void sinogramEqualsTheCli() {
        Fixture f;
        PetSettings s = f.session().settings();
        s.sinogram.span = 3;
        s.attenuation = ui::PetAttenuationSource::IecPhantom;
        f.session().setSettings(s);
        QVERIFY(f.project());
        const auto& sino = *f.session().sinogram();
        QVERIFY(sino.descriptor->has_tof_axis());

        QTemporaryDir dir;
        const QString path = dir.filePath("cli.hs");
        const auto run = run_radon(QStringList{"pet", "project"} +
                                   ui::pet_cli_arguments(s, sino.scanner, true, false) +
                                   QStringList{"-o", path});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        const std::vector<float> cli = recon::read_sinogram(path.toStdString(), *sino.descriptor);
        const double d = relative_difference(*sino.values, cli);
        std::printf("sinogram vs radon pet project: largest difference %.3g of the peak\n", d);
        QVERIFY2(d == 0, qPrintable(QString("differs by %1 of the peak").arg(d)));

        // The workspace's own export reads back as the same bins.
        const QString mine = dir.filePath("mine.nrrd");
        QSignalSpy finished(&f.worker, &ui::ComputeWorker::jobFinished);
        f.session().exportSinogram(mine);
        QVERIFY(finished.wait(60000));
        QCOMPARE(recon::read_sinogram(mine.toStdString(), *sino.descriptor), *sino.values);
    }

    // Attenuation from the shared CT (the thorax phantom, HU): the scanner moves onto the CT's
    // centre and the sinogram equals `radon pet project --mu-from-ct CT --scanner-centre C`.
    void attenuationFromTheLoadedCtEqualsTheCli() {
        Fixture f;
        QTemporaryDir dir;
        const recon::Volume ct =
            recon::thorax_phantom().voxelize_hu(centered_grid({48, 48, 24}, {8, 8, 8}));
        const QString ct_path = dir.filePath("ct.nii");
        recon::write_volume(ct, ct_path.toStdString());
        ui::LoadedVolume loaded;
        loaded.hu = recon::read_volume(ct_path.toStdString());
        f.context.volume = loaded;
        f.workspace->volumeChanged();
        PetSettings s = f.session().settings();
        s.attenuation = ui::PetAttenuationSource::LoadedCt;
        s.sinogram.tof = recon::TofChoice::Off;
        f.session().setSettings(s);
        QVERIFY(f.project());
        const auto& sino = *f.session().sinogram();
        QVERIFY(norm(sino.scanner.scanner.isocentre_lps - loaded.hu.grid.center()) < 1e-9);
        const QString path = dir.filePath("cli.hs");
        const auto run = run_radon(QStringList{"pet", "project"} +
                                   ui::pet_cli_arguments(s, sino.scanner, true, false) +
                                   QStringList{"--mu-from-ct", ct_path, "-o", path});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("attenuation"), qPrintable(run.out));
        const std::vector<float> cli = recon::read_sinogram(path.toStdString(), *sino.descriptor);
        QCOMPARE(relative_difference(*sino.values, cli), 0.0);
        // The attenuation did something: some bins lost counts against the unattenuated one.
        s.attenuation = ui::PetAttenuationSource::None;
        f.session().setSettings(s);
        const std::vector<float> attenuated = *sino.values;
        QVERIFY(f.project());
        double lost = 0, all = 0;
        for (std::size_t i = 0; i < attenuated.size(); ++i) {
            lost += (*f.session().sinogram()->values)[i] - attenuated[i];
            all += (*f.session().sinogram()->values)[i];
        }
        QVERIFY2(lost > 0.3 * all, qPrintable(QString("lost %1 of %2").arg(lost).arg(all)));
    }

    // OSEM in the workspace (2 iterations of 3 subsets) gives `radon pet recon`'s image for the
    // sinogram the workspace exported, and the log-likelihood it plots is the CLI's.
    void reconstructionEqualsTheCli() {
        Fixture f;
        PetSettings s = f.session().settings();
        s.sinogram.tof = recon::TofChoice::Off;
        s.iterations = 2;
        s.subsets = 3;
        f.session().setSettings(s);
        QVERIFY(f.project());
        QSignalSpy ended(&f.session(), &PetSession::reconstructionEnded);
        QSignalSpy updates(&f.session(), &PetSession::reconstructionUpdated);
        f.session().reconstruct();
        QVERIFY(ended.wait(300000));
        QCOMPARE(ended.first().first().toBool(), true);
        QCOMPARE(updates.count(), 6);
        QVERIFY(f.session().reconstruction().has_value());
        QVERIFY(f.workspace->reconstructionView()->volume().has_value());
        QCOMPARE(f.workspace->likelihoodPlot()->points(0).size(), 3);  // iterations 0, 1, 2

        QTemporaryDir dir;
        const QString sino = dir.filePath("ws.hs");
        QSignalSpy finished(&f.worker, &ui::ComputeWorker::jobFinished);
        f.session().exportSinogram(sino);
        QVERIFY(finished.wait(60000));
        const QString out = dir.filePath("cli.nii");
        const auto run =
            run_radon(QStringList{"pet", "recon", sino} +
                      ui::pet_cli_arguments(s, f.session().sinogram()->scanner, false, true) +
                      QStringList{"-o", out});
        QVERIFY2(run.exit_code == 0, qPrintable(run.err));
        const recon::Volume cli = recon::read_volume(out.toStdString());
        const std::vector<float> mine = voxels_of(*f.session().reconstruction());
        const double d = relative_difference(mine, voxels_of(cli));
        std::printf("OSEM vs radon pet recon: largest difference %.3g of the peak\n", d);
        // Both run the same code; only the order in which the back projector's threads add
        // may differ.
        QVERIFY2(d < 1e-5, qPrintable(QString("differs by %1 of the peak").arg(d)));
        // The plot holds the CLI's log-likelihoods, in iteration order from the initial image's.
        const QVector<QPointF> ll = f.workspace->likelihoodPlot()->points(0);
        for (int i = 0; i < ll.size(); ++i)
            QCOMPARE(ll[i].x(), double(i));
        int compared = 0;
        for (const QString& line : run.out.split('\n'))
            if (line.startsWith("iteration ")) {
                const int it = line.section(' ', 1, 1).remove(':').toInt();
                const double value =
                    line.section("log-likelihood ", 1).section(' ', 0, 0).toDouble();
                QVERIFY(std::fabs(ll[it].y() - value) <= 1e-6 * std::fabs(value));
                ++compared;
            }
        QCOMPARE(compared, 2);
    }

    // Cancel during OSEM: the job ends, cancelled, with at most one more sub-iteration shown
    // (the one running when cancel was pressed); the UI event loop never stalls 50 ms or more
    // while it runs (a 2 ms timer measures the gaps between its ticks).
    void cancelStopsOsemWithinOneSubiteration() {
        Fixture f;
        f.workspace->show();
        PetSettings s = f.session().settings();
        s.iterations = 40;
        s.subsets = 4;
        f.session().setSettings(s);
        QVERIFY(f.project());
        QTest::qWait(500);  // the views' first frames drawn: the stall measured is OSEM's

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
        QSignalSpy ended(&f.session(), &PetSession::reconstructionEnded);
        int updates = 0, after_cancel = 0;
        bool cancelled = false;
        QObject::connect(&f.session(), &PetSession::reconstructionUpdated, [&] {
            ++updates;
            if (cancelled) ++after_cancel;
        });
        f.session().reconstruct();
        last = clock.nsecsElapsed();
        ticker.start();
        QVERIFY(QTest::qWaitFor([&] { return updates >= 6; }, 300000));
        ticker.stop();
        const double stall_ms = 1e-6 * longest;
        cancelled = true;
        f.workspace->cancelButton()->click();
        QVERIFY(ended.wait(60000));
        QCOMPARE(ended.first().first().toBool(), false);
        QVERIFY2(after_cancel <= 1,
                 qPrintable(QString("%1 sub-iterations after cancel").arg(after_cancel)));
        QVERIFY(f.workspace->reconstructButton()->isEnabled());
        std::printf("longest UI stall during OSEM (demo scanner, TOF, 4 subsets): %.1f ms\n",
                    stall_ms);
        QVERIFY2(stall_ms < 50, qPrintable(QString("UI stalled %1 ms").arg(stall_ms)));
    }

    // Clicking a sinogram pixel picks its bin: the model names the LOR between the centres of
    // the bin's crystals, in the plane shown, with the TOF bin's kernel.
    void clickingABinPicksItsLor() {
        Fixture f;
        f.workspace->show();
        QVERIFY(f.project());
        ui::SinogramView* view = f.workspace->sinogramView();
        view->setSliceIndex(5);
        view->setTofBin(4);
        ui::ImageView* image = view->imageView();
        QVERIFY(QTest::qWaitForWindowExposed(f.workspace.get()));
        const int column = 40, row = 9;
        const QPointF at = image->widgetPosition(QPointF(column, row));
        QTest::mouseClick(image, Qt::LeftButton, {}, at.toPoint());
        QVERIFY(f.session().pickedBin().has_value());
        const pet::BinLor& lor = *f.session().pickedBin();
        QCOMPARE(lor.bin.radial, column);
        QCOMPARE(lor.bin.view, row);
        QCOMPARE(lor.bin.plane, 5);
        QCOMPARE(lor.bin.tof, 4);
        const pet::SinogramDescriptor& d = *f.session().sinogram()->descriptor;
        // Independently: the crystals the conventions name for (view, t) in the plane's rings.
        const int n = d.scanner().detectors_per_ring, t = column + d.min_tangential();
        const int a = ((row + (t >= 0 ? t / 2 : -((-t + 1) / 2))) % n + n) % n;
        const int tb = t + 1;
        const int b = ((row - (tb >= 0 ? tb / 2 : -((-tb + 1) / 2)) + n / 2) % n + n) % n;
        const pet::RingPair rp =
            d.ring_pairs()[static_cast<std::size_t>(d.plane_table()[5].first_pair)];
        QVERIFY(norm(lor.p1 - d.scanner().world_centre(d.scanner().crystal_id(rp.r1, a))) < 1e-9);
        QVERIFY(norm(lor.p2 - d.scanner().world_centre(d.scanner().crystal_id(rp.r2, b))) < 1e-9);
        QVERIFY(lor.has_tof);
        QVERIFY(std::fabs(lor.tof_centre_mm - (4 - 3) * double(d.spec().tof.bin_width_mm)) < 1e-4);
        QVERIFY(view->readoutText().isEmpty() || !view->describe(lor.bin).isEmpty());
        QCOMPARE(image->highlight().size(), 1);
        QCOMPARE(image->highlight().front(), QPoint(column, row));
        // The scanner view draws that LOR with the TOF bin's kernel and lights its two crystals.
        const render::ScannerScene& scene = f.workspace->scannerView()->scene();
        QCOMPARE(scene.lors().size(), std::size_t(1));
        QVERIFY(norm(scene.lors()[0].a - lor.p1) < 1e-9 && norm(scene.lors()[0].b - lor.p2) < 1e-9);
        QVERIFY(scene.lors()[0].tof_centre_mm.has_value());
        QCOMPARE(*scene.lors()[0].tof_centre_mm, lor.tof_centre_mm);
        QCOMPARE(scene.lors()[0].tof_sigma_mm, lor.tof_sigma_mm);
        QCOMPARE(scene.highlighted_crystals(), (std::vector<int>{lor.pairs[0].a, lor.pairs[0].b}));
    }

    // Picking a crystal lights its bins: in every plane the view shows, exactly the bins whose
    // detector pairs include the crystal (found by going through every bin), and the Michelogram
    // marks; clicking a Michelogram cell shows the plane of that ring pair.
    void pickingACrystalLightsItsBins() {
        Fixture f;
        f.workspace->show();
        QVERIFY(f.project());
        const int crystal = 64 * 2 + 13;  // ring 2
        // As a click on the crystal in the 3D view picks it.
        emit f.workspace->scannerView()->crystalPicked(crystal);
        QVERIFY(f.session().pickedFan().has_value());
        ui::SinogramView* view = f.workspace->sinogramView();
        const pet::SinogramDescriptor& d = *f.session().sinogram()->descriptor;
        // The 3D view draws the fan: one LOR per detector pair, each from the crystal's centre.
        const render::ScannerScene& scene = f.workspace->scannerView()->scene();
        QCOMPARE(scene.lors().size(), f.session().pickedFan()->pairs.size());
        const Vec3 c = d.scanner().world_centre(crystal);
        for (const auto& lor : scene.lors())
            QVERIFY(std::min(norm(lor.a - c), norm(lor.b - c)) < 1e-9);
        QCOMPARE(scene.highlighted_crystals(), std::vector<int>{crystal});
        int lit_in_all = 0;
        for (int plane = 0; plane < d.planes(); ++plane) {
            view->setSliceIndex(plane);
            std::set<std::pair<int, int>> expected;
            for (int v = 0; v < d.views(); ++v)
                for (int r = 0; r < d.radial_bins(); ++r)
                    for (const pet::DetectorPair& p : d.contributing_pairs({r, v, plane, 0}))
                        if (p.a == crystal || p.b == crystal) expected.insert({r, v});
            std::set<std::pair<int, int>> lit;
            for (const QPoint& p : view->imageView()->highlight())
                lit.insert({p.x(), p.y()});
            QVERIFY2(lit == expected, qPrintable(QString("plane %1").arg(plane)));
            lit_in_all += static_cast<int>(lit.size());
        }
        QCOMPARE(lit_in_all, static_cast<int>(f.session().pickedFan()->bins.size()));
        QVERIFY(lit_in_all > 0);

        ui::MichelogramView* m = view->michelogram();
        const int plane = d.plane_of_rings(1, 3);
        QVERIFY(plane >= 0);
        QTest::mouseClick(m, Qt::LeftButton, {}, m->cellCentre(1, 3).toPoint());
        QCOMPARE(view->sliceIndex(), plane);
        QVERIFY(view->caption().contains("1-3"));
    }
};

RADON_TEST_CLASS(TestPetWorkspace);
#include "test_pet_workspace.moc"
