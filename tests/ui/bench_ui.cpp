// bench_ui: how quickly the desktop app's DRR session answers a slider, and how long the UI
// thread is ever blocked. Prints a table; asserts nothing (tests/ui checks behaviour).
//
//   QT_QPA_PLATFORM=offscreen bench_ui [--runs N] [--phantom-size NX,NY,NZ]
//
// Latency runs from the slider's value change to the frame being in the view (converted to
// 8-bit and scheduled for painting), as the session reports it. The default volume is the
// thorax phantom on the CLI's default grid (512 x 512 x 133 voxels of 0.703125 x 0.703125 x
// 2.5 mm); the full image is 512 x 512 pixels of 0.8 mm, the preview 256 x 256 of 1.6 mm.

#include <QApplication>
#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/sample_summary.h"
#include "tests/ui/ui_test_support.h"
#include "ui/common/slider_spin_box.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/drr_session.h"
#include "ui/drr/pose_panel.h"

using radon::ui::DrrFrame;
using radon::ui::DrrImageView;
using radon::ui::DrrParameters;
using radon::ui::DrrSession;
using radon::ui::PosePanel;
using radon::ui::SliderSpinBox;

namespace {

class Bench {
  public:
    Bench() {
        auto* layout = new QHBoxLayout(&window_);
        layout->addWidget(&panel_);
        layout->addWidget(&view_, 1);
        window_.resize(1280, 820);
        window_.show();
        QObject::connect(&session_, &DrrSession::frameShown,
                         [this](const DrrFrame& frame, double latency) {
                             last_frame_ = frame;
                             last_latency_ = latency;
                         });
    }

    bool load(std::array<int64_t, 3> size, radon::Vec3 spacing) {
        QSignalSpy ready(&session_, &DrrSession::volumeReady);
        radon::test::StallMeter meter;
        QElapsedTimer timer;
        timer.start();
        meter.start();
        session_.loadThoraxPhantom(size, spacing);
        if (!ready.wait(600000)) return false;
        load_stall_ms_ = meter.stop();
        load_ms_ = 1e-6 * timer.nsecsElapsed();
        return settle();
    }

    void set_detector(int64_t pixels, double spacing) {
        DrrParameters p = panel_.parameters();
        p.detector.width = p.detector.height = pixels;
        p.detector.delx = p.detector.dely = spacing;
        panel_.setParameters(p);
        settle();
    }

    // Waits for the frame of the newest request.
    bool settle(int timeout_ms = 600000) {
        return QTest::qWaitFor(
            [this] { return last_frame_.request.sequence == session_.lastPostedSequence(); },
            timeout_ms);
    }

    // Moves the primary angle one step and waits for the frame: its latency and render time.
    std::pair<double, double> step(QSlider* slider, int delta) {
        slider->setValue(slider->value() + delta);
        settle();
        return {last_latency_, last_frame_.milliseconds};
    }

    QSlider* slider(const char* name) { return panel_.findChild<SliderSpinBox*>(name)->slider(); }

