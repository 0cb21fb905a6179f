#include "recon/attenuation_volume.h"

#include "kernels/core/error.h"

namespace radon::recon {

Array<float> attenuation_from_hu(const Volume& hu, const AttenuationModel& model) {
    if (hu.unit != VoxelUnit::Hounsfield) {
        throw InvalidArgument("the volume is already in attenuation, not in HU");
    }
    if (!hu.voxels.bound()) throw InvalidArgument("the volume has no voxels");
    Array<float> mu = Array<float>::allocate(hu.voxels.extents());
    convert_hu_to_attenuation(hu.voxels.host_data(), mu.host_data(), hu.voxels.size(), model);
    return mu;
}

}  // namespace radon::recon
