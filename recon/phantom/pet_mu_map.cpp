#include "recon/phantom/pet_mu_map.h"

#include "kernels/physics/pet_attenuation.h"
#include "recon/attenuation_volume.h"
#include "recon/phantom/ellipsoid_phantom.h"

namespace radon::recon {

Volume mu_map_511(const Volume& hu) {
    Volume mu;
    mu.grid = hu.grid;
    mu.unit = VoxelUnit::AttenuationPerMm;
    mu.voxels = attenuation_from_hu(hu, pet_attenuation_model());
    return mu;
}

Volume thorax_mu_map_511(const VolumeGrid& grid, int supersampling) {
    return mu_map_511(thorax_phantom().voxelize_hu(grid, supersampling));
}

Volume iec_mu_map_511(const IecBodyPhantom& phantom, const VolumeGrid& grid, int supersampling) {
    return mu_map_511(phantom.voxelize_hu(grid, supersampling));
}

}  // namespace radon::recon
