#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace radon {

// Lock-free scatter on the CPU: each thread of a back projection adds into its own copy of the
// output (thread 0 into the output itself), and the copies are summed at the end, element by
// element in thread order. The sum over rays then depends on how rays fall to threads (a dynamic
// schedule): results agree to float rounding between runs, not bit for bit, unless one thread.
class ThreadPartials {
  public:
    // Zeroes out[0 .. size) and allocates threads - 1 zeroed copies.
    ThreadPartials(float* out, int64_t size, int threads);

    int threads() const { return threads_; }
    // The array thread t writes.
    float* const* arrays() const { return arrays_.data(); }
    // Adds every copy into the output (OpenMP over elements).
    void reduce();

  private:
    float* out_;
    int64_t size_;
    int threads_;
    std::vector<float> copies_;
    std::vector<float*> arrays_;
};

// The threads a scatter into `size` floats may use: `wanted`, fewer when the copies would exceed
// `budget_bytes` of host memory beyond the output (at least one).
int partial_threads(int64_t size, int wanted, std::size_t budget_bytes);

}  // namespace radon
