// The DRR session as a window uses it: pose panel -> worker -> view. A slider move renders, a
// held slider gives previews smaller than the final image, bursts coalesce and end on the last
// pose, the UI thread stays responsive during long renders and loads, the DRR equals the CLI's,
// and a bad file gives a message while the session keeps rendering.

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "recon/io/image_io.h"
#include "tests/common/test_registry.h"
#include "tests/ui/ui_test_support.h"
#include "ui/drr_image_view.h"
#include "ui/drr_session.h"
#include "ui/pose_panel.h"
#include "ui/slider_spin_box.h"

using radon::test::direct_render;
using radon::test::same_bits;
using radon::ui::DrrFrame;
using radon::ui::DrrImageView;
using radon::ui::DrrParameters;
using radon::ui::DrrSession;
using radon::ui::PosePanel;
using radon::ui::SliderSpinBox;

namespace {

DrrFrame frame_at(const QSignalSpy& spy, qsizetype i) {
    return spy.at(i).at(0).value<DrrFrame>();
}

// A panel, a view and a session on a phantom volume, with its first frame shown.
struct Rig {
    PosePanel panel;
    DrrImageView view;
    DrrSession session{&panel, &view};

    bool load(std::array<int64_t, 3> size, radon::Vec3 spacing) {
        QSignalSpy shown(&session, &DrrSession::frameShown);
        session.loadThoraxPhantom(size, spacing);
        return shown.wait(60000);
    }
    void set_detector(int64_t pixels, double spacing) {
        DrrParameters p = panel.parameters();
        p.detector.width = p.detector.height = pixels;
        p.detector.delx = p.detector.dely = spacing;
        panel.setParameters(p);
    }
    SliderSpinBox* slider(const char* name) { return panel.findChild<SliderSpinBox*>(name); }
    // Waits until the frame of the newest request is on screen.
    bool settle(QSignalSpy& shown, int timeout_ms = 60000) {
        return QTest::qWaitFor(
            [&] {
                return !shown.isEmpty() && frame_at(shown, shown.count() - 1).request.sequence ==
                                               session.lastPostedSequence();
            },
            timeout_ms);
    }
};

}  // namespace

class TestDrrSession : public QObject {
    Q_OBJECT

  private slots:
    void moving_a_slider_produces_a_new_drr() {
        Rig rig;
        QVERIFY(rig.load(radon::test::kSmallThoraxSize, radon::test::kSmallThoraxSpacing));
        const radon::recon::Image2D before = rig.view.image();
        QSignalSpy shown(&rig.session, &DrrSession::frameShown);
        QSignalSpy status(&rig.session, &DrrSession::frameStatusChanged);
        rig.slider("primary")->slider()->setValue(300);  // LAO 30
        QVERIFY(shown.wait(30000));
        const DrrFrame frame = frame_at(shown, 0);
        QCOMPARE(frame.request.parameters.pose.primary_deg, 30.0);
        QVERIFY(!same_bits(frame.image, before));
        QVERIFY(same_bits(rig.view.image(), frame.image));
        QVERIFY(shown.at(0).at(1).toDouble() > 0);  // latency
        QVERIFY(status.last().at(0).toString().contains("Mrays/s"));
    }

    void a_held_slider_previews_smaller_than_the_full_image_after_release() {
        Rig rig;
        QVERIFY(rig.load(radon::test::kSmallThoraxSize, radon::test::kSmallThoraxSpacing));
        QSignalSpy shown(&rig.session, &DrrSession::frameShown);
        rig.set_detector(512, 0.8);
        QVERIFY(rig.settle(shown));
        shown.clear();

        QSlider* secondary = rig.slider("secondary")->slider();
        secondary->setSliderDown(true);
        secondary->setValue(150);
        QVERIFY(rig.settle(shown));
        const DrrFrame preview = frame_at(shown, shown.count() - 1);
        QVERIFY(preview.request.preview);
        secondary->setSliderDown(false);
        QVERIFY(rig.settle(shown));
        const DrrFrame full = frame_at(shown, shown.count() - 1);
        QVERIFY(!full.request.preview);
        qInfo("preview %lldx%lld, full %lldx%lld", (long long)preview.image.width(),
              (long long)preview.image.height(), (long long)full.image.width(),
              (long long)full.image.height());
        QCOMPARE(full.image.width(), int64_t(512));
        QVERIFY(preview.image.width() < full.image.width());
        QVERIFY(preview.image.height() < full.image.height());
        QCOMPARE(preview.request.parameters.pose.secondary_deg, 15.0);
        QCOMPARE(full.request.parameters.pose.secondary_deg, 15.0);
    }

    void a_burst_of_200_slider_changes_renders_few_frames_and_ends_on_the_last_pose() {
        Rig rig;
        QVERIFY(rig.load(radon::test::kMediumThoraxSize, radon::test::kMediumThoraxSpacing));
        QSignalSpy shown(&rig.session, &DrrSession::frameShown);
        rig.set_detector(256, 1.6);
        QVERIFY(rig.settle(shown));

        for (const bool held : {false, true}) {
            shown.clear();
            QSlider* primary = rig.slider("primary")->slider();
            if (held) primary->setSliderDown(true);
            for (int i = 1; i <= 200; ++i) {
                primary->setValue(held ? -3 * i : 3 * i);
                QCoreApplication::processEvents();  // frames may arrive in between, as in a drag
            }
            if (held) primary->setSliderDown(false);
            QVERIFY(rig.settle(shown));
            const qsizetype frames = shown.count();
            qInfo("%s burst of 200 slider changes: %lld frames rendered",
                  held ? "held (previews)" : "unheld (full)", (long long)frames);
            QVERIFY2(frames <= 50, "requests must coalesce: far fewer frames than changes");
            const DrrFrame last = frame_at(shown, frames - 1);
            QVERIFY(!last.request.preview);
            const DrrParameters expected = rig.panel.parameters();
            QCOMPARE(last.request.parameters.pose.primary_deg, held ? -60.0 : 60.0);
            const auto& volume = *rig.session.volume();
            QVERIFY(
                same_bits(last.image, direct_render(volume.hu.grid, volume.attenuation, expected)));
            QVERIFY(same_bits(rig.view.image(), last.image));
        }
    }

