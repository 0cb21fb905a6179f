#include "ui/drr/drr_worker.h"

#include <QMetaObject>

#include <chrono>

#include "kernels/core/error.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/physics/drr_output.h"

namespace radon::ui {
namespace {

// The pose panel's names for the fields, so that a refused request reads in the panel's terms.
DrrOutputFieldNames output_field_names() {
    DrrOutputFieldNames names;
    names.kind = "Output";
    names.i0 = "I0";
    names.reduction = "Projection";
    return names;
}

}  // namespace

DrrWorker::DrrWorker(QObject* parent) : QObject(parent) {
    qRegisterMetaType<radon::ui::DrrFrame>();
}

DrrWorker::~DrrWorker() = default;

void DrrWorker::wakeLocked() {
    if (wake_queued_) return;
    wake_queued_ = true;
    QMetaObject::invokeMethod(this, &DrrWorker::renderPending, Qt::QueuedConnection);
}

void DrrWorker::post(const DrrRequest& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (newest_sequence_ && request.sequence <= *newest_sequence_) return;
    newest_sequence_ = request.sequence;
    pending_ = request;
    if (running_ && !(running_preview_ && request.preview)) cancel_.cancel();
    if (volume_installed_) wakeLocked();
}

void DrrWorker::postVolume(const VolumeGrid& grid, const Array<float>& attenuation) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (running_) cancel_.cancel();
    }
    QMetaObject::invokeMethod(
        this, [this, grid, attenuation] { installVolume(grid, attenuation); },
        Qt::QueuedConnection);
}

void DrrWorker::cancelAll() {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.reset();
    if (running_) cancel_.cancel();
}

void DrrWorker::installVolume(const VolumeGrid& grid, const Array<float>& attenuation) {
    try {
        const DeviceKind device = renderer_ ? renderer_->device() : DeviceKind::Cpu;
        // Prepared before the old one is dropped, so a volume the device cannot take leaves the
        // previous one usable.
        auto renderer = make_drr_renderer(device, grid, attenuation);
        renderer_ = std::move(renderer);
        grid_ = grid;
        attenuation_ = attenuation;
    } catch (const std::exception& e) {
        emit volumeFailed(QString::fromStdString(e.what()));
        return;
    }
    emit volumeReady();
    std::lock_guard<std::mutex> lock(mutex_);
    volume_installed_ = true;
    if (pending_) wakeLocked();
}

void DrrWorker::renderPending() {
    DrrRequest request;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        wake_queued_ = false;
        if (!pending_ || !renderer_) return;
        request = *pending_;
        pending_.reset();
        running_ = true;
        running_preview_ = request.preview;
        cancel_.reset();
    }
    emit renderStarted(request.sequence);

    const DrrParameters& p = request.parameters;
    try {
        p.pose.validate();
        p.detector.validate();
        p.settings.validate(p.detector);
        validate(p.output, p.settings.reduction, output_field_names());
        if (renderer_->device() != p.device) {
            renderer_ = make_drr_renderer(p.device, grid_, attenuation_);
        }
        DrrFrame frame;
        frame.request = request;
        frame.geometry = carm_projection(p.pose, p.detector, grid_.center());
        frame.image = recon::Image2D::allocate(p.detector.width, p.detector.height, p.detector.delx,
                                               p.detector.dely);
        RunControl control;
        control.cancel = &cancel_;
        const auto start = std::chrono::steady_clock::now();
        renderer_->render(frame.geometry, p.settings, frame.image.pixels.host_data(), control);
        // Part of the frame's time, as it is of `radon drr`'s: the worker delivers the values
        // the user asked for, and the view's automatic window below is found on them.
        apply_drr_output(frame.image.pixels.host_data(), frame.image.pixels.size(), p.output);
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        frame.milliseconds = 1e3 * seconds.count();
        frame.rays_per_second =
            static_cast<double>(p.detector.width * p.detector.height) / seconds.count();
        frame.renderer = renderer_->description(p.settings);
        frame.automatic_window = recon::automatic_window(frame.image);
        frame.detector_cut = confirm_detector_cut(
            detector_cut(frame.geometry, grid_, p.settings, &renderer_->occupied()), frame.geometry,
            *renderer_, p.settings);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            running_ = false;
        }
        emit rendered(frame);
    } catch (const Cancelled&) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            running_ = false;
        }
        emit renderCancelled(request.sequence);
    } catch (const std::exception& e) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            running_ = false;
        }
        emit renderFailed(request.sequence, QString::fromStdString(e.what()));
    }
}

}  // namespace radon::ui
