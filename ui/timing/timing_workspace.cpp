#include "ui/timing/timing_workspace.h"

#include <QAction>
#include <QBrush>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QMetaObject>
#include <QPointer>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QToolBar>

#include <algorithm>
#include <cmath>
#include <exception>

#include "kernels/backend/devices.h"
#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "ui/common/compute_worker.h"
#include "ui/timing/timing_grid_panel.h"

namespace radon::ui {
namespace {

enum Column {
    kTarget,
    kRenderer,
    kVariant,
    kHeight,
    kPatch,
    kPixel,
    kPieces,
    kMedian,
    kMin,
    kMax,
    kRays,
    kHostMb,
    kDeviceMb,
    kUploadMs,
    kKernelMs,
    kReadbackMs,
    kStatus,
    kNote,
    kColumns
};

QString figure(double value, int precision) {
    return QString::number(value, 'f', precision);
}

QColor status_colour(recon::CellStatus status) {
    switch (status) {
        case recon::CellStatus::DoesNotTile:
            return QColor(128, 128, 128, 60);
        case recon::CellStatus::OutOfMemory:
        case recon::CellStatus::Failed:
            return QColor(220, 60, 60, 70);
        case recon::CellStatus::Cancelled:
            return QColor(230, 180, 40, 70);
        default:
            return QColor(0, 0, 0, 0);
    }
}

}  // namespace

TimingWorkspace::TimingWorkspace(StudioContext& context, QWidget* parent)
    : Workspace("timing", tr("Timing"), context, parent) {
    panel_ = new TimingGridPanel;
    auto* scroll = new QScrollArea;
    scroll->setWidget(panel_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* dock = new QDockWidget(tr("Grid"), this);
    dock->setObjectName("timingGridDock");
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    dock->setWidget(scroll);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    auto* tools = addToolBar(tr("Timing"));
    tools->setObjectName("timingToolBar");
    log_axes_ = tools->addAction(tr("Log axes"));
    log_axes_->setCheckable(true);
    log_axes_->setChecked(true);
    tools->addSeparator();
    QAction* export_table = tools->addAction(tr("Export table…"));
    QAction* export_plots = tools->addAction(tr("Export plots…"));

    // Time, the plot people read, large on the left; rays/s and memory stacked beside it.
    auto* plots = new QSplitter(Qt::Horizontal);
    auto* side = new QSplitter(Qt::Vertical);
    for (std::size_t i = 0; i < plots_.size(); ++i)
        plots_[i] = new TimingPlot;
    plots->addWidget(plots_[0]);
    side->addWidget(plots_[1]);
    side->addWidget(plots_[2]);
    plots->addWidget(side);
    plots->setStretchFactor(0, 3);
    plots->setStretchFactor(1, 2);
    table_ = new QTableWidget(0, kColumns);
    table_->setObjectName("timingTable");
    table_->setHorizontalHeaderLabels(
        {tr("device"), tr("renderer"), tr("detector"), tr("height"), tr("patch"), tr("pixel mm"),
         tr("pieces"), tr("median ms"), tr("min ms"), tr("max ms"), tr("Mrays/s"),
         tr("peak host MiB"), tr("peak device MiB"), tr("upload ms"), tr("kernel ms"),
         tr("read-back ms"), tr("status"), tr("note")});
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setStretchLastSection(true);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(plots);
    split->addWidget(table_);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    setCentralWidget(split);

    plot_timer_ = new QTimer(this);
    plot_timer_->setSingleShot(true);
    plot_timer_->setInterval(250);  // plots follow a run at most 4 times a second
    connect(plot_timer_, &QTimer::timeout, this, &TimingWorkspace::refreshPlots);
    stall_timer_ = new QTimer(this);
    stall_timer_->setTimerType(Qt::PreciseTimer);
    stall_timer_->setInterval(2);
    connect(stall_timer_, &QTimer::timeout, this, [this] {
        longest_stall_ms_ =
            std::max(longest_stall_ms_, static_cast<double>(stall_clock_.nsecsElapsed()) * 1e-6);
        stall_clock_.restart();
    });

    connect(panel_, &TimingGridPanel::runRequested, this, [this] { startRun(); });
    connect(panel_, &TimingGridPanel::cancelRequested, this, &TimingWorkspace::cancelRun);
    connect(panel_, &TimingGridPanel::gridEdited, this, [this] {
        if (!running()) planFromPanel();
    });
    connect(log_axes_, &QAction::toggled, this, [this](bool log) {
        for (TimingPlot* p : plots_)
            p->setLogAxes(log);
    });
    connect(export_table, &QAction::triggered, this, &TimingWorkspace::exportTableDialog);
    connect(export_plots, &QAction::triggered, this, &TimingWorkspace::exportPlotsDialog);

    ComputeWorker* worker = context.compute;
    if (worker) {
        connect(worker, &ComputeWorker::jobProgress, this,
                [this](quint64 id, double fraction, const QString&) {
                    if (id != job_ || cells_.empty()) return;
                    const auto n = static_cast<double>(cells_.size());
                    const auto k = std::min(cells_.size() - 1,
                                            static_cast<std::size_t>(std::floor(fraction * n)));
                    panel_->setProgress(fraction, tr("Timing cell %1 of %2: %3")
                                                      .arg(k + 1)
                                                      .arg(cells_.size())
                                                      .arg(describe_cell(cells_[k])));
                });
        connect(worker, &ComputeWorker::jobFinished, this,
                [this](quint64 id) { jobEnded(id, QString()); });
        connect(worker, &ComputeWorker::jobCancelled, this,
                [this](quint64 id) { jobEnded(id, QString()); });
        connect(worker, &ComputeWorker::jobFailed, this,
                [this](quint64 id, const QString& message) { jobEnded(id, message); });
    }
    planFromPanel();
}

TimingWorkspace::~TimingWorkspace() {
    if (job_ && context().compute) {
        context().compute->cancel(job_);
        context().compute->waitForIdle();
    }
}

// Queued: the window finishes taking in the new volume (the 3D view's upload) before the run and
// its stall measure start.
void TimingWorkspace::activate() {
    if (run_when_ready_) QTimer::singleShot(0, this, [this] { startRun(); });
}

void TimingWorkspace::volumeChanged() {
    activate();
}

void TimingWorkspace::runWhenReady() {
    run_when_ready_ = true;
    if (context().volume) activate();
}

void TimingWorkspace::planFromPanel() {
    try {
        grid_ = panel_->grid();
        cells_ = recon::plan_drr_benchmark(grid_);
        panel_->setProgress(0, tr("%1 cells planned").arg(cells_.size()));
    } catch (const std::exception& e) {
        cells_.clear();
        panel_->setProgress(0, QString::fromUtf8(e.what()));
    }
    fillTable();
    refreshPlots();
}

bool TimingWorkspace::startRun() {
    if (running()) return false;
    if (!context().volume || !context().compute) {
        if (!run_when_ready_) emit errorOccurred(tr("Timing: load a volume first"));
        return false;
    }
    run_when_ready_ = false;
    try {
        grid_ = panel_->grid();
    } catch (const std::exception& e) {
        emit errorOccurred(tr("Timing grid: %1").arg(QString::fromUtf8(e.what())));
        return false;
    }
    cells_ = recon::plan_drr_benchmark(grid_);
    fillTable();
    refreshPlots();
    const LoadedVolume volume = *context().volume;
    volume_description_ = volume.description;
    panel_->setRunning(true);
    panel_->setProgress(0, tr("Waiting for the compute worker"));
    run_clock_.start();
    longest_stall_ms_ = 0;
    stall_clock_.start();
    stall_timer_->start();
    QPointer<TimingWorkspace> self(this);
    job_ = context().compute->enqueue(
        tr("Timing grid (%1 cells)").arg(cells_.size()),
        [self, grid = grid_, volume, cells = cells_](JobContext& job) mutable {
            // The destructor waits for this job, so `self` outlives every call posted here.
            const auto post_all = [&] {
                QMetaObject::invokeMethod(
                    self.data(), [self, cells] { self->runEnded(cells); }, Qt::QueuedConnection);
            };
            try {
                recon::run_drr_benchmark(
                    grid, volume.hu.grid, volume.attenuation, nullptr, cells,
                    job.runControl(QObject::tr("Timing grid")), [&](std::size_t i) {
                        QMetaObject::invokeMethod(
                            self.data(), [self, i, cell = cells[i]] { self->cellDone(i, cell); },
                            Qt::QueuedConnection);
                    });
            } catch (const Cancelled&) {
                post_all();
                throw;
            }
            post_all();
        });
    emit statusMessage(tr("Timing %1 cells on %2").arg(cells_.size()).arg(volume.description));
    return true;
}

void TimingWorkspace::cancelRun() {
    if (job_ && context().compute) context().compute->cancel(job_);
}

void TimingWorkspace::cellDone(std::size_t index, const recon::DrrBenchmarkCell& cell) {
    if (index >= cells_.size()) return;
    cells_[index] = cell;
    fillRow(static_cast<int>(index));
    if (cell.status == recon::CellStatus::Measured) schedulePlots();
}

void TimingWorkspace::runEnded(const std::vector<recon::DrrBenchmarkCell>& cells) {
    if (cells.size() == cells_.size()) cells_ = cells;
    last_run_s_ = run_clock_.isValid() ? run_clock_.elapsed() / 1000.0 : 0;
    fillTable();
    refreshPlots();
}

void TimingWorkspace::jobEnded(quint64 id, const QString& failure) {
    if (id != job_) return;
    job_ = 0;
    stall_timer_->stop();
    panel_->setRunning(false);
    std::size_t measured = 0, cancelled = 0;
    for (const auto& c : cells_) {
        measured += c.status == recon::CellStatus::Measured;
        cancelled += c.status == recon::CellStatus::Cancelled;
    }
    QString line;
    if (!failure.isEmpty()) {
        line = tr("The run stopped: %1").arg(failure);
        emit errorOccurred(tr("Timing: %1").arg(failure));
    } else if (cancelled > 0) {
        line = tr("Cancelled: %1 of %2 cells measured").arg(measured).arg(cells_.size());
    } else {
        line = tr("Done: %1 of %2 cells measured in %3 s on %4; longest UI stall %5 ms")
                   .arg(measured)
                   .arg(cells_.size())
                   .arg(last_run_s_, 0, 'f', 1)
                   .arg(volume_description_)
                   .arg(longest_stall_ms_, 0, 'f', 0);
    }
    panel_->setProgress(
        cancelled > 0 || !failure.isEmpty() ? panel_->progressBar()->value() / 1e3 : 1.0, line);
    emit statusMessage(line);
    const bool first = !run_ended_;
    run_ended_ = true;
    emit runFinished();
    if (first) emit firstResultReady();
}

void TimingWorkspace::fillTable() {
    table_->setRowCount(static_cast<int>(cells_.size()));
    for (int row = 0; row < table_->rowCount(); ++row)
        fillRow(row);
    table_->resizeColumnsToContents();
}

void TimingWorkspace::fillRow(int row) {
    const recon::DrrBenchmarkCell& c = cells_[static_cast<std::size_t>(row)];
    const bool measured = c.status == recon::CellStatus::Measured;
    const auto set = [&](int column, const QString& text) {
        QTableWidgetItem* item = table_->item(row, column);
        if (!item) {
            item = new QTableWidgetItem;
            table_->setItem(row, column, item);
        }
        item->setText(text);
        item->setBackground(QBrush(status_colour(c.status)));
        if (column == kNote) item->setToolTip(text);
    };
    set(kTarget, QString::fromStdString(c.target.label()));
    set(kRenderer, to_string(c.algorithm));
    set(kVariant, QString::fromStdString(c.variant));
    set(kHeight, QString::number(c.height));
    set(kPatch, QString::fromStdString(c.patch.label()));
    set(kPixel, figure(c.pixel_spacing_mm, 4));
    set(kPieces,
        c.piece_width > 0 ? QString("%1x%2").arg(c.piece_width).arg(c.piece_height) : QString());
    set(kMedian, measured ? figure(c.median_ms, 2) : QString());
    set(kMin, measured ? figure(c.min_ms, 2) : QString());
    set(kMax, measured ? figure(c.max_ms, 2) : QString());
    set(kRays, measured ? figure(c.rays_per_second / 1e6, 2) : QString());
    set(kHostMb, measured ? figure(c.peak_host_mb, 0) : QString());
    set(kDeviceMb,
        measured && c.target.device == DeviceKind::Cuda ? figure(c.peak_device_mb, 1) : QString());
    // The stage split exists where the device copies (CUDA); empty on the CPU.
    const auto stage = [measured](double ms) {
        return measured && std::isfinite(ms) ? figure(ms, 2) : QString();
    };
    set(kUploadMs, stage(c.upload_ms));
    set(kKernelMs, stage(c.kernel_ms));
    set(kReadbackMs, stage(c.readback_ms));
    set(kStatus, recon::to_string(c.status));
    set(kNote, QString::fromStdString(c.note));
}

void TimingWorkspace::schedulePlots() {
    if (!plot_timer_->isActive()) plot_timer_->start();
}

void TimingWorkspace::refreshPlots() {
    plot_timer_->stop();
    plots_[0]->setData(drr_timing_plot(cells_, DrrTimingMetric::Time, true));
    plots_[1]->setData(drr_timing_plot(cells_, DrrTimingMetric::RaysPerSecond, false));
    plots_[2]->setData(drr_timing_plot(cells_, DrrTimingMetric::PeakMemory, false));
}

void TimingWorkspace::exportTable(const QString& path) const {
    const std::string text =
        path.endsWith(".json", Qt::CaseInsensitive)
            ? recon::drr_benchmark_json(grid_, cells_,
                                        {volume_description_.toStdString(), cpu_model_name()})
            : recon::drr_benchmark_csv(cells_);
    recon::AtomicFileSet files;
    files.add_text(path.toStdString(), text);
    files.commit();
}

void TimingWorkspace::exportPlots(const QString& folder) const {
    const char* names[] = {"timing_time", "timing_rays", "timing_memory"};
    const QDir dir(folder);
    for (std::size_t i = 0; i < plots_.size(); ++i) {
        plots_[i]->savePng(dir.filePath(QString(names[i]) + ".png"));
        plots_[i]->saveSvg(dir.filePath(QString(names[i]) + ".svg"));
    }
}

void TimingWorkspace::exportTableDialog() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export timing table"), "bench_drr.csv",
        tr("CSV, as radon bench drr (*.csv);;JSON, as radon bench drr (*.json)"));
    if (path.isEmpty()) return;
    try {
        exportTable(path);
        emit statusMessage(tr("Wrote %1").arg(path));
    } catch (const std::exception& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
    }
}

void TimingWorkspace::exportPlotsDialog() {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Export the plots (PNG and SVG) to"));
    if (folder.isEmpty()) return;
    try {
        exportPlots(folder);
        emit statusMessage(tr("Wrote timing_{time,rays,memory}.{png,svg} in %1").arg(folder));
    } catch (const std::exception& e) {
        emit errorOccurred(QString::fromUtf8(e.what()));
    }
}

void TimingWorkspace::saveExtraSettings(QSettings& settings) const {
    settings.setValue("log_axes", log_axes_->isChecked());
    settings.beginGroup("grid");
    panel_->saveSettings(settings);
    settings.endGroup();
}

void TimingWorkspace::restoreExtraSettings(QSettings& settings) {
    log_axes_->setChecked(settings.value("log_axes", true).toBool());
    settings.beginGroup("grid");
    panel_->restoreSettings(settings);
    settings.endGroup();
    if (!running()) planFromPanel();
}

}  // namespace radon::ui
