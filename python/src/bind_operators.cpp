// The Operator class every projector is handed out as.

#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "python/src/bindings.h"
#include "python/src/py_operator.h"

namespace radon::python {
namespace nb = nanobind;
using namespace nb::literals;

namespace {

nb::tuple as_tuple(const std::vector<int64_t>& v) {
    nb::list l;
    for (int64_t d : v)
        l.append(d);
    return nb::tuple(l);
}

}  // namespace

void bind_operators(nb::module_& m) {
    nb::class_<PyOperator>(
        m, "Operator",
        "A linear operator A (a projector): A(x) gives A x, A.adjoint(y) gives A^T y (its exact "
        "adjoint). Arrays are float32, C-contiguous, of shape in_shape / out_shape (or with one "
        "leading batch axis), from NumPy, PyTorch, CuPy or anything with __dlpack__; they are "
        "used in place, and the work runs on their device (CPU, or the GPU they live on). The "
        "result is written into `out` when given, else into a new array of the input's library "
        "on its device.",
        nb::is_weak_referenceable())
        .def_prop_ro("in_shape", [](const PyOperator& op) { return as_tuple(op.in_shape()); })
        .def_prop_ro("out_shape", [](const PyOperator& op) { return as_tuple(op.out_shape()); })
        .def_prop_ro("in_axes", &PyOperator::in_axes, "Axis names of the input, in C order.")
        .def_prop_ro("out_axes", &PyOperator::out_axes, "Axis names of the output, in C order.")
        .def_prop_ro("description", &PyOperator::description)
        .def("__call__", &PyOperator::apply, "x"_a.none(), "out"_a = nb::none(),
             nb::sig("def __call__(self, x: Array, out: Array | None = None) -> Array"), "y = A x.")
        .def("apply", &PyOperator::apply, "x"_a.none(), "out"_a = nb::none(),
             nb::sig("def apply(self, x: Array, out: Array | None = None) -> Array"), "y = A x.")
        .def("adjoint", &PyOperator::adjoint, "y"_a.none(), "out"_a = nb::none(),
             nb::sig("def adjoint(self, y: Array, out: Array | None = None) -> Array"),
             "x = A^T y.")
        .def("__repr__", [](const PyOperator& op) { return "Operator(" + op.description() + ")"; });
}

}  // namespace radon::python
