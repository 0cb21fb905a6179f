#include "recon/algorithms/iterative.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/operator/elementwise_math.h"

namespace radon::recon::iterative {

namespace {

// Below this many elements a loop is done before a thread team has woken up.
constexpr int64_t kParallelMin = 1 << 15;

void check_finite(const std::string& method, const std::vector<float>& values, int64_t expected,
                  const std::string& what, const OperatorShape& shape) {
    if (static_cast<int64_t>(values.size()) != expected) {
        throw InvalidArgument(method + ": " + what + " has " + std::to_string(values.size()) +
                              " values, expected " + std::to_string(expected) + " (" +
                              shape.to_string() + ")");
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            std::ostringstream msg;
            msg << method << ": " << what << ", element " << i << " is " << values[i]
                << ", expected a finite value";
            throw InvalidArgument(msg.str());
        }
    }
}

}  // namespace

void check_inputs(const std::string& method, const LinearOperator& op,
                  const std::vector<float>& measured, const std::vector<float>& image,
                  const IterativeOptions& options) {
    const OperatorShape in = op.in_shape(), out = op.out_shape();
    check_finite(method, measured, out.size(), "measured data", out);
    check_finite(method, image, in.size(), "initial image", in);
    if (options.iterations < 0) {
        throw InvalidArgument(method + ": " + std::to_string(options.iterations) +
                              " iterations, expected 0 or more");
    }
    if (options.image_every < 0) {
        throw InvalidArgument(method + ": an image every " + std::to_string(options.image_every) +
                              " iterations, expected 0 (none) or more");
    }
    if (!(options.relaxation > 0 && options.relaxation < 2)) {
        std::ostringstream msg;
        msg << method << ": relaxation " << options.relaxation << ", expected a value in (0, 2)";
        throw InvalidArgument(msg.str());
    }
    const Bounds& b = options.bounds;
    if (std::isnan(b.lower) || std::isnan(b.upper) || b.lower > b.upper) {
        std::ostringstream msg;
        msg << method << ": bounds [" << b.lower << ", " << b.upper
            << "], expected lower <= upper (infinite for none)";
        throw InvalidArgument(msg.str());
    }
}

double squared_norm(const float* a, int64_t n) {
    return dot(a, a, n);
}

double dot(const float* a, const float* b, int64_t n) {
    double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static) if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i)
        sum += double(a[i]) * double(b[i]);
    return sum;
}

void axpy(float alpha, const float* x, float* y, int64_t n) {
#pragma omp parallel for schedule(static) if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i)
        y[i] += alpha * x[i];
}

void xpay(const float* x, float beta, float* y, int64_t n) {
#pragma omp parallel for schedule(static) if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i)
        y[i] = x[i] + beta * y[i];
}

void difference(const float* b, const float* a, float* out, int64_t n) {
#pragma omp parallel for schedule(static) if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i)
        out[i] = b[i] - a[i];
}

void invert_or_zero(float* v, int64_t n) {
#pragma omp parallel for schedule(static) if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i)
        v[i] = ratio_or_zero(1.0f, v[i]);
}

double weighted_residual(const float* b, float* r, const float* w, int64_t n) {
    double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static) if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i) {
        const float d = b[i] - r[i];
        sum += double(d) * double(d);
        r[i] = w[i] * d;
    }
    return sum;
}

void weighted_step(float* x, float alpha, const float* w, const float* u, int64_t n,
                   const Bounds& bounds) {
    const float lo = bounds.lower, hi = bounds.upper;
#pragma omp parallel for schedule(static) if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i)
        x[i] = std::min(std::max(x[i] + alpha * (w[i] * u[i]), lo), hi);
}

void report_image(const IterativeOptions& options, int k, const std::vector<float>& image) {
    if (!options.on_image || options.image_every <= 0) return;
    if (k % options.image_every != 0 && k != options.iterations) return;
    options.on_image(k, image);
}

}  // namespace radon::recon::iterative
