#pragma once

#include <memory>
#include <string>

#include "kernels/backend/devices.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/operator/linear_operator.h"

namespace radon {

// How a CT projector samples the volume along a ray: the DRR engine's walks (no second copy),
// Siddon's exact radiological path or trilinear samples `step_voxels` apart.
struct CtProjectorSettings {
    DrrAlgorithm algorithm = DrrAlgorithm::Siddon;
    double step_voxels = 1.0;                         // trilinear only
    int threads = 0;                                  // CPU threads; 0 uses every core
    DrrMemoryPath memory_path = DrrMemoryPath::Auto;  // CUDA only
};

// The ray-driven CT projector of `geometry` over a volume on `grid` (attenuation in 1/mm, x
// fastest): apply() gives the projection stack (line integrals, views x rows x columns, column
// fastest; axes "column", "row", "view"), apply_adjoint() its exact adjoint (ray-driven back
// projection), as iterative methods need. DeviceKind::Cuda where CUDA cannot be used gives the
// CPU projector and a one-line reason in `fallback_note`.
// Throws InvalidArgument for an invalid geometry or grid.
std::shared_ptr<const LinearOperator> make_ct_projector(const CtGeometry& geometry,
                                                        const VolumeGrid& grid,
                                                        const CtProjectorSettings& settings = {},
                                                        DeviceKind device = DeviceKind::Cpu,
                                                        std::string* fallback_note = nullptr);

}  // namespace radon
