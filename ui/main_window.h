#pragma once

#include <QElapsedTimer>
#include <QImage>
#include <QMainWindow>
#include <QString>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/geometry/detector.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "render/common/ct_volume_preset.h"
#include "ui/common/dicom_folder_scan.h"
#include "ui/common/recent_files.h"
#include "ui/common/studio_palette.h"
#include "ui/common/studio_settings.h"
#include "ui/common/window_preset.h"
#include "ui/common/workspace.h"
#include "ui/drr/drr_frame.h"
#include "ui/drr/drr_session.h"

class QActionGroup;
class QLabel;
class QMenu;
class QProgressDialog;
class QSettings;
class QSplitter;
class QTabWidget;

namespace radon::ui {

class CArmSceneView;
class ComputeWorker;
class DicomFolderScanner;
class DrrWorkspace;
class DrrImageView;
class PoseHistory;
class PosePanel;

struct MainWindowOptions {
    // Empty: the user's settings (QSettings under the application's organisation and name).
    // Tests and scripted screenshots give a file of their own.
    QString settings_file;
    // The built-in phantoms' grids: those of `radon drr` unless set (tests use small ones).
    std::array<int64_t, 3> thorax_size = recon::default_thorax_size();
    Vec3 thorax_spacing = recon::default_thorax_spacing();
    std::array<int64_t, 3> shepp_logan_size = DrrSession::kSheppLoganSize;
    Vec3 shepp_logan_spacing = DrrSession::kSheppLoganSpacing;
    // The detector the window starts with: the whole chest at a size that renders interactively.
    Detector detector{512, 512, 0.8, 0.8, 0, 0};
    // Loads the thorax phantom at start, shown at the AP preset.
    bool start_with_thorax = true;
    // The workspace to open on ("drr", "pet", "ct"); empty: the one shown when the app was last
    // closed.
    QString workspace;
};

// The views a screenshot can be taken of.
enum class StudioView { Scene3D, Drr, Window };

// Radon Studio's main window: its workspaces (DRR, PET, CT) in tabs, each remembering its layout,
// sharing the one volume loaded and the one compute worker of the device (StudioContext). The DRR
// workspace holds the 3D view (CArmSceneView) and the DRR view side by side in a
// splitter, the pose panel in a dock, the DRR session's frame time and rays/s and the pixel under
// the cursor in the status bar. File, Edit, Pose, View and Help menus carry the common actions
// with shortcuts (Help > Keyboard shortcuts lists them all); volumes open by menu, drag-and-drop,
// the recent-files menu or as built-in phantoms. Poses are saved and loaded as the geometry
// record an export writes (a dropped or opened .json restores its pose), and every pose change
// can be undone and redone (Ctrl+Z, Ctrl+Shift+Z).
//
// The 3D view follows the DRRs instead of the sliders: a new pose moves the C-arm and a new DRR
// goes onto the detector together, once the DRR view has shown the frame, so that rendering the
// 3D view never delays a DRR. The volume renders coarsely while frames stream in.
//
// Errors a user can act on (a bad file, a folder without DICOM, an export that cannot be
// written) open a non-blocking message box with recon/io's message, and errorShown() says so; the
// window keeps working with what it had. When it had no volume yet (a bad file given at start),
// it falls back to the built-in thorax phantom and says so in the message and the status bar.
// A load that succeeds with something left out (unreadable files of a DICOM folder) says so the
// same way, in a warning box and the status bar, and warningShown() says so; the box's details
// list every file left out with its reason, as does a folder whose files are all unreadable.
class MainWindow : public QMainWindow {
    Q_OBJECT

