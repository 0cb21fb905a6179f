#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace radon::recon::detail {

struct Inflated {
    std::uintmax_t bytes = 0;  // decompressed bytes seen, at most the limit
    std::string damage;        // zlib's reason when the stream is damaged; empty otherwise
};

// Read to the end of the file.
constexpr std::uintmax_t kWholeFile = ~std::uintmax_t(0);

// Decompresses the gzip or zlib stream that starts at `offset` in `file` and spans at most
// `input_limit` bytes, handing the output to `sink` (when set), until `limit` bytes have come
// out, the stream ends or the input does.
// Concatenated gzip members are one stream, as gzip reads them. A stream cut short yields fewer
// bytes and no damage: the caller compares the count with what it expects.
Inflated inflate_file(const std::string& file, std::uintmax_t offset, std::uintmax_t input_limit,
                      std::uintmax_t limit,
                      const std::function<void(const unsigned char*, std::size_t)>& sink = {});

}  // namespace radon::recon::detail
