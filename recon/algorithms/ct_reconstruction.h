#pragma once

// One CT reconstruction from a projection stack, by any of the methods `radon ct recon` offers:
// the CLI and the desktop app's CT workspace both call this, so that their images agree for the
// same settings by construction.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/progress.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_projector.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/operator/subset_stack.h"
#include "recon/algorithms/filtered_backprojection.h"
#include "recon/algorithms/iterative.h"

namespace radon::recon {

enum class CtMethod { Fdk, Fbp, Sirt, Cgls, OsSart, Osem };

const char* to_string(CtMethod method);  // "fdk", "fbp", "sirt", "cgls", "os-sart", "osem"
// Throws InvalidArgument naming the accepted names.
CtMethod parse_ct_method(const std::string& name);
// Filtered back projection (FDK or FBP) rather than an iterative method.
bool is_filtered(CtMethod method);

// The defaults of `radon ct recon`: 20 iterations (OSEM 4); OS-SART 10 subsets (at most one per
// view), the others 1.
int default_ct_iterations(CtMethod method);
int default_ct_subsets(CtMethod method, int64_t view_count);

struct CtReconSettings {
    CtMethod method = CtMethod::Fdk;
    // FDK and FBP: filter, cut-off, arc and views per batch (threads, device and memory path
    // are taken from `projector` and `device`).
    FilteredBackprojectionSettings fbp;
    // Iterative methods.
    int iterations = 20;
    int subsets = 1;          // OS-SART and OSEM
    double relaxation = 1.0;  // SIRT and OS-SART
    Bounds bounds;            // SIRT and OS-SART
    // The ray-driven projector of the iterative methods; its thread count serves FDK too.
    CtProjectorSettings projector;
    DeviceKind device = DeviceKind::Cpu;
};

// What a caller watches while the reconstruction runs (all optional).
struct CtReconObserver {
    // After each iteration k = 1..iterations: the residual ||A x_k - b|| (SIRT, CGLS, OS-SART)
    // or the log-likelihood (OSEM).
    std::function<void(int iteration, double value)> on_iteration;
    // With image_every = N > 0: the image after every N-th iteration and after the last one.
    int image_every = 0;
    std::function<void(int iteration, const std::vector<float>& image)> on_image;
};

struct CtReconReport {
    FilteredBackprojectionReport fbp;  // FDK and FBP
    // Iterative methods: the projector (of the first subset), e.g. "CT Siddon CPU, 2 threads".
    std::string projector;
    int subsets = 1;
    // Why CUDA was not used, when it was asked for.
    std::string fallback_note;
    // SIRT, CGLS and OS-SART: the residual history; OSEM: the log-likelihood history.
    std::vector<double> history;
};

// The projector of `geometry` split into `subsets` interleaved subsets of views, each the
// projector of the views it holds.
std::shared_ptr<const SubsetStack> ct_projector_subsets(const CtGeometry& geometry,
                                                        const VolumeGrid& grid,
                                                        const CtProjectorSettings& settings,
                                                        DeviceKind device, int subsets,
                                                        std::string* fallback_note = nullptr);

// Reconstructs `projections` (line integrals, views x rows x columns, column fastest) of a scan
// of `geometry` on `grid` (grid.voxel_count() floats, x fastest) with settings.method: FDK/FBP
// (filtered_backprojection), SIRT, CGLS and OS-SART from a zero image, MLEM/OSEM from ones.
// Cancel and progress go through `control` (FDK: each batch of views; iterative: each
// sub-iteration and inside each projection). Throws InvalidArgument for settings the method
// refuses (as filtered_backprojection and iterative::check_inputs, negative projections for
// OSEM), Cancelled when `control` cancels.
std::vector<float> reconstruct_ct(const CtGeometry& geometry, const VolumeGrid& grid,
                                  const std::vector<float>& projections,
                                  const CtReconSettings& settings, const RunControl& control = {},
                                  const CtReconObserver& observer = {},
                                  CtReconReport* report = nullptr);

}  // namespace radon::recon
