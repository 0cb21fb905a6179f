#pragma once

#include <string>
#include <vector>

#include "kernels/pet/pet_image_grid.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "recon/volume.h"

namespace radon::recon {

// An image as the PET projectors take it: an axis-aligned grid with positive voxel steps along
// the LPS axes, x fastest.
struct PetImage {
    pet::PetImageGrid grid{};
    std::vector<float> values;
};

// The same voxels at the same world positions, on a PET grid. Axes that run against their LPS
// axis (direction -1, as in many CT files) are reversed; a grid that is oblique or has its axes
// permuted is refused, naming `what` (the file) and the direction found.
PetImage pet_image_from_volume(const Volume& volume, const std::string& what);
Volume volume_from_pet_image(const PetImage& image, VoxelUnit unit);
// The volume grid (identity direction) of a PET grid.
VolumeGrid volume_grid_of(const pet::PetImageGrid& grid);
// The PET grid of a volume grid with identity direction (volume_grid_of's inverse). Throws
// InvalidArgument naming `what` for another direction or a grid check_pet_image_grid refuses.
pet::PetImageGrid pet_grid_of(const VolumeGrid& grid, const std::string& what);

// The radius of the transaxial field of view: the largest distance from the scanner axis of
// any LOR of the sinogram (its outermost radial bins).
double transaxial_fov_radius_mm(const pet::SinogramDescriptor& sinogram);

// The image grid a scanner reconstructs onto by default: centred on the scanner, covering the
// transaxial field of view with `voxel_mm` voxels (0: the sinogram's radial sampling at the
// centre) and the rings with planes half a ring spacing apart (2 rings - 1 planes, as STIR).
pet::PetImageGrid default_pet_image_grid(const pet::SinogramDescriptor& sinogram,
                                         double voxel_mm = 0);

// Throws InvalidArgument naming `what` when the image's box misses the scanner's field of view
// (the cylinder of radius transaxial_fov_radius_mm between the outermost rings): its voxels would
// all project to zero.
void check_image_meets_fov(const pet::PetImageGrid& grid, const pet::SinogramDescriptor& sinogram,
                           const std::string& what);

}  // namespace radon::recon
