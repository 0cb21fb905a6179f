#pragma once

// A dense matrix as a LinearOperator: the independent reference the operator compositions and
// the EM algorithms are tested against. Products are accumulated in double, straight from the
// definition (y_i = sum_j M_ij x_j), so nothing of the code under test is reused.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

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