    QWidget window_;  // first in, last out: it holds the panel and the view as children
    PosePanel panel_;
    DrrImageView view_;
    DrrSession session_{&panel_, &view_};
    DrrFrame last_frame_;
    double last_latency_ = 0;
    double load_ms_ = 0, load_stall_ms_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    int runs = 15;
    std::array<int64_t, 3> size = radon::recon::default_thorax_size();
    radon::Vec3 spacing = radon::recon::default_thorax_spacing();
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == "--runs") runs = std::max(1, args[i + 1].toInt());
        if (args[i] == "--phantom-size") {
            const QStringList n = args[i + 1].split(',');
            if (n.size() == 3) {
                for (int k = 0; k < 3; ++k) {
                    const int64_t full = size[k];
                    size[k] = std::max<qlonglong>(1, n[k].toLongLong());
                    spacing[k] *= static_cast<double>(full) / size[k];  // same field of view
                }
            }
        }
    }

    Bench bench;
    std::printf("bench_ui: CPU %s, %d threads; thorax phantom %lldx%lldx%lld\n",
                radon::cpu_model_name().c_str(), QThread::idealThreadCount(), (long long)size[0],
                (long long)size[1], (long long)size[2]);
    if (!bench.load(size, spacing)) {
        std::fprintf(stderr, "bench_ui: the volume did not load\n");
        return 1;
    }
    std::printf("load (voxelise + convert + prepare): %.0f ms, longest UI stall %.1f ms\n",
                bench.load_ms_, bench.load_stall_ms_);

    bench.set_detector(512, 0.8);
    QSlider* primary = bench.slider("primary");
    // Warm-up: the engine prepares a copy of the volume per dominant ray axis on first use.
    for (int i = 0; i < 3; ++i)
        bench.step(primary, 10);

    std::vector<double> preview_latency, preview_render, full_latency, full_render;
    primary->setSliderDown(true);
    for (int i = 0; i < runs; ++i) {
        const auto [latency, render] = bench.step(primary, 10);
        if (!bench.last_frame_.request.preview) std::fprintf(stderr, "expected a preview\n");
        preview_latency.push_back(latency);
        preview_render.push_back(render);
    }
    primary->setSliderDown(false);
    bench.settle();
    for (int i = 0; i < runs; ++i) {
        const auto [latency, render] = bench.step(primary, 10);
        full_latency.push_back(latency);
        full_render.push_back(render);
    }

    // A drag: one slider change every 16 ms (60 Hz) for 3 s, previews shown as they come.
    int drag_frames = 0;
    std::vector<double> drag_latency;
    auto counter = QObject::connect(&bench.session_, &DrrSession::frameShown,
                                    [&](const DrrFrame& frame, double latency) {
                                        if (!frame.request.preview) return;
                                        ++drag_frames;
                                        drag_latency.push_back(latency);
                                    });
    primary->setSliderDown(true);
    QElapsedTimer drag_clock;
    drag_clock.start();
    QTimer drag;
    drag.setTimerType(Qt::PreciseTimer);
    QObject::connect(&drag, &QTimer::timeout, [&] { primary->setValue(primary->value() - 5); });
    drag.start(16);
    QTest::qWait(3000);
    drag.stop();
    const double drag_seconds = 1e-9 * drag_clock.nsecsElapsed();
    primary->setSliderDown(false);
    bench.settle();
    QObject::disconnect(counter);

    // 1500 x 1500: the longest time the event loop goes without running a 1 ms timer.
    std::vector<double> stall, big_render, big_latency;
    for (int i = 0; i < std::max(3, runs / 5); ++i) {
        radon::test::StallMeter meter;
        meter.start();
        if (i == 0) {
            bench.set_detector(1500, 0.27);
        } else {
            bench.step(primary, 10);
        }
        QTest::qWait(100);  // and its repaint
        stall.push_back(meter.stop());
        big_render.push_back(bench.last_frame_.milliseconds);
        big_latency.push_back(bench.last_latency_);
    }

    // What a 1500 x 1500 frame costs the UI thread: 8-bit conversion (the automatic window comes
    // with the frame), then the paint.
    QElapsedTimer t;
    t.start();
    bench.view_.setImage(bench.last_frame_.image, bench.last_frame_.automatic_window);
    const double set_image_ms = 1e-6 * t.nsecsElapsed();
    t.start();
    bench.view_.repaint();
    const double paint_ms = 1e-6 * t.nsecsElapsed();

    radon::test::print_latency_table(
        "slider -> new image", {{"preview 256x256 (slider held)", preview_latency, preview_render},
                                {"full 512x512 (slider released)", full_latency, full_render},
                                {"full 1500x1500", big_latency, big_render}});
    const radon::SampleSummary dl = radon::summarize(drag_latency), st = radon::summarize(stall);
    std::printf(
        "\ndrag at 60 Hz for %.1f s: %d previews shown, %.1f frames/s, latency median "
        "%.1f ms, max %.1f ms\n",
        drag_seconds, drag_frames, drag_frames / drag_seconds, dl.median, dl.max);
    std::printf(
        "longest UI stall during a 1500x1500 render: median %.1f ms, max %.1f ms over "
        "%zu renders\n",
        st.median, st.max, stall.size());
    std::printf("UI thread per 1500x1500 frame: setImage (8-bit) %.1f ms, paint %.1f ms\n",
                set_image_ms, paint_ms);
    return 0;
}
