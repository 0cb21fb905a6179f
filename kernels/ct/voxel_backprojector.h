#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/progress.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/voxel_backprojection.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/simd/cpu_features.h"

namespace radon {

// What a voxel multiplies each view's interpolated value by: nothing, or FDK's distance weight
// 1 / depth^2 (depth in mm from the source along the panel normal; cone beams only, parallel
// beams ignore it).
enum class VoxelBackprojectionWeight { None, InverseSquareDepth };

struct VoxelBackprojectorSettings {
    int threads = 0;                                  // CPU threads; 0 uses every core
    std::optional<SimdLevel> simd;                    // CPU; empty: RADON_SIMD or the best
    DrrMemoryPath memory_path = DrrMemoryPath::Auto;  // CUDA: layered texture or global memory
};

// Each view of `geometry` as the map from `grid`'s voxel indices to panel pixel coordinates
// (kernels/ct/voxel_backprojection.h): cone beams through the view's 3x4 projection matrix
// (ProjectionGeometry::projection_matrix), scaled so that w is the depth in mm; parallel beams
// through their affine map. Throws InvalidArgument for an invalid geometry or grid.
std::vector<VoxelViewMap> voxel_view_maps(const CtGeometry& geometry, const VolumeGrid& grid);

// The voxel-driven back projector FDK and FBP need: every voxel adds, for each view, the panel
// bilinearly interpolated where the voxel's centre projects (zero off the panel, falling
// linearly to zero over the pixel outside its outermost pixel centres), times the weight.
// Not the adjoint of the ray-driven projector (make_ct_projector gives that).
// The sum stays with the back projector (on the device for CUDA) across add() calls, so views
// may come in batches as they are filtered.
class VoxelBackprojector {
  public:
    virtual ~VoxelBackprojector() = default;

    // Adds the back projection of views [first_view, first_view + view_count), whose
    // projections are `projections` (view_count x rows x columns floats, column fastest, host
    // memory). Checks `control`'s cancel token between batches of views (throws Cancelled) and
    // reports the fraction of these views done.
    virtual void add(int64_t first_view, int64_t view_count, const float* projections,
                     const RunControl& control = {}) = 0;
    // Copies the sum into `volume` (grid.voxel_count() floats, x fastest).
    virtual void read(float* volume) = 0;
    virtual void clear() = 0;
    // "CPU avx2 (8 lanes), 2 threads", "CUDA texture path, 64 views per batch"
    virtual std::string description() const = 0;
};

// DeviceKind::Cuda where CUDA cannot be used gives the CPU back projector and a one-line reason
// in `fallback_note` (cleared otherwise). Throws InvalidArgument for an invalid geometry or
// grid, Error when a present device fails.
std::unique_ptr<VoxelBackprojector> make_voxel_backprojector(
    const CtGeometry& geometry, const VolumeGrid& grid, VoxelBackprojectionWeight weight,
    const VoxelBackprojectorSettings& settings = {}, DeviceKind device = DeviceKind::Cpu,
    std::string* fallback_note = nullptr);

// The back projection of a whole stack (geometry.view_count() views), in one call.
std::vector<float> voxel_backproject(const CtGeometry& geometry, const VolumeGrid& grid,
                                     const float* projections, VoxelBackprojectionWeight weight,
                                     const VoxelBackprojectorSettings& settings = {},
                                     DeviceKind device = DeviceKind::Cpu,
                                     const RunControl& control = {},
                                     std::string* fallback_note = nullptr);

// Copies `view_count` panels (rows x columns, column fastest) into `padded` (view_count *
// layout.view_stride floats, 16-byte aligned) as the framed quads PaddedPanels describes.
void pad_panels(const float* panels, int64_t view_count, const PaddedPanels& layout, float* padded);

// 1 for voxels whose centre projects inside the panel (between the outermost pixel centres) in
// every view, 0 elsewhere: the field of view every view sees, as RTK's FieldOfViewImageFilter
// masks a reconstruction with.
std::vector<uint8_t> voxels_seen_by_every_view(const CtGeometry& geometry, const VolumeGrid& grid);

}  // namespace radon
