#pragma once

#include <cstddef>

namespace radon {

// Physical memory of this machine in bytes, as the operating system reports it, or less when
// RADON_MEMORY_LIMIT_MB sets a lower limit; 0 when it cannot tell. For refusing work that could
// never fit before allocating it.
std::size_t physical_memory_bytes();

}  // namespace radon
