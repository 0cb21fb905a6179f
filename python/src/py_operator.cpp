#include "python/src/py_operator.h"

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "python/src/array_args.h"

#include <stdexcept>

namespace radon::python {
namespace nb = nanobind;

PyOperator::PyOperator(Factory factory, std::string in_meaning, std::string out_meaning)
    : factory_(std::move(factory)),
      in_meaning_(std::move(in_meaning)),
      out_meaning_(std::move(out_meaning)) {
    cpu_ = factory_(DeviceKind::Cpu, nullptr);
    const OperatorShape in = cpu_->in_shape();
    const OperatorShape out = cpu_->out_shape();
    in_shape_ = reversed(in.dims);
    out_shape_ = reversed(out.dims);
    in_axes_.assign(in.axis_names.rbegin(), in.axis_names.rend());
    out_axes_.assign(out.axis_names.rbegin(), out.axis_names.rend());
}

void PyOperator::reshape_output(const std::vector<int64_t>& shape,
                                const std::vector<std::string>& axes) {
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    if (n != cpu_->out_shape().size()) {
        throw std::logic_error("PyOperator::reshape_output: element counts differ");
    }
    out_shape_ = shape;
    out_axes_ = axes;
}

std::shared_ptr<const LinearOperator> PyOperator::on_device(int device_id) const {
    auto found = cuda_.find(device_id);
    if (found != cuda_.end()) return found->second;
    use_cuda_device(device_id);
    std::string note;
    auto op = factory_(DeviceKind::Cuda, &note);
    if (!op->accepts(MemorySpace::Device)) {
        throw nb::value_error(("the arrays are on cuda:" + std::to_string(device_id) +
                               " but this operator cannot run there" +
                               (note.empty() ? std::string() : ": " + note) + "; pass CPU arrays")
                                  .c_str());
    }
    cuda_[device_id] = op;
    return op;
}

nb::object PyOperator::run(bool adjoint, nb::handle input, nb::handle out) const {
    const char* name = adjoint ? "y" : "x";
    const std::vector<int64_t>& from = adjoint ? out_shape_ : in_shape_;
    const std::vector<int64_t>& to = adjoint ? in_shape_ : out_shape_;
    const std::string& from_meaning = adjoint ? out_meaning_ : in_meaning_;
    const std::string& to_meaning = adjoint ? in_meaning_ : out_meaning_;

    const FloatArray a = float_array(input, name);
    // One leading batch axis is allowed: each item is mapped on its own.
    const bool batched = a.shape.size() == from.size() + 1;
    std::vector<int64_t> expected = from;
    std::vector<int64_t> result_shape = to;
    int64_t batch = 1;
    if (batched) {
        batch = a.shape[0];
        expected.insert(expected.begin(), batch);
        result_shape.insert(result_shape.begin(), batch);
    }
    check_shape(a, name, expected,
                from_meaning + (batched ? " with a leading batch axis" : "") +
                    " (or one more leading axis for a batch)");
    float* result = nullptr;
    nb::object handed = output_array(out, result_shape, to_meaning, a, name, &result);

    const auto op = a.space == MemorySpace::Host ? cpu_ : on_device(a.device_id);
    const int64_t n_from = a.size() / batch;
    int64_t n_to = 1;
    for (int64_t d : to)
        n_to *= d;
    nb::gil_scoped_release release;
    if (a.space == MemorySpace::Device) use_cuda_device(a.device_id);
    for (int64_t k = 0; k < batch; ++k) {
        const float* src = a.data + k * n_from;
        float* dst = result + k * n_to;
        if (adjoint) {
            op->apply_adjoint(src, n_from, dst, n_to, a.space);
        } else {
            op->apply(src, n_from, dst, n_to, a.space);
        }
    }
    return handed;
}

nb::object PyOperator::apply(nb::handle x, nb::handle out) const {
    return run(false, x, out);
}
nb::object PyOperator::adjoint(nb::handle y, nb::handle out) const {
    return run(true, y, out);
}

}  // namespace radon::python
