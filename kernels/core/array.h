#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/core/error.h"

namespace radon {

enum class MemorySpace { Host, Device };

const char* to_string(MemorySpace space);

// Extents with x fastest in memory, as ITK stores images: a volume is {nx, ny, nz}, a 2D image
// {width, height, 1}.
using Extents = std::array<int64_t, 3>;

int64_t element_count(const Extents& extents);

namespace detail {
// Raw allocations for Array; device memory exists only in CUDA builds and otherwise throws.
std::shared_ptr<void> allocate_bytes(std::size_t bytes, MemorySpace space);
// Bytes for `extents` of `element_size`-byte elements; throws InvalidArgument for a negative
// extent or a size that does not fit in memory addresses.
std::size_t checked_bytes(const Extents& extents, std::size_t element_size);
// Copies `bytes` from `source` in `space` (host or device memory) to host memory `target`.
void copy_bytes_to_host(void* target, const void* source, std::size_t bytes, MemorySpace space);
[[noreturn]] void throw_unbound(const char* what);
[[noreturn]] void throw_wrong_space(const char* what, MemorySpace wanted, MemorySpace actual);
}  // namespace detail

// A typed n-d array that either owns its memory or aliases memory owned elsewhere (an ITK image
// buffer, a VTK array, a numpy buffer), on the host or on a device. A default-constructed Array
// is unbound: touching its data throws instead of dereferencing a null pointer.
template <class T>
class Array {
  public:
    Array() = default;

    static Array allocate(const Extents& extents, MemorySpace space = MemorySpace::Host) {
        Array a;
        a.extents_ = extents;
        a.space_ = space;
        a.owner_ = detail::allocate_bytes(detail::checked_bytes(extents, sizeof(T)), space);
        a.data_ = static_cast<T*>(a.owner_.get());
        return a;
    }

    // The caller keeps `data` alive for as long as this Array (or a copy of it) is used.
    static Array alias(T* data, const Extents& extents, MemorySpace space = MemorySpace::Host) {
        if (!data) detail::throw_unbound("Array::alias");
        detail::checked_bytes(extents, sizeof(T));
        Array a;
        a.extents_ = extents;
        a.space_ = space;
        a.data_ = data;
        return a;
    }

    bool bound() const { return data_ != nullptr; }
    bool owns_memory() const { return owner_ != nullptr; }
    MemorySpace space() const { return space_; }
    const Extents& extents() const { return extents_; }
    int64_t size() const { return element_count(extents_); }
    std::size_t bytes() const { return sizeof(T) * static_cast<std::size_t>(size()); }

    T* host_data() { return checked(MemorySpace::Host, "host_data"); }
    const T* host_data() const { return checked(MemorySpace::Host, "host_data"); }
    T* device_data() { return checked(MemorySpace::Device, "device_data"); }
    const T* device_data() const { return checked(MemorySpace::Device, "device_data"); }

    T& operator[](int64_t i) { return host_data()[i]; }
    const T& operator[](int64_t i) const { return host_data()[i]; }

  private:
    T* checked(MemorySpace wanted, const char* what) const {
        if (!data_) detail::throw_unbound(what);
        if (space_ != wanted) detail::throw_wrong_space(what, wanted, space_);
        return data_;
    }

    Extents extents_{0, 0, 0};
    MemorySpace space_ = MemorySpace::Host;
    std::shared_ptr<void> owner_;
    T* data_ = nullptr;
};

// A host copy of `array`, wherever it lives: what a consumer that uploads host memory itself (a
// DRR renderer) takes from an array on a device.
template <class T>
Array<T> copy_to_host(const Array<T>& array) {
    if (!array.bound()) detail::throw_unbound("copy_to_host");
    Array<T> copy = Array<T>::allocate(array.extents(), MemorySpace::Host);
    const T* source =
        array.space() == MemorySpace::Host ? array.host_data() : array.device_data();
    detail::copy_bytes_to_host(copy.host_data(), source, array.bytes(), array.space());
    return copy;
}

}  // namespace radon
