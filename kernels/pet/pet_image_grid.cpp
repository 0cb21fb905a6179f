#include "kernels/pet/pet_image_grid.h"

#include <cmath>
#include <string>

#include "kernels/core/error.h"

namespace radon::pet {

void check_pet_image_grid(const PetImageGrid& grid, const char* what) {
    static const char* const kAxis[3] = {"x", "y", "z"};
    for (int a = 0; a < 3; ++a) {
        if (grid.dims[a] <= 0)
            throw InvalidArgument(std::string(what) + ": image dimension " + kAxis[a] + " is " +
                                  std::to_string(grid.dims[a]) + ", expected at least 1");
        if (!(std::isfinite(grid.voxel_mm[a]) && grid.voxel_mm[a] > 0))
            throw InvalidArgument(std::string(what) + ": voxel size " + kAxis[a] + " is " +
                                  std::to_string(grid.voxel_mm[a]) +
                                  " mm, expected a positive number");
        if (!std::isfinite(grid.origin_mm[a]))
            throw InvalidArgument(std::string(what) + ": image origin " + kAxis[a] +
                                  " is not a finite number");
    }
    if (grid.voxels() > int64_t(1) << 31)
        throw InvalidArgument(std::string(what) + ": the image has " +
                              std::to_string(grid.voxels()) +
                              " voxels, expected at most 2^31 (32-bit voxel indices)");
}

}  // namespace radon::pet
