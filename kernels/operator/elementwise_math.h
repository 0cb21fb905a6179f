#pragma once

#include <math.h>

#include "kernels/core/hd.h"

namespace radon {

// The per-element arithmetic of kernels/operator/elementwise.h, shared by the CPU loops and the
// CUDA kernels (kernels/cuda/elementwise.cu) so that both give the same bits.
enum class BinaryOp : int {
    Multiply,  // a * b
    Divide,    // a / b where b > 0, else 0: the EM ratio and update, safe where nothing is seen
    Add,       // a + b
};

// a / b for b > 0; 0 otherwise. In EM a bin or voxel with no expectation or no sensitivity
// carries no information, so it contributes nothing (instead of 0/0 = NaN or x/0 = inf).
RADON_HD float ratio_or_zero(float a, float b) {
    return b > 0.0f ? a / b : 0.0f;
}

RADON_HD float binary_op(BinaryOp op, float a, float b) {
    switch (op) {
        case BinaryOp::Multiply:
            return a * b;
        case BinaryOp::Divide:
            return ratio_or_zero(a, b);
        case BinaryOp::Add:
        default:
            return a + b;
    }
}

// One bin's term of the Poisson log-likelihood sum_i (y_i log ybar_i - ybar_i), without the
// image-independent -log(y_i!). A bin that expects nothing (ybar <= 0) adds 0: no image can put
// counts there, so its counts cannot tell two images apart (and 0 * log 0 is not NaN here).
RADON_HD double poisson_log_likelihood_term(float measured, float expected) {
    if (!(expected > 0.0f)) return 0.0;
    const double ybar = expected;
    return measured > 0.0f ? measured * log(ybar) - ybar : -ybar;
}

}  // namespace radon
