// The DRR session as a window uses it: pose panel -> worker -> view. A slider move renders, a
// held slider gives previews smaller than the final image, bursts coalesce and end on the last
// pose, the UI thread stays responsive during long renders and loads, the DRR equals the CLI's,
// the panel's output choice turns every frame (preview and full) into transmission, log or an
// inverted image with the view's window following, and a bad file gives a message while the
// session keeps rendering.

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>

#include "kernels/physics/drr_output.h"
#include "recon/io/image_io.h"
#include "tests/common/test_registry.h"
#include "tests/ui/ui_test_support.h"
#include "ui/common/slider_spin_box.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/drr_session.h"
#include "ui/drr/pose_panel.h"

using radon::test::direct_render;
using radon::test::same_bits;
using radon::ui::DrrFrame;
using radon::ui::DrrImageView;
using radon::ui::DrrParameters;
using radon::ui::DrrSession;
using radon::ui::LoadedVolume;
using radon::ui::PosePanel;
using radon::ui::SliderSpinBox;

namespace {

DrrFrame frame_at(const QSignalSpy& spy, qsizetype i) {
    return spy.at(i).at(0).value<DrrFrame>();
}

// The largest difference between two images of the same size, relative to `scale`, or infinity
// when the sizes differ.
double largest_difference(const radon::recon::Image2D& a, const radon::recon::Image2D& b,
                          double scale) {
    if (a.pixels.extents() != b.pixels.extents()) return INFINITY;
    double worst = 0;
    for (int64_t i = 0; i < a.pixels.size(); ++i)
        worst = std::max(worst, std::fabs(double(a.pixels[i]) - double(b.pixels[i])) / scale);
    return worst;
}

radon::recon::Image2D copy_of(const radon::recon::Image2D& image) {
    radon::recon::Image2D copy = radon::recon::Image2D::allocate(
        image.width(), image.height(), image.spacing[0], image.spacing[1]);
    std::copy(image.pixels.host_data(), image.pixels.host_data() + image.pixels.size(),
              copy.pixels.host_data());
    return copy;
}

// `line_integrals` with every pixel turned into `output` by the formulas of docs/PHYSICS.md,
// written out here in double precision.
radon::recon::Image2D expected_output(const radon::recon::Image2D& line_integrals,
                                      const radon::DrrOutput& output) {
    radon::recon::Image2D out =
        radon::recon::Image2D::allocate(line_integrals.width(), line_integrals.height(),
                                        line_integrals.spacing[0], line_integrals.spacing[1]);
    const double i0 = output.i0;
    for (int64_t i = 0; i < out.pixels.size(); ++i) {
        const double p = line_integrals.pixels[i];
        double v = p, top = 0;
        if (output.kind == radon::DrrOutputKind::Transmission) {
            v = i0 * std::exp(-p);
            top = i0;
        } else if (output.kind == radon::DrrOutputKind::Log) {
            v = std::min(p, std::log(i0));
            top = std::log(i0);
        }
        out.pixels[i] = static_cast<float>(output.invert ? top - v : v);
    }
    return out;
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

    // The worker's frame says when the detector plane cuts through the volume, and the status
    // line leads with the warning; moved clear again, both go away.
    void a_detector_inside_the_volume_is_marked() {
        Rig rig;
        QVERIFY(rig.load(radon::test::kSmallThoraxSize, radon::test::kSmallThoraxSpacing));
        QSignalSpy shown(&rig.session, &DrrSession::frameShown);
        QSignalSpy status(&rig.session, &DrrSession::frameStatusChanged);
        DrrParameters p = rig.panel.parameters();
        p.pose.sdd = p.pose.sad + 20;  // 20 mm anterior of the isocenter: inside the chest
        rig.panel.setParameters(p);
        QVERIFY(rig.settle(shown));
        QVERIFY(frame_at(shown, shown.count() - 1).detector_cut.beyond_detector);
        QVERIFY2(status.last().at(0).toString().startsWith(
                     "WARNING: the detector plane cuts through the volume"),
                 qPrintable(status.last().at(0).toString()));
        QCOMPARE(rig.view.warning(), QString("The detector cuts through the volume"));
        QVERIFY(rig.view.toolTip().contains("beyond it is not in the image"));

        p.pose.sdd = p.pose.sad + 170;
        rig.panel.setParameters(p);
        QVERIFY(rig.settle(shown));
        QVERIFY(!frame_at(shown, shown.count() - 1).detector_cut.any());
        QVERIFY(!status.last().at(0).toString().contains("WARNING"));
        QVERIFY(rig.view.warning().isEmpty());
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
            radon::test::set_oblique_parity_view(p);
            p.settings.algorithm =
                trilinear ? radon::DrrAlgorithm::Trilinear : radon::DrrAlgorithm::Siddon;
            p.settings.step_voxels = 0.5;
            QSignalSpy shown(&rig.session, &DrrSession::frameShown);
            rig.panel.setParameters(p);
            QVERIFY(rig.settle(shown));
            const DrrFrame frame = frame_at(shown, shown.count() - 1);

            const QString out = dir.filePath(trilinear ? "trilinear.nrrd" : "siddon.nrrd");
            QStringList args = radon::test::cli_drr_arguments(p);
            args << "-o" << out;
            const QString failed = radon::test::run_radon(RADON_CLI_PATH, args);
            QVERIFY2(failed.isEmpty(), qPrintable(failed));
            const radon::recon::Image2D cli = radon::recon::read_image(out.toStdString());
            QVERIFY2(same_bits(frame.image, cli), trilinear ? "trilinear DRR differs from radon drr"
                                                            : "Siddon DRR differs from radon drr");
            QCOMPARE(cli.spacing[0], frame.image.spacing[0]);
            QCOMPARE(cli.spacing[1], frame.image.spacing[1]);
        }
    }

