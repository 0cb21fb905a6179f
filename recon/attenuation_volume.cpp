#include "recon/attenuation_volume.h"

#include <utility>

#include "kernels/core/error.h"

namespace radon::recon {

namespace {

void check_hu(const Volume& hu) {
    if (hu.unit != VoxelUnit::Hounsfield) {
        throw InvalidArgument("the volume is already in attenuation, not in HU");
    }
    if (!hu.voxels.bound()) throw InvalidArgument("the volume has no voxels");
}

}  // namespace

Array<float> attenuation_from_hu(const Volume& hu, const AttenuationModel& model) {
    check_hu(hu);
    Array<float> mu = Array<float>::allocate(hu.voxels.extents());
    convert_hu_to_attenuation(hu.voxels.host_data(), mu.host_data(), hu.voxels.size(), model);
    return mu;
}

AttenuationVolume attenuation_in_place(Volume&& hu, const AttenuationModel& model) {
    check_hu(hu);
    AttenuationVolume volume;
    volume.grid = hu.grid;
    volume.mu = std::move(hu.voxels);
    hu.voxels = Array<float>();
    // Called from each thread of the slice loop, the conversion's own parallel loop runs on
    // that thread alone.
    volume.occupied = prepare_and_measure(volume.mu.host_data(), volume.grid.size,
                                          [&model](float* plane, int64_t count) {
                                              convert_hu_to_attenuation(plane, plane, count, model);
                                          });
    return volume;
}

}  // namespace radon::recon
