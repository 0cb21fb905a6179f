// The DRR benchmark engine: the plan lists every cell and marks those that do not tile, the run
// measures the rest with the renderer's own pieces (auto says how it chose), cancel stops within
// one cell, and the CSV and JSON hold one row per cell.

#include <QtTest>

#include <cmath>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kernels/core/error.h"
#include "recon/attenuation_volume.h"
#include "recon/bench/drr_benchmark.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "recon/volume.h"
#include "tests/common/test_registry.h"

using namespace radon;
using recon::CellStatus;
using recon::PatchChoice;

namespace {

struct SmallVolume {
    VolumeGrid grid;
    Array<float> attenuation;
};

SmallVolume small_thorax() {
    const VolumeGrid grid = centered_grid({48, 48, 24}, {7.5, 7.5, 14});
    const recon::Volume hu = recon::thorax_phantom().voxelize_hu(grid);
    return {grid, recon::attenuation_from_hu(hu, AttenuationModel{})};
}

recon::DrrBenchmarkGrid small_grid() {
    recon::DrrBenchmarkGrid grid;
    grid.heights = {60, 64, 120};
    grid.patches = {
        {PatchChoice::Kind::None, 0}, {PatchChoice::Kind::Fixed, 32}, {PatchChoice::Kind::Auto, 0}};
    grid.targets = {recon::BenchmarkTarget{DeviceKind::Cpu, SimdLevel::Baseline}};
    grid.variants = {recon::DetectorVariant{4.0, 0}, recon::DetectorVariant{0, 300}};
    grid.runs = 2;
    grid.warmup = 0;
    return grid;
}

}  // namespace

class TestDrrBenchmark : public QObject {
    Q_OBJECT

  private slots:
    void the_plan_lists_every_cell_and_marks_those_that_do_not_tile() {
        const auto grid = small_grid();
        const auto cells = recon::plan_drr_benchmark(grid);
        QCOMPARE(cells.size(), std::size_t(2 * 3 * 3));
        int not_tiling = 0;
        for (const auto& c : cells) {
            const bool tiles = c.patch.kind != PatchChoice::Kind::Fixed || c.height % 32 == 0;
            QCOMPARE(c.status == CellStatus::DoesNotTile, !tiles);
            if (!tiles) {
                ++not_tiling;
                QVERIFY(c.note.find("does not tile a height of " + std::to_string(c.height)) !=
                        std::string::npos);
            }
        }
        QCOMPARE(not_tiling, 4);  // heights 60 and 120 with patch 32, in both variants
        QCOMPARE(cells[3].pixel_spacing_mm, 4.0);
        QCOMPARE(cells.back().pixel_spacing_mm, 300.0 / 120.0);
        QCOMPARE(cells.back().variant, std::string("field 300 mm"));
    }

