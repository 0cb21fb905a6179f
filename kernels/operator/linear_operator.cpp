#include "kernels/operator/linear_operator.h"

#include <sstream>

namespace radon {

int64_t OperatorShape::size() const {
    int64_t n = 1;
    for (const int64_t d : dims)
        n *= d;
    return n;
}

std::string OperatorShape::to_string() const {
    std::ostringstream out;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i) out << " x ";
        out << dims[i];
        if (i < axis_names.size() && !axis_names[i].empty()) out << " (" << axis_names[i] << ")";
    }
    return out.str();
}

namespace {

void check_call(const LinearOperator& op, const char* what, const char* in_name, int64_t in_size,
                const OperatorShape& in_shape, const char* out_name, int64_t out_size,
                const OperatorShape& out_shape, MemorySpace space) {
    if (!op.accepts(space))
        throw InvalidArgument(op.description() + ": " + what + " was given " + to_string(space) +
                              " memory, which this operator (on " + to_string(op.device()) +
                              ") does not take");
    if (in_size != in_shape.size())
        throw InvalidArgument(op.description() + ": " + what + ": " + in_name + " has " +
                              std::to_string(in_size) + " values, expected " +
                              std::to_string(in_shape.size()) + " (" + in_shape.to_string() + ")");
    if (out_size != out_shape.size())
        throw InvalidArgument(op.description() + ": " + what + ": " + out_name + " has " +
                              std::to_string(out_size) + " values, expected " +
                              std::to_string(out_shape.size()) + " (" + out_shape.to_string() +
                              ")");
}

}  // namespace

void LinearOperator::apply(const float* x, int64_t x_size, float* y, int64_t y_size,
                           MemorySpace space, const RunControl& control) const {
    check_call(*this, "apply", "the input", x_size, in_shape(), "the output", y_size, out_shape(),
               space);
    if ((x_size && !x) || (y_size && !y)) detail::throw_unbound("LinearOperator::apply");
    do_apply(x, y, space, control);
}

void LinearOperator::apply_adjoint(const float* y, int64_t y_size, float* x, int64_t x_size,
                                   MemorySpace space, const RunControl& control) const {
    check_call(*this, "apply_adjoint", "the input", y_size, out_shape(), "the output", x_size,
               in_shape(), space);
    if ((x_size && !x) || (y_size && !y)) detail::throw_unbound("LinearOperator::apply_adjoint");
    do_apply_adjoint(y, x, space, control);
}

void LinearOperator::apply(const Array<float>& x, Array<float>& y,
                           const RunControl& control) const {
    const MemorySpace space = x.space();
    if (y.space() != space) detail::throw_wrong_space("LinearOperator::apply", space, y.space());
    const float* xp = space == MemorySpace::Host ? x.host_data() : x.device_data();
    float* yp = space == MemorySpace::Host ? y.host_data() : y.device_data();
    apply(xp, x.size(), yp, y.size(), space, control);
}

void LinearOperator::apply_adjoint(const Array<float>& y, Array<float>& x,
                                   const RunControl& control) const {
    const MemorySpace space = y.space();
    if (x.space() != space)
        detail::throw_wrong_space("LinearOperator::apply_adjoint", space, x.space());
    const float* yp = space == MemorySpace::Host ? y.host_data() : y.device_data();
    float* xp = space == MemorySpace::Host ? x.host_data() : x.device_data();
    apply_adjoint(yp, y.size(), xp, x.size(), space, control);
}

}  // namespace radon
