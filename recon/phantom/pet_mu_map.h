#pragma once

#include "kernels/geometry/volume_grid.h"
#include "recon/phantom/iec_body_phantom.h"
#include "recon/volume.h"

namespace radon::recon {

// Linear attenuation at 511 keV (1/mm, unit AttenuationPerMm) from a volume in HU, through the
// bilinear model of pet_attenuation_model() (kernels/physics/pet_attenuation.h, docs/PHYSICS.md).
// Throws InvalidArgument for a volume that is not in HU or has no voxels.
Volume mu_map_511(const Volume& hu);

// The mu-maps of the PET phantoms at 511 keV, voxelised on `grid` (partial volume by
// supersampling, as their voxelize_hu).
Volume thorax_mu_map_511(const VolumeGrid& grid, int supersampling = 2);
Volume iec_mu_map_511(const IecBodyPhantom& phantom, const VolumeGrid& grid, int supersampling = 4);

}  // namespace radon::recon
