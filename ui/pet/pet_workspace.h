#pragma once

#include <QPointer>

#include <string>

#include "kernels/core/vec.h"

#include "ui/common/workspace.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace radon::ui {

class LinePlot;
class OrthogonalSlices;
class PetSession;
class ScannerChooser;
class ScannerView;
class SinogramView;

// The PET workspace: a scanner, the sinogram of an activity (phantom or image) projected with or
// without the attenuation of the shared CT, the OSEM reconstruction updating live, and linked
// picking between the scanner and the sinogram. Its model is a PetSession; its views are the
// scanner view (3D), the sinogram view with its Michelogram, three slice views of the
// reconstruction and the log-likelihood plot. Every computation is a job on the context's
// ComputeWorker.
class PetWorkspace : public Workspace {
    Q_OBJECT

  public:
    PetWorkspace(StudioContext& context, QWidget* parent = nullptr);
    ~PetWorkspace() override;

    void activate() override;
    void volumeChanged() override;
    bool firstResultShown() const override { return first_shown_; }

    PetSession& session() const { return *session_; }
    SinogramView* sinogramView() const { return sinogram_view_; }
    OrthogonalSlices* reconstructionView() const { return slices_; }
    LinePlot* likelihoodPlot() const { return plot_; }
    ScannerView* scannerView() const { return scanner_view_; }
    ScannerChooser* scannerChooser() const { return chooser_; }

    // The settings panel's buttons, for tests and shortcuts.
    QPushButton* projectButton() const { return project_; }
    QPushButton* reconstructButton() const { return reconstruct_; }
    QPushButton* cancelButton() const { return cancel_; }

    // Pushes the panel's values into the session (as editing them does); false with a message
    // when they do not make a sinogram.
    bool applySettings();

  signals:
    // The sinogram of the last projection is on screen (painted).
    void sinogramShown();

  protected:
    void saveExtraSettings(QSettings& settings) const override;
    void restoreExtraSettings(QSettings& settings) override;

  private:
    QWidget* buildPanel();
    void loadPanel();
    void showSinogram();
    void showPick();
    void showSetup();
    void exportSinogram();
    void exportImage();
    void openActivityImage();

    PetSession* session_ = nullptr;
    SinogramView* sinogram_view_ = nullptr;
    OrthogonalSlices* slices_ = nullptr;
    LinePlot* plot_ = nullptr;
    ScannerView* scanner_view_ = nullptr;
    ScannerChooser* chooser_ = nullptr;
    std::string shown_scanner_json_;
    Vec3 shown_scanner_centre_{1e300, 0, 0};
    int ll_series_ = -1;
    int subsets_shown_ = 1;
    bool first_shown_ = false;
    bool activated_ = false;
    bool loading_panel_ = false;
    bool applying_ = false;
    bool syncing_chooser_ = false;

    QSpinBox* span_ = nullptr;
    QSpinBox* mrd_ = nullptr;
    QSpinBox* mashing_ = nullptr;
    QComboBox* tof_ = nullptr;
    QComboBox* projector_ = nullptr;
    QComboBox* activity_ = nullptr;
    QDoubleSpinBox* contrast_ = nullptr;
    QComboBox* attenuation_ = nullptr;
    QSpinBox* iterations_ = nullptr;
    QSpinBox* subsets_ = nullptr;
    QSpinBox* crystal_ = nullptr;
    QPushButton* project_ = nullptr;
    QPushButton* reconstruct_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* setup_line_ = nullptr;
    quint64 running_job_ = 0;
};

}  // namespace radon::ui
