#include "ui/pet/pet_session.h"

#include <QMetaObject>
#include <QPointer>
#include <QStringList>

#include <atomic>
#include <chrono>
#include <cstdio>

#include "kernels/core/error.h"
#include "recon/algorithms/em_reconstruction.h"
#include "recon/io/atomic_file.h"
#include "recon/io/volume_io.h"
#include "recon/pet/pet_image.h"
#include "recon/pet/sinogram_file.h"
#include "ui/common/compute_worker.h"

namespace radon::ui {
namespace {

// The scanner as the settings place it: on the CT's centre when the CT is the mu-map source.
recon::ScannerDescription placed_scanner(const PetSettings& s,
                                         const std::optional<recon::Volume>& ct) {
    recon::ScannerDescription scanner = s.scanner;
    if (s.attenuation == PetAttenuationSource::LoadedCt && s.centre_scanner_on_ct && ct)
        scanner.scanner.isocentre_lps = ct->grid.center();
    return scanner;
}

// What `radon pet project` builds from --image/--phantom (app/radon/pet_options.cpp), from the
// same recon/pet functions.
recon::PetImage activity_of(const PetSettings& s, const pet::SinogramDescriptor& sinogram,
                            const pet::PetImageGrid& grid, std::string& what) {
    switch (s.activity) {
        case PetActivitySource::IecPhantom:
            what = "IEC body phantom, spheres " + std::to_string(s.contrast).substr(0, 4) + ":1";
            return recon::iec_activity(recon::pet_iec_phantom(sinogram, s.contrast), grid);
        case PetActivitySource::PointSource: {
            const Vec3 p = s.point.value_or(recon::pet_scanner_centre(sinogram));
            what = "point source at (" + std::to_string(p.x).substr(0, 6) + ", " +
                   std::to_string(p.y).substr(0, 6) + ", " + std::to_string(p.z).substr(0, 6) +
                   ") mm";
            return recon::point_activity(grid, p, "point source");
        }
        case PetActivitySource::ImageFile:
            if (s.image_file.isEmpty())
                throw InvalidArgument("activity image: no file chosen (Activity > Open image...)");
            what = s.image_file.toStdString();
            return recon::read_pet_image(s.image_file.toStdString(), sinogram);
    }
    throw InvalidArgument("activity: unknown source");
}

std::vector<float> attenuation_of(const PetSettings& s, const pet::SinogramDescriptor& sinogram,
                                  const pet::PetImageGrid& grid,
                                  const pet::LorProjectorConfig& projector,
                                  const std::optional<recon::Volume>& ct, const RunControl& control,
                                  std::string& what) {
    switch (s.attenuation) {
        case PetAttenuationSource::None:
            return {};
        case PetAttenuationSource::IecPhantom:
            if (s.activity != PetActivitySource::IecPhantom)
                throw InvalidArgument(
                    "attenuation: only the IEC phantom has its own mu-map; choose the loaded CT or "
                    "none for this activity");
            what = "the IEC phantom's mu-map";
            return recon::pet_attenuation_factors(
                sinogram, projector,
                recon::iec_mu_map(recon::pet_iec_phantom(sinogram, s.contrast), grid), control);
        case PetAttenuationSource::LoadedCt:
            if (!ct)
                throw InvalidArgument(
                    "attenuation from the CT: no volume is loaded (File > Open, or a phantom)");
            what = "mu-map from the loaded CT";
            return recon::pet_attenuation_factors(
                sinogram, projector, recon::mu_map_from_ct(*ct, sinogram, "the loaded CT"),
                control);
    }
    return {};
}

QString number(double v) {
    return QString::number(v, 'g', 17);
}

}  // namespace

PetSession::PetSession(ComputeWorker& worker, QObject* parent) : QObject(parent), worker_(worker) {
    rebuild(settings_);
}

PetSession::~PetSession() {
    if (recon_job_) worker_.cancel(recon_job_);
}

void PetSession::rebuild(const PetSettings& settings) {
    recon::ScannerDescription scanner = placed_scanner(settings, ct_);
    auto descriptor = std::make_shared<const pet::SinogramDescriptor>(
        recon::make_pet_sinogram(scanner, settings.sinogram));
    settings_ = settings;
    scanner_ = std::move(scanner);
    descriptor_ = std::move(descriptor);
}

void PetSession::setSettings(const PetSettings& settings) {
    rebuild(settings);
    emit setupChanged();
}

void PetSession::setCtVolume(const std::optional<recon::Volume>& hu) {
    ct_ = hu;
    rebuild(settings_);
    emit setupChanged();
}

pet::PetImageGrid PetSession::imageGrid() const {
    return recon::default_pet_image_grid(*descriptor_);
}

const pet::SinogramDescriptor& PetSession::shownDescriptor() const {
    return sinogram_ ? *sinogram_->descriptor : *descriptor_;
}

quint64 PetSession::project() {
    const PetSettings s = settings_;
    const recon::ScannerDescription scanner = scanner_;
    const auto descriptor = descriptor_;
    const std::optional<recon::Volume> ct = ct_;
    QPointer<PetSession> self(this);
    emit projectionStarted();
    return worker_.enqueue("PET forward projection", [=](JobContext& job) {
        const auto start = std::chrono::steady_clock::now();
        const pet::PetImageGrid grid = recon::default_pet_image_grid(*descriptor);
        std::string what, attenuation_what;
        job.progress(0, "activity");
        const recon::PetImage activity = activity_of(s, *descriptor, grid, what);
        pet::LorProjectorConfig projector;
        projector.grid = activity.grid;
        projector.model = s.model;
        projector.cpu.threads = s.threads;
        auto factors = std::make_shared<std::vector<float>>(
            attenuation_of(s, *descriptor, activity.grid, projector, ct,
                           job.runControl("attenuation"), attenuation_what));
        auto values = std::make_shared<std::vector<float>>(recon::project_pet_activity(
            *descriptor, projector, activity, *factors, job.runControl("projecting")));
        PetSinogram result;
        result.scanner = scanner;
        result.descriptor = descriptor;
        result.values = std::move(values);
        result.grid = activity.grid;
        result.attenuation = std::move(factors);
        result.projector = projector;
        result.description = QString::fromStdString(what);
        if (!attenuation_what.empty())
            result.description += QString(", attenuated by ") + attenuation_what.c_str();
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QMetaObject::invokeMethod(
            self.data(),
            [self, result] {
                if (!self) return;
                self->sinogram_ = result;
                self->picked_bin_.reset();
                self->picked_fan_.reset();
                emit self->sinogramReady();
                emit self->pickChanged();
                emit self->statusMessage(
                    QString("Projected %1 (%2) in %3 s")
                        .arg(result.description)
                        .arg(QString::fromStdString(result.descriptor->description()))
                        .arg(result.seconds, 0, 'f', 2));
            },
            Qt::QueuedConnection);
    });
}

quint64 PetSession::reconstruct() {
    if (!sinogram_) {
        emit errorOccurred("OSEM: no sinogram yet: project the activity first");
        return 0;
    }
    if (recon_job_) worker_.cancel(recon_job_);
    const PetSinogram sino = *sinogram_;
    const int iterations = settings_.iterations;
    const int subsets = settings_.subsets;
    const double randoms = settings_.randoms;
    if (subsets < 1 || subsets > sino.descriptor->views()) {
        emit errorOccurred(QString("OSEM subsets: %1, expected 1 to %2 (the sinogram's views)")
                               .arg(subsets)
                               .arg(sino.descriptor->views()));
        return 0;
    }
    QPointer<PetSession> self(this);
    // A reconstruction started over a running one: only the newest one's end clears the state.
    const quint64 generation = ++recon_generation_;
    emit reconstructionStarted(iterations, subsets);
    // The live view shows the newest image; sub-iterations that end while the UI is still busy
    // with the previous one are not queued behind it.
    auto pending = std::make_shared<std::atomic<int>>(0);
    const quint64 id = worker_.enqueue(subsets == 1 ? "MLEM" : "OSEM", [=](JobContext& job) {
        bool completed = false;
        auto finish = [&] {
            QMetaObject::invokeMethod(
                self.data(),
                [self, completed, generation] {
                    if (!self || self->recon_generation_ != generation) return;
                    self->recon_job_ = 0;
                    emit self->reconstructionEnded(completed);
                },
                Qt::QueuedConnection);
        };
        try {
            // The default grid, as `radon pet recon` reconstructs onto (an activity image
            // may have been projected from a grid of its own).
            const pet::PetImageGrid grid = recon::default_pet_image_grid(*sino.descriptor);
            pet::LorProjectorConfig projector = sino.projector;
            projector.grid = grid;
            recon::PetOsemProblem problem = recon::make_pet_osem_problem(
                *sino.descriptor, projector, subsets, *sino.attenuation, randoms);
            std::vector<float> image = recon::pet_osem_initial_image(grid);
            recon::EmReconstructor reconstructor(problem.subsets, std::move(problem.model));
            reconstructor.prepare(job.runControl("sensitivity images"));
            recon::EmOptions options;
            options.iterations = iterations;
            const QString stage = subsets == 1 ? "MLEM" : "OSEM";
            options.control = job.runControl(stage);
            options.on_iteration = [&](int iteration, double ll) {
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, iteration, ll] {
                        if (self) emit self->logLikelihood(iteration, ll);
                    },
                    Qt::QueuedConnection);
            };
            options.on_subiteration = [&](int iteration, int subset,
                                          const std::vector<float>& values) {
                job.progress(
                    ((iteration - 1) * subsets + subset + 1.0) / (double(iterations) * subsets),
                    QString("%1 iteration %2, subset %3/%4")
                        .arg(stage)
                        .arg(iteration)
                        .arg(subset + 1)
                        .arg(subsets));
                if (pending->load() > 0 && !(iteration == iterations && subset == subsets - 1))
                    return;
                recon::PetImage pet_image{grid, values};
                auto volume = std::make_shared<recon::Volume>(
                    recon::volume_from_pet_image(pet_image, recon::VoxelUnit::Activity));
                pending->fetch_add(1);
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, iteration, subset, volume, pending] {
                        pending->fetch_sub(1);
                        if (self) self->showSubiteration(iteration, subset, volume);
                    },
                    Qt::QueuedConnection);
            };
            // The initial image's log-likelihood comes first, as [0].
            const recon::EmResult result = reconstructor.run(*sino.values, image, options);
            if (!result.log_likelihood.empty()) {
                const double ll0 = result.log_likelihood.front();
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, ll0] {
                        if (self) emit self->logLikelihood(0, ll0);
                    },
                    Qt::QueuedConnection);
            }
            if (iterations == 0) {
                recon::PetImage pet_image{grid, image};
                auto volume = std::make_shared<recon::Volume>(
                    recon::volume_from_pet_image(pet_image, recon::VoxelUnit::Activity));
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, volume] {
                        if (self) self->showSubiteration(0, 0, volume);
                    },
                    Qt::QueuedConnection);
            }
            completed = true;
        } catch (...) {
            finish();
            throw;
        }
        finish();
    });
    recon_job_ = id;
    return id;
}

