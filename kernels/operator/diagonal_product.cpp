#include "kernels/operator/diagonal_product.h"

#include <utility>

#include "kernels/operator/elementwise.h"

namespace radon {

DiagonalProduct::DiagonalProduct(std::shared_ptr<const LinearOperator> op,
                                 std::vector<float> diagonal, DiagonalSide side)
    : op_(std::move(op)), diagonal_(std::move(diagonal)), side_(side) {
    if (!op_) throw InvalidArgument("diagonal product: no operator given");
    const bool output = side_ == DiagonalSide::Output;
    const OperatorShape shape = output ? op_->out_shape() : op_->in_shape();
    if (diagonal_.size() != shape.size()) {
        throw InvalidArgument("diagonal product with " + op_->description() +
                              ": the diagonal has " + std::to_string(diagonal_.size()) +
                              " values, expected one per " + (output ? "output" : "input") +
                              " element: " + std::to_string(shape.size()) + " (" +
                              shape.to_string() + ")");
    }
}

std::string DiagonalProduct::description() const {
    return side_ == DiagonalSide::Output ? "diag * (" + op_->description() + ")"
                                         : "(" + op_->description() + ") * diag";
}

void DiagonalProduct::do_apply(const float* x, float* y, MemorySpace space,
                               const RunControl& control) const {
    const float* d = diagonal_.data(space);
    const int64_t n_in = op_->in_shape().size(), n_out = op_->out_shape().size();
    if (side_ == DiagonalSide::Output) {
        op_->apply(x, n_in, y, n_out, space, control);
        elementwise(BinaryOp::Multiply, y, d, y, n_out, space);
    } else {
        Array<float> scaled = allocate_values(n_in, space);
        float* s = data_of(scaled);
        elementwise(BinaryOp::Multiply, x, d, s, n_in, space);
        op_->apply(s, n_in, y, n_out, space, control);
    }
}

void DiagonalProduct::do_apply_adjoint(const float* y, float* x, MemorySpace space,
                                       const RunControl& control) const {
    const float* d = diagonal_.data(space);
    const int64_t n_in = op_->in_shape().size(), n_out = op_->out_shape().size();
    if (side_ == DiagonalSide::Output) {
        Array<float> scaled = allocate_values(n_out, space);
        float* s = data_of(scaled);
        elementwise(BinaryOp::Multiply, y, d, s, n_out, space);
        op_->apply_adjoint(s, n_out, x, n_in, space, control);
    } else {
        op_->apply_adjoint(y, n_out, x, n_in, space, control);
        elementwise(BinaryOp::Multiply, x, d, x, n_in, space);
    }
}

}  // namespace radon
