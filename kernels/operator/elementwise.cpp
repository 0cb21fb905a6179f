#include "kernels/operator/elementwise.h"

#include <cstring>

#include "kernels/backend/cuda_elementwise.h"

namespace radon {

namespace {

// The op is fixed outside the loop so that each loop vectorises without a switch per element.
template <BinaryOp op>
void host_elementwise(const float* a, const float* b, float* out, int64_t n) {
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; ++i)
        out[i] = binary_op(op, a[i], b[i]);
}

}  // namespace

void elementwise(BinaryOp op, const float* a, const float* b, float* out, int64_t n,
                 MemorySpace space) {
    if (n <= 0) return;
    if (!a || !b || !out) detail::throw_unbound("elementwise");
    if (space == MemorySpace::Device) return detail::device_elementwise(op, a, b, out, n);
    switch (op) {
        case BinaryOp::Multiply:
            return host_elementwise<BinaryOp::Multiply>(a, b, out, n);
        case BinaryOp::Divide:
            return host_elementwise<BinaryOp::Divide>(a, b, out, n);
        case BinaryOp::Add:
            return host_elementwise<BinaryOp::Add>(a, b, out, n);
    }
}

void fill(float* out, float value, int64_t n, MemorySpace space) {
    if (n <= 0) return;
    if (!out) detail::throw_unbound("fill");
    if (space == MemorySpace::Device) return detail::device_fill(out, value, n);
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; ++i)
        out[i] = value;
}

void gather(const float* full, const int64_t* rows, float* part, int64_t n, MemorySpace space) {
    if (n <= 0) return;
    if (!full || !rows || !part) detail::throw_unbound("gather");
    if (space == MemorySpace::Device) return detail::device_gather(full, rows, part, n);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i)
        part[i] = full[rows[i]];
}

void scatter(const float* part, const int64_t* rows, float* full, int64_t n, MemorySpace space) {
    if (n <= 0) return;
    if (!full || !rows || !part) detail::throw_unbound("scatter");
    if (space == MemorySpace::Device) return detail::device_scatter(part, rows, full, n);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; ++i)
        full[rows[i]] = part[i];
}

namespace {

void copy_bytes(void* dst, MemorySpace dst_space, const void* src, MemorySpace src_space,
                std::size_t bytes) {
    if (bytes == 0) return;
    if (!dst || !src) detail::throw_unbound("copy");
    using detail::CopyDirection;
    if (dst_space == MemorySpace::Host && src_space == MemorySpace::Host) {
        std::memmove(dst, src, bytes);
    } else if (dst_space == MemorySpace::Device && src_space == MemorySpace::Host) {
        detail::device_copy(dst, src, bytes, CopyDirection::HostToDevice);
    } else if (dst_space == MemorySpace::Host) {
        detail::device_copy(dst, src, bytes, CopyDirection::DeviceToHost);
    } else {
        detail::device_copy(dst, src, bytes, CopyDirection::DeviceToDevice);
    }
}

}  // namespace

void copy_values(float* dst, MemorySpace dst_space, const float* src, MemorySpace src_space,
                 int64_t n) {
    if (n > 0) copy_bytes(dst, dst_space, src, src_space, sizeof(float) * std::size_t(n));
}

void copy_indices(int64_t* dst, MemorySpace dst_space, const int64_t* src, MemorySpace src_space,
                  int64_t n) {
    if (n > 0) copy_bytes(dst, dst_space, src, src_space, sizeof(int64_t) * std::size_t(n));
}

double poisson_log_likelihood(const float* measured, const float* expected, int64_t n,
                              MemorySpace space) {
    if (n <= 0) return 0.0;
    if (!measured || !expected) detail::throw_unbound("poisson_log_likelihood");
    if (space == MemorySpace::Device)
        return detail::device_poisson_log_likelihood(measured, expected, n);
    double sum = 0.0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
    for (int64_t i = 0; i < n; ++i)
        sum += poisson_log_likelihood_term(measured[i], expected[i]);
    return sum;
}

Array<float> allocate_values(int64_t n, MemorySpace space) {
    return Array<float>::allocate({n, 1, 1}, space);
}

}  // namespace radon
