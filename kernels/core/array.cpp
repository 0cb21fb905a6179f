#include "kernels/core/array.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>

namespace radon {

const char* to_string(MemorySpace space) {
    return space == MemorySpace::Host ? "host" : "device";
}

int64_t element_count(const Extents& extents) {
    return extents[0] * extents[1] * extents[2];
}

namespace detail {

// Defined in kernels/cuda/device_memory.cu in CUDA builds, in no_device_memory.cpp otherwise.
std::shared_ptr<void> allocate_device_bytes(std::size_t bytes);
void copy_device_bytes_to_host(void* target, const void* source, std::size_t bytes);

void copy_bytes_to_host(void* target, const void* source, std::size_t bytes, MemorySpace space) {
    if (space == MemorySpace::Device) {
        copy_device_bytes_to_host(target, source, bytes);
    } else if (bytes > 0) {
        std::memcpy(target, source, bytes);
    }
}

std::size_t checked_bytes(const Extents& extents, std::size_t element_size) {
    std::size_t total = element_size;
    for (int64_t e : extents) {
        if (e < 0 || __builtin_mul_overflow(total, static_cast<std::size_t>(e), &total) ||
            total > (std::size_t(1) << 56)) {
            throw InvalidArgument("array extents " + std::to_string(extents[0]) + "x" +
                                  std::to_string(extents[1]) + "x" + std::to_string(extents[2]) +
                                  " are negative or too large to address");
        }
    }
    return total;
}

std::shared_ptr<void> allocate_bytes(std::size_t bytes, MemorySpace space) {
    if (space == MemorySpace::Device) return allocate_device_bytes(bytes);
    // Large arrays (volumes) go on 2 MiB huge pages where the kernel allows it: ray walks jump
    // across the volume, and with 4 KiB pages most of their time goes to TLB misses.
    // Small ones get 64-byte alignment: whole cache lines and aligned AVX-512 loads.
    constexpr std::size_t kHugePage = std::size_t(2) << 20;
    const std::size_t alignment = bytes >= kHugePage ? kHugePage : 64;
    const std::size_t rounded =
        bytes == 0 ? alignment : ((bytes + alignment - 1) / alignment) * alignment;
    void* p = std::aligned_alloc(alignment, rounded);
    if (!p) {
        throw Error("out of host memory: could not allocate " + std::to_string(bytes) + " bytes");
    }
#ifdef MADV_HUGEPAGE
    if (alignment == kHugePage) madvise(p, rounded, MADV_HUGEPAGE);
#endif
    std::memset(p, 0, rounded);
    return std::shared_ptr<void>(p, [](void* q) { std::free(q); });
}

void throw_unbound(const char* what) {
    throw Error(std::string(what) + ": the array is neither allocated nor bound to memory");
}

void throw_wrong_space(const char* what, MemorySpace wanted, MemorySpace actual) {
    throw Error(std::string(what) + ": the array lives in " + to_string(actual) +
                " memory, not in " + to_string(wanted) + " memory");
}

}  // namespace detail
}  // namespace radon
