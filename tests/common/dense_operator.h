#pragma once

// A dense matrix as a LinearOperator: the independent reference the operator compositions and
// the EM algorithms are tested against. Products are accumulated in double, straight from the
// definition (y_i = sum_j M_ij x_j), so nothing of the code under test is reused.

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kernels/operator/elementwise.h"
#include "kernels/operator/linear_operator.h"

namespace radon::test {

class DenseOperator final : public LinearOperator {
  public:
    // Row-major rows x cols values; shapes default to {cols} and {rows}.
    DenseOperator(int64_t rows, int64_t cols, std::vector<double> values)
        : rows_(rows), cols_(cols), m_(std::move(values)) {
        in_.dims = {cols};
        out_.dims = {rows};
    }
    DenseOperator(OperatorShape in, OperatorShape out, std::vector<double> values)
        : rows_(out.size()), cols_(in.size()), m_(std::move(values)), in_(in), out_(out) {}

    OperatorShape in_shape() const override { return in_; }
    OperatorShape out_shape() const override { return out_; }
    DeviceKind device() const override { return DeviceKind::Cpu; }
    std::string description() const override {
        return "dense " + std::to_string(rows_) + " x " + std::to_string(cols_) + " matrix";
    }

    int64_t rows() const { return rows_; }
    int64_t cols() const { return cols_; }
    double at(int64_t r, int64_t c) const { return m_[static_cast<std::size_t>(r * cols_ + c)]; }
    const std::vector<double>& values() const { return m_; }

    // Uniform [lo, hi) entries; with `zero_fraction` of them set to 0 (sparse like a projector).
    static std::vector<double> random_values(int64_t rows, int64_t cols, std::mt19937& rng,
                                             double lo = 0.0, double hi = 1.0,
                                             double zero_fraction = 0.0) {
        std::uniform_real_distribution<double> u(lo, hi), z(0.0, 1.0);
        std::vector<double> v(static_cast<std::size_t>(rows * cols));
        for (double& e : v)
            e = z(rng) < zero_fraction ? 0.0 : u(rng);
        return v;
    }

  protected:
    void do_apply(const float* x, float* y, MemorySpace, const RunControl& control) const override {
        control.check_cancel();
        for (int64_t r = 0; r < rows_; ++r) {
            double s = 0;
            for (int64_t c = 0; c < cols_; ++c)
                s += at(r, c) * x[c];
            y[r] = static_cast<float>(s);
        }
    }
    void do_apply_adjoint(const float* y, float* x, MemorySpace,
                          const RunControl& control) const override {
        control.check_cancel();
        for (int64_t c = 0; c < cols_; ++c) {
            double s = 0;
            for (int64_t r = 0; r < rows_; ++r)
                s += at(r, c) * y[r];
            x[c] = static_cast<float>(s);
        }
    }

  private:
    int64_t rows_, cols_;
    std::vector<double> m_;
    OperatorShape in_, out_;
};

// An operator that takes device memory by staging through the host: for running the
// compositions and the EM algorithms on device memory against the same dense reference.
class DeviceStagedOperator final : public LinearOperator {
  public:
    explicit DeviceStagedOperator(std::shared_ptr<const LinearOperator> op) : op_(std::move(op)) {}
    OperatorShape in_shape() const override { return op_->in_shape(); }
    OperatorShape out_shape() const override { return op_->out_shape(); }
    DeviceKind device() const override { return DeviceKind::Cuda; }
    bool accepts(MemorySpace) const override { return true; }
    std::string description() const override { return op_->description() + " (staged)"; }

  protected:
    void do_apply(const float* x, float* y, MemorySpace space,
                  const RunControl& control) const override {
        stage(x, in_shape().size(), y, out_shape().size(), space, control, false);
    }
    void do_apply_adjoint(const float* y, float* x, MemorySpace space,
                          const RunControl& control) const override {
        stage(y, out_shape().size(), x, in_shape().size(), space, control, true);
    }

  private:
    void stage(const float* in, int64_t n_in, float* out, int64_t n_out, MemorySpace space,
               const RunControl& control, bool adjoint) const {
        std::vector<float> a(static_cast<std::size_t>(n_in)), b(static_cast<std::size_t>(n_out));
        copy_values(a.data(), MemorySpace::Host, in, space, n_in);
        if (adjoint)
            op_->apply_adjoint(a.data(), n_in, b.data(), n_out, MemorySpace::Host, control);
        else
            op_->apply(a.data(), n_in, b.data(), n_out, MemorySpace::Host, control);
        copy_values(out, space, b.data(), MemorySpace::Host, n_out);
    }

    std::shared_ptr<const LinearOperator> op_;
};

// Matrix product of row-major matrices: (r x k) (k x c).
inline std::vector<double> matrix_product(const std::vector<double>& a,
                                          const std::vector<double>& b, int64_t r, int64_t k,
                                          int64_t c) {
    std::vector<double> p(static_cast<std::size_t>(r * c), 0.0);
    for (int64_t i = 0; i < r; ++i)
        for (int64_t j = 0; j < c; ++j)
            for (int64_t l = 0; l < k; ++l)
                p[i * c + j] += a[i * k + l] * b[l * c + j];
    return p;
}

inline std::vector<float> random_vector(int64_t n, std::mt19937& rng, double lo = -1.0,
                                        double hi = 1.0) {
    std::uniform_real_distribution<double> u(lo, hi);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& e : v)
        e = static_cast<float>(u(rng));
    return v;
}

inline double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += double(a[i]) * b[i];
    return s;
}

}  // namespace radon::test