  public:
    explicit MainWindow(MainWindowOptions options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Where the Open dialogs, a drop and the recent-files menu lead: a volume or DICOM file
    // loads; a folder is scanned for DICOM series and, when it holds several and `series` does
    // not choose one, the series picker asks.
    void openPath(const QString& path, const QString& series = QString());
    void openThoraxPhantom();
    void openSheppLoganPhantom();

    // Restores the pose and detector of a DRR geometry record (read_pose_record) on the volume
    // shown, as one undo step. Returns false, after showing the error, when it cannot.
    bool loadPose(const QString& path);
    // Writes the panel's pose as the record an export writes. Returns false after the error.
    bool savePose(const QString& path);

    // Writes the newest full-resolution DRR with its geometry record (see export_drr). Returns
    // false, after showing the error, when there is none yet or it cannot be written.
    bool exportDrr(const QString& path);
    // The view as it is on screen: the 3D view through its framebuffer, the others as widgets.
    QImage grabView(StudioView view);
    bool saveScreenshot(StudioView view, const QString& path);

    void setStudioPalette(StudioPalette palette);
    StudioPalette studioPalette() const { return settings_state_.palette; }
    void setVolumePreset(render::CtVolumePreset preset);
    void setDrrWindowPreset(WindowPreset preset);

    // Writes what is remembered (also done on close).
    void saveSettings();
    QSettings& settings() { return *settings_; }
    const StudioSettings& studioSettings() const { return settings_state_; }
    const RecentFiles& recentFiles() const { return recent_; }

    // The workspaces in tab order, and the one shown.
    const std::vector<Workspace*>& workspaces() const { return workspaces_; }
    Workspace* workspace(const QString& id) const;
    Workspace* currentWorkspace() const;
    // Shows the workspace `id` ("drr", "pet", "ct"); false when there is none of that name.
    bool setCurrentWorkspace(const QString& id);
    StudioContext& context() { return context_; }
    ComputeWorker& compute() { return *compute_; }

    DrrSession& session() { return *session_; }
    PosePanel* posePanel() const { return panel_; }
    PoseHistory* poseHistory() const { return history_; }
    DrrImageView* drrView() const { return drr_view_; }
    CArmSceneView* sceneView() const { return scene_view_; }
    QMenu* recentMenu() const { return recent_menu_; }
    // The newest DRR shown at full resolution (previews excluded).
    const std::optional<DrrFrame>& lastFullFrame() const { return last_full_frame_; }

  signals:
    void errorShown(const QString& message);
    // A volume loaded with something left out; `message` names what and why.
    void warningShown(const QString& message);
    // A volume has loaded and is in the 3D view; its DRRs follow.
    void volumeShown(const QString& description);
    void currentWorkspaceChanged(const QString& id);

  protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

  private:
    void buildWorkspaces();
    void addWorkspace(Workspace* workspace);
    void buildStatusBar();
    void buildMenus();
    void connectSession();
    void applySettings();
    // `details` (one problem a line, such as each unreadable file) go under the box's
    // "Show Details...".
    void showError(const QString& message, const QString& details = QString());
    // showError, or with no volume shown and none loading, the fallback to the thorax phantom.
    void showErrorOrFallBack(const QString& message, const QString& details = QString());
    void showLoadWarning(const QString& message, const QString& details);
    void rememberFolderOf(const QString& path);
    void refreshRecentMenu();
    void folderScanned(const DicomFolderScan& scan);
    void askForSeries(const DicomFolderScan& scan);
    void startLoading(const QString& path, const QString& series);
    void loadFinished();
    void volumeLoaded(const LoadedVolume& volume);
    void frameShown(const DrrFrame& frame);
    // Brings the 3D view up to the newest shown DRR and window; queued, once per event loop
    // turn, so that the DRR view paints first.
    void scheduleSceneUpdate();
    void updateScene();
    void openDialog();
    void openFolderDialog();
    void exportDialog();
    void loadPoseDialog();
    void savePoseDialog();
    void screenshotDialog(StudioView view);
    void showShortcuts();

    MainWindowOptions options_;
    std::unique_ptr<ComputeWorker> compute_;
    StudioContext context_;
    QTabWidget* tabs_ = nullptr;
    DrrWorkspace* drr_workspace_ = nullptr;
    std::vector<Workspace*> workspaces_;
    std::unique_ptr<QSettings> settings_;
    StudioSettings settings_state_;
    RecentFiles recent_;

    PosePanel* panel_ = nullptr;
    PoseHistory* history_ = nullptr;
    DrrImageView* drr_view_ = nullptr;
    CArmSceneView* scene_view_ = nullptr;
    QLabel* frame_status_ = nullptr;
    QLabel* scene_status_ = nullptr;
    QLabel* cursor_status_ = nullptr;
    QProgressDialog* progress_ = nullptr;
    QMenu* recent_menu_ = nullptr;
    QActionGroup* volume_presets_ = nullptr;
    QActionGroup* window_presets_ = nullptr;
    QActionGroup* palettes_ = nullptr;

    std::unique_ptr<DrrSession> session_;
    DicomFolderScanner* scanner_ = nullptr;

    std::optional<RecentFile> pending_open_;  // the file being loaded, for the recent list
    // The newest DICOM folder scanned: the files it cannot read, for the notice after loading.
    std::optional<DicomFolderScan> folder_scan_;
    std::optional<DrrFrame> last_full_frame_;
    std::optional<DrrFrame> scene_frame_;  // the newest shown frame not yet in the 3D view
    bool scene_update_queued_ = false;
    QElapsedTimer scene_frame_clock_;  // since the 3D view's last frame
    double last_scene_frame_ms_ = 0;
};

}  // namespace radon::ui
