#pragma once

#include "kernels/core/array.h"
#include "kernels/drr/occupancy.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/physics/attenuation.h"
#include "recon/volume.h"

namespace radon::recon {

// The linear attenuation (1/mm) the projectors read, from a volume in HU, with a model of
// kernels/physics/attenuation.h. The CLI and the desktop app both convert through this,
// so that they render the same DRR of the same file. Throws InvalidArgument for a volume that is
// not in HU or has no voxels.
Array<float> attenuation_from_hu(const Volume& hu, const AttenuationModel& model);

// The attenuation a renderer reads, with the box of its non-zero voxels (OccupiedBox) that
// renderers clip rays to.
struct AttenuationVolume {
    VolumeGrid grid;
    Array<float> mu;  // 1/mm
    OccupiedBox occupied;
};

// attenuation_from_hu in the HU volume's own memory, measuring the occupied box in the same
// pass: a one-shot render needs neither the HU afterwards nor a second copy of a volume of
// hundreds of MB, and fresh memory costs more to obtain than the conversion itself. `hu` is
// left without voxels. Same exceptions as attenuation_from_hu.
AttenuationVolume attenuation_in_place(Volume&& hu, const AttenuationModel& model);

}  // namespace radon::recon
