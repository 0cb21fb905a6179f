#pragma once

#include <QString>
#include <QWidget>

#include <vector>

#include "recon/bench/drr_benchmark.h"

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QSettings;
class QSpinBox;

namespace radon::ui {

// The grid of the Timing workspace: heights, patch sizes, devices, renderers, detector variant,
// runs and warm-up, with Run and Cancel, the progress and the cell being timed. grid() is what
// recon::plan_drr_benchmark and recon::run_drr_benchmark receive, so the workspace's table lists
// exactly the engine's cells.
class TimingGridPanel : public QWidget {
    Q_OBJECT

  public:
    explicit TimingGridPanel(QWidget* parent = nullptr);

    // The grid as entered, patch sizes in the order none, sizes ascending, auto. Throws
    // InvalidArgument naming the field and the bad entry (a height list that does not parse, no
    // patch size, device or renderer chosen).
    recon::DrrBenchmarkGrid grid() const;
    // Shows `grid` (the devices it names that this machine lacks are left out).
    void setGrid(const recon::DrrBenchmarkGrid& grid);

    // The grid as text fields under the current group of `settings` ("heights", "patches", ...).
    void saveSettings(QSettings& settings) const;
    void restoreSettings(QSettings& settings);

    // Run disabled and Cancel enabled while a run goes on.
    void setRunning(bool running);
    void setProgress(double fraction_done, const QString& current_cell);

    QPushButton* runButton() const { return run_; }
    QPushButton* cancelButton() const { return cancel_; }
    QProgressBar* progressBar() const { return progress_; }
    QLabel* currentCellLabel() const { return current_cell_; }

  signals:
    void runRequested();
    void cancelRequested();
    // Any field changed: the planned table follows.
    void gridEdited();

  private:
    QLineEdit* heights_ = nullptr;
    QCheckBox* patch_none_ = nullptr;
    QCheckBox* patch_150_ = nullptr;
    QCheckBox* patch_250_ = nullptr;
    QCheckBox* patch_auto_ = nullptr;
    QLineEdit* patch_custom_ = nullptr;
    std::vector<recon::BenchmarkTarget> targets_;
    std::vector<QCheckBox*> target_boxes_;
    QCheckBox* siddon_ = nullptr;
    QCheckBox* trilinear_ = nullptr;
    QRadioButton* fixed_spacing_ = nullptr;
    QRadioButton* fixed_field_ = nullptr;
    QDoubleSpinBox* pixel_spacing_ = nullptr;
    QDoubleSpinBox* field_ = nullptr;
    QSpinBox* runs_ = nullptr;
    QSpinBox* warmup_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* current_cell_ = nullptr;
};

// "cpu avx2, pixel 2.0 mm, height 500, patch 250, siddon": one cell named for the progress line.
QString describe_cell(const recon::DrrBenchmarkCell& cell);

}  // namespace radon::ui
