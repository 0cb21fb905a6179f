#include "recon/algorithms/cgls.h"

#include <cmath>

#include "kernels/core/error.h"

namespace radon::recon {

IterativeResult cgls(std::shared_ptr<const LinearOperator> op, const std::vector<float>& measured,
                     std::vector<float>& image, const IterativeOptions& options) {
    if (!op) throw InvalidArgument("CGLS: no operator given");
    iterative::check_inputs("CGLS", *op, measured, image, options);
    if (options.bounds.constrained()) {
        throw InvalidArgument(
            "CGLS: bounds were given, but CGLS is unconstrained (use SIRT or OS-SART for a "
            "non-negative or bounded image)");
    }
    if (options.relaxation != 1.0) {
        throw InvalidArgument("CGLS: relaxation " + std::to_string(options.relaxation) +
                              ", expected 1 (CGLS chooses its own step)");
    }
    const RunControl& control = options.control;
    const int n_it = options.iterations;
    const int64_t n_in = op->in_shape().size(), n_out = op->out_shape().size();
    const double total = 2.0 + 2.0 * n_it;  // in projections: the start, then two per iteration
    auto share = [&](double start) {
        return ShareOfProgress(control.progress, start / total, 1.0 / total);
    };
    auto forward = [&](const float* x, float* y, double start) {
        ShareOfProgress part = share(start);
        op->apply(x, n_in, y, n_out, MemorySpace::Host, {control.cancel, &part});
    };
    auto back = [&](const float* y, float* x, double start) {
        ShareOfProgress part = share(start);
        op->apply_adjoint(y, n_out, x, n_in, MemorySpace::Host, {control.cancel, &part});
    };

    // r = b - A x, s = A^T r, p = s; the working copy of x is the caller's image itself, updated
    // once per iteration after both projections.
    std::vector<float> r(static_cast<std::size_t>(n_out)), q(static_cast<std::size_t>(n_out));
    std::vector<float> s(static_cast<std::size_t>(n_in)), p(static_cast<std::size_t>(n_in));
    control.check_cancel();
    forward(image.data(), r.data(), 0.0);
    iterative::difference(measured.data(), r.data(), r.data(), n_out);
    back(r.data(), s.data(), 1.0);
    p = s;
    double gamma = iterative::squared_norm(s.data(), n_in);

    IterativeResult result;
    auto record = [&](int iteration) {
        const double norm = std::sqrt(iterative::squared_norm(r.data(), n_out));
        result.residual_norm.push_back(norm);
        result.normal_residual_norm.push_back(std::sqrt(gamma));
        if (iteration > 0 && options.on_iteration) options.on_iteration(iteration, norm);
    };
    record(0);
    for (int it = 1; it <= n_it; ++it) {
        if (!(gamma > 0)) break;  // A^T r = 0: a least-squares solution already
        control.check_cancel();
        const double start = 2.0 * it;
        forward(p.data(), q.data(), start);
        const double qq = iterative::squared_norm(q.data(), n_out);
        if (!(qq > 0)) break;  // p in the null space of A: no step can lower the residual
        const float alpha = static_cast<float>(gamma / qq);
        // Both projections of this iteration are done only after the back projection below, so
        // the caller's image is updated after it (a cancel in it leaves the previous image).
        iterative::axpy(-alpha, q.data(), r.data(), n_out);
        back(r.data(), s.data(), start + 1.0);
        iterative::axpy(alpha, p.data(), image.data(), n_in);
        const double gamma_next = iterative::squared_norm(s.data(), n_in);
        iterative::xpay(s.data(), static_cast<float>(gamma_next / gamma), p.data(), n_in);
        gamma = gamma_next;
        record(it);
        iterative::report_image(options, it, image);
    }
    control.report(1.0);
    return result;
}

}  // namespace radon::recon