void PetSession::showSubiteration(int iteration, int subset,
                                  std::shared_ptr<recon::Volume> volume) {
    reconstruction_ = *volume;
    emit reconstructionUpdated(iteration, subset);
}

void PetSession::cancelReconstruction() {
    if (recon_job_) worker_.cancel(recon_job_);
}

quint64 PetSession::exportSinogram(const QString& path) {
    if (!sinogram_) {
        emit errorOccurred("Export sinogram: no sinogram yet: project the activity first");
        return 0;
    }
    const PetSinogram sino = *sinogram_;
    QPointer<PetSession> self(this);
    return worker_.enqueue("export sinogram", [=](JobContext&) {
        const std::string file = path.toStdString();
        recon::require_sinogram_extension(file);
        recon::AtomicFileSet outputs;
        recon::write_sinogram(outputs, file, sino.scanner, *sino.descriptor, *sino.values);
        outputs.commit();
        const QString text = QString::fromStdString(recon::sinogram_files_text(file));
        QMetaObject::invokeMethod(
            self.data(),
            [self, text] {
                if (self) emit self->statusMessage("Wrote " + text);
            },
            Qt::QueuedConnection);
    });
}

quint64 PetSession::exportReconstruction(const QString& path) {
    if (!reconstruction_) {
        emit errorOccurred("Export image: no reconstruction yet: run OSEM first");
        return 0;
    }
    const recon::Volume volume = *reconstruction_;
    QPointer<PetSession> self(this);
    return worker_.enqueue("export image", [=](JobContext&) {
        const std::string file = path.toStdString();
        if (!recon::is_writable_volume_extension(recon::file_extension(file)))
            throw InvalidArgument(file + ": cannot write an image as '" +
                                  recon::file_extension(file) +
                                  "': expected .nii, .nii.gz, .nrrd or .mha");
        recon::AtomicFileSet outputs;
        recon::write_volume(outputs, volume, file);
        outputs.commit();
        QMetaObject::invokeMethod(
            self.data(),
            [self, path] {
                if (self) emit self->statusMessage("Wrote " + path);
            },
            Qt::QueuedConnection);
    });
}

