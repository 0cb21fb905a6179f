#pragma once

#include <cstddef>

namespace radon {

// Physical memory of this machine in bytes, as the operating system reports it; 0 when it
// cannot tell. For refusing work that could never fit before allocating it.
std::size_t physical_memory_bytes();

}  // namespace radon
