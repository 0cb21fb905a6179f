#pragma once

#include <memory>
#include <vector>

#include "kernels/operator/linear_operator.h"
#include "kernels/operator/mirrored_values.h"

namespace radon {

// Which side of an operator A a diagonal D multiplies.
enum class DiagonalSide {
    Output,  // D A: y = d ⊙ (A x), A^T (d ⊙ y). PET per-bin factors (normalisation, attenuation).
    Input,  // A D: y = A (d ⊙ x), d ⊙ (A^T y). Per-voxel weights.
};

// The product of an operator and a diagonal matrix, itself a LinearOperator on the inner
// operator's device and memory spaces. The diagonal is kept on the host and copied to the device
// on the first call that passes device memory.
class DiagonalProduct final : public LinearOperator {
  public:
    // Throws InvalidArgument when `diagonal` does not have one value per output (Output) or
    // input (Input) element, naming both sizes and the operator's shape.
    DiagonalProduct(std::shared_ptr<const LinearOperator> op, std::vector<float> diagonal,
                    DiagonalSide side);

    OperatorShape in_shape() const override { return op_->in_shape(); }
    OperatorShape out_shape() const override { return op_->out_shape(); }
    DeviceKind device() const override { return op_->device(); }
    bool accepts(MemorySpace space) const override { return op_->accepts(space); }
    std::string description() const override;

    const LinearOperator& inner() const { return *op_; }
    const std::vector<float>& diagonal() const { return diagonal_.host(); }
    DiagonalSide side() const { return side_; }

  protected:
    void do_apply(const float* x, float* y, MemorySpace space,
                  const RunControl& control) const override;
    void do_apply_adjoint(const float* y, float* x, MemorySpace space,
                          const RunControl& control) const override;

  private:
    std::shared_ptr<const LinearOperator> op_;
    MirroredValues<float> diagonal_;
    DiagonalSide side_;
};

}  // namespace radon
