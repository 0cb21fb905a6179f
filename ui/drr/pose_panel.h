#pragma once

#include <QWidget>

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/geometry/carm_pose.h"
#include "ui/drr/drr_parameters.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QTabWidget;

namespace radon::ui {

class SliderSpinBox;

// Edits everything a DRR depends on, on three tabs so that it fits a 1280x720 screen without
// scrolling: the C-arm pose (primary and secondary angle, roll, isocenter offset, SAD, SDD) with
// sliders and numeric fields, presets AP/PA/LAT-L/LAT-R and a reset; the detector (pixels,
// spacing, the panel size they make); the renderer (Siddon or trilinear with its step, sum or
// MIP projection, device, threads, patch size); and the output the line integrals are turned
// into, as `radon drr` offers it (line integral, transmission or log, I0, invert).
//
// The detector keeps its field of view by default, as imaging systems do: a new pixel count
// changes the pixel spacing so that pixels x spacing stays the panel size; with "keep field of
// view" off the spacing stays and the panel grows or shrinks. Every device the CLI knows is
// listed: CUDA, when it cannot be used, disabled with the reason `radon info` gives.
//
// Every change is reported by one poseChanged signal carrying the whole state and whether a
// slider handle is held: the session renders previews while it is held and the full image when
// it is released (releasing emits poseChanged with sliderHeld false even if nothing moved).
// SDD is kept above SAD: moving one past the other pushes the other along. Only patch sizes that
// tile the detector are offered. No state the worker would refuse is emitted: a MIP is no line
// integral, so under it the output is the line integral (the Output choice waits, disabled), and
// the log image needs I0 > 1 counts. Controls carry object names ("primary", "sad", "patchSize",
// "projection", "output", "i0", "invert", ...).
class PosePanel : public QWidget {
    Q_OBJECT

  public:
    explicit PosePanel(QWidget* parent = nullptr);

    DrrParameters parameters() const;
    bool isSliderHeld() const;
    // Patch sizes offered besides automatic: the common divisors of the detector's width and
    // height from kMinPatchSize on.
    std::vector<int64_t> patchSizeChoices() const;

    // The output controls as they stand, with the choices that do not apply at the moment (the
    // output kind under a MIP, the I0 of a line integral), so that the app can remember them.
    DrrOutput outputChoice() const;
    // Sets the three output controls as given (I0 clamped to its field) and emits poseChanged
    // once.
    void setOutputChoice(const radon::DrrOutput& output);

    static constexpr int64_t kMinPatchSize = 16;
    static constexpr double kMaxI0 = 1e9;  // counts per pixel
    // What I0 becomes when the log image is chosen with an I0 it cannot use (<= 1 count).
    static constexpr double kDefaultLogI0 = 1e5;
    static constexpr double kMinSourceToDetectorGap = 1.0;  // mm between SAD and SDD
    static constexpr int kMaxDetectorPixels = 4096;
    static constexpr double kMinPixelSpacing = 0.001, kMaxPixelSpacing = 1000;  // mm

    bool keepsFieldOfView() const;
    void setKeepFieldOfView(bool keep);
    // Empty when every value of `parameters` lies within its control's range; else one line
    // naming the first that does not and the range ("Isocenter x (L) 400 mm is outside -300 to
    // 300 mm"), since setParameters would clamp it.
    QString rangeProblem(const DrrParameters& parameters) const;

  public slots:
    // Shows `parameters` (clamped to the controls' ranges) and emits poseChanged once.
    void setParameters(const radon::ui::DrrParameters& parameters);
    // The preset's angles with zero roll and offset; SAD and SDD are kept.
    void applyPreset(radon::CArmPreset preset);
    // The default pose (AP, no offset, default SAD and SDD); detector and renderer are kept.
    void resetPose();

  signals:
    void poseChanged(const radon::ui::DrrParameters& parameters, bool sliderHeld);

  protected:
    // Undo and redo keys pressed in a numeric field undo the pose (the window's actions), not
    // the field's text.
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    SliderSpinBox* addSlider(const char* name, double minimum, double maximum, int decimals,
                             const QString& suffix);
    QWidget* makePoseGroup();
    QWidget* makeDetectorGroup();
    QWidget* makeRendererGroup();
    void pixelCountChanged();
    void refreshPanelSize();
    void showPose(const CArmPose& pose);
    void keepDetectorBeyondIsocenter(bool sad_moved);
    void refreshPatchSizes();
    void refreshStepEnabled();
    void refreshOutputControls();
    void showOutput(const DrrOutput& output, bool set_i0);
    void changed();

    SliderSpinBox* primary_ = nullptr;
    SliderSpinBox* secondary_ = nullptr;
    SliderSpinBox* roll_ = nullptr;
    std::array<SliderSpinBox*, 3> offset_{};
    SliderSpinBox* sad_ = nullptr;
    SliderSpinBox* sdd_ = nullptr;
    std::vector<SliderSpinBox*> sliders_;
    QSpinBox* detector_width_ = nullptr;
    QSpinBox* detector_height_ = nullptr;
    QDoubleSpinBox* spacing_x_ = nullptr;
    QDoubleSpinBox* spacing_y_ = nullptr;
    QCheckBox* keep_fov_ = nullptr;
    QLabel* panel_size_ = nullptr;
    QTabWidget* tabs_ = nullptr;
    QComboBox* algorithm_ = nullptr;
    QDoubleSpinBox* step_ = nullptr;
    QComboBox* projection_ = nullptr;
    QComboBox* output_ = nullptr;
    QDoubleSpinBox* i0_ = nullptr;
    QCheckBox* invert_ = nullptr;
    QComboBox* device_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QComboBox* patch_size_ = nullptr;

    // Not edited here, but kept so that setParameters() round-trips.
    double principal_u_ = 0, principal_v_ = 0;
    // The panel size (mm) that a new pixel count keeps, when keeping the field of view.
    double field_of_view_[2] = {0, 0};

    int quiet_ = 0;  // > 0 while several controls change as one edit: one signal at the end
};

}  // namespace radon::ui
