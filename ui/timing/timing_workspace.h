#pragma once

#include <QElapsedTimer>
#include <QString>

#include <array>
#include <vector>

#include "recon/bench/drr_benchmark.h"
#include "ui/common/workspace.h"
#include "ui/timing/timing_plot.h"

class QAction;
class QTableWidget;
class QTimer;

namespace radon::ui {

class TimingGridPanel;

// The Timing workspace: "how fast is DRR size X with patch size Y on this machine, on this
// volume". The grid panel (a dock) sets up recon's DRR benchmark grid; Run times it on the loaded
// volume as one long job of the compute worker (so the DRR workspace keeps rendering between the
// benchmark's renders), with progress and cancel. The table lists every cell of the engine's plan
// (cells that do not tile, run out of memory or were cancelled say so, and auto says how it
// chose); three plots show time, rays/s and peak memory against the DRR height, one line per
// patch size x device x renderer, the time plot with DiffDRR's published table beside them.
// The table exports as `radon bench drr`'s CSV or JSON, each plot as PNG and SVG.
class TimingWorkspace : public Workspace {
    Q_OBJECT

  public:
    explicit TimingWorkspace(StudioContext& context, QWidget* parent = nullptr);
    // Cancels a run and waits for it to stop (within one render).
    ~TimingWorkspace() override;

    // Once a run has ended; before, when none is asked for, the planned table is what it shows.
    bool firstResultShown() const override {
        return run_ended_ || (!run_when_ready_ && !running());
    }
    void activate() override;
    void volumeChanged() override;

    // Runs the panel's grid on the loaded volume; false (after errorOccurred) when there is no
    // volume, the grid does not parse, or a run goes on.
    bool startRun();
    void cancelRun();
    // Starts the grid as soon as a volume is loaded (radonstudio --run-timing).
    void runWhenReady();
    bool running() const { return job_ != 0; }

    // The engine's cells as shown: planned from the panel, then measured as the run goes.
    const std::vector<recon::DrrBenchmarkCell>& cells() const { return cells_; }
    // Seconds the last finished run took (0 before).
    double lastRunSeconds() const { return last_run_s_; }
    // The longest the UI thread's event loop went without turning during the last run, in ms
    // (a 2 ms timer runs while a grid is timed): what a user dragging a slider would feel.
    double longestStallMs() const { return longest_stall_ms_; }

    // `radon bench drr`'s formats: JSON when the name ends in .json, CSV otherwise. Throws Error
    // naming the file when it cannot be written (an earlier file stays whole).
    void exportTable(const QString& path) const;
    // Each plot as FOLDER/timing_{time,rays,memory}.{png,svg}. Throws Error naming the file.
    void exportPlots(const QString& folder) const;

    TimingGridPanel* gridPanel() const { return panel_; }
    QTableWidget* table() const { return table_; }
    TimingPlot* plot(DrrTimingMetric metric) const { return plots_[static_cast<int>(metric)]; }
    QAction* logAxesAction() const { return log_axes_; }

  signals:
    void runFinished();

  protected:
    void saveExtraSettings(QSettings& settings) const override;
    void restoreExtraSettings(QSettings& settings) override;

  private:
    void planFromPanel();
    void fillTable();
    void fillRow(int row);
    void refreshPlots();
    void schedulePlots();
    void cellDone(std::size_t index, const recon::DrrBenchmarkCell& cell);
    void runEnded(const std::vector<recon::DrrBenchmarkCell>& cells);
    void jobEnded(quint64 id, const QString& failure);
    void exportTableDialog();
    void exportPlotsDialog();

    TimingGridPanel* panel_ = nullptr;
    QTableWidget* table_ = nullptr;
    std::array<TimingPlot*, 3> plots_{};
    QAction* log_axes_ = nullptr;
    QTimer* plot_timer_ = nullptr;
    QTimer* stall_timer_ = nullptr;
    QElapsedTimer stall_clock_;
    double longest_stall_ms_ = 0;

    recon::DrrBenchmarkGrid grid_;
    std::vector<recon::DrrBenchmarkCell> cells_;
    QString volume_description_;
    quint64 job_ = 0;
    bool run_when_ready_ = false;
    bool run_ended_ = false;
    QElapsedTimer run_clock_;
    double last_run_s_ = 0;
};

}  // namespace radon::ui
