#include "kernels/drr/occupancy.h"

#include <algorithm>
#include <vector>

namespace radon {

namespace {

OccupiedBox measure(const float* volume, const std::array<int64_t, 3>& dims, float* writable_volume,
                    const std::function<void(float*, int64_t)>* prepare_slice) {
    const int64_t nx = dims[0], ny = dims[1], nz = dims[2];
    // Per slice z: the occupied x and y ranges; reduced over slices afterwards.
    std::vector<std::array<int64_t, 4>> slice(static_cast<std::size_t>(nz));
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < nz; ++z) {
        if (prepare_slice) (*prepare_slice)(writable_volume + z * nx * ny, nx * ny);
        int64_t x_lo = nx, x_hi = -1, y_lo = ny, y_hi = -1;
        const float* plane = volume + z * nx * ny;
        for (int64_t y = 0; y < ny; ++y) {
            const float* line = plane + y * nx;
            int64_t first = -1, last = -1;
            for (int64_t x = 0; x < nx; ++x) {
                if (line[x] != 0.0f) {
                    first = x;
                    break;
                }
            }
            if (first < 0) continue;
            for (int64_t x = nx - 1; x >= first; --x) {
                if (line[x] != 0.0f) {
                    last = x;
                    break;
                }
            }
            x_lo = std::min(x_lo, first);
            x_hi = std::max(x_hi, last);
            y_lo = std::min(y_lo, y);
            y_hi = y;
        }
        slice[static_cast<std::size_t>(z)] = {x_lo, x_hi, y_lo, y_hi};
    }
    OccupiedBox box;
    box.lo = {nx, ny, nz};
    box.hi = {-1, -1, -1};
    for (int64_t z = 0; z < nz; ++z) {
        const auto& s = slice[static_cast<std::size_t>(z)];
        if (s[1] < 0) continue;
        box.lo = {std::min(box.lo[0], s[0]), std::min(box.lo[1], s[2]), std::min(box.lo[2], z)};
        box.hi = {std::max(box.hi[0], s[1]), std::max(box.hi[1], s[3]), std::max(box.hi[2], z)};
    }
    box.empty = box.hi[2] < 0;
    if (box.empty) {
        box.lo = {0, 0, 0};
        box.hi = {0, 0, 0};
    }
    return box;
}

}  // namespace

OccupiedBox occupied_box(const float* volume, const std::array<int64_t, 3>& dims) {
    return measure(volume, dims, nullptr, nullptr);
}

OccupiedBox prepare_and_measure(float* volume, const std::array<int64_t, 3>& dims,
                                const std::function<void(float*, int64_t)>& prepare_slice) {
    return measure(volume, dims, volume, &prepare_slice);
}

}  // namespace radon
