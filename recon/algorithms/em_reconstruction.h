#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "kernels/operator/linear_operator.h"
#include "kernels/operator/subset_stack.h"

namespace radon::recon {

// The measured data's forward model: y ~ Poisson(m ⊙ (A x) + a). Both vectors are in the order
// of the full output of A (the whole sinogram), one value per bin, finite and >= 0.
struct PoissonModel {
    std::vector<float> multiplicative;  // m: normalisation x attenuation factors; empty: all 1
    std::vector<float> additive;        // a: randoms + scatter, in counts; empty: all 0
};

struct EmOptions {
    int iterations = 1;  // full passes over all subsets, >= 0
    // Checked before every sub-iteration (one subset's update) and passed to the projectors;
    // progress is reported after every sub-iteration, as the share of all of them.
    RunControl control;
    // Called after each iteration k = 1..iterations with the log-likelihood of the image after it.
    std::function<void(int iteration, double log_likelihood)> on_iteration;
    // With image_every = N > 0: called with the host image after every N-th iteration and after
    // the last one (to save intermediate images).
    int image_every = 0;
    std::function<void(int iteration, const std::vector<float>& image)> on_image;
    // Called after every sub-iteration (subset k = 0..subsets-1 of iteration 1..iterations) with
    // the host image after it: what a view that follows the reconstruction live shows. The
    // image is only valid during the call.
    std::function<void(int iteration, int subset, const std::vector<float>& image)> on_subiteration;
};

struct EmResult {
    // Poisson log-likelihood sum_i (y_i log ybar_i - ybar_i) (poisson_log_likelihood_term):
    // [0] of the initial image, [k] of the image after iteration k.
    std::vector<double> log_likelihood;
};

// MLEM and OSEM (Shepp and Vardi 1982; Hudson and Larkin 1994) on any LinearOperator split into
// a SubsetStack: for each subset S in turn,
//     x <- x / s_S ⊙ A_S^T (m_S ⊙ y_S / (m_S ⊙ A_S x + a_S)),   s_S = A_S^T m_S,
// which keeps a non-negative image non-negative. The sensitivity image s_S of each subset is
// computed once, on the first run (or by prepare()), and kept for later runs with other data.
// A voxel no subset sees (s_S = 0) is set to 0 by that subset's update; a bin that expects no
// counts contributes nothing to the update or the log-likelihood (elementwise_math.h).
//
// All vectors passed in and out are host memory; the work runs in `space` (the device when the
// operators take device memory), the sensitivities and per-subset data staying there.
class EmReconstructor {
  public:
    // Throws InvalidArgument when a factor vector has the wrong size or a value that is
    // negative or not finite (naming the vector, the bin and the value), or when the operators do
    // not take `space` memory.
    EmReconstructor(std::shared_ptr<const SubsetStack> subsets, PoissonModel model,
                    MemorySpace space = MemorySpace::Host);
    ~EmReconstructor();

    const SubsetStack& subsets() const { return *stack_; }

    // Computes every subset's sensitivity image if not done yet (one back projection each).
    void prepare(const RunControl& control = {});
    // Subset k's sensitivity image A_k^T m_k (prepares first when needed).
    std::vector<float> sensitivity(int k);

    // Runs options.iterations iterations from `image` (the initial estimate: finite, >= 0, one
    // value per input element) and leaves the result there. On cancel it throws Cancelled and
    // `image` holds the image after the last complete sub-iteration.
    EmResult run(const std::vector<float>& measured, std::vector<float>& image,
                 const EmOptions& options);

  private:
    struct Subset;
    double log_likelihood(const std::vector<Array<float>>& measured, const float* x,
                          const RunControl& control) const;
    void forward(int k, const float* x, float* expected, const RunControl& control) const;

    std::shared_ptr<const SubsetStack> stack_;
    MemorySpace space_;
    std::vector<std::unique_ptr<Subset>> subsets_;
    bool prepared_ = false;
};

// One-call forms: MLEM on a whole operator (a stack of one subset), OSEM on a stack.
EmResult mlem(std::shared_ptr<const LinearOperator> op, const std::vector<float>& measured,
              PoissonModel model, std::vector<float>& image, const EmOptions& options,
              MemorySpace space = MemorySpace::Host);
EmResult osem(std::shared_ptr<const SubsetStack> subsets, const std::vector<float>& measured,
              PoissonModel model, std::vector<float>& image, const EmOptions& options,
              MemorySpace space = MemorySpace::Host);

// Throws InvalidArgument naming `what`, the first offending element and its value unless
// `values` has `expected_size` finite values >= 0.
void check_non_negative(const std::vector<float>& values, int64_t expected_size,
                        const std::string& what, const std::string& shape);

}  // namespace radon::recon
