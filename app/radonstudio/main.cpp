// radonstudio: the desktop app. Starts on the built-in thorax phantom at the AP preset, or on the
// volume, DICOM file or DICOM folder given, in the workspace --workspace names (DRR, PET, CT);
// --screenshot saves the window once that workspace's first result is on screen (for the DRR
// workspace: the first full DRR and the 3D view's full-quality frame), then quits (for
// documentation and checks).

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <array>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "kernels/geometry/carm_pose.h"
#include "render/common/ct_volume_preset.h"
#include "render/common/vtk_view.h"
#include "ui/common/studio_palette.h"
#include "ui/common/workspace.h"
#include "ui/drr/carm_scene_view.h"
#include "ui/drr/pose_history.h"
#include "ui/drr/pose_panel.h"
#include "ui/main_window.h"

namespace {

using radon::ui::MainWindow;
using radon::ui::StudioView;

// Parses "A,B,C" into three numbers > 0; false when it is not that.
template <class T>
bool parse_triple(const QString& text, std::array<T, 3>& out) {
    const QStringList parts = text.split(',');
    if (parts.size() != 3) return false;
    for (int i = 0; i < 3; ++i) {
        bool ok = false;
        const double value = parts[i].toDouble(&ok);
        if (!ok || !(value > 0)) return false;
        out[i] = static_cast<T>(value);
    }
    return true;
}

bool parse_angle(const QString& text, double& out) {
    bool ok = false;
    out = text.toDouble(&ok);
    return ok;
}

int usage_error(const char* message) {
    std::fprintf(stderr, "radonstudio: %s\n", message);
    return 2;
}

// Saves the window (and, if asked, each view of the DRR workspace) once the shown workspace's
// first result is on screen, then quits. For the DRR workspace that is the first full-resolution
// DRR with the 3D view settled to a full-quality frame.
class ScreenshotOnSettle : public QObject {
  public:
    ScreenshotOnSettle(MainWindow& window, QString window_file, QString scene_file,
                       QString drr_file)
        : window_(window),
          window_file_(std::move(window_file)),
          scene_file_(std::move(scene_file)),
          drr_file_(std::move(drr_file)) {
        connect(&window, &MainWindow::errorShown, this, [](const QString& message) {
            std::fprintf(stderr, "radonstudio: %s\n", qPrintable(message));
            QApplication::exit(2);
        });
        radon::ui::Workspace* shown = window.currentWorkspace();
        if (shown && shown->id() != "drr") {
            // Views draw the result in the event loop turns after it arrives.
            const auto settle = [this] { QTimer::singleShot(500, this, [this] { save(); }); };
            if (shown->firstResultShown())
                settle();
            else
                connect(shown, &radon::ui::Workspace::firstResultReady, this, settle);
            return;
        }
        connect(&window.session(), &radon::ui::DrrSession::frameShown, this,
                [this](const radon::ui::DrrFrame& frame, double) {
                    if (!frame.request.preview && window_.sceneView()->hasVolume())
                        full_frame_seen_ = true;
                });
        // Every new DRR asks the 3D view for coarse frames; the full-quality one follows the end.
        // A DRR that arrives meanwhile starts coarse frames again: then the next end counts.
        connect(window.sceneView(), &radon::render::VtkView::interaction_ended, this, [this] {
            if (!full_frame_seen_) return;
            QTimer::singleShot(300, this, [this] {
                if (!window_.sceneView()->interacting()) save();
            });
        });
    }

  private:
    void save() {
        if (saved_) return;
        saved_ = true;
        bool ok = true;
        if (!scene_file_.isEmpty())
            ok = window_.grabView(StudioView::Scene3D).save(scene_file_) && ok;
        if (!drr_file_.isEmpty()) ok = window_.grabView(StudioView::Drr).save(drr_file_) && ok;
        if (!window_file_.isEmpty())
            ok = window_.grabView(StudioView::Window).save(window_file_) && ok;
        if (!ok) std::fprintf(stderr, "radonstudio: could not write the screenshot\n");
        QApplication::exit(ok ? 0 : 2);
    }

    MainWindow& window_;
    QString window_file_, scene_file_, drr_file_;
    bool full_frame_seen_ = false;
    bool saved_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    radon::render::VtkView::set_default_surface_format();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Radon Studio");
    QApplication::setApplicationName("radonstudio");
    QApplication::setApplicationDisplayName("Radon Studio");

    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Radon Studio: DRRs of a CT volume from any C-arm pose, with the volume and the C-arm in "
        "3D. Without VOLUME it starts on the built-in thorax phantom at the AP preset.");
    parser.addHelpOption();
    parser.addPositionalArgument("volume",
                                 "CT volume in HU (.nii, .nii.gz, .nrrd, .mha, ...), DICOM file "
                                 "or DICOM folder");
    const QCommandLineOption phantom_option("phantom", "Built-in phantom: thorax or shepp-logan",
                                            "NAME", "thorax");
    const QCommandLineOption size_option("phantom-size", "Phantom grid NX,NY,NZ", "N,N,N");
    const QCommandLineOption spacing_option("phantom-spacing", "Phantom voxel size in mm", "S,S,S");
    const QCommandLineOption series_option(
        "series", "Series of a DICOM folder (UID or description)", "SERIES");
    const QCommandLineOption preset_option("preset", "C-arm preset AP, PA, LAT-L or LAT-R", "NAME");
    const QCommandLineOption primary_option("primary", "Primary angle (LAO+), degrees", "DEG");
    const QCommandLineOption secondary_option("secondary", "Secondary angle (CRAN+), degrees",
                                              "DEG");
    const QCommandLineOption roll_option("roll", "Detector roll, degrees", "DEG");
    const QCommandLineOption volume_preset_option(
        "volume-preset", "3D rendering: bone, soft-tissue, lung or mip", "NAME");
    const QCommandLineOption palette_option("palette", "dark or light", "NAME");
    const QCommandLineOption settings_option(
        "settings", "Keep the settings in FILE (an INI file) instead of the user's", "FILE");
    const QCommandLineOption window_size_option("window-size", "Window size WIDTHxHEIGHT", "WxH");
    const QCommandLineOption screenshot_option(
        "screenshot",
        "Save the window to FILE once the first DRR and 3D frame are shown, then quit", "FILE");
    const QCommandLineOption screenshot_3d_option("screenshot-3d", "With --screenshot: the 3D view",
                                                  "FILE");
    const QCommandLineOption screenshot_drr_option("screenshot-drr",
                                                   "With --screenshot: the DRR view", "FILE");
    const QCommandLineOption workspace_option(
        "workspace", "Open on the workspace drr, pet or ct (default: the one last shown)", "NAME");
    parser.addOptions({workspace_option, phantom_option, size_option, spacing_option, series_option,
                       preset_option, primary_option, secondary_option, roll_option,
                       volume_preset_option, palette_option, settings_option, window_size_option,
                       screenshot_option, screenshot_3d_option, screenshot_drr_option});
    parser.process(app);

