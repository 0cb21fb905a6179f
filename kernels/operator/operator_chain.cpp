#include "kernels/operator/operator_chain.h"

#include <utility>

#include "kernels/operator/elementwise.h"

namespace radon {

OperatorChain::OperatorChain(std::vector<std::shared_ptr<const LinearOperator>> factors)
    : factors_(std::move(factors)) {
    if (factors_.empty()) throw InvalidArgument("operator chain: no operators given");
    for (std::size_t k = 0; k < factors_.size(); ++k)
        if (!factors_[k])
            throw InvalidArgument("operator chain: factor " + std::to_string(k) + " is null");
    for (std::size_t k = 0; k + 1 < factors_.size(); ++k) {
        const OperatorShape takes = factors_[k]->in_shape(), gives = factors_[k + 1]->out_shape();
        if (takes != gives) {
            throw InvalidArgument("operator chain: factor " + std::to_string(k) + " (" +
                                  factors_[k]->description() + ") takes " + takes.to_string() +
                                  ", but factor " + std::to_string(k + 1) + " (" +
                                  factors_[k + 1]->description() + ") gives " + gives.to_string());
        }
    }
}

bool OperatorChain::accepts(MemorySpace space) const {
    for (const auto& f : factors_)
        if (!f->accepts(space)) return false;
    return true;
}

std::string OperatorChain::description() const {
    std::string d;
    for (const auto& f : factors_)
        d += (d.empty() ? "(" : " * (") + f->description() + ")";
    return d;
}

void OperatorChain::do_apply(const float* x, float* y, MemorySpace space,
                             const RunControl& control) const {
    const std::size_t n = factors_.size();
    Array<float> current;  // the last result, input to the next factor
    const float* in = x;
    for (std::size_t step = 0; step < n; ++step) {
        const LinearOperator& f = *factors_[n - 1 - step];
        ShareOfProgress share(control.progress, double(step) / n, 1.0 / n);
        const RunControl part{control.cancel, &share};
        control.check_cancel();
        if (step + 1 == n) {
            f.apply(in, f.in_shape().size(), y, f.out_shape().size(), space, part);
        } else {
            Array<float> next = allocate_values(f.out_shape().size(), space);
            f.apply(in, f.in_shape().size(), data_of(next), next.size(), space, part);
            current = std::move(next);
            in = data_of(current);
        }
    }
    control.report(1.0);
}

void OperatorChain::do_apply_adjoint(const float* y, float* x, MemorySpace space,
                                     const RunControl& control) const {
    const std::size_t n = factors_.size();
    Array<float> current;
    const float* in = y;
    for (std::size_t step = 0; step < n; ++step) {
        const LinearOperator& f = *factors_[step];
        ShareOfProgress share(control.progress, double(step) / n, 1.0 / n);
        const RunControl part{control.cancel, &share};
        control.check_cancel();
        if (step + 1 == n) {
            f.apply_adjoint(in, f.out_shape().size(), x, f.in_shape().size(), space, part);
        } else {
            Array<float> next = allocate_values(f.in_shape().size(), space);
            f.apply_adjoint(in, f.out_shape().size(), data_of(next), next.size(), space, part);
            current = std::move(next);
            in = data_of(current);
        }
    }
    control.report(1.0);
}

}  // namespace radon