    void the_ui_stays_responsive_during_a_1500x1500_render_and_a_load() {
        Rig rig;
        radon::test::StallMeter meter;
        QSignalSpy ready(&rig.session, &DrrSession::volumeReady);
        meter.start();
        rig.session.loadThoraxPhantom({256, 256, 133}, {1.40625, 1.40625, 2.5});
        QVERIFY(ready.wait(120000));
        const double load_stall = meter.stop();

        QSignalSpy shown(&rig.session, &DrrSession::frameShown);
        QVERIFY(rig.settle(shown));
        shown.clear();
        meter.start();
        rig.set_detector(1500, 0.27);
        QVERIFY(rig.settle(shown, 120000));
        QTest::qWait(100);  // the repaint after the frame
        const double render_stall = meter.stop();
        const DrrFrame frame = frame_at(shown, shown.count() - 1);
        QCOMPARE(frame.image.width(), int64_t(1500));
        qInfo(
            "longest UI stall: %.1f ms while loading a 256x256x133 phantom, %.1f ms during a "
            "1500x1500 render of %.0f ms (latency %.0f ms)",
            load_stall, render_stall, frame.milliseconds, shown.last().at(1).toDouble());
        QVERIFY2(load_stall < 200, "loading must not freeze the UI");
        QVERIFY2(render_stall < 200, "rendering must not freeze the UI");
    }

    void the_drr_equals_the_cli_output_for_the_same_pose() {
        Rig rig;
        QVERIFY(rig.load(radon::test::kSmallThoraxSize, radon::test::kSmallThoraxSpacing));
        QTemporaryDir dir;
        for (const bool trilinear : {false, true}) {
            DrrParameters p = rig.panel.parameters();
            p.pose.primary_deg = 30;
            p.pose.secondary_deg = -10;
            p.pose.roll_deg = 5;
            p.pose.isocenter_offset = {10, -5, 20};
            p.pose.sad = 800;
            p.pose.sdd = 1100;
            p.detector.width = 50;
            p.detector.height = 40;
            p.detector.delx = 3;
            p.detector.dely = 2.5;
            p.settings.algorithm =
                trilinear ? radon::DrrAlgorithm::Trilinear : radon::DrrAlgorithm::Siddon;
            p.settings.step_voxels = 0.5;
            QSignalSpy shown(&rig.session, &DrrSession::frameShown);
            rig.panel.setParameters(p);
            QVERIFY(rig.settle(shown));
            const DrrFrame frame = frame_at(shown, shown.count() - 1);

            const QString out = dir.filePath(trilinear ? "trilinear.nrrd" : "siddon.nrrd");
            QStringList args{"drr",
                             "--phantom",
                             "thorax",
                             "--phantom-size",
                             "64,64,38",
                             "--phantom-spacing",
                             "5.625,5.625,8.75",
                             "--primary",
                             "30",
                             "--secondary",
                             "-10",
                             "--roll",
                             "5",
                             "--isocenter-offset",
                             "10,-5,20",
                             "--sad",
                             "800",
                             "--sdd",
                             "1100",
                             "--width",
                             "50",
                             "--height",
                             "40",
                             "--delx",
                             "3",
                             "--dely",
                             "2.5",
                             "-o",
                             out,
                             "--quiet"};
            if (trilinear)
                args << "--renderer"
                     << "trilinear"
                     << "--step"
                     << "0.5";
            QProcess radon;
            radon.start(RADON_CLI_PATH, args);
            QVERIFY(radon.waitForFinished(120000));
            QVERIFY2(radon.exitCode() == 0, radon.readAllStandardError().constData());
            const radon::recon::Image2D cli = radon::recon::read_image(out.toStdString());
            QVERIFY2(same_bits(frame.image, cli), trilinear ? "trilinear DRR differs from radon drr"
                                                            : "Siddon DRR differs from radon drr");
            QCOMPARE(cli.spacing[0], frame.image.spacing[0]);
            QCOMPARE(cli.spacing[1], frame.image.spacing[1]);
        }
    }

    void a_bad_volume_file_gives_a_message_and_the_session_keeps_rendering() {
        Rig rig;
        QVERIFY(rig.load(radon::test::kSmallThoraxSize, radon::test::kSmallThoraxSpacing));
        QTemporaryDir dir;
        const QString garbage = dir.filePath("garbage.nrrd");
        {
            QFile f(garbage);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("this is not an NRRD file\n");
        }
        const QString missing = dir.filePath("missing.nii.gz");
        for (const QString& path : {missing, garbage}) {
            QSignalSpy error(&rig.session, &DrrSession::errorOccurred);
            rig.session.loadVolumeFile(path);
            QVERIFY(error.wait(30000));
            const QString message = error.at(0).at(0).toString();
            qInfo("%s", qPrintable(message));
            QVERIFY2(message.contains(QFileInfo(path).fileName()), qPrintable(message));
        }
        QSignalSpy shown(&rig.session, &DrrSession::frameShown);
        rig.slider("roll")->slider()->setValue(150);
        QVERIFY(rig.settle(shown));
        QCOMPARE(frame_at(shown, shown.count() - 1).request.parameters.pose.roll_deg, 15.0);
    }
};

RADON_TEST_CLASS(TestDrrSession);
#include "test_drr_session.moc"
