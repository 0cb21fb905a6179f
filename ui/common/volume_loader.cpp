#include "ui/common/volume_loader.h"

#include <QMetaObject>

#include <algorithm>
#include <exception>
#include <utility>

#include "kernels/core/error.h"
#include "recon/attenuation_volume.h"
#include "ui/common/tracked_threads.h"

namespace radon::ui {
namespace {

// Passes a loading thread's progress to the loader on its own thread.
class QueuedProgress final : public ProgressSink {
  public:
    explicit QueuedProgress(VolumeLoader* loader, QString stage)
        : loader_(loader), stage_(std::move(stage)) {}
    void report(double fraction_done) override {
        QMetaObject::invokeMethod(
            loader_,
            [loader = loader_, fraction_done, stage = stage_] {
                emit loader->progress(fraction_done, stage);
            },
            Qt::QueuedConnection);
    }

  private:
    VolumeLoader* loader_;
    QString stage_;
};

}  // namespace

VolumeLoader::VolumeLoader(QObject* parent) : QObject(parent) {
    qRegisterMetaType<radon::ui::LoadedVolume>();
}

VolumeLoader::~VolumeLoader() {
    if (cancel_) cancel_->cancel();
    for (const auto& thread : threads_) {
        if (thread) thread->wait();
    }
}

void VolumeLoader::cancel() {
    if (!cancel_ || !busy_) return;
    cancel_->cancel();
    // The thread may still be inside a read; its outcome is ignored from now on.
    ++generation_;
    busy_ = false;
    emit cancelled();
}

void VolumeLoader::finish(std::uint64_t generation, std::function<void()> report) {
    if (generation != generation_) return;  // a newer load or a cancel superseded this one
    busy_ = false;
    report();
}

void VolumeLoader::load(const QString& description, Producer produce, double water_attenuation,
                        const QString& phantom) {
    if (busy_) cancel();
    const std::uint64_t generation = ++generation_;
    auto token = std::make_shared<CancelToken>();
    cancel_ = token;
    busy_ = true;
    emit progress(0.0, tr("loading %1").arg(description));

    QThread* thread = QThread::create([this, generation, token, description,
                                       produce = std::move(produce), water_attenuation, phantom] {
        auto post = [this, generation](std::function<void()> report) {
            QMetaObject::invokeMethod(
                this, [this, generation, report] { finish(generation, report); },
                Qt::QueuedConnection);
        };
        try {
            QueuedProgress reading(this, tr("loading %1").arg(description));
            RunControl control;
            control.cancel = token.get();
            control.progress = &reading;
            LoadedVolume volume;
            volume.description = description;
            volume.phantom = phantom;
            volume.water_attenuation = water_attenuation;
            std::vector<std::string> warnings;
            volume.hu = produce(control, warnings);
            for (const std::string& line : warnings)
                volume.warnings << QString::fromStdString(line);
            token->throw_if_cancelled();
            QueuedProgress converting(this, tr("converting HU to attenuation"));
            converting.report(0.8);
            AttenuationModel water;
            water.mu_water = static_cast<float>(water_attenuation);
            volume.attenuation = recon::attenuation_from_hu(volume.hu, water);
            token->throw_if_cancelled();
            post([this, volume] {
                emit progress(1.0, tr("loaded %1").arg(volume.description));
                emit loaded(volume);
            });
        } catch (const Cancelled&) {
            // cancel() has already reported it.
        } catch (const std::bad_alloc&) {
            post([this, description] {
                emit failed(tr("%1: not enough memory to load the volume").arg(description));
            });
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what());
            post([this, message] { emit failed(message); });
        }
    });
    start_tracked(threads_, thread);
}

}  // namespace radon::ui
