#pragma once

#include <QString>
#include <QWidget>

#include "recon/algorithms/ct_reconstruction.h"
#include "ui/ct/ct_scan.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace radon::ui {

// The CT workspace's controls: the scan (beam, 2D/3D, views, arc, SID/SDD, panel), the image
// grid (voxels of the volume per image voxel), the method and its parameters (FDK/FBP: filter
// and cut-off; SIRT, OS-SART, CGLS: iterations, OS-SART subsets), the DRR -> CBCT sweep (arc,
// views), and a progress bar with Cancel. It only edits settings and says what was asked for.
class CtReconPanel : public QWidget {
    Q_OBJECT

  public:
    explicit CtReconPanel(QWidget* parent = nullptr);

    CtScanSettings scanSettings() const;
    void setScanSettings(const CtScanSettings& settings);  // emits scanChanged once
    int imageBlock() const;
    void setImageBlock(int block);
    recon::CtReconSettings reconSettings() const;
    void setMethod(recon::CtMethod method);
    void setIterations(int iterations);
    void setSubsets(int subsets);
    double sweepArcDeg() const;
    int sweepViews() const;
    void setSweep(double arc_deg, int views);

    // A job runs: Reconstruct and DRR -> CBCT wait, Cancel is enabled.
    void setBusy(bool busy);
    void setProgress(double fraction_done, const QString& stage);
    QString stage() const;
    void setResult(const QString& text);
    QString resultText() const;
    void setImageGridText(const QString& text);

    QPushButton* reconstructButton() const { return reconstruct_; }
    QPushButton* cancelButton() const { return cancel_; }
    QPushButton* sweepButton() const { return sweep_; }
    QPushButton* fitButton() const { return fit_; }

  signals:
    void scanChanged();
    void imageGridChanged();
    void reconstructRequested();
    void cancelRequested();
    void drrToCbctRequested();
    void fitRequested();

  private:
    void updateEnabled();

    QComboBox* beam_ = nullptr;
    QCheckBox* parallel_3d_ = nullptr;
    QSpinBox* views_ = nullptr;
    QDoubleSpinBox* arc_ = nullptr;
    QDoubleSpinBox* sid_ = nullptr;
    QDoubleSpinBox* sdd_ = nullptr;
    QSpinBox* columns_ = nullptr;
    QSpinBox* rows_ = nullptr;
    QDoubleSpinBox* pixel_ = nullptr;
    QPushButton* fit_ = nullptr;
    QSpinBox* block_ = nullptr;
    QLabel* grid_text_ = nullptr;
    QComboBox* method_ = nullptr;
    QComboBox* filter_ = nullptr;
    QDoubleSpinBox* cutoff_ = nullptr;
    QSpinBox* iterations_ = nullptr;
    QSpinBox* subsets_ = nullptr;
    QPushButton* reconstruct_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QDoubleSpinBox* sweep_arc_ = nullptr;
    QSpinBox* sweep_views_ = nullptr;
    QPushButton* sweep_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* result_ = nullptr;
    bool busy_ = false;
    bool quiet_ = false;  // while setScanSettings fills the fields
};

}  // namespace radon::ui
