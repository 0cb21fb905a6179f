#include "recon/algorithms/os_sart.h"

#include <cmath>

#include "kernels/core/error.h"
#include "recon/algorithms/sirt.h"

namespace radon::recon {

IterativeResult os_sart(std::shared_ptr<const SubsetStack> subsets,
                        const std::vector<float>& measured, std::vector<float>& image,
                        const IterativeOptions& options, const std::string& method) {
    if (!subsets) throw InvalidArgument(method + ": no operator given");
    const SubsetStack& stack = *subsets;
    iterative::check_inputs(method, stack, measured, image, options);
    const RunControl& control = options.control;
    const int n_sub = stack.subset_count();
    const int n_it = options.iterations;
    const int64_t n_in = stack.in_shape().size(), n_out = stack.out_shape().size();

    // With one subset each update's forward projection gives the residual of the image before
    // it, so only the last one costs a projection; with several, each iteration ends with one.
    const bool reuse = n_sub == 1;
    const bool initial = !reuse || n_it == 0, last = reuse && n_it > 0;
    // Progress in units of one full projection: the weights (a forward and a back projection
    // over all subsets), the residuals that are not free, two per iteration.
    const double per_iteration = reuse ? 2.0 : 3.0;
    const double first = initial ? 3.0 : 2.0;
    const double total = first + per_iteration * n_it + (last ? 1.0 : 0.0);
    auto share = [&](double start, double length) {
        return ShareOfProgress(control.progress, start / total, length / total);
    };

    std::vector<SirtWeights> weights(static_cast<std::size_t>(n_sub));
    std::vector<std::vector<float>> b(static_cast<std::size_t>(n_sub));
    for (int k = 0; k < n_sub; ++k) {
        control.check_cancel();
        ShareOfProgress part = share(2.0 * k / n_sub, 2.0 / n_sub);
        weights[k] = sirt_weights(stack.subset(k), {control.cancel, &part});
        b[k].resize(stack.rows(k).size());
        stack.gather_rows(k, measured.data(), b[k].data(), MemorySpace::Host);
    }

    IterativeResult result;
    auto record = [&](int iteration, double norm) {
        result.residual_norm.push_back(norm);
        if (iteration > 0 && options.on_iteration) options.on_iteration(iteration, norm);
    };
    std::vector<float> full(static_cast<std::size_t>(n_out));
    auto full_residual = [&](double start) {
        ShareOfProgress part = share(start, 1.0);
        stack.apply(image.data(), n_in, full.data(), n_out, MemorySpace::Host,
                    {control.cancel, &part});
        iterative::difference(measured.data(), full.data(), full.data(), n_out);
        return std::sqrt(iterative::squared_norm(full.data(), n_out));
    };

    SirtWork work;
    if (initial) record(0, full_residual(2.0));
    for (int it = 1; it <= n_it; ++it) {
        const double start = first + per_iteration * (it - 1);
        for (int k = 0; k < n_sub; ++k) {
            control.check_cancel();
            ShareOfProgress part = share(start + 2.0 * k / n_sub, 2.0 / n_sub);
            const double norm =
                sirt_step(stack.subset(k), weights[k], b[k].data(), image, options.relaxation,
                          options.bounds, work, {control.cancel, &part});
            if (reuse) record(it - 1, norm);
        }
        if (!reuse) record(it, full_residual(start + 2.0));
        iterative::report_image(options, it, image);
    }
    if (last) record(n_it, full_residual(total - 1.0));
    control.report(1.0);
    return result;
}

}  // namespace radon::recon
