#pragma once

#include <memory>
#include <vector>

#include "kernels/operator/linear_operator.h"

namespace radon {

// The product A_0 A_1 ... A_{n-1} of operators, itself a LinearOperator: apply runs A_{n-1}
// first, apply_adjoint runs A_0^T first. Intermediate results are allocated per call in the
// memory space of the call. Each factor reports its share of the progress.
class OperatorChain final : public LinearOperator {
  public:
    // Throws InvalidArgument for an empty list, a null factor, or neighbours whose shapes do not
    // meet (A_k's input shape must equal A_{k+1}'s output shape), naming both shapes.
    explicit OperatorChain(std::vector<std::shared_ptr<const LinearOperator>> factors);

    OperatorShape in_shape() const override { return factors_.back()->in_shape(); }
    OperatorShape out_shape() const override { return factors_.front()->out_shape(); }
    DeviceKind device() const override { return factors_.front()->device(); }
    bool accepts(MemorySpace space) const override;
    std::string description() const override;

    const std::vector<std::shared_ptr<const LinearOperator>>& factors() const { return factors_; }

  protected:
    void do_apply(const float* x, float* y, MemorySpace space,
                  const RunControl& control) const override;
    void do_apply_adjoint(const float* y, float* x, MemorySpace space,
                          const RunControl& control) const override;

  private:
    std::vector<std::shared_ptr<const LinearOperator>> factors_;
};

}  // namespace radon
