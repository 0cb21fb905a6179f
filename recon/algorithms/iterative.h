#pragma once

// What SIRT, CGLS and OS-SART share: their options, their history, and the few host-memory
// vector steps they are built from (OpenMP loops, sums accumulated in double).

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "kernels/core/progress.h"
#include "kernels/operator/linear_operator.h"

namespace radon::recon {

// A box every voxel is projected onto after each update (ASTRA's MinConstraint/MaxConstraint,
// TIGRE's nonneg): lower = 0 alone is non-negativity. Infinite bounds leave that side free.
struct Bounds {
    float lower = -std::numeric_limits<float>::infinity();
    float upper = std::numeric_limits<float>::infinity();

    static Bounds non_negative() { return {0.0f, std::numeric_limits<float>::infinity()}; }
    bool constrained() const {
        const float inf = std::numeric_limits<float>::infinity();
        return !(lower == -inf && upper == inf);
    }
};

struct IterativeOptions {
    int iterations = 10;  // full passes over the data (all subsets), >= 0
    // lambda, in (0, 2) (SIRT and OS-SART converge for any such value); CGLS takes only 1.
    double relaxation = 1.0;
    // SIRT and OS-SART; CGLS is unconstrained (a projection would break its conjugacy) and
    // rejects a constrained box.
    Bounds bounds;
    // Checked before every iteration (OS-SART: every subset's update) and passed to the
    // projectors; progress is reported after each, as the share of the whole run.
    RunControl control;
    // Called after each iteration k = 1..iterations with ||A x_k - b||.
    std::function<void(int iteration, double residual_norm)> on_iteration;
    // With image_every = N > 0: called with the image after every N-th iteration and after the
    // last one (to save intermediate images).
    int image_every = 0;
    std::function<void(int iteration, const std::vector<float>& image)> on_image;
};

struct IterativeResult {
    // ||A x_k - b||_2: [0] of the initial image, [k] of the image after iteration k.
    std::vector<double> residual_norm;
    // CGLS only (empty otherwise): ||A^T (b - A x_k)||_2, the gradient of the least-squares
    // objective, which CGLS drives to 0 even when the data are inconsistent.
    std::vector<double> normal_residual_norm;
};

namespace iterative {

// Throws InvalidArgument naming `method`, the field and the expected value: measured data or
// image of the wrong size or with a non-finite value, iterations or image_every < 0, a relaxation
// outside (0, 2), NaN or crossed bounds.
void check_inputs(const std::string& method, const LinearOperator& op,
                  const std::vector<float>& measured, const std::vector<float>& image,
                  const IterativeOptions& options);

double squared_norm(const float* a, int64_t n);
double dot(const float* a, const float* b, int64_t n);
// y <- y + alpha x.
void axpy(float alpha, const float* x, float* y, int64_t n);
// y <- x + beta y.
void xpay(const float* x, float beta, float* y, int64_t n);
// out <- b - a.
void difference(const float* b, const float* a, float* out, int64_t n);
// v <- 1 / v where v > 0, else 0: a row no ray crosses or a voxel no ray sees gets no weight
// rather than inf (ratio_or_zero, as EM's sensitivities).
void invert_or_zero(float* v, int64_t n);
// r <- w ⊙ (b - r) in one pass; returns ||b - r||^2 of the r passed in (before the weighting).
double weighted_residual(const float* b, float* r, const float* w, int64_t n);
// x <- min(max(x + alpha w ⊙ u, lower), upper) in one pass.
void weighted_step(float* x, float alpha, const float* w, const float* u, int64_t n,
                   const Bounds& bounds);

// Calls the option's image callback when iteration `k` is one it asks for.
void report_image(const IterativeOptions& options, int k, const std::vector<float>& image);

}  // namespace iterative

}  // namespace radon::recon
