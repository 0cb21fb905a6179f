#include "ui/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPainter>
#include <QProgressDialog>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>

#include <algorithm>
#include <exception>

#include "kernels/geometry/carm_pose.h"
#include "render/common/volume_scene.h"
#include "render/common/vtk_view.h"
#include "ui/common/compute_worker.h"
#include "ui/common/dicom_folder_scanner.h"
#include "ui/common/series_picker_dialog.h"
#include "ui/common/shortcuts_dialog.h"
#include "ui/ct/ct_workspace.h"
#include "ui/pet/pet_workspace.h"
#include "ui/drr/carm_scene_view.h"
#include "ui/drr/drr_export.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/drr_workspace.h"
#include "ui/drr/pose_file.h"
#include "ui/drr/pose_history.h"
#include "ui/drr/pose_panel.h"
#include "ui/timing/timing_workspace.h"

namespace radon::ui {
namespace {

constexpr int kStatusMessageMs = 5000;
constexpr int kFallbackMessageMs = 60000;  // long enough to be read when the window appears
constexpr int kProgressDelayMs = 400;      // loads quicker than this show no progress dialog
constexpr double kMaxSceneGapMs = 500;     // the longest a DRR waits to go into the 3D view

const char* const kPoseFilter = "DRR geometry record (*.json);;All files (*)";

bool is_pose_record(const QString& path) {
    const QFileInfo info(path);
    return info.isFile() && info.suffix().compare(QLatin1String("json"), Qt::CaseInsensitive) == 0;
}

const char* const kVolumeFilter =
    "CT volumes and DICOM (*.nii *.nii.gz *.nrrd *.nhdr *.mha *.mhd *.dcm *.DCM *.ima *.IMA);;"
    "All files (*)";

// The export formats of recon::write_image, NRRD first: it keeps the geometry in its header.
struct ExportFormat {
    const char* filter;
    const char* extension;
};
constexpr ExportFormat kExportFormats[] = {
    {"NRRD, float with geometry (*.nrrd)", ".nrrd"},
    {"TIFF, float (*.tif *.tiff)", ".tif"},
    {"PNG, 8-bit as shown (*.png)", ".png"},
    {"MetaImage, float with geometry (*.mha)", ".mha"},
    {"NIfTI, float (*.nii *.nii.gz)", ".nii"},
};

QString join_filters() {
    QStringList filters;
    for (const ExportFormat& f : kExportFormats)
        filters << QString::fromLatin1(f.filter);
    return filters.join(";;");
}

QString with_extension_of_filter(const QString& path, const QString& filter) {
    if (!QFileInfo(path).suffix().isEmpty()) return path;
    for (const ExportFormat& f : kExportFormats) {
        if (filter == QLatin1String(f.filter)) return path + QLatin1String(f.extension);
    }
    return path + ".nrrd";
}

QString volume_preset_label(render::CtVolumePreset preset) {
    switch (preset) {
        case render::CtVolumePreset::Bone:
            return QObject::tr("&Bone");
        case render::CtVolumePreset::SoftTissue:
            return QObject::tr("&Soft tissue");
        case render::CtVolumePreset::Lung:
            return QObject::tr("&Lung");
        case render::CtVolumePreset::Mip:
            return QObject::tr("&MIP (maximum intensity)");
    }
    return {};
}

constexpr WindowPreset kWindowPresets[] = {WindowPreset::Automatic, WindowPreset::Bone,
                                           WindowPreset::SoftTissue, WindowPreset::FullRange};

}  // namespace

MainWindow::MainWindow(MainWindowOptions options, QWidget* parent)
    : QMainWindow(parent), options_(std::move(options)) {
    setObjectName("mainWindow");
    setWindowTitle(tr("Radon Studio"));
    setAcceptDrops(true);
    settings_ = options_.settings_file.isEmpty()
                    ? std::make_unique<QSettings>()
                    : std::make_unique<QSettings>(options_.settings_file, QSettings::IniFormat);
    settings_state_.load(*settings_);
    recent_.load(*settings_);

    compute_ = std::make_unique<ComputeWorker>(tr("CPU"));
    context_.compute = compute_.get();
    buildWorkspaces();
    history_ = new PoseHistory(panel_, this);
    session_ = std::make_unique<DrrSession>(panel_, drr_view_, compute_->computeThread());
    scanner_ = new DicomFolderScanner(this);
    buildStatusBar();
    buildMenus();
    connectSession();
    applySettings();

    DrrParameters start = panel_->parameters();
    start.pose = preset_pose(CArmPreset::AP, start.pose);
    start.detector = options_.detector;
    panel_->setParameters(start);
    history_->restart();  // the start is where undo stops
    const QString first_workspace = options_.workspace.isEmpty()
                                        ? settings_->value("workspace/current").toString()
                                        : options_.workspace;
    const int first_tab = tabs_->currentIndex();
    setCurrentWorkspace(first_workspace);
    if (tabs_->currentIndex() == first_tab) {  // no change, so no signal: activate it here
        currentWorkspace()->activate();
        emit currentWorkspaceChanged(currentWorkspace()->id());
    }
    if (options_.start_with_thorax) openThoraxPhantom();
}

MainWindow::~MainWindow() {
    // Workspaces' jobs end first; the session talks to the panel and the view, which the QWidget
    // destructor deletes later, and its worker lives on the compute thread.
    compute_->cancelAll();
    session_.reset();
    tabs_->blockSignals(true);  // removing tabs must not activate the ones being deleted
    for (Workspace* w : workspaces_)
        delete w;
    workspaces_.clear();
    compute_.reset();
}

void MainWindow::buildWorkspaces() {
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("workspaceTabs");
    tabs_->setDocumentMode(true);
    setCentralWidget(tabs_);

    drr_workspace_ = new DrrWorkspace(context_);
    panel_ = drr_workspace_->posePanel();
    scene_view_ = drr_workspace_->sceneView();
    drr_view_ = drr_workspace_->drrView();
    addWorkspace(drr_workspace_);
    addWorkspace(new PetWorkspace(context_));
    auto* ct = new CtWorkspace(context_);
    addWorkspace(ct);
    // The CT workspace's DRR -> CBCT sweep starts from the C-arm of the DRR workspace.
    const auto follow_carm = [ct](const DrrParameters& p) {
        ct->setCarmPose(p.pose);
        ct->setCarmDetector(p.detector);
    };
    follow_carm(panel_->parameters());
    connect(panel_, &PosePanel::poseChanged, ct,
            [follow_carm](const DrrParameters& p, bool) { follow_carm(p); });
    addWorkspace(new TimingWorkspace(context_));

    connect(tabs_, &QTabWidget::currentChanged, this, [this](int index) {
        if (index < 0 || index >= static_cast<int>(workspaces_.size())) return;
        Workspace* shown = workspaces_[static_cast<size_t>(index)];
        shown->activate();
        emit currentWorkspaceChanged(shown->id());
    });
}

void MainWindow::addWorkspace(Workspace* workspace) {
    workspaces_.push_back(workspace);
    tabs_->addTab(workspace, workspace->title());
    connect(workspace, &Workspace::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    connect(workspace, &Workspace::errorOccurred, this,
            [this](const QString& message) { showError(message); });
}

Workspace* MainWindow::workspace(const QString& id) const {
    for (Workspace* w : workspaces_)
        if (w->id() == id) return w;
    return nullptr;
}

Workspace* MainWindow::currentWorkspace() const {
    return qobject_cast<Workspace*>(tabs_->currentWidget());
}

bool MainWindow::setCurrentWorkspace(const QString& id) {
    Workspace* w = workspace(id);
    if (!w) return false;
    tabs_->setCurrentWidget(w);
    return true;
}

void MainWindow::buildStatusBar() {
    frame_status_ = new QLabel(tr("no DRR yet"));
    frame_status_->setObjectName("frameStatus");
    scene_status_ = new QLabel;
    scene_status_->setObjectName("sceneStatus");
    scene_status_->setToolTip(tr("Time VTK took for the last 3D frame"));
    scene_status_->setMinimumWidth(fontMetrics().horizontalAdvance("3D 00000 ms (coarse)  "));
    cursor_status_ = new QLabel;
    cursor_status_->setObjectName("cursorStatus");
    cursor_status_->setMinimumWidth(
        fontMetrics().horizontalAdvance("pixel (0000, 0000): -0.000000"));
    statusBar()->addWidget(frame_status_, 1);
    statusBar()->addPermanentWidget(scene_status_);
    statusBar()->addPermanentWidget(cursor_status_);
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open =
        file->addAction(tr("&Open volume or DICOM file..."), this, &MainWindow::openDialog);
    open->setShortcut(QKeySequence::Open);
    open->setObjectName("actionOpen");
    QAction* open_folder =
        file->addAction(tr("Open DICOM &folder..."), this, &MainWindow::openFolderDialog);
    open_folder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    recent_menu_ = file->addMenu(tr("Open &recent"));
    recent_menu_->setObjectName("recentMenu");
    refreshRecentMenu();
    QMenu* phantoms = file->addMenu(tr("Built-in &phantom"));
    phantoms->addAction(tr("&Thorax"), this, &MainWindow::openThoraxPhantom);
    phantoms->addAction(tr("&Shepp-Logan head"), this, &MainWindow::openSheppLoganPhantom);
    file->addSeparator();
    QAction* export_action = file->addAction(tr("&Export DRR..."), this, &MainWindow::exportDialog);
    export_action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    export_action->setObjectName("actionExport");
    QAction* load_pose = file->addAction(tr("&Load pose..."), this, &MainWindow::loadPoseDialog);
    load_pose->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    load_pose->setObjectName("actionLoadPose");
    QAction* save_pose = file->addAction(tr("Sa&ve pose..."), this, &MainWindow::savePoseDialog);
    save_pose->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    save_pose->setObjectName("actionSavePose");
    QMenu* screenshots = file->addMenu(tr("Save &screenshot"));
    screenshots
        ->addAction(tr("&3D view..."), this, [this] { screenshotDialog(StudioView::Scene3D); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    screenshots->addAction(tr("&DRR view..."), this, [this] { screenshotDialog(StudioView::Drr); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_S));
    screenshots
        ->addAction(tr("&Whole window..."), this, [this] { screenshotDialog(StudioView::Window); })
        ->setShortcut(QKeySequence(Qt::Key_F12));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setObjectName("actionQuit");

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = history_->stack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    undo->setObjectName("actionUndo");
    QAction* redo = history_->stack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    redo->setObjectName("actionRedo");
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* pose = menuBar()->addMenu(tr("&Pose"));
    const Qt::Key preset_keys[] = {Qt::Key_1, Qt::Key_2, Qt::Key_3, Qt::Key_4};
    int key = 0;
    for (const CArmPreset preset :
         {CArmPreset::AP, CArmPreset::PA, CArmPreset::LatLeft, CArmPreset::LatRight}) {
        QAction* action = pose->addAction(QString::fromLatin1(to_string(preset)), this,
                                          [this, preset] { panel_->applyPreset(preset); });
        action->setShortcut(QKeySequence(Qt::CTRL | preset_keys[key++]));
        action->setObjectName(QStringLiteral("actionPreset_%1").arg(to_string(preset)));
    }
    pose->addSeparator();
    pose->addAction(tr("&Reset pose"), this, [this] { panel_->resetPose(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QMenu* rendering = view->addMenu(tr("&Volume rendering"));
    volume_presets_ = new QActionGroup(this);
    int preset_key = 0;
    for (const render::CtVolumePreset preset : render::all_ct_volume_presets()) {
        QAction* action = rendering->addAction(volume_preset_label(preset), this,
                                               [this, preset] { setVolumePreset(preset); });
        action->setCheckable(true);
        action->setData(static_cast<int>(preset));
        action->setShortcut(QKeySequence(Qt::ALT | preset_keys[preset_key++]));
        volume_presets_->addAction(action);
    }
    QAction* show_volume = view->addAction(tr("Show &volume"));
    show_volume->setObjectName("actionShowVolume");
    show_volume->setCheckable(true);
    connect(show_volume, &QAction::toggled, this, [this](bool on) {
        settings_state_.volume_visible = on;
        scene_view_->setVolumeVisible(on);
    });
    QAction* show_slices = view->addAction(tr("Show &slice planes"));
    show_slices->setObjectName("actionShowSlices");
    show_slices->setCheckable(true);
    connect(show_slices, &QAction::toggled, this, [this](bool on) {
        settings_state_.slices_visible = on;
        scene_view_->setSlicesVisible(on);
    });
    view->addAction(tr("Reset 3D &camera"), this, [this] { scene_view_->resetCamera(); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    view->addSeparator();
    QMenu* windows = view->addMenu(tr("DRR &window"));
    window_presets_ = new QActionGroup(this);
    // None checked once the window was dragged by hand.
    window_presets_->setExclusionPolicy(QActionGroup::ExclusionPolicy::ExclusiveOptional);
    for (const WindowPreset preset : kWindowPresets) {
        QAction* action = windows->addAction(QString::fromLatin1(to_string(preset)), this,
                                             [this, preset] { setDrrWindowPreset(preset); });
        action->setCheckable(true);
        action->setData(static_cast<int>(preset));
        window_presets_->addAction(action);
    }
    windows->addSeparator();
    QAction* hold = windows->addAction(tr("&Hold window across poses"));
    hold->setObjectName("actionHoldWindow");
    hold->setCheckable(true);
    hold->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_H));
    hold->setToolTip(
        tr("Keep the window and level of the DRR on screen for the poses that follow"));
    connect(hold, &QAction::toggled, drr_view_, &DrrImageView::setHoldWindow);
    connect(drr_view_, &DrrImageView::holdWindowChanged, hold, &QAction::setChecked);
    view->addAction(tr("&Fit DRR to view"), drr_view_, &DrrImageView::fitToView);
    view->addSeparator();
    palettes_ = new QActionGroup(this);
    for (const StudioPalette palette : {StudioPalette::Dark, StudioPalette::Light}) {
        QAction* action = view->addAction(
            palette == StudioPalette::Dark ? tr("&Dark palette") : tr("&Light palette"), this,
            [this, palette] { setStudioPalette(palette); });
        action->setCheckable(true);
        action->setData(static_cast<int>(palette));
        palettes_->addAction(action);
    }
    view->addSeparator();
    view->addAction(findChild<QDockWidget*>("poseDock")->toggleViewAction());

    QMenu* workspaces = menuBar()->addMenu(tr("&Workspace"));
    auto* workspace_group = new QActionGroup(this);
    for (size_t i = 0; i < workspaces_.size(); ++i) {
        Workspace* w = workspaces_[i];
        QAction* action = workspaces->addAction(w->title());
        action->setObjectName("actionWorkspace_" + w->id());
        action->setCheckable(true);
        // Ctrl+Alt: Ctrl+1..4 are the pose presets.
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | (Qt::Key_1 + static_cast<int>(i))));
        workspace_group->addAction(action);
        connect(action, &QAction::triggered, this, [this, w] { tabs_->setCurrentWidget(w); });
        connect(this, &MainWindow::currentWorkspaceChanged, action,
                [action, id = w->id()](const QString& shown) { action->setChecked(shown == id); });
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* shortcuts =
        help->addAction(tr("&Keyboard shortcuts..."), this, &MainWindow::showShortcuts);
    shortcuts->setShortcut(QKeySequence(Qt::Key_F1));
    shortcuts->setObjectName("actionShortcuts");
}

void MainWindow::showShortcuts() {
    auto* dialog = new ShortcutsDialog(collect_shortcuts(this, menuBar()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::connectSession() {
    DrrSession& s = *session_;
    connect(&s, &DrrSession::frameStatusChanged, frame_status_, &QLabel::setText);
    connect(&s, &DrrSession::cursorStatusChanged, cursor_status_, &QLabel::setText);
    connect(&s, &DrrSession::loadProgress, this, [this](double fraction, const QString& stage) {
        // Late reports of a cancelled or finished load open nothing.
        if (!session_->isLoading() || fraction >= 1.0) return;
        if (!progress_) {
            progress_ = new QProgressDialog(this);
            progress_->setObjectName("loadProgress");
            progress_->setWindowTitle(tr("Loading"));
            progress_->setAutoClose(false);
            progress_->setAutoReset(false);
            progress_->setRange(0, 100);
            progress_->setMinimumDuration(kProgressDelayMs);
            connect(progress_, &QProgressDialog::canceled, this,
                    [this] { session_->cancelLoading(); });
        }
        progress_->setLabelText(stage);
        progress_->setValue(static_cast<int>(100 * fraction));
    });
    connect(&s, &DrrSession::loadCancelled, this, [this] {
        loadFinished();
        pending_open_.reset();
        statusBar()->showMessage(tr("Loading cancelled"), kStatusMessageMs);
    });
    connect(&s, &DrrSession::errorOccurred, this, [this](const QString& message) {
        loadFinished();
        pending_open_.reset();
        showErrorOrFallBack(message);
    });
    connect(&s, &DrrSession::volumeLoaded, this, &MainWindow::volumeLoaded);
    connect(&s, &DrrSession::frameShown, this,
            [this](const DrrFrame& frame, double) { frameShown(frame); });
    // The 3D view stays coarse from a pose change until its DRR is in: a full-quality volume
    // frame in between would hold that DRR back (it costs a second on software OpenGL).
    connect(panel_, &PosePanel::poseChanged, this, [this] { scene_view_->hold_interactive(true); });
    connect(&s, &DrrSession::renderFailed, this, [this] { scene_view_->hold_interactive(false); });

    connect(drr_view_, &DrrImageView::windowChanged, this, [this] {
        // The context menu of the DRR view also picks presets: keep the menu in step.
        const std::optional<WindowPreset> preset = drr_view_->windowPreset();
        for (QAction* action : window_presets_->actions())
            action->setChecked(preset && action->data().toInt() == static_cast<int>(*preset));
        if (preset) settings_state_.drr_window = *preset;
        scheduleSceneUpdate();
    });
    connect(scene_view_, &render::VtkView::frame_rendered, this, [this](double seconds) {
        last_scene_frame_ms_ = 1e3 * seconds;
        scene_frame_clock_.start();
        scene_status_->setText(
            tr("3D %1 ms%2")
                .arg(1e3 * seconds, 0, 'f', 0)
                .arg(scene_view_->volumeScene().interactive() ? tr(" (coarse)") : QString()));
    });

    connect(scanner_, &DicomFolderScanner::scanned, this, &MainWindow::folderScanned);
    connect(scanner_, &DicomFolderScanner::failed, this,
            [this](const DicomFolderScan& scan, const QString& message) {
                statusBar()->clearMessage();
                showErrorOrFallBack(message, scan.unreadableDetails());
            });
}

void MainWindow::applySettings() {
    const StudioSettings& s = settings_state_;
    if (s.window_geometry.isEmpty() || !restoreGeometry(s.window_geometry)) resize(1480, 900);
    if (!s.window_state.isEmpty()) restoreState(s.window_state);
    for (Workspace* w : workspaces_)
        w->restoreSettings(*settings_);
    QSplitter* splitter = drr_workspace_->splitter();
    if (s.splitter_state.isEmpty() || !splitter->restoreState(s.splitter_state))
        splitter->setSizes({1, 1});
    setStudioPalette(s.palette);
    setVolumePreset(s.volume_preset);
    setDrrWindowPreset(s.drr_window);
    findChild<QAction*>("actionShowVolume")->setChecked(s.volume_visible);
    findChild<QAction*>("actionShowSlices")->setChecked(s.slices_visible);
    scene_view_->setVolumeVisible(s.volume_visible);
    scene_view_->setSlicesVisible(s.slices_visible);
    DrrParameters p = panel_->parameters();
    p.settings.reduction = s.drr_projection;
    panel_->setParameters(p);
    panel_->setOutputChoice(s.drr_output);
    panel_->setKeepFieldOfView(s.keep_field_of_view);
    drr_view_->setHoldWindow(s.hold_drr_window);
}

void MainWindow::saveSettings() {
    settings_state_.window_geometry = saveGeometry();
    settings_state_.window_state = saveState();
    settings_state_.splitter_state = drr_workspace_->splitter()->saveState();
    for (const Workspace* w : workspaces_)
        w->saveSettings(*settings_);
    if (const Workspace* shown = currentWorkspace())
        settings_->setValue("workspace/current", shown->id());
    settings_state_.drr_projection = panel_->parameters().settings.reduction;
    settings_state_.drr_output = panel_->outputChoice();
    settings_state_.keep_field_of_view = panel_->keepsFieldOfView();
    settings_state_.hold_drr_window = drr_view_->holdsWindow();
    settings_state_.save(*settings_);
    recent_.save(*settings_);
    settings_->sync();
}

void MainWindow::setStudioPalette(StudioPalette palette) {
    settings_state_.palette = palette;
    apply_studio_palette(palette);
    scene_view_->setDarkBackground(palette == StudioPalette::Dark);
    for (QAction* action : palettes_->actions())
        action->setChecked(action->data().toInt() == static_cast<int>(palette));
}

void MainWindow::setVolumePreset(render::CtVolumePreset preset) {
    settings_state_.volume_preset = preset;
    scene_view_->setVolumePreset(preset);
    for (QAction* action : volume_presets_->actions())
        action->setChecked(action->data().toInt() == static_cast<int>(preset));
}

void MainWindow::setDrrWindowPreset(WindowPreset preset) {
    settings_state_.drr_window = preset;
    drr_view_->applyWindowPreset(preset);  // windowChanged checks the menu entry
    for (QAction* action : window_presets_->actions())
        action->setChecked(action->data().toInt() == static_cast<int>(preset));
}

void MainWindow::showError(const QString& message, const QString& details) {
    // Not exec(): the window goes on drawing and rendering while the message is up.
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Radon Studio"), message, QMessageBox::Ok, this);
    box->setObjectName("errorDialog");
    box->setDetailedText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    statusBar()->showMessage(message, kStatusMessageMs);
    emit errorShown(message);
}

void MainWindow::showErrorOrFallBack(const QString& message, const QString& details) {
    if (session_->volume() || session_->isLoading()) {
        showError(message, details);
        return;
    }
    // Nothing on screen (a bad file given at start): an empty window would explain nothing.
    showError(tr("%1\n\nShowing the built-in thorax phantom instead.").arg(message), details);
    statusBar()->showMessage(
        tr("Could not open the file (%1): showing the built-in thorax phantom instead")
            .arg(message),
        kFallbackMessageMs);
    openThoraxPhantom();
}

void MainWindow::showLoadWarning(const QString& message, const QString& details) {
    // As showError: not blocking, and the status bar keeps it after the box is closed.
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Radon Studio"),
                        tr("Opened, but not every file could be read."), QMessageBox::Ok, this);
    box->setObjectName("loadWarningDialog");
    box->setInformativeText(message);
    box->setDetailedText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    statusBar()->showMessage(message, kFallbackMessageMs);
    emit warningShown(message);
}

void MainWindow::rememberFolderOf(const QString& path) {
    const QFileInfo info(path);
    settings_state_.last_folder = info.isDir() ? info.absoluteFilePath() : info.absolutePath();
    settings_->setValue("files/lastFolder", settings_state_.last_folder);
}

void MainWindow::refreshRecentMenu() {
    recent_menu_->clear();
    int number = 1;
    for (const RecentFile& file : recent_.entries()) {
        QAction* action = recent_menu_->addAction(
            QStringLiteral("&%1 %2").arg(number++ % 10).arg(RecentFiles::label(file)), this,
            [this, file] { openPath(file.path, file.series); });
        action->setToolTip(file.path);
        action->setStatusTip(file.path);
    }
    if (recent_.entries().isEmpty()) {
        recent_menu_->addAction(tr("(none)"))->setEnabled(false);
        return;
    }
    recent_menu_->addSeparator();
    recent_menu_->addAction(tr("&Clear list"), this, [this] {
        recent_.clear();
        recent_.save(*settings_);
        refreshRecentMenu();
    });
}

void MainWindow::openPath(const QString& path, const QString& series) {
    if (is_pose_record(path)) {
        loadPose(path);
        return;
    }
    rememberFolderOf(path);
    if (QFileInfo(path).isDir() && series.isEmpty()) {
        statusBar()->showMessage(tr("Looking for DICOM series in %1...").arg(path));
        scanner_->scan(path);
        return;
    }
    startLoading(path, series);
}

void MainWindow::folderScanned(const DicomFolderScan& scan) {
    statusBar()->clearMessage();
    folder_scan_ = scan;
    if (scan.series.size() == 1) {
        startLoading(scan.folder, QString());
    } else {
        askForSeries(scan);
    }
}

void MainWindow::askForSeries(const DicomFolderScan& scan) {
    auto* picker = new SeriesPickerDialog(scan, this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    connect(picker, &QDialog::accepted, this, [this, picker, folder = scan.folder] {
        const QString uid = picker->selectedUid();
        if (!uid.isEmpty()) startLoading(folder, uid);
    });
    picker->open();
}

void MainWindow::startLoading(const QString& path, const QString& series) {
    pending_open_ = RecentFile{path, series};
    session_->loadVolumeFile(path, series);
}

void MainWindow::openThoraxPhantom() {
    pending_open_.reset();
    session_->loadThoraxPhantom(options_.thorax_size, options_.thorax_spacing);
}

void MainWindow::openSheppLoganPhantom() {
    pending_open_.reset();
    session_->loadSheppLoganPhantom(options_.shepp_logan_size, options_.shepp_logan_spacing);
}

void MainWindow::loadFinished() {
    if (!progress_) return;
    progress_->hide();
    progress_->deleteLater();
    progress_ = nullptr;
}

void MainWindow::volumeLoaded(const LoadedVolume& volume) {
    loadFinished();
    context_.volume = volume;
    for (Workspace* w : workspaces_)
        w->volumeChanged();
    // Frames of the previous volume may still be on their way: none of them is exported or shown
    // in the 3D view from now on (the session shows only frames newer than what it had).
    last_full_frame_.reset();
    scene_frame_.reset();
    try {
        const DrrParameters p = panel_->parameters();
        const Vec3 center = volume.hu.grid.center();
        // The C-arm first, so that the camera fitted to the new volume takes it in too.
        scene_view_->setCArm(carm_projection(p.pose, p.detector, center),
                             center + p.pose.isocenter_offset);
        scene_view_->setVolume(volume.hu);
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
    }
    if (!volume.warnings.isEmpty()) {
        // The load's own lines say what it left out; the scan of the same folder, when there was
        // one, names every file with its reason.
        const bool scanned =
            pending_open_ && folder_scan_ && folder_scan_->folder == pending_open_->path;
        showLoadWarning(volume.warnings.join('\n'),
                        scanned ? folder_scan_->unreadableDetails() : QString());
    }
    if (pending_open_) {
        recent_.add(*pending_open_);
        recent_.save(*settings_);
        refreshRecentMenu();
        pending_open_.reset();
    }
    setWindowTitle(tr("Radon Studio - %1").arg(volume.description));
    emit volumeShown(volume.description);
}

void MainWindow::frameShown(const DrrFrame& frame) {
    if (!frame.request.preview) {
        last_full_frame_ = frame;
        drr_workspace_->fullFrameShown();
    }
    scene_frame_ = frame;
    // On screen now. A widget's repaint request is a low-priority event, handled after the
    // queued 3D update below, and so in the same paint pass as the 3D frame: the DRR would wait
    // for the volume rendering.
    drr_view_->repaint();
    scheduleSceneUpdate();
    if (frame.request.sequence == session_->lastPostedSequence() && !panel_->isSliderHeld())
        scene_view_->hold_interactive(false);
}

void MainWindow::scheduleSceneUpdate() {
    if (scene_update_queued_) return;
    scene_update_queued_ = true;
    // While DRRs stream in, the 3D view takes at most about half of the UI thread: after a frame
    // of T ms the next one starts no sooner than T ms later, so slider events and new DRRs get
    // through in between (software OpenGL needs 0.1 s and more for a coarse volume frame).
    qint64 wait_ms = 0;
    if (scene_frame_clock_.isValid()) {
        const qint64 rest = static_cast<qint64>(std::min(kMaxSceneGapMs, last_scene_frame_ms_)) -
                            scene_frame_clock_.elapsed();
        wait_ms = std::max<qint64>(0, rest);
    }
    QTimer::singleShot(wait_ms, this, &MainWindow::updateScene);
}

void MainWindow::updateScene() {
    scene_update_queued_ = false;
    if (!drr_view_->hasImage()) return;
    const recon::Window window = drr_view_->window();
    if (scene_frame_ && session_->volume()) {
        const DrrFrame& frame = *scene_frame_;
        const Vec3 center = session_->volume()->hu.grid.center();
        scene_view_->setCArm(frame.geometry,
                             center + frame.request.parameters.pose.isocenter_offset);
        scene_view_->setDrr(frame.image, window);
        scene_frame_.reset();
    } else {
        scene_view_->setDrrWindow(window);
    }
}

bool MainWindow::exportDrr(const QString& path) {
    if (!last_full_frame_ || !session_->volume()) {
        showError(tr("%1: there is no DRR to export yet; wait for the image to appear").arg(path));
        return false;
    }
    try {
        const std::string record = export_drr(*last_full_frame_, *session_->volume(),
                                              path.toStdString(), drr_view_->window());
        statusBar()->showMessage(
            tr("DRR written to %1, geometry to %2").arg(path, QString::fromStdString(record)),
            kStatusMessageMs);
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
    rememberFolderOf(path);
    return true;
}

bool MainWindow::loadPose(const QString& path) {
    if (!session_->volume()) {
        showError(tr("%1: open a volume first: the pose is placed on it").arg(path));
        return false;
    }
    try {
        const PoseFromRecord read = read_pose_record(path, session_->volume()->hu.grid.center());
        DrrParameters p = panel_->parameters();
        p.pose = read.pose;
        p.detector = read.detector;
        const QString problem = panel_->rangeProblem(p);
        if (!problem.isEmpty()) {
            showError(tr("%1: the pose panel cannot show this pose: %2").arg(path, problem));
            return false;
        }
        panel_->setParameters(p);
        // The panel holds 0.1° and 0.1 mm: a pose from elsewhere may move a little.
        const DrrParameters shown = panel_->parameters();
        const Vec3 center = session_->volume()->hu.grid.center();
        const double moved =
            largest_ray_difference(read.rays, carm_projection(shown.pose, shown.detector, center));
        statusBar()->showMessage(
            moved <= kPoseTolerance
                ? tr("Pose loaded from %1").arg(path)
                : tr("Pose loaded from %1, rounded to the panel's steps: the rays moved by up "
                     "to %2 mm")
                      .arg(path)
                      .arg(moved, 0, 'g', 3),
            kStatusMessageMs);
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
    rememberFolderOf(path);
    return true;
}

bool MainWindow::savePose(const QString& path) {
    if (!session_->volume()) {
        showError(tr("%1: open a volume first: a pose is saved with its volume").arg(path));
        return false;
    }
    try {
        write_pose_record(panel_->parameters(), *session_->volume(), path);
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
    statusBar()->showMessage(tr("Pose written to %1").arg(path), kStatusMessageMs);
    rememberFolderOf(path);
    return true;
}

void MainWindow::loadPoseDialog() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Load pose"), settings_state_.last_folder, QString::fromLatin1(kPoseFilter));
    if (!path.isEmpty()) loadPose(path);
}

void MainWindow::savePoseDialog() {
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save pose"), QDir(settings_state_.last_folder).filePath("pose.json"),
        QString::fromLatin1(kPoseFilter));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += ".json";
    savePose(path);
}

QImage MainWindow::grabView(StudioView view) {
    switch (view) {
        case StudioView::Scene3D:
            return scene_view_->fullQualityScreenshot();
        case StudioView::Drr:
            return drr_view_->grab().toImage();
        case StudioView::Window: {
            QPixmap pixmap = grab();
            // 3D views draw into native windows of their own, which QWidget::grab leaves out.
            QPainter painter(&pixmap);
            for (render::VtkView* view : findChildren<render::VtkView*>()) {
                if (!view->isVisible() || view->window() != this) continue;
                painter.drawImage(QRect(view->mapTo(this, QPoint(0, 0)), view->size()),
                                  view == scene_view_ ? scene_view_->fullQualityScreenshot()
                                                      : view->screenshot());
            }
            painter.end();
            return pixmap.toImage();
        }
    }
    return {};
}

bool MainWindow::saveScreenshot(StudioView view, const QString& path) {
    const QImage image = grabView(view);
    if (image.isNull() || !image.save(path)) {
        showError(tr("%1: could not write the screenshot (is the folder writable, and the "
                     "extension .png, .jpg or .bmp?)")
                      .arg(path));
        return false;
    }
    statusBar()->showMessage(tr("Screenshot written to %1").arg(path), kStatusMessageMs);
    rememberFolderOf(path);
    return true;
}

void MainWindow::openDialog() {
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open CT volume"), settings_state_.last_folder,
                                     QString::fromLatin1(kVolumeFilter));
    if (!path.isEmpty()) openPath(path);
}

void MainWindow::openFolderDialog() {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open DICOM folder"),
                                                             settings_state_.last_folder);
    if (!folder.isEmpty()) openPath(folder);
}

void MainWindow::exportDialog() {
    QString filter;
    const QString suggested = QDir(settings_state_.last_folder).filePath("drr.nrrd");
    QString path =
        QFileDialog::getSaveFileName(this, tr("Export DRR"), suggested, join_filters(), &filter);
    if (path.isEmpty()) return;
    exportDrr(with_extension_of_filter(path, filter));
}

void MainWindow::screenshotDialog(StudioView view) {
    const char* name = view == StudioView::Scene3D ? "radonstudio_3d.png"
                       : view == StudioView::Drr   ? "radonstudio_drr.png"
                                                   : "radonstudio.png";
    QString path = QFileDialog::getSaveFileName(this, tr("Save screenshot"),
                                                QDir(settings_state_.last_folder).filePath(name),
                                                tr("PNG (*.png);;JPEG (*.jpg);;BMP (*.bmp)"));
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += ".png";
    saveScreenshot(view, path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    // One volume at a time: the first local file or folder of the drop.
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            openPath(url.toLocalFile());
            return;
        }
    }
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    event->accept();
}

}  // namespace radon::ui
