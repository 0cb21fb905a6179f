#pragma once

#include <QString>

#include <memory>
#include <optional>

#include "kernels/ct/ct_geometry.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "recon/image2d.h"
#include "recon/volume.h"
#include "ui/common/compute_worker.h"
#include "ui/common/workspace.h"
#include "ui/ct/ct_scan.h"

class QLabel;
class QSlider;

namespace radon::ui {

class CtGeometryView;
class CtReconPanel;
class ImageView;
class LinePlot;
class OrthogonalSlices;

// The CT workspace: a circular scan about the loaded volume (the shared one, or a Shepp-Logan
// phantom of its own when none is loaded) shown in 3D (CtGeometryView) with a slider over its
// views; the current view's projection (a 3D scan) or the sinogram (a 2D scan) in an ImageView
// with axes in mm and degrees; reconstructions by FDK/FBP, SIRT, OS-SART or CGLS (recon::
// reconstruct_ct, the code `radon ct recon` runs) in three slice views, updated after every
// iteration, with the residual plotted, and, when the volume is a phantom, the difference from
// its truth and the PSNR; and "DRR -> CBCT": the DRR workspace's C-arm swept about the patient,
// a DRR rendered at each step by the DRR engine, and the DRRs reconstructed by FDK.
//
// Every computation is a job on the context's ComputeWorker: the current projection an
// interactive one (channel "ct/projection"), reconstructions and sweeps long ones with progress
// and cancel. The scan's projections are those of the volume's attenuation (1/mm) by the
// ray-driven projector, so reconstructions are in 1/mm.
class CtWorkspace : public Workspace {
    Q_OBJECT

  public:
    explicit CtWorkspace(StudioContext& context, QWidget* parent = nullptr);
    ~CtWorkspace() override;

    void activate() override;
    void volumeChanged() override;
    bool firstResultShown() const override { return first_result_shown_; }

    // The DRR workspace's C-arm, which "DRR -> CBCT" sweeps (default: AP, the default panel).
    void setCarmPose(const CArmPose& pose);
    void setCarmDetector(const Detector& detector);
    const CArmPose& carmPose() const { return carm_pose_; }
    const Detector& carmDetector() const { return carm_detector_; }

    // The volume scanned: the context's, else the workspace's own phantom once made (null
    // before).
    const LoadedVolume* volume() const;
    // The scan as the panel sets it, about the image grid's centre.
    const CtGeometry& geometry() const { return geometry_; }
    const CtImageGrid& imageGrid() const { return image_grid_; }
    bool hasScan() const { return !geometry_.views.empty(); }
    int currentView() const;
    void setCurrentView(int view);

    // Starts a reconstruction of the scan with the panel's method (returns its job id, 0 when
    // none started: no volume or a job already running), or the DRR -> CBCT sweep.
    ComputeWorker::JobId reconstruct();
    ComputeWorker::JobId drrToCbct();
    void cancel();
    bool busy() const { return job_ != 0; }

    // The newest image shown (1/mm) and its error against the truth (phantoms only).
    const std::optional<recon::Volume>& reconstruction() const { return reconstruction_; }
    const std::optional<CtImageError>& imageError() const { return image_error_; }
    // The iteration of the image shown (0 for FDK and before any).
    int iterationShown() const { return iteration_shown_; }
    // The geometry of the last DRR -> CBCT sweep.
    const CtGeometry& sweepGeometry() const { return sweep_geometry_; }

    CtReconPanel* panel() const { return panel_; }
    CtGeometryView* geometryView() const { return geometry_view_; }
    ImageView* projectionView() const { return projection_view_; }
    OrthogonalSlices* reconstructionSlices() const { return recon_slices_; }
    OrthogonalSlices* differenceSlices() const { return difference_slices_; }
    LinePlot* residualPlot() const { return residual_plot_; }
    QSlider* viewSlider() const { return view_slider_; }

    // The Shepp-Logan phantom the workspace scans when no volume is loaded.
    static constexpr int64_t kPhantomVoxels = 128;
    static constexpr double kPhantomSpacingMm = 1.5;

  signals:
    void projectionShown();
    // Each image shown (after each iteration, and the last one).
    void reconstructionShown(int iteration);
    // The job ended: "finished", "cancelled" or "failed".
    void jobEnded(const QString& how);

  protected:
    void saveExtraSettings(QSettings& settings) const override;
    void restoreExtraSettings(QSettings& settings) override;

  private:
    struct Result;
    void useVolume();
    void fitScan();
    void rebuildScan();
    void requestProjection();
    void showProjection(quint64 sequence, int view, const recon::Image2D& image);
    void showResult(quint64 run, const std::shared_ptr<const Result>& result);
    ComputeWorker::JobId startJob(const QString& title, ComputeWorker::Job job);
    void jobDone(quint64 id, const QString& how, const QString& message = QString());
    void updateViewLabel();

    CtReconPanel* panel_ = nullptr;
    CtGeometryView* geometry_view_ = nullptr;
    ImageView* projection_view_ = nullptr;
    OrthogonalSlices* recon_slices_ = nullptr;
    OrthogonalSlices* difference_slices_ = nullptr;
    LinePlot* residual_plot_ = nullptr;
    QSlider* view_slider_ = nullptr;
    QLabel* view_label_ = nullptr;

    std::optional<LoadedVolume> own_volume_;
    bool making_phantom_ = false;
    // The voxels the scan was set up for: a new volume in the context (the same optional
    // reassigned) has other voxels.
    const float* volume_shown_ = nullptr;
    CtGeometry geometry_;
    CtImageGrid image_grid_;
    Vec3 isocenter_{0, 0, 0};
    CArmPose carm_pose_;
    Detector carm_detector_;
    quint64 projection_sequence_ = 0;
    bool first_result_shown_ = false;
    ComputeWorker::JobId job_ = 0;
    quint64 run_ = 0;
    int residual_series_ = -1;
    std::optional<recon::Volume> reconstruction_;
    std::optional<CtImageError> image_error_;
    int iteration_shown_ = 0;
    CtGeometry sweep_geometry_;
};

}  // namespace radon::ui