    void a_run_measures_the_cells_that_tile_with_the_renderers_pieces() {
        const SmallVolume volume = small_thorax();
        const auto grid = small_grid();
        auto cells = recon::plan_drr_benchmark(grid);
        std::vector<std::size_t> done;
        recon::run_drr_benchmark(grid, volume.grid, volume.attenuation, nullptr, cells, {},
                                 [&](std::size_t i) { done.push_back(i); });
        QCOMPARE(done.size(), cells.size());
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const auto& c = cells[i];
            QCOMPARE(done[i], i);
            if (c.status == CellStatus::DoesNotTile) continue;
            QCOMPARE(c.status, CellStatus::Measured);
            QVERIFY(c.min_ms > 0 && c.min_ms <= c.median_ms && c.median_ms <= c.max_ms);
            QVERIFY(std::abs(c.rays_per_second * c.median_ms * 1e-3 -
                             static_cast<double>(c.width * c.height)) < 1e-6 * c.width * c.height);
            QVERIFY(c.device_description.find("cpu baseline") == 0);
            if (c.patch.kind == PatchChoice::Kind::Fixed) {
                QCOMPARE(c.piece_width, int64_t(32));
                QCOMPARE(c.piece_height, int64_t(32));
            } else {
                QCOMPARE(c.piece_width, c.width);  // full-width bands
                QVERIFY(c.piece_height >= 1 && c.piece_height <= c.height);
            }
            QCOMPARE(c.note.empty(), c.patch.kind != PatchChoice::Kind::Auto);
        }
    }

    void cancel_stops_within_one_cell() {
        const SmallVolume volume = small_thorax();
        auto grid = small_grid();
        grid.runs = 3;
        auto cells = recon::plan_drr_benchmark(grid);
        CancelToken cancel;
        std::size_t cells_done = 0;
        bool threw = false;
        try {
            recon::run_drr_benchmark(grid, volume.grid, volume.attenuation, nullptr, cells,
                                     {&cancel, nullptr}, [&](std::size_t i) {
                                         ++cells_done;
                                         if (i == 1) cancel.cancel();
                                     });
        } catch (const Cancelled&) {
            threw = true;
        }
        QVERIFY(threw);
        QCOMPARE(cells[0].status, CellStatus::Measured);
        QCOMPARE(cells[1].status, CellStatus::DoesNotTile);  // height 60, patch 32
        QCOMPARE(cells[2].status, CellStatus::Cancelled);    // the next cell did not run
        for (std::size_t i = 3; i < cells.size(); ++i)
            QVERIFY(cells[i].status == CellStatus::Cancelled ||
                    cells[i].status == CellStatus::DoesNotTile);
        QCOMPARE(cells_done, std::size_t(3));
    }

    void progress_moves_after_each_render_of_a_cell() {
        const SmallVolume volume = small_thorax();
        auto grid = small_grid();
        grid.variants = {recon::DetectorVariant{4.0, 0}};
        grid.heights = {60, 64};  // 60 with patch 32 does not tile: no render, no report
        grid.warmup = 1;
        grid.runs = 2;
        auto cells = recon::plan_drr_benchmark(grid);
        struct Recorder final : ProgressSink {
            std::vector<double> values;
            void report(double f) override { values.push_back(f); }
        } recorder;
        recon::run_drr_benchmark(grid, volume.grid, volume.attenuation, nullptr, cells,
                                 {nullptr, &recorder});
        std::size_t measured = 0;
        for (const auto& c : cells)
            measured += c.status == CellStatus::Measured;
        QCOMPARE(measured, cells.size() - 1);
        // One report as each cell starts, one after each of its 3 renders, and the end.
        QCOMPARE(recorder.values.size(), cells.size() + 3 * measured + 1);
        for (std::size_t k = 1; k < recorder.values.size(); ++k)
            QVERIFY(recorder.values[k] >= recorder.values[k - 1]);
        QCOMPARE(recorder.values.back(), 1.0);
        // The first cell's renders land at 1/3, 2/3 and 3/3 of its share.
        const double share = 1.0 / static_cast<double>(cells.size());
        QVERIFY(std::abs(recorder.values[1] - share / 3) < 1e-12);
        QVERIFY(std::abs(recorder.values[3] - share) < 1e-12);
    }

    void csv_and_json_hold_one_row_per_cell() {
        const SmallVolume volume = small_thorax();
        auto grid = small_grid();
        grid.heights = {64};
        auto cells = recon::plan_drr_benchmark(grid);
        recon::run_drr_benchmark(grid, volume.grid, volume.attenuation, nullptr, cells);
        std::istringstream csv(recon::drr_benchmark_csv(cells));
        std::string line;
        std::getline(csv, line);
        QVERIFY(line.rfind("variant,height,width,patch,pixel_spacing_mm,median_ms,min_ms,max_ms,"
                           "rays_per_s,peak_rss_mb,peak_device_mb,",
                           0) == 0);  // the version 1 columns first
        const auto ends_with = [](const std::string& text, const std::string& end) {
            return text.size() >= end.size() &&
                   text.compare(text.size() - end.size(), end.size(), end) == 0;
        };
        QVERIFY(ends_with(line, ",note,upload_ms,kernel_ms,readback_ms"));
        int rows = 0;
        while (std::getline(csv, line)) {
            ++rows;
            // The CPU neither uploads nor reads back: the stage split is empty, not zero.
            QVERIFY2(ends_with(line, ",,,"), line.c_str());
        }
        QCOMPARE(rows, static_cast<int>(cells.size()));
        const auto doc = nlohmann::json::parse(recon::drr_benchmark_json(grid, cells, {"v", "c"}));
        QCOMPARE(doc["format_version"].get<int>(), 2);
        QCOMPARE(doc["results"].size(), cells.size());
        QCOMPARE(doc["results"][1]["patch"].get<int>(), 32);
        QCOMPARE(doc["results"][2]["patch"].get<std::string>(), std::string("auto"));
        QCOMPARE(doc["results"][0]["status"].get<std::string>(), std::string("measured"));
        QVERIFY(doc["results"][0]["kernel_ms"].is_null());
        QVERIFY(std::isnan(cells[0].upload_ms) && std::isnan(cells[0].kernel_ms));
    }

    void bad_lists_are_refused_naming_the_option() {
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 recon::parse_patch_choices("none,0", "--patches"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, recon::parse_patch_choices("", "--patches"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, recon::parse_size_list("100,2x", "--heights"));
        try {
            recon::parse_size_list("100,99999", "--heights");
            QFAIL("accepted 99999");
        } catch (const InvalidArgument& e) {
            QVERIFY(std::string(e.what()).find("--heights: '99999'") != std::string::npos);
        }
        const auto p = recon::parse_patch_choices("none,150,auto", "--patches");
        QCOMPARE(p.size(), std::size_t(3));
        QCOMPARE(p[1].size, int64_t(150));
        QCOMPARE(p[2].label(), std::string("auto"));
    }
};

RADON_TEST_CLASS(TestDrrBenchmark);
#include "test_drr_benchmark.moc"
