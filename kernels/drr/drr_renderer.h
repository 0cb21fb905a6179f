#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "kernels/backend/devices.h"
#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/simd/cpu_features.h"

namespace radon {

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
};

// Prepares `attenuation` (host memory, extents == grid.size) for rendering on `device`.
// Throws InvalidArgument for an invalid grid or mismatched extents, Error for an unusable device.
std::unique_ptr<DrrRenderer> make_drr_renderer(DeviceKind device, const VolumeGrid& grid,
                                               const Array<float>& attenuation);

// The CPU engine with a chosen instruction set (tests compare the variants; users get the best).
std::unique_ptr<DrrRenderer> make_cpu_drr_renderer(const VolumeGrid& grid,
                                                   const Array<float>& attenuation,
                                                   SimdLevel simd = detected_simd_level());

}  // namespace radon
