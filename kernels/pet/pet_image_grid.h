#pragma once

#include <stdint.h>

namespace radon::pet {

// The axis-aligned image grid the PET projectors work on, as plain numbers so the CPU engine and
// a CUDA kernel receive the same bytes. Voxel (i, j, k) is centred at
//     origin_mm + (i * voxel_mm[0], j * voxel_mm[1], k * voxel_mm[2])
// (origin_mm is the world position of voxel (0, 0, 0)'s centre, as in parallelproj), and its
// value is stored at i + dims[0] * (j + dims[1] * k): x fastest, as the rest of Radon Studio.
struct PetImageGrid {
    int32_t dims[3];
    float voxel_mm[3];
    float origin_mm[3];

    int64_t voxels() const { return int64_t(dims[0]) * dims[1] * dims[2]; }
};

// Throws InvalidArgument naming the field when a dimension is not positive, a voxel size is not
// a positive finite number, an origin is not finite, or the image has more than 2^31 voxels
// (the per-LOR code indexes voxels with 32-bit integers).
void check_pet_image_grid(const PetImageGrid& grid, const char* what);

}  // namespace radon::pet
