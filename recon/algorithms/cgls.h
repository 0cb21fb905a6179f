#pragma once

#include <memory>
#include <vector>

#include "kernels/operator/linear_operator.h"
#include "recon/algorithms/iterative.h"

namespace radon::recon {

// CGLS (Hestenes & Stiefel 1952; Björck 1996, as ASTRA's and TIGRE's CGLS): conjugate gradients
// on the normal equations A^T A x = A^T b without forming them, one forward and one back
// projection per iteration. From x_0 it minimises ||A x - b|| over x_0 + the k-th Krylov space,
// so the residual ||A x_k - b|| never increases (in exact arithmetic), for any A, consistent
// data or not.
//
// Unconstrained: clipping x between iterations would break the conjugacy the method rests on,
// so options.bounds must be unconstrained and options.relaxation 1 (InvalidArgument otherwise);
// use SIRT or OS-SART for a non-negative or boxed image. The residual is carried by the
// recurrence r <- r - alpha A p (the usual form; no extra projection), and both it and
// ||A^T r|| (normal_residual_norm) are recorded for x_0 and after every iteration. When A^T r
// or A p vanishes (x already solves the least-squares problem) the run stops early and the
// history is shorter than options.iterations + 1. Progress, cancel (throws Cancelled; `image`
// then holds the image after the last complete iteration) and image callbacks as sirt().
// Host memory; a CUDA projector stages it.
IterativeResult cgls(std::shared_ptr<const LinearOperator> op, const std::vector<float>& measured,
                     std::vector<float>& image, const IterativeOptions& options);

}  // namespace radon::recon
