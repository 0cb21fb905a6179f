#include "kernels/core/thread_partials.h"

#include <omp.h>

#include <algorithm>

namespace radon {

ThreadPartials::ThreadPartials(float* out, int64_t size, int threads)
    : out_(out),
      size_(size),
      threads_(std::max(1, threads)),
      copies_(std::size_t(threads_ - 1) * std::size_t(size)),
      arrays_(std::size_t(threads_)) {
    for (int t = 0; t < threads_; ++t)
        arrays_[t] = t == 0 ? out_ : copies_.data() + std::size_t(t - 1) * std::size_t(size_);
    std::fill(out_, out_ + size_, 0.0f);
}

void ThreadPartials::reduce() {
    if (threads_ < 2) return;
    const std::size_t n = std::size_t(size_);
#pragma omp parallel for schedule(static) num_threads(threads_)
    for (int64_t v = 0; v < size_; ++v) {
        float sum = out_[v];
        for (int t = 1; t < threads_; ++t)
            sum += copies_[std::size_t(t - 1) * n + std::size_t(v)];
        out_[v] = sum;
    }
}

int partial_threads(int64_t size, int wanted, std::size_t budget_bytes) {
    const std::size_t bytes = std::size_t(size) * sizeof(float);
    const std::size_t copies = bytes ? budget_bytes / bytes : 0;
    return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(wanted, int64_t(copies) + 1)));
}

}  // namespace radon
