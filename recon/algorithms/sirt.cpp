#include "recon/algorithms/sirt.h"

#include <cmath>
#include <utility>

#include "kernels/core/error.h"
#include "kernels/operator/subset_stack.h"
#include "recon/algorithms/os_sart.h"

namespace radon::recon {

SirtWeights sirt_weights(const LinearOperator& op, const RunControl& control) {
    const int64_t n_in = op.in_shape().size(), n_out = op.out_shape().size();
    SirtWeights w;
    w.row.resize(static_cast<std::size_t>(n_out));
    w.column.resize(static_cast<std::size_t>(n_in));
    ShareOfProgress forward(control.progress, 0.0, 0.5), back(control.progress, 0.5, 0.5);
    {
        std::vector<float> ones(static_cast<std::size_t>(n_in), 1.0f);
        op.apply(ones.data(), n_in, w.row.data(), n_out, MemorySpace::Host,
                 {control.cancel, &forward});
    }
    {
        std::vector<float> ones(static_cast<std::size_t>(n_out), 1.0f);
        op.apply_adjoint(ones.data(), n_out, w.column.data(), n_in, MemorySpace::Host,
                         {control.cancel, &back});
    }
    iterative::invert_or_zero(w.row.data(), n_out);
    iterative::invert_or_zero(w.column.data(), n_in);
    return w;
}

double sirt_step(const LinearOperator& op, const SirtWeights& weights, const float* b,
                 std::vector<float>& x, double lambda, const Bounds& bounds, SirtWork& work,
                 const RunControl& control) {
    const int64_t n_in = op.in_shape().size(), n_out = op.out_shape().size();
    if (static_cast<int64_t>(weights.row.size()) != n_out ||
        static_cast<int64_t>(weights.column.size()) != n_in ||
        static_cast<int64_t>(x.size()) != n_in) {
        throw InvalidArgument("SIRT step: weights or image do not match " + op.description() +
                              " (" + op.in_shape().to_string() + " -> " +
                              op.out_shape().to_string() + ")");
    }
    work.residual.resize(static_cast<std::size_t>(n_out));
    work.update.resize(static_cast<std::size_t>(n_in));
    float* r = work.residual.data();
    float* u = work.update.data();
    ShareOfProgress forward(control.progress, 0.0, 0.5), back(control.progress, 0.5, 0.5);
    op.apply(x.data(), n_in, r, n_out, MemorySpace::Host, {control.cancel, &forward});
    const double residual_norm =
        std::sqrt(iterative::weighted_residual(b, r, weights.row.data(), n_out));
    op.apply_adjoint(r, n_out, u, n_in, MemorySpace::Host, {control.cancel, &back});
    iterative::weighted_step(x.data(), static_cast<float>(lambda), weights.column.data(), u, n_in,
                             bounds);
    control.report(1.0);
    return residual_norm;
}

IterativeResult sirt(std::shared_ptr<const LinearOperator> op, const std::vector<float>& measured,
                     std::vector<float>& image, const IterativeOptions& options) {
    if (!op) throw InvalidArgument("SIRT: no operator given");
    return os_sart(SubsetStack::single(std::move(op)), measured, image, options, "SIRT");
}

}  // namespace radon::recon
