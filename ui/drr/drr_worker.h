#pragma once

#include <QObject>
#include <QString>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/geometry/volume_grid.h"
#include "ui/drr/drr_frame.h"
#include "ui/drr/drr_request.h"

namespace radon::ui {

// The one object that computes DRRs for the desktop app. It lives on its own QThread, owns the
// renderer (and through it the compute device) and the attenuation volume, and renders only the
// newest request it has been posted.
//
// post() and postVolume() may be called from any thread and never wait for a render: they swap a
// slot under a mutex that a render never holds, and wake the worker with a queued call. A request
// supersedes the pending one when its sequence is newer; the running render is cancelled through
// its CancelToken when it is superseded, except that a running preview is allowed to finish when
// the newcomer is also a preview, so that a continuous drag keeps showing frames instead of
// cancelling each one before it completes.
class DrrWorker : public QObject {
    Q_OBJECT

  public:
    explicit DrrWorker(QObject* parent = nullptr);
    ~DrrWorker() override;

    void post(const DrrRequest& request);
    // Replaces the volume the worker renders (attenuation in 1/mm on the host, extents ==
    // grid.size). The renderer is prepared on the worker thread; a running render is cancelled.
    // If preparing fails, the previous volume stays and volumeFailed() says why.
    void postVolume(const VolumeGrid& grid, const Array<float>& attenuation);
    // Drops the pending request and cancels the running render.
    void cancelAll();

  signals:
    void renderStarted(quint64 sequence);
    void rendered(const radon::ui::DrrFrame& frame);
    void renderCancelled(quint64 sequence);
    void renderFailed(quint64 sequence, const QString& message);
    void volumeReady();
    void volumeFailed(const QString& message);

  private:
    // Both run on the worker thread.
    void renderPending();
    void installVolume(const VolumeGrid& grid, const Array<float>& attenuation);

    void wakeLocked();  // with mutex_ held

    std::mutex mutex_;  // guards the members below up to renderer_; never held during a render
    std::optional<DrrRequest> pending_;
    std::optional<std::uint64_t> newest_sequence_;
    bool wake_queued_ = false;
    bool running_ = false;
    bool running_preview_ = false;
    bool volume_installed_ = false;
    CancelToken cancel_;

    // Touched only on the worker thread.
    std::unique_ptr<DrrRenderer> renderer_;
    VolumeGrid grid_;
    Array<float> attenuation_;
};

}  // namespace radon::ui
