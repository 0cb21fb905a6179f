#include <string>
#include "kernels/backend/cuda_elementwise.h"

#include "kernels/core/error.h"

namespace radon::detail {

namespace {

[[noreturn]] void no_cuda(const char* what) {
    throw Error(std::string(what) +
                " on device memory requested, but this build of Radon Studio has no CUDA "
                "backend (configure with -DRADON_CUDA=ON on a machine with nvcc)");
}

}  // namespace

void device_elementwise(BinaryOp, const float*, const float*, float*, int64_t) {
    no_cuda("element-wise arithmetic");
}
void device_fill(float*, float, int64_t) {
    no_cuda("fill");
}
void device_gather(const float*, const int64_t*, float*, int64_t) {
    no_cuda("gather");
}
void device_scatter(const float*, const int64_t*, float*, int64_t) {
    no_cuda("scatter");
}
void device_copy(void*, const void*, std::size_t, CopyDirection) {
    no_cuda("a copy");
}
double device_poisson_log_likelihood(const float*, const float*, int64_t) {
    no_cuda("the Poisson log-likelihood");
}

}  // namespace radon::detail
