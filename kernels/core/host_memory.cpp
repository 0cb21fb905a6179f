#include "kernels/core/host_memory.h"

#include <unistd.h>

#include <cstdlib>

namespace radon {

std::size_t physical_memory_bytes() {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    std::size_t bytes = pages > 0 && page > 0
                            ? static_cast<std::size_t>(pages) * static_cast<std::size_t>(page)
                            : 0;
    // RADON_MEMORY_LIMIT_MB caps what work may assume, e.g. on a shared machine or under a
    // fuzzer whose own allocation limit is lower than the machine's memory.
    if (const char* limit = std::getenv("RADON_MEMORY_LIMIT_MB")) {
        const long long mb = std::atoll(limit);
        const std::size_t cap = static_cast<std::size_t>(mb) << 20;
        if (mb > 0 && (bytes == 0 || cap < bytes)) bytes = cap;
    }
    return bytes;
}

}  // namespace radon
