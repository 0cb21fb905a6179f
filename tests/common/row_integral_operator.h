#pragma once

// A stand-in PET projector for tests: the exact line integrals of a voxelised map along the
// grid's x rows through voxel centres, y[j, k] = sum_i mu[i, j, k] dx, written from the
// definition and independent of the projectors under test.

#include <array>
#include <cstdint>
#include <string>

#include "kernels/operator/linear_operator.h"

namespace radon::test {

class RowIntegralOperator final : public LinearOperator {
  public:
    RowIntegralOperator(std::array<int64_t, 3> size, double dx) : size_(size), dx_(dx) {}
    OperatorShape in_shape() const override { return {{size_[0], size_[1], size_[2]}, {}}; }
    OperatorShape out_shape() const override { return {{size_[1], size_[2]}, {}}; }
    DeviceKind device() const override { return DeviceKind::Cpu; }
    std::string description() const override { return "row line integrals"; }

  protected:
    void do_apply(const float* x, float* y, MemorySpace, const RunControl&) const override {
        for (int64_t r = 0; r < size_[1] * size_[2]; ++r) {
            double s = 0;
            for (int64_t i = 0; i < size_[0]; ++i)
                s += x[r * size_[0] + i];
            y[r] = static_cast<float>(s * dx_);
        }
    }
    void do_apply_adjoint(const float* y, float* x, MemorySpace, const RunControl&) const override {
        for (int64_t r = 0; r < size_[1] * size_[2]; ++r)
            for (int64_t i = 0; i < size_[0]; ++i)
                x[r * size_[0] + i] = static_cast<float>(y[r] * dx_);
    }

  private:
    std::array<int64_t, 3> size_;
    double dx_;
};

}  // namespace radon::test
