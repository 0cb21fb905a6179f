#pragma once

#include <string>

namespace radon::recon {

// The text of a small geometry file (RTK XML, vector or matrix rows, JSON): a regular file of at
// most 256 MiB (a million views of 12 numbers take some 200 MB), UTF-8 or ASCII (a byte-order
// mark is dropped), without NUL bytes. Throws InvalidArgument "PATH: ..." for a missing,
// unreadable, non-regular, too large or binary file.
std::string read_geometry_text(const std::string& path);

// The number of the line that holds byte `offset` of `text` (1-based).
int line_of(const std::string& text, std::size_t offset);

}  // namespace radon::recon
