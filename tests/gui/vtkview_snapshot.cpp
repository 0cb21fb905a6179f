// Shows the thorax phantom with the C-arm at AP in the 3D view, saves a screenshot and prints how
// long volume frames take at full and at interactive quality. Not a test: for looking at the view
// and for measuring it.
//
//   xvfb-run -a vtkview_snapshot [--voxels N] [--view PIXELS] [--frames K] [--preset NAME]
//                                [--slices] [-o FILE.png]

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>

#include "kernels/core/sample_summary.h"
#include "render/common/ct_volume_preset.h"
#include "render/common/vtk_view.h"
#include "render/drr/drr_texture.h"
#include "tests/gui/thorax_scene.h"

namespace {

struct FrameTimes {
    double median_frame_s = 0;   // screenshot(): render, copy into the widget, read back
    double median_render_s = 0;  // VTK's Render() alone
};

// Turns the camera a little before each frame so that every frame is a new one.
FrameTimes time_frames(radon::test::ThoraxScene& scene, int frames, bool turn = true) {
    std::vector<double> frame_s, render_s;
    for (int i = 0; i < frames; ++i) {
        if (turn) scene.view.renderer()->GetActiveCamera()->Azimuth(2);
        QElapsedTimer timer;
        timer.start();
        scene.view.screenshot();
        frame_s.push_back(static_cast<double>(timer.nsecsElapsed()) * 1e-9);
        render_s.push_back(scene.view.last_render_seconds());
    }
    return {radon::summarize(frame_s).median, radon::summarize(render_s).median};
}

}  // namespace

int main(int argc, char** argv) {
    radon::render::VtkView::set_default_surface_format();
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription("3D view of the thorax phantom with the C-arm at AP");
    parser.addHelpOption();
    parser.addOption({"voxels", "grid of N x N x N voxels", "N", "128"});
    parser.addOption({"view", "view of PIXELS x PIXELS", "PIXELS", "512"});
    parser.addOption({"frames", "frames timed per quality", "K", "5"});
    parser.addOption({"preset", "bone, soft-tissue, lung or mip", "NAME", "bone"});
    parser.addOption({"slices", "show the three slice planes"});
    parser.addOption({"multisamples", "the render window's multisamples", "N"});
    parser.addOption({{"o", "output"}, "screenshot file", "FILE", "/tmp/vtkview_carm.png"});
    parser.process(app);

    const int n = parser.value("voxels").toInt();
    const int pixels = parser.value("view").toInt();
    const int frames = std::max(1, parser.value("frames").toInt());
    if (n < 2 || pixels < 64) {
        std::fprintf(stderr, "vtkview_snapshot: --voxels must be at least 2, --view 64\n");
        return 2;
    }

    QElapsedTimer setup;
    setup.start();
    radon::test::ThoraxScene scene(n, QSize(pixels, pixels));
    scene.volume.set_preset(
        radon::render::parse_ct_volume_preset(parser.value("preset").toStdString()));
    scene.volume.set_slices_visible(parser.isSet("slices"));
    if (parser.isSet("multisamples"))
        scene.view.render_window()->SetMultiSamples(parser.value("multisamples").toInt());
    if (!QTest::qWaitForWindowExposed(&scene.view)) {
        std::fprintf(stderr, "vtkview_snapshot: the view was never shown (no display?)\n");
        return 1;
    }
    const double setup_s = static_cast<double>(setup.nsecsElapsed()) * 1e-9;

    QElapsedTimer first;
    first.start();
    const QImage image = scene.view.screenshot();
    const double first_s = static_cast<double>(first.nsecsElapsed()) * 1e-9;
    const QString output = parser.value("output");
    if (!image.save(output)) {
        std::fprintf(stderr, "vtkview_snapshot: cannot write %s\n", qPrintable(output));
        return 1;
    }

    // What a pose drag costs the UI thread besides the frame: moving the C-arm's points and
    // rewriting the DRR texture.
    QElapsedTimer update_timer;
    update_timer.start();
    const int updates = 100;
    for (int i = 0; i < updates; ++i) {
        scene.carm.set_geometry(scene.geometry, scene.isocenter);
        scene.carm.drr().set_image(scene.drr.data(), scene.geometry.width, scene.geometry.height);
    }
    const double update_s = static_cast<double>(update_timer.nsecsElapsed()) * 1e-9 / updates;

    const FrameTimes unchanged = time_frames(scene, frames, false);
    std::printf("unchanged scene: frame %.4f s, Render() %.4f s\n", unchanged.median_frame_s,
                unchanged.median_render_s);
    const FrameTimes still = time_frames(scene, frames);
    scene.volume.set_interactive(true);
    const FrameTimes interactive = time_frames(scene, frames);
    const double interactive_image_sample_distance = scene.volume.sampling().image_sample_distance;
    scene.volume.set_interactive(false);
    scene.volume.set_volume_visible(false);
    const FrameTimes without_volume = time_frames(scene, frames);

    std::printf("volume %d^3 voxels, view %d x %d device pixels, preset %s, %d multisamples\n", n,
                image.width(), image.height(), qPrintable(parser.value("preset")),
                scene.view.render_window()->GetMultiSamples());
    std::printf("setup (phantom, DRR, scene) %.3f s, first frame %.3f s\n", setup_s, first_s);
    std::printf("C-arm update (pose + %lld x %lld DRR texture) %.5f s\n",
                static_cast<long long>(scene.geometry.width),
                static_cast<long long>(scene.geometry.height), update_s);
    std::printf("%-34s %10s %10s\n", "median of frames", "frame s", "Render() s");
    std::printf("%-34s %10.4f %10.4f\n", "volume, full quality", still.median_frame_s,
                still.median_render_s);
    std::printf("%-34s %10.4f %10.4f   (image sample distance %.2f)\n",
                "volume, interactive quality", interactive.median_frame_s,
                interactive.median_render_s, interactive_image_sample_distance);
    std::printf("%-34s %10.4f %10.4f\n", "no volume (C-arm, DRR, marker)",
                without_volume.median_frame_s, without_volume.median_render_s);
    std::printf("screenshot: %s\n", qPrintable(output));
    return 0;
}
