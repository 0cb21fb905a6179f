#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/drr/occupancy.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/simd/cpu_features.h"

namespace radon {

// How a renderer cuts a frame into pieces: pieces of width x height pixels (the last row and
// column of pieces may be smaller), and, when it chose them itself (patch size 0), why.
struct PatchPlan {
    int64_t width = 0;
    int64_t height = 0;
    std::string reason;  // empty for a patch size the caller gave
};

// Where a device that copies (CUDA) spends a render's time, in ms: the volume's upload when the
// renderer was made, and over the last render's pieces the kernels and the read-back (device to
// host copy, then into the caller's image). Pieces overlap in the pipeline, so kernel plus
// read-back can exceed the render's wall time. NaN where not measured: the CPU neither uploads
// nor reads back.
struct DrrStageTimes {
    double upload_ms = std::numeric_limits<double>::quiet_NaN();
    double kernel_ms = std::numeric_limits<double>::quiet_NaN();
    double readback_ms = std::numeric_limits<double>::quiet_NaN();
};

// Renders DRRs of one attenuation volume (1/mm) from any number of poses. A renderer prepares
// its volume once (uploads, empty-space bounds) and keeps it for every render.
class DrrRenderer {
  public:
    virtual ~DrrRenderer() = default;

    virtual DeviceKind device() const = 0;
    // One line for logs and benchmark tables, e.g. "cpu avx512 x16, 2 threads".
    virtual std::string description(const DrrSettings& settings) const = 0;

    // Fills `out` (geometry.width x geometry.height floats, row-major, row 0 first) with line
    // integrals of attenuation (dimensionless) or, for DrrReduction::Max, the largest attenuation
    // on each ray. Checks `control`'s cancel token between patches and reports progress.
    virtual void render(const ProjectionGeometry& geometry, const DrrSettings& settings, float* out,
                        const RunControl& control = {}) = 0;

    // Renders one frame per geometry into `out`, frame i at out + i * width * height: every
    // geometry must have the same width and height (InvalidArgument otherwise). Each frame equals
    // what render() gives for it. This default renders the frames one after the other; the CUDA
    // renderer overlaps the download of one frame with the computation of the next. Checks the
    // cancel token between frames (and patches) and reports progress over the whole batch.
    virtual void render_batch(const std::vector<ProjectionGeometry>& geometries,
                              const DrrSettings& settings, float* out,
                              const RunControl& control = {});

    // The pieces render() cuts a width x height frame into under `settings` (a patch size 0 lets
    // the renderer choose: the plan then says how and why, e.g. the free device memory it saw).
    virtual PatchPlan patch_plan(int64_t width, int64_t height,
                                 const DrrSettings& settings) const = 0;
    // The stage split of the last render (or batch); all NaN on the CPU.
    virtual DrrStageTimes last_stage_times() const { return {}; }
    // The box of non-zero voxels the renderer clips line integrals to (see detector_cut.h).
    virtual const OccupiedBox& occupied() const = 0;

    // The most device memory (bytes) this renderer has held at once since it was made or since
    // the last reset: the volume, its texture copy and the output buffers. 0 on the CPU.
    virtual std::size_t peak_device_bytes() const { return 0; }
    // Starts a new peak from what the renderer holds now.
    virtual void reset_peak_device_bytes() {}
};

// Prepares `attenuation` (host memory, extents == grid.size) for rendering on `device`.
// DeviceKind::Cuda on a machine where CUDA cannot be used (a build without CUDA, no driver, no
// device, or RADON_DISABLE_CUDA set) gives the CPU engine instead; `fallback_note`, when given,
// then receives one line saying why (and is cleared otherwise), for the caller to show.
// `occupied`, when the caller already has it (recon::attenuation_in_place measures it during the
// HU conversion), is the box of non-zero voxels of `attenuation`; otherwise the renderer
// measures it, one pass over the volume.
// Throws InvalidArgument for an invalid grid or mismatched extents, Error when a present device
// fails (out of memory, a CUDA call that fails: the message names the call).
std::unique_ptr<DrrRenderer> make_drr_renderer(DeviceKind device, const VolumeGrid& grid,
                                               const Array<float>& attenuation,
                                               std::string* fallback_note = nullptr,
                                               const OccupiedBox* occupied = nullptr);

// The CPU engine with a chosen instruction set (tests compare the variants; users get the best).
std::unique_ptr<DrrRenderer> make_cpu_drr_renderer(const VolumeGrid& grid,
                                                   const Array<float>& attenuation,
                                                   SimdLevel simd = detected_simd_level(),
                                                   const OccupiedBox* occupied = nullptr);

// Checks that every geometry of a batch has the same panel size; returns the pixels per frame.
// Throws InvalidArgument naming the first frame that differs.
int64_t batch_frame_pixels(const std::vector<ProjectionGeometry>& geometries);

}  // namespace radon
