#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QThread>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "recon/volume.h"

namespace radon::ui {

// A volume ready for the views and the DRR worker: the CT numbers as loaded and the attenuation
// the projectors read. Copies share the voxel memory.
struct LoadedVolume {
    recon::Volume hu;
    Array<float> attenuation;  // 1/mm, recon::attenuation_from_hu
    double water_attenuation = 0;
    QString description;  // the file, or the phantom and its grid
    // The built-in phantom it is ("thorax", "shepp-logan"), whose voxels are then the known
    // truth a reconstruction is compared with; empty for a file.
    QString phantom;
    // Problems that did not stop the load (files of a DICOM folder left out), one line each,
    // naming the file or folder.
    QStringList warnings;
};

// Loads volumes on a thread of their own so the UI never freezes: a file through
// recon::read_volume or a phantom voxelised on a grid, then converted from HU to attenuation.
// Starting a load cancels the one before it; only the newest load's outcome is reported.
// Progress is coarse (stages), because reading and voxelising do not report progress
// themselves; cancelling takes effect between stages. Signals arrive on the loader's thread.
class VolumeLoader : public QObject {
    Q_OBJECT

  public:
    // Produces the volume in HU; runs on the loading thread. Throws Error with a user-readable
    // message; adds to `warnings` what did not stop it.
    using Producer =
        std::function<recon::Volume(const RunControl&, std::vector<std::string>& warnings)>;

    explicit VolumeLoader(QObject* parent = nullptr);
    // Cancels what is running and waits for the loading threads to end.
    ~VolumeLoader() override;

    void load(const QString& description, Producer produce, double water_attenuation,
              const QString& phantom = QString());
    void cancel();
    bool busy() const { return busy_; }

  signals:
    void progress(double fraction_done, const QString& stage);
    void loaded(const radon::ui::LoadedVolume& volume);
    void failed(const QString& message);
    void cancelled();

  private:
    void finish(std::uint64_t generation, std::function<void()> report);

    std::uint64_t generation_ = 0;
    bool busy_ = false;
    std::shared_ptr<CancelToken> cancel_;
    std::vector<QPointer<QThread>> threads_;
};

}  // namespace radon::ui

Q_DECLARE_METATYPE(radon::ui::LoadedVolume)
