#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kernels/operator/subset_stack.h"
#include "recon/algorithms/iterative.h"

namespace radon::recon {

// OS-SART (Wang & Jiang 2004; RTK's and TIGRE's OS-SART) on any LinearOperator split into
// subsets of views (subsets_by_views): SIRT's update (sirt_step) applied to each subset S in turn
// with that subset's own weights R_S = 1 / (A_S 1) and C_S = 1 / (A_S^T 1), so an iteration
// makes as many updates as there are subsets. With one subset it is SIRT exactly (sirt() calls
// this); with one view per subset it is SART. Relaxation, bounds (applied after every subset's
// update), progress, cancel and the result as sirt(). The residual ||A x - b|| of the whole data
// costs one extra forward projection per iteration when there are several subsets. `method`
// names the algorithm in messages.
// Throws InvalidArgument as iterative::check_inputs, or for a null stack.
IterativeResult os_sart(std::shared_ptr<const SubsetStack> subsets,
                        const std::vector<float>& measured, std::vector<float>& image,
                        const IterativeOptions& options, const std::string& method = "OS-SART");

}  // namespace radon::recon
