#pragma once

#include <memory>
#include <vector>

#include "kernels/core/progress.h"
#include "kernels/operator/linear_operator.h"
#include "recon/algorithms/iterative.h"

namespace radon::recon {

// SIRT's two diagonal weights for one operator A with non-negative entries (a projector):
// R = 1 / (A 1), one over each ray's length through the volume, and C = 1 / (A^T 1), one over
// each voxel's total ray length. A ray that misses the volume, or a voxel no ray sees, gets
// weight 0 (no inf or NaN): it neither pulls on the image nor is changed.
struct SirtWeights {
    std::vector<float> row;     // output size of A
    std::vector<float> column;  // input size of A
};

// One forward and one back projection of ones.
SirtWeights sirt_weights(const LinearOperator& op, const RunControl& control = {});

// Scratch vectors a run of sirt_step reuses (sized on first use).
struct SirtWork {
    std::vector<float> residual, update;
};

// SIRT's update (Gilbert 1972; in the form of ASTRA's and TIGRE's SIRT and RTK's SART):
//     x <- clamp(x + lambda C ⊙ A^T (R ⊙ (b - A x)), bounds),
// b of A's output size, x of its input size. Returns ||A x - b||_2 of x before the update. x
// changes only after both projections, so a cancel (Cancelled from either) leaves it unchanged.
double sirt_step(const LinearOperator& op, const SirtWeights& weights, const float* b,
                 std::vector<float>& x, double lambda, const Bounds& bounds, SirtWork& work,
                 const RunControl& control = {});

// SIRT on any LinearOperator with non-negative entries: options.iterations updates of the whole
// data from `image` (the initial estimate, finite; zeros usually), left there. For 0 < lambda < 2
// it converges to a weighted least-squares solution, the exact one for a consistent system with
// a unique solution; bounds project every update onto the box (non-negativity: Bounds::
// non_negative()). The residual history costs one extra forward projection in all (each
// update's forward projection gives the residual of the image before it). It is OS-SART with one
// subset (os_sart.h), the same code. On cancel it throws Cancelled and `image` holds the image
// after the last complete iteration. Host memory; a CUDA projector stages it.
// Throws InvalidArgument as iterative::check_inputs, or for a null operator.
IterativeResult sirt(std::shared_ptr<const LinearOperator> op, const std::vector<float>& measured,
                     std::vector<float>& image, const IterativeOptions& options);

}  // namespace radon::recon
