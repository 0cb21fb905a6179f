#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QThread>

#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "kernels/core/vec.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "ui/common/volume_loader.h"
#include "ui/drr/drr_frame.h"
#include "ui/drr/drr_parameters.h"

namespace radon::ui {

class DrrImageView;
class DrrWorker;
class PosePanel;

// The DRR part of the desktop app, wired up: the pose panel's changes become requests to the
// worker (a preview while a slider is held, the full image otherwise), the worker's frames go
// to the image view, and volumes are loaded off the UI thread and handed to the worker. It owns
// the worker thread and the loader; the panel and the view belong to the window.
//
// The UI thread never waits here: requests are posted, frames and load results arrive as
// queued signals. Errors a user can act on (a bad file) come out of errorOccurred with the
// message of recon/io; the session keeps rendering the volume it had.
class DrrSession : public QObject {
    Q_OBJECT

  public:
    static constexpr std::array<int64_t, 3> kSheppLoganSize{256, 256, 256};
    static constexpr Vec3 kSheppLoganSpacing{1, 1, 1};
    // The render worker and its OpenMP team run this many nice levels below the UI thread
    // (background_priority.h): weights 335 to 1024, so a 3D frame drawn during a render gets
    // about three quarters of the CPU.
    static constexpr int kWorkerNiceSteps = 5;

    // The worker runs on `compute_thread` (the ComputeWorker's, so that DRRs take turns with the
    // other workspaces' jobs on the device), or on a thread of the session's own when null.
    DrrSession(PosePanel* panel, DrrImageView* view, QThread* compute_thread = nullptr,
               QObject* parent = nullptr);
    // Cancels what runs and joins the worker and loading threads (deletes the worker on the
    // compute thread, after its current render).
    ~DrrSession() override;

    // The built-in thorax phantom, by default on the grid `radon drr` uses.
    void loadThoraxPhantom(std::array<int64_t, 3> size = recon::default_thorax_size(),
                           Vec3 spacing = recon::default_thorax_spacing());
    // The Shepp-Logan head phantom filling the grid, by default the grid `radon drr --phantom
    // shepp-logan` uses.
    void loadSheppLoganPhantom(std::array<int64_t, 3> size = kSheppLoganSize,
                               Vec3 spacing = kSheppLoganSpacing);
    // A CT in HU (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd), or a DICOM file or folder; `series`
    // picks one series of a folder by UID or description (recon::read_volume).
    void loadVolumeFile(const QString& path, const QString& series = QString());
    void cancelLoading();
    bool isLoading() const;

    // The volume the worker renders, once one has loaded.
    const std::optional<LoadedVolume>& volume() const { return volume_; }
    DrrWorker* worker() const { return worker_; }
    std::uint64_t lastPostedSequence() const { return next_sequence_ - 1; }

  public slots:
    // Posts a render of `parameters`: the preview detector (preview_parameters) when `preview`.
    void requestRender(const radon::ui::DrrParameters& parameters, bool preview);
    // A full-resolution render of what the panel shows.
    void renderPanel();

  signals:
    // After the view shows the frame; latency runs from the request to this moment.
    void frameShown(const radon::ui::DrrFrame& frame, double latency_ms);
    // "full 512x512: 41.2 ms, 6.4 Mrays/s, latency 47 ms (cpu avx512 x16, 2 threads)".
    void frameStatusChanged(const QString& text);
    // The pixel under the cursor and its value, or empty when the cursor left the image.
    void cursorStatusChanged(const QString& text);
    void loadProgress(double fraction_done, const QString& stage);
    void loadCancelled();
    void volumeLoaded(const radon::ui::LoadedVolume& volume);
    // The worker has the new volume and renders it from now on.
    void volumeReady();
    void renderFailed(const QString& message);
    void errorOccurred(const QString& message);

  private:
    void loadPhantom(const char* name, const recon::EllipsoidPhantom& phantom,
                     std::array<int64_t, 3> size, Vec3 spacing);
    void showFrame(const DrrFrame& frame);
    void volumeArrived(const LoadedVolume& volume);

    PosePanel* panel_;
    DrrImageView* view_;
    QThread own_thread_;  // unused when a compute thread was given
    QThread* worker_thread_;
    DrrWorker* worker_;
    VolumeLoader loader_;
    std::optional<LoadedVolume> volume_;

    std::uint64_t next_sequence_ = 1;
    std::uint64_t shown_sequence_ = 0;
    QElapsedTimer clock_;
    std::map<std::uint64_t, qint64> posted_at_ns_;
};

}  // namespace radon::ui