    void choosing_transmission_gives_beer_lambert_of_the_line_integral_and_invert_reflects_it() {
        Rig rig;
        QVERIFY(rig.load(radon::test::kSmallThoraxSize, radon::test::kSmallThoraxSpacing));
        QSignalSpy shown(&rig.session, &DrrSession::frameShown);
        DrrParameters p = rig.panel.parameters();
        p.pose.primary_deg = 25;
        p.pose.secondary_deg = -15;
        p.detector.width = 60;
        p.detector.height = 48;
        p.detector.delx = p.detector.dely = 6;
        rig.panel.setParameters(p);
        QVERIFY(rig.settle(shown));
        const DrrFrame line = frame_at(shown, shown.count() - 1);
        QVERIFY(line.request.parameters.output.kind == radon::DrrOutputKind::LineIntegral);
        const double top_p = line.automatic_window.level + 0.5 * line.automatic_window.width;
        QVERIFY2(top_p > 1.0, "the thorax should attenuate more than e^-1 somewhere");

        // Chosen as a user does: the Output combo, then the I0 field it enables.
        auto* output = rig.panel.findChild<QComboBox*>("output");
        auto* i0 = rig.panel.findChild<QDoubleSpinBox*>("i0");
        auto* invert = rig.panel.findChild<QCheckBox*>("invert");
        QVERIFY(output && i0 && invert);
        QVERIFY(!i0->isEnabled());
        output->setCurrentIndex(output->findData(int(radon::DrrOutputKind::Transmission)));
        QVERIFY(i0->isEnabled());
        i0->setValue(1000);
        QVERIFY(rig.settle(shown));
        const DrrFrame transmission = frame_at(shown, shown.count() - 1);
        const radon::DrrOutput chosen = transmission.request.parameters.output;
        QVERIFY(chosen.kind == radon::DrrOutputKind::Transmission);
        QCOMPARE(chosen.i0, 1000.0f);
        QCOMPARE(chosen.invert, 0);
        // I = I0 exp(-p) of the line-integral frame of the same pose: in double precision here,
        // and bit for bit what the kernels' own function gives.
        QVERIFY2(largest_difference(transmission.image, expected_output(line.image, chosen),
                                    1000.0) < 1e-6,
                 "the transmission frame is not I0 exp(-p) of the line integrals");
        radon::recon::Image2D by_kernels = copy_of(line.image);
        for (int64_t k = 0; k < by_kernels.pixels.size(); ++k)
            by_kernels.pixels[k] = radon::drr_output_value(line.image.pixels[k], chosen);
        QVERIFY(same_bits(transmission.image, by_kernels));
        // The view's window fits counts now, not line integrals.
        const radon::recon::Window w = rig.view.window();
        QCOMPARE(w.level, transmission.automatic_window.level);
        QVERIFY(w.level - 0.5 * w.width >= 0.0);
        QVERIFY(w.level + 0.5 * w.width <= 1000.0);
        QVERIFY2(w.level - 0.5 * w.width < 1000.0 * std::exp(-0.5 * top_p),
                 "the window should take in the dense parts, far below I0");

        // Invert reflects about the top of the range: I0 - I.
        invert->setChecked(true);
        QVERIFY(rig.settle(shown));
        const DrrFrame inverted = frame_at(shown, shown.count() - 1);
        QCOMPARE(inverted.request.parameters.output.invert, 1);
        radon::recon::Image2D reflected = copy_of(transmission.image);
        for (int64_t k = 0; k < reflected.pixels.size(); ++k)
            reflected.pixels[k] = 1000.0f - transmission.image.pixels[k];
        QVERIFY2(largest_difference(inverted.image, reflected, 1000.0) < 1e-6,
                 "invert is not I0 - I");
        QVERIFY(largest_difference(inverted.image,
                                   expected_output(line.image, inverted.request.parameters.output),
                                   1000.0) < 1e-6);

        // Previews carry the output too: a held slider renders I0 - I of the preview's rays.
        QSlider* primary = rig.slider("primary")->slider();
        primary->setSliderDown(true);
        primary->setValue(400);
        QVERIFY(rig.settle(shown));
        const DrrFrame preview = frame_at(shown, shown.count() - 1);
        primary->setSliderDown(false);
        QVERIFY(preview.request.preview);
        const LoadedVolume& volume = *rig.session.volume();
        DrrParameters line_preview = preview.request.parameters;
        line_preview.output = {};
        const radon::recon::Image2D preview_p =
            direct_render(volume.hu.grid, volume.attenuation, line_preview);
        QVERIFY(largest_difference(preview.image,
                                   expected_output(preview_p, preview.request.parameters.output),
                                   1000.0) < 1e-6);
        QVERIFY(rig.settle(shown));

        // Back to the line integral: I0 no longer applies, and the window fits line integrals.
        output->setCurrentIndex(output->findData(int(radon::DrrOutputKind::LineIntegral)));
        invert->setChecked(false);
        QVERIFY(!i0->isEnabled());
        QVERIFY(rig.settle(shown));
        const DrrFrame back = frame_at(shown, shown.count() - 1);
        QVERIFY(back.request.parameters.output.kind == radon::DrrOutputKind::LineIntegral);
        QCOMPARE(back.request.parameters.output.i0, radon::DrrOutput{}.i0);
        QCOMPARE(rig.view.window().level, back.automatic_window.level);
        QCOMPARE(rig.view.window().width, back.automatic_window.width);
    }

