#pragma once

#include <string>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/geometry/volume_grid.h"
#include "recon/volume.h"

namespace radon::recon {

// A NEMA IEC body-like phantom (the image-quality phantom of NEMA NU 2 and IEC 61675-1), its
// interior only (the 3 mm PMMA shell, the 1 mm sphere walls and the insert's wall are not
// modelled), in patient LPS mm with the scanner axis along z:
//  - body: a prism 194 mm long (z in [-97, 97] about `centre`) whose cross-section is the
//    phantom's D shape: towards anterior (-y) a half disc of radius 147 mm centred 35 mm
//    posterior of the centre; towards posterior a 140 mm x 77 mm rectangle with quarter discs of
//    radius 77 mm on each side. It spans 294 mm in x and 224 mm in y ([-112, 112] about centre);
//  - lung insert: a cylinder of radius 25 mm along the whole length, on the centre's axis;
//  - six spheres of inner diameter 10, 13, 17, 22, 28 and 37 mm, their centres on a circle of
//    radius 57.2 mm about the axis, in the plane 70 mm from the body's +z end (z = +27 mm): the
//    37 mm sphere at patient right (-x), then at 60 degree steps through posterior (+y) the 28
//    and 22 mm spheres, the 17 mm at patient left (+x), the 13 and 10 mm anterior (-y).
// Activity: background 1 in the body, `sphere_to_background` in the spheres, 0 in the lung
// insert. Attenuation: water (0 HU) in body and spheres, lung_hu in the insert, air outside.
struct IecBodyPhantomSpec {
    Vec3 centre{0, 0, 0};
    double sphere_to_background = 4.0;  // activity contrast, > 0
    double background_activity = 1.0;   // > 0, the unit the caller chooses (kBq/mL, ...)
    double lung_hu = -700;              // the insert's polystyrene beads: 0.3 g/mL
};

struct IecSphere {
    double diameter_mm = 0;
    Vec3 centre;
};

class IecBodyPhantom {
  public:
    // Throws InvalidArgument for a contrast or background that is not finite and > 0, a lung CT
    // number outside [-1000, 0] HU or a centre that is not finite.
    explicit IecBodyPhantom(IecBodyPhantomSpec spec = {});

    const IecBodyPhantomSpec& spec() const { return spec_; }
    const std::vector<IecSphere>& spheres() const { return spheres_; }

    // Analytic volumes (mm^3) and total activity (activity x mm^3).
    static double body_volume_mm3();  // the whole interior, insert and spheres included
    static double lung_volume_mm3();
    static double sphere_volume_mm3(double diameter_mm);
    double total_activity() const;

    // Voxelised on any grid, each voxel the average over its cell: n x n lines per voxel along
    // the grid's i axis (supersampling = n), each line's chord through every region measured
    // exactly, so the partial-volume error comes only from the n x n sampling across the line.
    // Parts of the phantom outside the grid are left out.
    Volume voxelize_activity(const VolumeGrid& grid, int supersampling = 4) const;
    Volume voxelize_hu(const VolumeGrid& grid, int supersampling = 4) const;

  private:
    // Region values: body, then lung insert and spheres added on top of it.
    Volume voxelize(const VolumeGrid& grid, int supersampling, double body, double lung,
                    double sphere, VoxelUnit unit, double offset) const;

    IecBodyPhantomSpec spec_;
    std::vector<IecSphere> spheres_;
};

}  // namespace radon::recon
