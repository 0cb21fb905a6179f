#pragma once

// Deterministic sharding of a list of items (poses of `radon drr-batch`, and of the Python
// binding) over several machines: each machine computes its own part from (items, index, shards)
// alone, so no two machines render the same item and none is left out. Plain C++17, no Qt/ITK.

#include <cstdint>
#include <limits>
#include <string>

#include "kernels/core/error.h"

namespace radon {

// Items [first, first + count) of the list.
struct ShardRange {
    int64_t first;
    int64_t count;
};

// Shard `index` of `shards` as given by "i/N".
struct ShardSpec {
    int64_t index;
    int64_t shards;
};

namespace detail {

// floor(i * items / shards) for 0 <= i <= shards, exact: the product can pass int64 (a billion
// shards of a billion items), its 128-bit value cannot.
inline int64_t shard_boundary(int64_t items, int64_t i, int64_t shards) {
    return static_cast<int64_t>(static_cast<__int128>(i) * items / shards);
}

}  // namespace detail

// The contiguous split: shard i gets items [floor(i * items / shards), floor((i + 1) * items /
// shards)), so shards come in order, every item is in exactly one of them, and their sizes
// differ by at most one. A shard is empty when there are more shards than items.
inline ShardRange shard_range(int64_t items, int64_t index, int64_t shards) {
    if (shards < 1) {
        throw InvalidArgument("shard_range: " + std::to_string(shards) +
                              " shards: expected at least 1");
    }
    if (index < 0 || index >= shards) {
        throw InvalidArgument("shard_range: shard index " + std::to_string(index) +
                              ": expected 0 <= index < " + std::to_string(shards));
    }
    if (items < 0) {
        throw InvalidArgument("shard_range: " + std::to_string(items) +
                              " items: expected 0 or more");
    }
    const int64_t first = detail::shard_boundary(items, index, shards);
    const int64_t end = detail::shard_boundary(items, index + 1, shards);
    return {first, end - first};
}

// Parses "i/N" (shard i of N, counted from 0): two decimal numbers of digits only, 0 <= i < N,
// nothing else (no spaces, no signs, no trailing text, nothing beyond int64). The message names
// `what` (the option, e.g. "--shard") and the text given.
inline ShardSpec parse_shard(const std::string& text, const std::string& what) {
    const auto refuse = [&]() -> InvalidArgument {
        return InvalidArgument(
            what + ": expected i/N with 0 <= i < N (shard i of N, counted from 0), got '" + text +
            "'");
    };
    // Digits from `pos` up to `end`, at least one, without overflow.
    const auto number = [&](std::size_t pos, std::size_t end) {
        if (pos >= end) throw refuse();
        int64_t value = 0;
        for (std::size_t k = pos; k < end; ++k) {
            const char c = text[k];
            if (c < '0' || c > '9') throw refuse();
            const int digit = c - '0';
            if (value > (std::numeric_limits<int64_t>::max() - digit) / 10) throw refuse();
            value = value * 10 + digit;
        }
        return value;
    };
    const std::size_t slash = text.find('/');
    if (slash == std::string::npos) throw refuse();
    const ShardSpec spec{number(0, slash), number(slash + 1, text.size())};
    if (spec.shards < 1 || spec.index >= spec.shards) throw refuse();
    return spec;
}

}  // namespace radon