    void a_window_set_by_hand_gives_way_when_the_output_changes() {
        Rig rig;
        QVERIFY(rig.load(radon::test::kSmallThoraxSize, radon::test::kSmallThoraxSpacing));
        QSignalSpy shown(&rig.session, &DrrSession::frameShown);
        rig.set_detector(64, 6);
        QVERIFY(rig.settle(shown));
        rig.view.applyWindowPreset(radon::ui::WindowPreset::Bone);
        rig.view.setWindow(2.0, 1.0);  // line integrals 1.5 to 2.5
        rig.slider("roll")->setValue(10);
        QVERIFY(rig.settle(shown));
        QVERIFY(!rig.view.windowPreset());
        QCOMPARE(rig.view.window().level, 2.0);  // same values: the hand-set window stays

        DrrParameters p = rig.panel.parameters();
        p.output.kind = radon::DrrOutputKind::Transmission;
        p.output.i0 = 1e4f;
        rig.panel.setParameters(p);
        QVERIFY(rig.settle(shown));
        const DrrFrame frame = frame_at(shown, shown.count() - 1);
        // Back on the preset the window followed before it was set by hand. Bone is where the
        // counts are fewest now: the lower half of the automatic range.
        QCOMPARE(rig.view.windowPreset(), std::optional(radon::ui::WindowPreset::Bone));
        const radon::recon::Window automatic = frame.automatic_window;
        QCOMPARE(rig.view.window().width, 0.5 * automatic.width);
        QCOMPARE(rig.view.window().level, automatic.level - 0.25 * automatic.width);
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
