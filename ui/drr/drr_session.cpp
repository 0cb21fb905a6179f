#include "ui/drr/drr_session.h"

#include <sstream>

#include "kernels/physics/attenuation.h"
#include "recon/io/volume_io.h"
#include "ui/common/background_priority.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/drr_worker.h"
#include "ui/drr/pose_panel.h"
#include "ui/drr/preview_parameters.h"

namespace radon::ui {

DrrSession::DrrSession(PosePanel* panel, DrrImageView* view, QThread* compute_thread,
                       QObject* parent)
    : QObject(parent),
      panel_(panel),
      view_(view),
      worker_thread_(compute_thread ? compute_thread : &own_thread_),
      worker_(new DrrWorker) {
    clock_.start();
    worker_->moveToThread(worker_thread_);
    if (!compute_thread) {
        own_thread_.setObjectName("drr worker");
        connect(&own_thread_, &QThread::finished, worker_, &QObject::deleteLater);
        connect(
            &own_thread_, &QThread::started, worker_,
            [] { lower_current_thread_priority(kWorkerNiceSteps); }, Qt::DirectConnection);
        own_thread_.start();
    }

    connect(worker_, &DrrWorker::rendered, this, &DrrSession::showFrame);
    connect(worker_, &DrrWorker::renderFailed, this, [this](quint64, const QString& message) {
        emit frameStatusChanged(tr("render failed: %1").arg(message));
        emit renderFailed(message);
    });
    connect(worker_, &DrrWorker::volumeReady, this, [this] {
        emit volumeReady();
        renderPanel();
    });
    connect(worker_, &DrrWorker::volumeFailed, this, &DrrSession::errorOccurred);

    connect(&loader_, &VolumeLoader::progress, this, &DrrSession::loadProgress);
    connect(&loader_, &VolumeLoader::loaded, this, &DrrSession::volumeArrived);
    connect(&loader_, &VolumeLoader::failed, this, &DrrSession::errorOccurred);
    connect(&loader_, &VolumeLoader::cancelled, this, &DrrSession::loadCancelled);

    if (panel_) connect(panel_, &PosePanel::poseChanged, this, &DrrSession::requestRender);
    if (view_) {
        connect(view_, &DrrImageView::pixelHovered, this,
                [this](int column, int row, double value) {
                    emit cursorStatusChanged(tr("pixel (%1, %2): %3")
                                                 .arg(column)
                                                 .arg(row)
                                                 .arg(QString::number(value, 'g', 6)));
                });
        connect(view_, &DrrImageView::cursorLeftImage, this,
                [this] { emit cursorStatusChanged(QString()); });
    }
}

DrrSession::~DrrSession() {
    blockSignals(true);  // the window that listens may be half torn down by now
    loader_.cancel();
    worker_->cancelAll();
    if (worker_thread_ == &own_thread_) {
        own_thread_.quit();
        own_thread_.wait();
    } else {
        // The worker may be rendering on the shared thread: it is deleted there, in turn.
        QMetaObject::invokeMethod(
            worker_, [worker = worker_] { delete worker; }, Qt::BlockingQueuedConnection);
    }
}

void DrrSession::loadThoraxPhantom(std::array<int64_t, 3> size, Vec3 spacing) {
    loadPhantom("thorax", recon::thorax_phantom(), size, spacing);
}

void DrrSession::loadSheppLoganPhantom(std::array<int64_t, 3> size, Vec3 spacing) {
    // Scaled to fill the grid, as `radon drr --phantom shepp-logan` does.
    const Vec3 half{0.5 * static_cast<double>(size[0]) * spacing[0],
                    0.5 * static_cast<double>(size[1]) * spacing[1],
                    0.5 * static_cast<double>(size[2]) * spacing[2]};
    loadPhantom("shepp-logan", recon::shepp_logan_phantom(half), size, spacing);
}

void DrrSession::loadPhantom(const char* name, const recon::EllipsoidPhantom& phantom,
                             std::array<int64_t, 3> size, Vec3 spacing) {
    // Described as `radon drr` describes it, so that the geometry records of both agree.
    std::ostringstream d;
    d << name << " phantom, " << size[0] << "x" << size[1] << "x" << size[2] << " voxels of "
      << spacing[0] << "x" << spacing[1] << "x" << spacing[2] << " mm";
    loader_.load(
        QString::fromStdString(d.str()),
        [phantom, size, spacing](const RunControl&, std::vector<std::string>&) {
            return phantom.voxelize_hu(centered_grid(size, spacing));
        },
        kWaterAttenuation60keV, QString::fromLatin1(name));
}

void DrrSession::loadVolumeFile(const QString& path, const QString& series) {
    // Described as `radon drr` describes it.
    const QString description =
        series.isEmpty() ? path : QStringLiteral("%1 (series %2)").arg(path, series);
    loader_.load(
        description,
        [file = path.toStdString(), choice = series.toStdString()](
            const RunControl&, std::vector<std::string>& warnings) {
            return recon::read_volume(file, choice, &warnings);
        },
        kWaterAttenuation60keV);
}

void DrrSession::cancelLoading() {
    loader_.cancel();
}

bool DrrSession::isLoading() const {
    return loader_.busy();
}

void DrrSession::volumeArrived(const LoadedVolume& volume) {
    volume_ = volume;
    worker_->postVolume(volume.hu.grid, volume.attenuation);
    emit volumeLoaded(volume);
}

void DrrSession::requestRender(const DrrParameters& parameters, bool preview) {
    DrrRequest request;
    request.parameters = preview ? preview_parameters(parameters) : parameters;
    request.preview = preview;
    request.sequence = next_sequence_++;
    posted_at_ns_[request.sequence] = clock_.nsecsElapsed();
    worker_->post(request);
}

void DrrSession::renderPanel() {
    if (panel_) requestRender(panel_->parameters(), false);
}

void DrrSession::showFrame(const DrrFrame& frame) {
    const std::uint64_t sequence = frame.request.sequence;
    if (sequence <= shown_sequence_) return;
    shown_sequence_ = sequence;
    if (view_) {
        const DrrParameters& p = frame.request.parameters;
        const DrrImageGeometry where{normalized(frame.geometry.column_step),
                                     normalized(frame.geometry.row_step), p.pose.sdd / p.pose.sad};
        view_->setImage(frame.image, frame.automatic_window,
                        DrrValues{p.settings.reduction, p.output}, where);
    }

    double latency_ms = 0;
    const auto posted = posted_at_ns_.find(sequence);
    if (posted != posted_at_ns_.end()) latency_ms = 1e-6 * (clock_.nsecsElapsed() - posted->second);
    // Requests up to this one will never be shown: the worker skipped or cancelled them.
    posted_at_ns_.erase(posted_at_ns_.begin(), posted_at_ns_.upper_bound(sequence));

    const Detector& d = frame.request.parameters.detector;
    QString status = tr("%1 %2x%3: %4 ms, %5 Mrays/s, latency %6 ms (%7)")
                         .arg(frame.request.preview ? tr("preview") : tr("full"))
                         .arg(d.width)
                         .arg(d.height)
                         .arg(frame.milliseconds, 0, 'f', 1)
                         .arg(frame.rays_per_second / 1e6, 0, 'f', 1)
                         .arg(latency_ms, 0, 'f', 0)
                         .arg(QString::fromStdString(frame.renderer));
    const std::string cut = detector_cut_warning(frame.detector_cut, frame.geometry.span);
    if (!cut.empty()) status = tr("WARNING: %1. ").arg(QString::fromStdString(cut)) + status;
    if (view_) {
        const DetectorCut& where = frame.detector_cut;
        view_->setWarning(where.beyond_detector ? tr("The detector cuts through the volume")
                          : where.behind_source ? tr("The volume reaches behind the source")
                                                : QString(),
                          QString::fromStdString(cut));
    }
    emit frameStatusChanged(status);
    emit frameShown(frame, latency_ms);
}

}  // namespace radon::ui
