#pragma once

#include <QMainWindow>
#include <QString>

#include <optional>

#include "ui/common/volume_loader.h"

class QSettings;

namespace radon::ui {

class ComputeWorker;

// What the workspaces of the main window share: the compute worker of the device and the one
// volume loaded (the DRR volume, the PET attenuation source, the CT reconstruction's truth when
// it is a phantom).
struct StudioContext {
    ComputeWorker* compute = nullptr;
    std::optional<LoadedVolume> volume;
};

// One workspace of the main window (DRR, PET, CT): a QMainWindow inside the window's tabs, so it
// has docks and a layout of its own, which it remembers (QSettings group "workspace/<id>").
//
// Workspaces compute nothing on the UI thread: they post jobs to the context's ComputeWorker and
// show results that arrive by queued calls. A workspace starts computing the first time it is
// activated (shown), so that opening the app on one workspace does not run the others' jobs.
class Workspace : public QMainWindow {
    Q_OBJECT

  public:
    // `id`: "drr", "pet" or "ct" (the --workspace value and the settings group).
    Workspace(const QString& id, const QString& title, StudioContext& context,
              QWidget* parent = nullptr);

    const QString& id() const { return id_; }
    const QString& title() const { return title_; }
    StudioContext& context() const { return context_; }

    // Called each time the workspace becomes the current tab.
    virtual void activate() {}
    // A new volume is in context().volume.
    virtual void volumeChanged() {}
    // Whether the first result (a sinogram, a projection, a DRR) is on screen.
    virtual bool firstResultShown() const = 0;

    // Docks and toolbars (QMainWindow::saveState) plus what the workspace adds in
    // saveExtraSettings(), under "workspace/<id>/".
    void saveSettings(QSettings& settings) const;
    void restoreSettings(QSettings& settings);

  signals:
    // Emitted once, when firstResultShown() becomes true.
    void firstResultReady();
    // One line for the window's status bar.
    void statusMessage(const QString& text);
    // Errors a user can act on: the window shows them in a message box.
    void errorOccurred(const QString& message);

  protected:
    virtual void saveExtraSettings(QSettings& settings) const { Q_UNUSED(settings); }
    virtual void restoreExtraSettings(QSettings& settings) { Q_UNUSED(settings); }

  private:
    QString id_;
    QString title_;
    StudioContext& context_;
};

}  // namespace radon::ui
