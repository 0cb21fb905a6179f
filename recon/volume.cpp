#include "recon/volume.h"

namespace radon::recon {

Volume Volume::allocate(const VolumeGrid& grid, VoxelUnit unit) {
    Volume v;
    v.grid = grid;
    v.unit = unit;
    v.voxels = Array<float>::allocate({grid.size[0], grid.size[1], grid.size[2]});
    return v;
}

}  // namespace radon::recon
