#pragma once

// A radon LinearOperator as Python sees it: shapes in C order, A x by calling it, A^T y by
// adjoint(), on the device of the array passed (the CPU operator for host arrays, a CUDA one,
// made on first use, for arrays on a GPU).

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nanobind/nanobind.h>

#include "kernels/operator/linear_operator.h"

namespace radon::python {

class PyOperator {
  public:
    // Makes the operator on a device (DeviceKind::Cuda may fall back to the CPU, saying why in
    // the note).
    using Factory =
        std::function<std::shared_ptr<const LinearOperator>(DeviceKind, std::string* note)>;

    // `in_meaning` and `out_meaning` name the axes in messages ("(nz, ny, nx)").
    PyOperator(Factory factory, std::string in_meaning, std::string out_meaning);

    // Shows the output as `shape` (C order, the same number of elements), with axis names: an
    // operator whose output is a flat list of bins that form a sinogram.
    void reshape_output(const std::vector<int64_t>& shape, const std::vector<std::string>& axes);

    const std::vector<int64_t>& in_shape() const { return in_shape_; }
    const std::vector<int64_t>& out_shape() const { return out_shape_; }
    const std::vector<std::string>& in_axes() const { return in_axes_; }
    const std::vector<std::string>& out_axes() const { return out_axes_; }
    std::string description() const { return cpu_->description(); }

    // y = A x (x of in_shape, or a batch of them with one leading axis), into `out` when given.
    nanobind::object apply(nanobind::handle x, nanobind::handle out) const;
    // x = A^T y.
    nanobind::object adjoint(nanobind::handle y, nanobind::handle out) const;

    // The operator on the CPU (what the host-memory reconstruction algorithms take).
    std::shared_ptr<const LinearOperator> cpu() const { return cpu_; }
    const Factory& factory() const { return factory_; }

  private:
    nanobind::object run(bool adjoint, nanobind::handle input, nanobind::handle out) const;
    std::shared_ptr<const LinearOperator> on_device(int device_id) const;

    Factory factory_;
    std::shared_ptr<const LinearOperator> cpu_;
    mutable std::map<int, std::shared_ptr<const LinearOperator>> cuda_;
    std::vector<int64_t> in_shape_, out_shape_;
    std::vector<std::string> in_axes_, out_axes_;
    std::string in_meaning_, out_meaning_;
};

}  // namespace radon::python
