#pragma once

#include <mutex>
#include <utility>
#include <vector>

#include "kernels/core/array.h"
#include "kernels/operator/elementwise.h"

namespace radon {

// Values an operator keeps (a diagonal, a list of rows), held on the host and copied to the
// device the first time a call on device memory needs them; the copy is kept for later calls.
template <class T>
class MirroredValues {
  public:
    explicit MirroredValues(std::vector<T> host) : host_(std::move(host)) {}

    const std::vector<T>& host() const { return host_; }
    int64_t size() const { return static_cast<int64_t>(host_.size()); }

    const T* data(MemorySpace space) const {
        if (space == MemorySpace::Host) return host_.data();
        std::lock_guard<std::mutex> lock(mutex_);
        if (!device_.bound()) {
            Array<T> copy = Array<T>::allocate({size(), 1, 1}, MemorySpace::Device);
            copy_to_device(copy.device_data());
            device_ = std::move(copy);
        }
        return device_.device_data();
    }

  private:
    void copy_to_device(float* dst) const {
        copy_values(dst, MemorySpace::Device, host_.data(), MemorySpace::Host, size());
    }
    void copy_to_device(int64_t* dst) const {
        copy_indices(dst, MemorySpace::Device, host_.data(), MemorySpace::Host, size());
    }

    std::vector<T> host_;
    mutable std::mutex mutex_;
    mutable Array<T> device_;
};

}  // namespace radon
