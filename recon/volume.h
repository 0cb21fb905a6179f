#pragma once

#include "kernels/core/array.h"
#include "kernels/geometry/volume_grid.h"

namespace radon::recon {

// What voxel values mean: CT numbers as loaded, linear attenuation ready to project, or an
// emission image (activity concentration, in the units its source states).
enum class VoxelUnit { Hounsfield, AttenuationPerMm, Activity };

// A scalar volume on a grid: the data model every loader produces and every projector reads.
// voxels.extents() == grid.size, x fastest.
struct Volume {
    VolumeGrid grid;
    Array<float> voxels;
    VoxelUnit unit = VoxelUnit::Hounsfield;

    static Volume allocate(const VolumeGrid& grid, VoxelUnit unit);
};

}  // namespace radon::recon
