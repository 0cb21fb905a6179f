#pragma once

#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

#include "kernels/pet/lor_projector.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "kernels/pet/sinogram_picking.h"
#include "recon/pet/pet_setup.h"
#include "recon/volume.h"

namespace radon::ui {

class ComputeWorker;

enum class PetActivitySource { IecPhantom, PointSource, ImageFile };
enum class PetAttenuationSource { None, IecPhantom, LoadedCt };

// What the PET workspace computes with: the settings `radon pet project` and `radon pet recon`
// take, as values (pet_cli_arguments() writes them as that command line).
struct PetSettings {
    recon::ScannerDescription scanner = recon::scanner_preset("demo");
    recon::SinogramChoice sinogram;
    pet::PetModel model = pet::PetModel::Joseph;
    int threads = 0;  // CPU threads, 0: every core
    PetActivitySource activity = PetActivitySource::IecPhantom;
    double contrast = 4;        // IEC spheres to background
    std::optional<Vec3> point;  // the point source (LPS mm); unset: the scanner's centre
    QString image_file;         // the activity image for ImageFile
    PetAttenuationSource attenuation = PetAttenuationSource::None;
    // With the loaded CT as the mu-map source: the scanner's centre moved onto the CT's centre
    // (the CLI's --scanner-centre), so that the CT lies in the field of view.
    bool centre_scanner_on_ct = true;
    int iterations = 4;
    int subsets = 1;
    double randoms = 0;
};

// A projected sinogram and what it was projected with.
struct PetSinogram {
    recon::ScannerDescription scanner;  // centre as used
    std::shared_ptr<const pet::SinogramDescriptor> descriptor;
    std::shared_ptr<const std::vector<float>> values;       // descriptor->bins(), its axis order
    pet::PetImageGrid grid{};                               // the activity's grid
    std::shared_ptr<const std::vector<float>> attenuation;  // factors per bin, empty: none
    pet::LorProjectorConfig projector;
    QString description;  // the object and attenuation, one line
    double seconds = 0;   // computing time on the worker
};

// The PET workspace's model, shared by its views and the compute worker (no widgets): the
// settings, the sinogram they give, the OSEM reconstruction and what is picked. Every
// computation runs as a job on the ComputeWorker through recon/pet/pet_setup.h, the functions
// the CLI runs; results come back by queued calls and the signals below, on this object's thread.
class PetSession : public QObject {
    Q_OBJECT

  public:
    explicit PetSession(ComputeWorker& worker, QObject* parent = nullptr);
    ~PetSession() override;

    const PetSettings& settings() const { return settings_; }
    // Throws InvalidArgument (naming the setting) when the sinogram cannot be built; the
    // settings stay as they were then.
    void setSettings(const PetSettings& settings);
    // The CT (HU) that LoadedCt attenuation uses: the workspaces' shared volume.
    void setCtVolume(const std::optional<recon::Volume>& hu);
    bool hasCtVolume() const { return ct_.has_value(); }

    // The scanner (centre as it will be used) and the sinogram the current settings describe.
    const recon::ScannerDescription& scanner() const { return scanner_; }
    const pet::SinogramDescriptor& descriptor() const { return *descriptor_; }
    std::shared_ptr<const pet::SinogramDescriptor> descriptorPointer() const { return descriptor_; }
    pet::PetImageGrid imageGrid() const;

    // The last projected sinogram (its descriptor may differ from descriptor() after a change).
    const std::optional<PetSinogram>& sinogram() const { return sinogram_; }

    // Jobs; each returns its ComputeWorker id.
    quint64 project();
    // OSEM of the current sinogram with the settings' iterations and subsets; none: 0.
    quint64 reconstruct();
    quint64 exportSinogram(const QString& path);
    quint64 exportReconstruction(const QString& path);
    void cancelReconstruction();
    bool reconstructing() const { return recon_job_ != 0; }

    // The OSEM image as it stands (after the last sub-iteration shown), on the sinogram's grid.
    const std::optional<recon::Volume>& reconstruction() const { return reconstruction_; }

    // Linked picking, through kernels/pet/sinogram_picking.h, on the shown sinogram.
    void pickBin(const pet::SinogramBin& bin);
    void pickCrystal(int crystal);
    void clearPick();
    const std::optional<pet::BinLor>& pickedBin() const { return picked_bin_; }
    const std::optional<pet::CrystalFan>& pickedFan() const { return picked_fan_; }
    // The descriptor picking answers on: the shown sinogram's, else the settings'.
    const pet::SinogramDescriptor& shownDescriptor() const;

  signals:
    // The settings changed: scanner(), descriptor() and imageGrid() are new.
    void setupChanged();
    void projectionStarted();
    void sinogramReady();
    void reconstructionStarted(int iterations, int subsets);
    // After each sub-iteration (subset 0..subsets-1 of iteration 1..iterations).
    void reconstructionUpdated(int iteration, int subset);
    // The log-likelihood of the image after `iteration` (0: the initial image).
    void logLikelihood(int iteration, double value);
    // `completed` false: cancelled or failed.
    void reconstructionEnded(bool completed);
    void pickChanged();
    void statusMessage(const QString& text);
    void errorOccurred(const QString& message);

  private:
    void rebuild(const PetSettings& settings);
    void showSubiteration(int iteration, int subset, std::shared_ptr<recon::Volume> volume);

    ComputeWorker& worker_;
    PetSettings settings_;
    recon::ScannerDescription scanner_;
    std::shared_ptr<const pet::SinogramDescriptor> descriptor_;
    std::optional<recon::Volume> ct_;
    std::optional<PetSinogram> sinogram_;
    std::optional<recon::Volume> reconstruction_;
    quint64 recon_job_ = 0;
    quint64 recon_generation_ = 0;
    std::optional<pet::BinLor> picked_bin_;
    std::optional<pet::CrystalFan> picked_fan_;
};

// The `radon pet project` (with_object) or `radon pet recon` options that give what `settings`
// give, without the command, the input and the output (the workspace's "Copy as radon pet
// command", and the tests that compare the two). A CT's mu-map needs --mu-from-ct FILE added.
QStringList pet_cli_arguments(const PetSettings& settings, const recon::ScannerDescription& used,
                              bool with_object, bool with_recon);

}  // namespace radon::ui