void PetSession::pickBin(const pet::SinogramBin& bin) {
    try {
        picked_bin_ = pet::describe_bin(shownDescriptor(), bin);
    } catch (const Error& e) {
        emit errorOccurred(QString::fromStdString(e.what()));
        return;
    }
    picked_fan_.reset();
    emit pickChanged();
}

void PetSession::pickCrystal(int crystal) {
    try {
        picked_fan_ = pet::crystal_fan(shownDescriptor(), crystal);
    } catch (const Error& e) {
        emit errorOccurred(QString::fromStdString(e.what()));
        return;
    }
    picked_bin_.reset();
    emit pickChanged();
}

void PetSession::clearPick() {
    picked_bin_.reset();
    picked_fan_.reset();
    emit pickChanged();
}

QStringList pet_cli_arguments(const PetSettings& s, const recon::ScannerDescription& used,
                              bool with_object, bool with_recon) {
    QStringList args;
    const QString origin = QString::fromStdString(s.scanner.origin);
    args << "--scanner" << (origin.startsWith("preset ") ? origin.mid(7) : origin);
    const Vec3 c = used.scanner.isocentre_lps;
    args << "--scanner-centre" << number(c.x) + "," + number(c.y) + "," + number(c.z);
    const recon::SinogramChoice& g = s.sinogram;
    if (g.span) args << "--span" << QString::number(*g.span);
    if (g.max_ring_difference)
        args << "--max-ring-difference" << QString::number(*g.max_ring_difference);
    if (g.view_mashing) args << "--view-mashing" << QString::number(*g.view_mashing);
    if (g.radial_bins) args << "--radial-bins" << QString::number(*g.radial_bins);
    if (g.axis_order) args << "--axis-order" << QString::fromStdString(*g.axis_order);
    if (g.tof == recon::TofChoice::On) args << "--tof";
    if (g.tof == recon::TofChoice::Off) args << "--no-tof";
    args << "--projector" << (s.model == pet::PetModel::Siddon ? "siddon" : "joseph");
    if (s.threads > 0) args << "--threads" << QString::number(s.threads);
    if (with_object) {
        switch (s.activity) {
            case PetActivitySource::IecPhantom:
                args << "--phantom"
                     << "iec"
                     << "--contrast" << number(s.contrast);
                break;
            case PetActivitySource::PointSource:
                args << "--phantom"
                     << "point";
                if (s.point)
                    args << "--point"
                         << number(s.point->x) + "," + number(s.point->y) + "," +
                                number(s.point->z);
                break;
            case PetActivitySource::ImageFile:
                args << "--image" << s.image_file;
                break;
        }
    } else if (s.activity == PetActivitySource::IecPhantom) {
        args << "--contrast" << number(s.contrast);
    }
    if (s.attenuation == PetAttenuationSource::IecPhantom) args << "--attenuation";
    if (with_recon) {
        args << "--iterations" << QString::number(s.iterations) << "--subsets"
             << QString::number(s.subsets);
        if (s.randoms > 0) args << "--randoms" << number(s.randoms);
    }
    return args;
}

}  // namespace radon::ui
