#include "ui/ct/ct_workspace.h"

#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QMetaObject>
#include <QPointer>
#include <QScrollArea>
#include <QSettings>
#include <QSlider>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "kernels/ct/voxel_backprojector.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/physics/attenuation.h"
#include "recon/attenuation_volume.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "render/common/volume_scene.h"
#include "ui/common/image_view.h"
#include "ui/common/line_plot.h"
#include "ui/common/orthogonal_slices.h"
#include "ui/ct/ct_geometry_view.h"
#include "ui/ct/ct_recon_panel.h"

namespace radon::ui {
namespace {

constexpr const char* kProjectionChannel = "ct/projection";
constexpr const char* kValues = "attenuation (1/mm)";

QString method_name(recon::CtMethod m, CtBeam beam) {
    switch (m) {
        case recon::CtMethod::Fdk:
        case recon::CtMethod::Fbp:
            return beam == CtBeam::Cone ? QStringLiteral("FDK") : QStringLiteral("FBP");
        case recon::CtMethod::Sirt:
            return QStringLiteral("SIRT");
        case recon::CtMethod::Cgls:
            return QStringLiteral("CGLS");
        case recon::CtMethod::OsSart:
            return QStringLiteral("OS-SART");
        case recon::CtMethod::Osem:
            return QStringLiteral("OSEM");
    }
    return QString();
}

recon::Volume volume_of(const VolumeGrid& grid, const std::vector<float>& values) {
    recon::Volume v = recon::Volume::allocate(grid, recon::VoxelUnit::AttenuationPerMm);
    std::copy(values.begin(), values.end(), v.voxels.host_data());
    return v;
}

// The window OrthogonalSlices would take for `volume` (recon::automatic_window over all its
// voxels): a sort of every voxel, too slow for the UI thread after every iteration.
recon::Window automatic_volume_window(const recon::Volume& volume) {
    recon::Image2D all;
    all.pixels =
        Array<float>::alias(const_cast<float*>(volume.voxels.host_data()), volume.grid.size);
    return recon::automatic_window(all);
}

// The DRR panel binned so that a sweep of DRRs stays quick: at most 256 pixels across, the
// panel's extent and principal point kept.
Detector sweep_detector(const Detector& d) {
    const int64_t bin = std::max<int64_t>(1, (std::max(d.width, d.height) + 255) / 256);
    Detector b = d;
    b.width = std::max<int64_t>(1, d.width / bin);
    b.height = std::max<int64_t>(1, d.height / bin);
    b.delx = d.delx * double(d.width) / double(b.width);
    b.dely = d.dely * double(d.height) / double(b.height);
    return b;
}

}  // namespace

// One image of a running reconstruction, made on the compute thread.
struct CtWorkspace::Result {
    int iteration = 0;
    bool last = false;
    recon::Volume image;
    recon::Window window;  // the automatic window, made here rather than on the UI thread
    std::optional<recon::Volume> difference;
    std::optional<CtImageError> error;
    QString what;  // "SIRT, iteration 3 of 20"
};

CtWorkspace::CtWorkspace(StudioContext& context, QWidget* parent)
    : Workspace("ct", tr("CT"), context, parent) {
    carm_detector_.width = carm_detector_.height = 256;
    carm_detector_.delx = carm_detector_.dely = 1.6;

    // Centre: the 3D scan with its view slider beside the current projection.
    geometry_view_ = new CtGeometryView;
    view_slider_ = new QSlider(Qt::Horizontal);
    view_slider_->setObjectName("ctViewSlider");
    view_slider_->setRange(0, 0);
    view_label_ = new QLabel;
    view_label_->setMinimumWidth(170);
    auto* left = new QWidget;
    auto* left_layout = new QVBoxLayout(left);
    left_layout->setContentsMargins(0, 0, 0, 0);
    left_layout->addWidget(geometry_view_, 1);
    auto* slider_row = new QHBoxLayout;
    slider_row->addWidget(new QLabel(tr("View")));
    slider_row->addWidget(view_slider_, 1);
    slider_row->addWidget(view_label_);
    left_layout->addLayout(slider_row);
    projection_view_ = new ImageView;
    projection_view_->setObjectName("ctProjectionView");
    projection_view_->setColourBarTitle(tr("line integral"));
    auto* centre = new QSplitter(Qt::Horizontal);
    centre->addWidget(left);
    centre->addWidget(projection_view_);
    centre->setStretchFactor(0, 1);
    centre->setStretchFactor(1, 1);
    setCentralWidget(centre);

    panel_ = new CtReconPanel;
    auto* scroll = new QScrollArea;
    scroll->setWidget(panel_);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* panel_dock = new QDockWidget(tr("Scan and reconstruction"), this);
    panel_dock->setObjectName("ctPanelDock");
    panel_dock->setWidget(scroll);
    addDockWidget(Qt::RightDockWidgetArea, panel_dock);

    recon_slices_ = new OrthogonalSlices;
    recon_slices_->setObjectName("ctReconstruction");
    difference_slices_ = new OrthogonalSlices;
    difference_slices_->setObjectName("ctDifference");
    auto* tabs = new QTabWidget;
    tabs->addTab(recon_slices_, tr("Reconstruction"));
    tabs->addTab(difference_slices_, tr("Difference from the truth"));
    residual_plot_ = new LinePlot;
    residual_plot_->setObjectName("ctResidual");
    residual_plot_->setTitle(tr("Residual per iteration"));
    residual_plot_->setAxisLabels(tr("iteration"), tr("‖A x − b‖"));
    residual_plot_->setLogarithmicY(true);
    residual_plot_->setMinimumWidth(320);
    residual_series_ = residual_plot_->addSeries(tr("residual"), QColor(255, 170, 40));
    auto* results = new QSplitter(Qt::Horizontal);
    results->addWidget(tabs);
    results->addWidget(residual_plot_);
    results->setStretchFactor(0, 3);
    results->setStretchFactor(1, 1);
    auto* results_dock = new QDockWidget(tr("Reconstruction"), this);
    results_dock->setObjectName("ctResultsDock");
    results_dock->setWidget(results);
    addDockWidget(Qt::BottomDockWidgetArea, results_dock);

    connect(view_slider_, &QSlider::valueChanged, this, [this](int view) {
        updateViewLabel();
        if (!hasScan()) return;
        geometry_view_->setCurrentView(view);
        if (geometry_.rows == 1) {
            QVector<QPoint> row;
            for (int c = 0; c < int(geometry_.columns); ++c)
                row.push_back(QPoint(c, view));
            projection_view_->setHighlight(row);
        } else {
            requestProjection();
        }
    });
    connect(panel_, &CtReconPanel::scanChanged, this, &CtWorkspace::rebuildScan);
    connect(panel_, &CtReconPanel::imageGridChanged, this, &CtWorkspace::rebuildScan);
    connect(panel_, &CtReconPanel::fitRequested, this, &CtWorkspace::fitScan);
    connect(panel_, &CtReconPanel::reconstructRequested, this, [this] { reconstruct(); });
    connect(panel_, &CtReconPanel::drrToCbctRequested, this, [this] { drrToCbct(); });
    connect(panel_, &CtReconPanel::cancelRequested, this, &CtWorkspace::cancel);

    ComputeWorker* worker = context.compute;
    connect(worker, &ComputeWorker::jobProgress, this,
            [this](quint64 id, double fraction, const QString& stage) {
                if (id == job_) panel_->setProgress(fraction, stage);
            });
    connect(worker, &ComputeWorker::jobFinished, this,
            [this](quint64 id) { jobDone(id, QStringLiteral("finished")); });
    connect(worker, &ComputeWorker::jobCancelled, this,
            [this](quint64 id) { jobDone(id, QStringLiteral("cancelled")); });
    connect(worker, &ComputeWorker::jobFailed, this, [this](quint64 id, const QString& message) {
        jobDone(id, QStringLiteral("failed"), message);
    });
    connect(worker, &ComputeWorker::interactiveFailed, this,
            [this](const QString& channel, const QString& message) {
                if (channel == kProjectionChannel) emit statusMessage(tr("Projection: ") + message);
            });
}

CtWorkspace::~CtWorkspace() {
    if (job_ != 0) context().compute->cancel(job_);
}

const LoadedVolume* CtWorkspace::volume() const {
    if (context().volume) return &*context().volume;
    return own_volume_ ? &*own_volume_ : nullptr;
}

void CtWorkspace::activate() {
    if (volume()) {
        if (volume_shown_ != volume()->hu.voxels.host_data()) useVolume();
        return;
    }
    if (making_phantom_) return;
    // No volume loaded: a Shepp-Logan head of our own, voxelised on the compute thread.
    making_phantom_ = true;
    QPointer<CtWorkspace> self(this);
    context().compute->postInteractive("ct/phantom", [self](JobContext&) {
        const std::array<int64_t, 3> size{kPhantomVoxels, kPhantomVoxels, kPhantomVoxels};
        const Vec3 spacing{kPhantomSpacingMm, kPhantomSpacingMm, kPhantomSpacingMm};
        const double half = 0.5 * double(kPhantomVoxels) * kPhantomSpacingMm;
        LoadedVolume v;
        v.hu = recon::shepp_logan_phantom({half, half, half})
                   .voxelize_hu(centered_grid(size, spacing));
        AttenuationModel model;
        v.water_attenuation = model.mu_water;
        v.attenuation = recon::attenuation_from_hu(v.hu, model);
        v.phantom = QStringLiteral("shepp-logan");
        v.description = QStringLiteral("shepp-logan phantom, %1^3 voxels of %2 mm")
                            .arg(kPhantomVoxels)
                            .arg(kPhantomSpacingMm);
        QMetaObject::invokeMethod(
            self,
            [self, v] {
                if (!self) return;
                self->own_volume_ = v;
                self->making_phantom_ = false;
                if (!self->context().volume) self->useVolume();
            },
            Qt::QueuedConnection);
    });
}

void CtWorkspace::volumeChanged() {
    // A hidden workspace that never showed a volume waits for activate().
    if (isVisible() || volume_shown_) useVolume();
}

void CtWorkspace::useVolume() {
    const LoadedVolume* v = volume();
    if (!v) return;
    volume_shown_ = v->hu.voxels.host_data();
    cancel();
    reconstruction_.reset();
    image_error_.reset();
    recon_slices_->clear();
    difference_slices_->clear();
    residual_plot_->clearPoints();
    panel_->setResult(QString());
    geometry_view_->setVolume(v->hu);
    panel_->setImageBlock(default_image_block(v->hu.grid));
    fitScan();
}

void CtWorkspace::fitScan() {
    const LoadedVolume* v = volume();
    if (!v) return;
    CtScanSettings s = panel_->scanSettings();
    const CtImageGrid g = ct_image_grid(v->hu.grid, panel_->imageBlock(), s.twoD());
    panel_->setScanSettings(fit_scan_to_grid(s, g.grid));  // emits scanChanged: rebuildScan
}

void CtWorkspace::rebuildScan() {
    const LoadedVolume* v = volume();
    if (!v) return;
    const CtScanSettings s = panel_->scanSettings();
    try {
        image_grid_ = ct_image_grid(v->hu.grid, panel_->imageBlock(), s.twoD());
        isocenter_ = image_grid_.grid.center();
        geometry_ = ct_scan_geometry(s, isocenter_);
    } catch (const std::exception& e) {
        geometry_ = CtGeometry{};
        emit statusMessage(tr("Scan: %1").arg(QString::fromUtf8(e.what())));
        return;
    }
    const auto& n = image_grid_.grid.size;
    const auto& sp = image_grid_.grid.spacing;
    panel_->setImageGridText(tr("%1 × %2 × %3 voxels of %4 × %5 × %6 mm")
                                 .arg(n[0])
                                 .arg(n[1])
                                 .arg(n[2])
                                 .arg(sp.x, 0, 'g', 4)
                                 .arg(sp.y, 0, 'g', 4)
                                 .arg(sp.z, 0, 'g', 4));
    const int current = std::min(view_slider_->value(), int(geometry_.view_count()) - 1);
    {
        const QSignalBlocker block(view_slider_);
        view_slider_->setRange(0, int(geometry_.view_count()) - 1);
        view_slider_->setValue(current);
    }
    updateViewLabel();
    geometry_view_->setScan(geometry_, current, isocenter_);
    projection_view_->setHighlight({});
    requestProjection();
}

int CtWorkspace::currentView() const {
    return view_slider_->value();
}

void CtWorkspace::setCurrentView(int view) {
    view_slider_->setValue(view);
}

void CtWorkspace::updateViewLabel() {
    if (!hasScan()) {
        view_label_->clear();
        return;
    }
    const CtScanSettings s = panel_->scanSettings();
    const int k = currentView();
    view_label_->setText(tr("%1 of %2, %3°")
                             .arg(k + 1)
                             .arg(geometry_.view_count())
                             .arg(s.arc_deg * k / double(geometry_.view_count()), 0, 'f', 1));
}

void CtWorkspace::requestProjection() {
    const LoadedVolume* v = volume();
    if (!v || !hasScan()) return;
    const quint64 sequence = ++projection_sequence_;
    const bool sinogram = geometry_.rows == 1;
    const int view = currentView();
    QPointer<CtWorkspace> self(this);
    context().compute->postInteractive(
        kProjectionChannel,
        [self, sequence, sinogram, view, g = geometry_, volume = *v](JobContext& job) {
            const RunControl control = job.runControl(QString());
            const int64_t first = sinogram ? 0 : view;
            const int64_t count = sinogram ? g.view_count() : 1;
            const std::vector<float> values = project_views(
                g, first, count, volume.hu.grid, volume.attenuation.host_data(), {}, control);
            const double pixel = norm(g.views[0].u);
            recon::Image2D image =
                recon::Image2D::allocate(g.columns, sinogram ? g.view_count() : g.rows, pixel,
                                         sinogram ? pixel : norm(g.views[0].v));
            std::copy(values.begin(), values.end(), image.pixels.host_data());
            QMetaObject::invokeMethod(
                self,
                [self, sequence, view, image] {
                    if (self) self->showProjection(sequence, view, image);
                },
                Qt::QueuedConnection);
        });
}

void CtWorkspace::showProjection(quint64 sequence, int view, const recon::Image2D& image) {
    if (sequence != projection_sequence_) return;
    const CtScanSettings s = panel_->scanSettings();
    const bool sinogram = geometry_.rows == 1;
    const double pixel = image.spacing[0];
    const ImageAxis u{tr("u"), tr("mm"), -0.5 * double(image.width() - 1) * pixel, pixel};
    if (sinogram) {
        const double step = s.arc_deg / double(image.height());
        projection_view_->setAxes(u, ImageAxis{tr("view angle"), tr("deg"), 0, step});
        projection_view_->setPixelAspect(1.0);
        projection_view_->setCaption(tr("sinogram: %1 views over %2°, detector of %3 mm")
                                         .arg(image.height())
                                         .arg(s.arc_deg)
                                         .arg(double(image.width()) * pixel, 0, 'f', 0));
        projection_view_->setImage(image);
        QVector<QPoint> row;
        for (int c = 0; c < int(image.width()); ++c)
            row.push_back(QPoint(c, currentView()));
        projection_view_->setHighlight(row);
    } else {
        const double pv = image.spacing[1];
        projection_view_->setAxes(
            u, ImageAxis{tr("v"), tr("mm"), -0.5 * double(image.height() - 1) * pv, pv});
        projection_view_->setPixelAspect(pv / pixel);
        projection_view_->setCaption(
            tr("view %1 of %2 at %3°")
                .arg(view + 1)
                .arg(geometry_.view_count())
                .arg(s.arc_deg * view / double(geometry_.view_count()), 0, 'f', 1));
        projection_view_->setImage(image);
    }
    emit projectionShown();
    if (!first_result_shown_) {
        first_result_shown_ = true;
        emit firstResultReady();
    }
}

ComputeWorker::JobId CtWorkspace::startJob(const QString& title, ComputeWorker::Job job) {
    ++run_;
    reconstruction_.reset();
    image_error_.reset();
    iteration_shown_ = 0;
    residual_plot_->clearPoints();
    panel_->setResult(QString());
    panel_->setBusy(true);
    panel_->setProgress(0, title);
    job_ = context().compute->enqueue(title, std::move(job));
    return job_;
}

ComputeWorker::JobId CtWorkspace::reconstruct() {
    const LoadedVolume* v = volume();
    if (!v || !hasScan() || busy()) return 0;
    const recon::CtReconSettings settings = panel_->reconSettings();
    const QString name = method_name(settings.method, geometry_.beam);
    const bool truth_known = !v->phantom.isEmpty();
    const quint64 run = run_ + 1;
    QPointer<CtWorkspace> self(this);
    return startJob(tr("%1 reconstruction").arg(name), [self, run, settings, name, truth_known,
                                                        g = geometry_, image = image_grid_,
                                                        volume = *v](JobContext& job) {
        // The scan's projections: what `radon ct project` gives for the volume.
        RunControl control = job.runControl(QObject::tr("projecting %1 views").arg(g.view_count()));
        ShareOfProgress projecting(control.progress, 0.0, 0.2);
        const std::vector<float> stack =
            project_views(g, 0, g.view_count(), volume.hu.grid, volume.attenuation.host_data(),
                          settings.projector, {control.cancel, &projecting});
        std::vector<float> truth;
        std::vector<uint8_t> mask;
        if (truth_known) {
            truth = block_mean(volume.attenuation.host_data(), volume.hu.grid, image);
            mask = voxels_seen_by_every_view(g, image.grid);
        }
        const bool filtered = recon::is_filtered(settings.method);
        const auto publish = [&](int iteration, const std::vector<float>& values, bool last) {
            auto result = std::make_shared<Result>();
            result->iteration = iteration;
            result->last = last;
            result->image = volume_of(image.grid, values);
            result->window = automatic_volume_window(result->image);
            result->what = filtered ? name
                                    : QObject::tr("%1, iteration %2 of %3")
                                          .arg(name)
                                          .arg(iteration)
                                          .arg(settings.iterations);
            if (truth_known) {
                std::vector<float> difference(values.size());
                for (std::size_t i = 0; i < values.size(); ++i)
                    difference[i] = values[i] - truth[i];
                result->difference = volume_of(image.grid, difference);
                result->error = image_error(values, truth, mask);
            }
            QMetaObject::invokeMethod(
                self,
                [self, run, result] {
                    if (self) self->showResult(run, result);
                },
                Qt::QueuedConnection);
        };
        recon::CtReconObserver observer;
        observer.on_iteration = [&](int k, double residual) {
            QMetaObject::invokeMethod(
                self,
                [self, run, k, residual] {
                    if (self && self->run_ == run)
                        self->residual_plot_->addPoint(self->residual_series_,
                                                       QPointF(k, residual));
                },
                Qt::QueuedConnection);
            if (k < settings.iterations)
                job.runControl(QObject::tr("%1: iteration %2 of %3")
                                   .arg(name)
                                   .arg(k + 1)
                                   .arg(settings.iterations));
        };
        observer.image_every = 1;
        observer.on_image = [&](int k, const std::vector<float>& values) {
            if (k < settings.iterations) publish(k, values, false);
        };
        RunControl recon_control = job.runControl(
            filtered ? QObject::tr("%1: filtering and back-projecting").arg(name)
                     : QObject::tr("%1: iteration 1 of %2").arg(name).arg(settings.iterations));
        ShareOfProgress reconstructing(recon_control.progress, 0.2, 0.8);
        const std::vector<float> values = recon::reconstruct_ct(
            g, image.grid, stack, settings, {recon_control.cancel, &reconstructing}, observer);
        publish(filtered ? 0 : settings.iterations, values, true);
    });
}

ComputeWorker::JobId CtWorkspace::drrToCbct() {
    const LoadedVolume* v = volume();
    if (!v || busy()) return 0;
    const Detector detector = sweep_detector(carm_detector_);
    const int views = panel_->sweepViews();
    const double arc = panel_->sweepArcDeg();
    std::vector<CArmPose> poses;
    for (int i = 0; i < views; ++i) {
        CArmPose p = carm_pose_;
        p.primary_deg += arc * double(i) / double(views);
        poses.push_back(p);
    }
    const Vec3 centre = v->hu.grid.center();
    try {
        sweep_geometry_ = carm_sweep_geometry(poses, detector, centre);
    } catch (const std::exception& e) {
        emit errorOccurred(tr("DRR → CBCT: %1").arg(QString::fromUtf8(e.what())));
        return 0;
    }
    recon::CtReconSettings settings = panel_->reconSettings();
    settings.method = recon::CtMethod::Fdk;
    const bool truth_known = !v->phantom.isEmpty();
    const CtImageGrid image = ct_image_grid(v->hu.grid, panel_->imageBlock(), false);
    const quint64 run = run_ + 1;
    QPointer<CtWorkspace> self(this);
    return startJob(tr("DRR → CBCT"), [self, run, settings, truth_known, image, poses, detector,
                                       centre, g = sweep_geometry_, volume = *v](JobContext& job) {
        // The DRR engine, as the DRR workspace renders (ui/drr/drr_worker.cpp).
        job.progress(0, QObject::tr("preparing the DRR engine"));
        auto renderer = make_drr_renderer(DeviceKind::Cpu, volume.hu.grid, volume.attenuation);
        const int64_t n = g.view_count(), pixels = g.pixels_per_view();
        std::vector<float> stack(std::size_t(g.pixel_count()));
        const DrrSettings drr;
        for (int64_t i = 0; i < n; ++i) {
            RunControl control = job.runControl(QObject::tr("DRR %1 of %2").arg(i + 1).arg(n));
            ShareOfProgress share(control.progress, 0.6 * double(i) / double(n), 0.6 / double(n));
            renderer->render(carm_projection(poses[std::size_t(i)], detector, centre), drr,
                             stack.data() + i * pixels, {control.cancel, &share});
            job.progress(0.6 * double(i + 1) / double(n),
                         QObject::tr("DRR %1 of %2").arg(i + 1).arg(n));
        }
        RunControl control = job.runControl(QObject::tr("FDK of %1 DRRs").arg(n));
        ShareOfProgress share(control.progress, 0.6, 0.4);
        const std::vector<float> values =
            recon::reconstruct_ct(g, image.grid, stack, settings, {control.cancel, &share});
        auto result = std::make_shared<Result>();
        result->last = true;
        result->image = volume_of(image.grid, values);
        result->window = automatic_volume_window(result->image);
        result->what =
            QObject::tr("FDK of %1 DRRs over %2°")
                .arg(n)
                .arg(poses.size() > 1 ? (poses[1].primary_deg - poses[0].primary_deg) * double(n)
                                      : 0.0);
        if (truth_known) {
            const std::vector<float> truth =
                block_mean(volume.attenuation.host_data(), volume.hu.grid, image);
            std::vector<float> difference(values.size());
            for (std::size_t i = 0; i < values.size(); ++i)
                difference[i] = values[i] - truth[i];
            result->difference = volume_of(image.grid, difference);
            result->error = image_error(values, truth, voxels_seen_by_every_view(g, image.grid));
        }
        QMetaObject::invokeMethod(
            self,
            [self, run, result] {
                if (self) self->showResult(run, result);
            },
            Qt::QueuedConnection);
    });
}

void CtWorkspace::showResult(quint64 run, const std::shared_ptr<const Result>& result) {
    if (run != run_) return;
    reconstruction_ = result->image;
    iteration_shown_ = result->iteration;
    recon_slices_->setVolume(result->image, tr(kValues), result->window);
    QString text = result->what;
    if (result->difference) {
        // Symmetric about 0, +-100 HU of water: the same grey for the same error every iteration.
        const double w =
            volume() && volume()->water_attenuation > 0 ? 0.2 * volume()->water_attenuation : 0.004;
        difference_slices_->setVolume(*result->difference, tr("difference (1/mm)"),
                                      recon::Window{0.0, w});
    } else {
        difference_slices_->clear();
    }
    image_error_ = result->error;
    if (result->error)
        text += tr("\nPSNR %1 dB, RMSE %2 /mm over the %3 voxels every view sees")
                    .arg(result->error->psnr_db, 0, 'f', 2)
                    .arg(result->error->rmse, 0, 'g', 3)
                    .arg(result->error->voxels);
    else
        text += tr("\nno truth to compare with: the volume is not a phantom");
    panel_->setResult(text);
    emit reconstructionShown(result->iteration);
}

void CtWorkspace::cancel() {
    if (job_ != 0) context().compute->cancel(job_);
}

void CtWorkspace::jobDone(quint64 id, const QString& how, const QString& message) {
    if (id != job_ || id == 0) return;
    job_ = 0;
    panel_->setBusy(false);
    if (how == QLatin1String("failed")) {
        panel_->setResult(tr("Failed: %1").arg(message));
        emit errorOccurred(message);
    } else if (how == QLatin1String("cancelled")) {
        emit statusMessage(tr("Reconstruction cancelled"));
    }
    emit jobEnded(how);
}

void CtWorkspace::setCarmPose(const CArmPose& pose) {
    carm_pose_ = pose;
}

void CtWorkspace::setCarmDetector(const Detector& detector) {
    carm_detector_ = detector;
}

void CtWorkspace::saveExtraSettings(QSettings& settings) const {
    const recon::CtReconSettings r = panel_->reconSettings();
    const CtScanSettings s = panel_->scanSettings();
    settings.setValue("beam", recon::to_string(s.beam));
    settings.setValue("parallel3d", s.parallel_3d);
    settings.setValue("views", s.views);
    settings.setValue("arc", s.arc_deg);
    settings.setValue("method", recon::to_string(r.method));
    settings.setValue("iterations", r.iterations);
    settings.setValue("sweepArc", panel_->sweepArcDeg());
    settings.setValue("sweepViews", panel_->sweepViews());
}

void CtWorkspace::restoreExtraSettings(QSettings& settings) {
    try {
        CtScanSettings s = panel_->scanSettings();
        s.beam = recon::parse_scan_beam(
            settings.value("beam", recon::to_string(s.beam)).toString().toStdString());
        s.parallel_3d = settings.value("parallel3d", s.parallel_3d).toBool();
        s.views = std::max(1, settings.value("views", s.views).toInt());
        s.arc_deg = settings.value("arc", s.arc_deg).toDouble();
        panel_->setScanSettings(s);
        panel_->setMethod(
            recon::parse_ct_method(settings.value("method", "fdk").toString().toStdString()));
    } catch (const InvalidArgument&) {
        // Settings written by another version: the defaults stay.
    }
    panel_->setIterations(settings.value("iterations", 20).toInt());
    panel_->setSweep(settings.value("sweepArc", 360.0).toDouble(),
                     settings.value("sweepViews", 120).toInt());
}

}  // namespace radon::ui
