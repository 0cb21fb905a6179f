#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernels/core/progress.h"
#include "kernels/core/vec.h"
#include "kernels/operator/subset_stack.h"
#include "kernels/pet/lor_projector.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "recon/algorithms/em_reconstruction.h"
#include "recon/pet/pet_image.h"
#include "recon/pet/scanner_json.h"
#include "recon/phantom/iec_body_phantom.h"
#include "recon/volume.h"

namespace radon::recon {

// What `radon pet project|recon` and the app's PET workspace both build from their settings: the
// sinogram, the image grid, the activity, the attenuation, the projection and the OSEM problem.
// One set of functions, so that the app's sinogram and reconstruction equal the CLI's by
// construction. `what` arguments name the setting in messages (the CLI's option, the app's field).

// Whether a sinogram has TOF bins: as the scanner's default sinogram has them, the scanner's own
// TOF binning, or none.
enum class TofChoice { Default, On, Off };

// Changes to a scanner's default sinogram; unset fields keep the default.
struct SinogramChoice {
    std::optional<int> span;
    std::optional<int> max_ring_difference;
    std::optional<int> view_mashing;
    std::optional<int> radial_bins;  // also drops the default's radial trim
    std::optional<std::string> axis_order;
    TofChoice tof = TofChoice::Default;
};

// The scanner's default sinogram with `choice` applied. The TOF axis always goes last (the
// projectors write a LOR's TOF bins together), whatever the axis order says about it. Throws
// InvalidArgument, naming `tof_what`, for TofChoice::On on a scanner without TOF settings, and as
// SinogramDescriptor does for values out of range.
pet::SinogramDescriptor make_pet_sinogram(const ScannerDescription& scanner,
                                          const SinogramChoice& choice,
                                          const std::string& tof_what = "tof");

// The default image grid (default_pet_image_grid) with voxels and/or a voxel size given, centred
// on the scanner. With only a voxel size, the grid keeps covering the default's extent. Throws
// InvalidArgument naming `what` for a grid that is invalid or misses the field of view.
pet::PetImageGrid make_pet_image_grid(const pet::SinogramDescriptor& sinogram,
                                      const std::optional<std::array<int, 3>>& voxels,
                                      const std::optional<std::array<double, 3>>& voxel_mm,
                                      const std::string& what);

// "NXxNYxNZ voxels of SXxSYxSZ mm".
std::string pet_grid_text(const pet::PetImageGrid& grid);

// The centre of the scanner's rings in the LPS world (where the phantoms sit).
Vec3 pet_scanner_centre(const pet::SinogramDescriptor& sinogram);

// An image file (activity or mu-map) on the PET grid it defines (direction reversed where
// needed), checked against the scanner's field of view; messages name `path`.
PetImage read_pet_image(const std::string& path, const pet::SinogramDescriptor& sinogram);

// The IEC body phantom with its spheres' plane in the middle of the rings.
IecBodyPhantom pet_iec_phantom(const pet::SinogramDescriptor& sinogram, double contrast);
PetImage iec_activity(const IecBodyPhantom& phantom, const pet::PetImageGrid& grid);
// A point source: one voxel of value 1 at the voxel nearest `point` (LPS, mm). Throws
// InvalidArgument naming `what` when the point lies outside the grid.
PetImage point_activity(const pet::PetImageGrid& grid, const Vec3& point, const std::string& what);

// mu at 511 keV (1/mm) on a PET grid: the IEC phantom's own, or a CT's (HU) through the bilinear
// model, checked against the field of view (a CT that misses it throws, naming `what`).
PetImage iec_mu_map(const IecBodyPhantom& phantom, const pet::PetImageGrid& grid);
PetImage mu_map_from_ct(const Volume& ct_hu, const pet::SinogramDescriptor& sinogram,
                        const std::string& what);

// exp(-integral of mu) of every bin: the mu-map projected on its own grid along the sinogram's
// LORs by the projector `projector` describes (its grid replaced by the mu-map's).
std::vector<float> pet_attenuation_factors(const pet::SinogramDescriptor& sinogram,
                                           const pet::LorProjectorConfig& projector,
                                           const PetImage& mu, const RunControl& control = {});

// The expected counts of every bin: the activity projected, times the attenuation factors when
// given (empty: none).
std::vector<float> project_pet_activity(const pet::SinogramDescriptor& sinogram,
                                        const pet::LorProjectorConfig& projector,
                                        const PetImage& activity,
                                        const std::vector<float>& attenuation_factors,
                                        const RunControl& control = {});

// Scales `y` to `counts` expected counts in all and replaces each bin by a Poisson draw
// (std::mt19937_64 seeded with `seed`). Throws InvalidArgument naming `what` when `y` holds no
// counts to scale.
void draw_poisson_counts(std::vector<float>& y, double counts, uint64_t seed,
                         const std::string& what);

// OSEM on a sinogram: `subsets` interleaved subsets of views, the attenuation factors
// (empty: none) as the model's multiplicative term and a constant `randoms` per bin as its
// additive one (0: none).
struct PetOsemProblem {
    std::shared_ptr<const SubsetStack> subsets;
    PoissonModel model;
};
PetOsemProblem make_pet_osem_problem(const pet::SinogramDescriptor& sinogram,
                                     const pet::LorProjectorConfig& projector, int subsets,
                                     std::vector<float> attenuation_factors, double randoms);
// The image OSEM starts from: ones on `grid`.
std::vector<float> pet_osem_initial_image(const pet::PetImageGrid& grid);

}  // namespace radon::recon
