#pragma once

#include "kernels/core/array.h"
#include "kernels/physics/attenuation.h"
#include "recon/volume.h"

namespace radon::recon {

// The linear attenuation (1/mm) the projectors read, from a volume in HU, with a model of
// kernels/physics/attenuation.h. The CLI and the desktop app both convert through this,
// so that they render the same DRR of the same file. Throws InvalidArgument for a volume that is
// not in HU or has no voxels.
Array<float> attenuation_from_hu(const Volume& hu, const AttenuationModel& model);

}  // namespace radon::recon
