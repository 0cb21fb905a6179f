#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/array.h"
#include "kernels/core/progress.h"

namespace radon {

// The extents of an operator's input or output, fastest-varying axis first (as Extents), with a
// name per axis so that messages and files can say which axis is which ("radial", "view", ...).
struct OperatorShape {
    std::vector<int64_t> dims;
    std::vector<std::string> axis_names;  // empty, or one name per dim

    int64_t size() const;
    std::string to_string() const;  // "415 (radial) x 8 (view) x 1296 (plane)"
    bool operator==(const OperatorShape& other) const { return dims == other.dims; }
    bool operator!=(const OperatorShape& other) const { return !(*this == other); }
};

// A linear map A from in_shape() to out_shape(), evaluated on one device. Every PET and CT
// projector implements it, and reconstruction talks only to it.
//
// apply() writes y = A x and apply_adjoint() writes x = A^T y into caller-provided float arrays
// (overwritten, not accumulated). Both arrays live in `space`: an operator on the CPU takes host
// memory only; a CUDA operator takes device memory, or host memory that it stages itself.
// The sizes are checked before any work; a mismatch throws InvalidArgument naming both shapes.
class LinearOperator {
  public:
    virtual ~LinearOperator() = default;

    virtual OperatorShape in_shape() const = 0;
    virtual OperatorShape out_shape() const = 0;
    virtual DeviceKind device() const = 0;
    // True when apply/apply_adjoint accept `space` memory.
    virtual bool accepts(MemorySpace space) const { return space == MemorySpace::Host; }
    // What the operator is, in a few words, for messages and logs ("Joseph TOF projector").
    virtual std::string description() const = 0;

    void apply(const float* x, int64_t x_size, float* y, int64_t y_size,
               MemorySpace space = MemorySpace::Host, const RunControl& control = {}) const;
    void apply_adjoint(const float* y, int64_t y_size, float* x, int64_t x_size,
                       MemorySpace space = MemorySpace::Host, const RunControl& control = {}) const;

    void apply(const Array<float>& x, Array<float>& y, const RunControl& control = {}) const;
    void apply_adjoint(const Array<float>& y, Array<float>& x,
                       const RunControl& control = {}) const;

  protected:
    // Called after the sizes and memory space have been checked.
    virtual void do_apply(const float* x, float* y, MemorySpace space,
                          const RunControl& control) const = 0;
    virtual void do_apply_adjoint(const float* y, float* x, MemorySpace space,
                                  const RunControl& control) const = 0;
};

}  // namespace radon