    radon::ui::MainWindowOptions options;
    options.settings_file = parser.value(settings_option);
    const QString phantom = parser.value(phantom_option);
    if (phantom != "thorax" && phantom != "shepp-logan")
        return usage_error("--phantom is thorax or shepp-logan");
    const bool thorax = phantom == "thorax";
    std::array<int64_t, 3> size = thorax ? options.thorax_size : options.shepp_logan_size;
    const radon::Vec3 default_spacing =
        thorax ? options.thorax_spacing : options.shepp_logan_spacing;
    std::array<double, 3> spacing{default_spacing.x, default_spacing.y, default_spacing.z};
    if ((parser.isSet(size_option) && !parse_triple(parser.value(size_option), size)) ||
        (parser.isSet(spacing_option) && !parse_triple(parser.value(spacing_option), spacing))) {
        return usage_error(
            "--phantom-size and --phantom-spacing take three numbers > 0, e.g. 128,128,67");
    }
    const radon::Vec3 grid_spacing{spacing[0], spacing[1], spacing[2]};
    if (thorax) {
        options.thorax_size = size;
        options.thorax_spacing = grid_spacing;
    } else {
        options.shepp_logan_size = size;
        options.shepp_logan_spacing = grid_spacing;
    }
    if (parser.isSet(workspace_option)) {
        options.workspace = parser.value(workspace_option).toLower();
        if (options.workspace != "drr" && options.workspace != "pet" && options.workspace != "ct")
            return usage_error("--workspace is drr, pet or ct");
    }
    const QStringList volumes = parser.positionalArguments();
    options.start_with_thorax = volumes.isEmpty() && thorax;

    // The pose to start at: a preset, then single angles on top of it.
    radon::CArmPose pose;
    try {
        if (parser.isSet(preset_option))
            pose = radon::preset_pose(
                radon::parse_carm_preset(parser.value(preset_option).toStdString()));
    } catch (const std::exception& e) {
        return usage_error(e.what());
    }
    for (const auto& [option, angle] : {std::pair{&primary_option, &pose.primary_deg},
                                        std::pair{&secondary_option, &pose.secondary_deg},
                                        std::pair{&roll_option, &pose.roll_deg}}) {
        if (parser.isSet(*option) && !parse_angle(parser.value(*option), *angle))
            return usage_error("--primary, --secondary and --roll take an angle in degrees");
    }
    std::optional<radon::render::CtVolumePreset> volume_preset;
    try {
        if (parser.isSet(volume_preset_option))
            volume_preset = radon::render::parse_ct_volume_preset(
                parser.value(volume_preset_option).toStdString());
    } catch (const std::exception& e) {
        return usage_error(e.what());
    }
    std::optional<radon::ui::StudioPalette> palette;
    if (parser.isSet(palette_option)) {
        palette = radon::ui::parse_studio_palette(parser.value(palette_option));
        if (!palette) return usage_error("--palette is dark or light");
    }
    QSize window_size;
    if (parser.isSet(window_size_option)) {
        const QStringList wh = parser.value(window_size_option).split('x');
        if (wh.size() == 2) window_size = QSize(wh[0].toInt(), wh[1].toInt());
        if (window_size.width() < 200 || window_size.height() < 200)
            return usage_error("--window-size is WIDTHxHEIGHT, e.g. 1600x1000");
    }

    MainWindow window(options);
    radon::ui::DrrParameters start = window.posePanel()->parameters();
    pose.sad = start.pose.sad;
    pose.sdd = start.pose.sdd;
    start.pose = pose;
    window.posePanel()->setParameters(start);
    window.poseHistory()->restart();  // undo stops at the pose asked for
    if (volume_preset) window.setVolumePreset(*volume_preset);
    if (palette) window.setStudioPalette(*palette);
    if (window_size.isValid()) window.resize(window_size);

    std::unique_ptr<ScreenshotOnSettle> screenshot;
    if (parser.isSet(screenshot_option)) {
        screenshot = std::make_unique<ScreenshotOnSettle>(window, parser.value(screenshot_option),
                                                          parser.value(screenshot_3d_option),
                                                          parser.value(screenshot_drr_option));
    }
    window.show();
    if (!volumes.isEmpty()) {
        window.openPath(volumes.first(), parser.value(series_option));
    } else if (!thorax) {
        window.openSheppLoganPhantom();
    }
    return app.exec();
}
