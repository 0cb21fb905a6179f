#include "recon/pet/pet_setup.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/pet/sinogram_projector.h"
#include "recon/io/volume_io.h"
#include "recon/phantom/pet_mu_map.h"

namespace radon::recon {

pet::SinogramDescriptor make_pet_sinogram(const ScannerDescription& scanner,
                                          const SinogramChoice& choice,
                                          const std::string& tof_what) {
    pet::SinogramSpec spec = scanner.default_sinogram;
    if (choice.span) spec.span = *choice.span;
    if (choice.max_ring_difference) spec.max_ring_difference = *choice.max_ring_difference;
    if (choice.view_mashing) spec.view_mashing = *choice.view_mashing;
    if (choice.radial_bins) {
        spec.radial_bins = *choice.radial_bins;
        spec.radial_trim = -1;
    }
    std::string order = choice.axis_order.value_or(spec.axis_order);
    // The TOF axis goes last: the projectors write a LOR's TOF bins together.
    if (!order.empty() && (order.back() == 'T' || order.front() == 'T'))
        order.erase(order.back() == 'T' ? order.size() - 1 : 0, 1);
    if (choice.tof == TofChoice::Off) spec.tof = pet::TofBinning{};
    if (choice.tof == TofChoice::On) {
        if (!scanner.scanner.tof.enabled() || scanner.scanner.tof.bins < 2)
            throw InvalidArgument(
                tof_what + ": " + scanner.origin +
                " has no TOF settings (its \"tof\" block: bins >= 2, fwhm_ps > 0)");
        spec.tof = scanner.scanner.tof;
    }
    if (spec.tof.bins > 1) order += 'T';
    spec.axis_order = order;
    return pet::SinogramDescriptor(scanner.scanner, spec);
}

pet::PetImageGrid make_pet_image_grid(const pet::SinogramDescriptor& sinogram,
                                      const std::optional<std::array<int, 3>>& voxels,
                                      const std::optional<std::array<double, 3>>& voxel_mm,
                                      const std::string& what) {
    pet::PetImageGrid grid = default_pet_image_grid(sinogram);
    if (!voxels && !voxel_mm) return grid;
    if (voxel_mm) {
        for (int a = 0; a < 3; ++a) {
            const double v = (*voxel_mm)[static_cast<std::size_t>(a)];
            // Keep the field covered when only the voxel size changes.
            const double extent = grid.dims[a] * double(grid.voxel_mm[a]);
            grid.voxel_mm[a] = static_cast<float>(v);
            grid.dims[a] = std::max(1, static_cast<int>(std::ceil(extent / v - 1e-9)));
        }
    }
    if (voxels)
        for (int a = 0; a < 3; ++a)
            grid.dims[a] = static_cast<int32_t>((*voxels)[static_cast<std::size_t>(a)]);
    // Centred on the scanner, as the default grid.
    const Vec3 centre = pet_scanner_centre(sinogram);
    for (int a = 0; a < 3; ++a)
        grid.origin_mm[a] =
            static_cast<float>(centre[a] - 0.5 * (grid.dims[a] - 1) * double(grid.voxel_mm[a]));
    pet::check_pet_image_grid(grid, what.c_str());
    check_image_meets_fov(grid, sinogram, what);
    return grid;
}

std::string pet_grid_text(const pet::PetImageGrid& grid) {
    std::ostringstream out;
    out << grid.dims[0] << "x" << grid.dims[1] << "x" << grid.dims[2] << " voxels of "
        << grid.voxel_mm[0] << "x" << grid.voxel_mm[1] << "x" << grid.voxel_mm[2] << " mm";
    return out.str();
}

Vec3 pet_scanner_centre(const pet::SinogramDescriptor& sinogram) {
    const pet::ScannerGeometry& s = sinogram.scanner();
    return s.isocentre_lps + Vec3{0, 0, 0.5 * (s.ring_z_mm.front() + s.ring_z_mm.back())};
}

PetImage read_pet_image(const std::string& path, const pet::SinogramDescriptor& sinogram) {
    PetImage image = pet_image_from_volume(read_volume(path), path);
    check_image_meets_fov(image.grid, sinogram, path);
    return image;
}

IecBodyPhantom pet_iec_phantom(const pet::SinogramDescriptor& sinogram, double contrast) {
    IecBodyPhantomSpec spec;
    // The spheres' plane (27 mm above the body's centre) at the middle of the rings.
    spec.centre = pet_scanner_centre(sinogram) - Vec3{0, 0, 27};
    spec.sphere_to_background = contrast;
    return IecBodyPhantom(spec);
}

PetImage iec_activity(const IecBodyPhantom& phantom, const pet::PetImageGrid& grid) {
    const Volume v = phantom.voxelize_activity(volume_grid_of(grid));
    return pet_image_from_volume(v, "IEC phantom");
}

PetImage point_activity(const pet::PetImageGrid& grid, const Vec3& point, const std::string& what) {
    PetImage image;
    image.grid = grid;
    image.values.assign(static_cast<std::size_t>(grid.voxels()), 0.0f);
    int64_t index = 0, stride = 1;
    for (int a = 0; a < 3; ++a) {
        const double i = std::round((point[a] - grid.origin_mm[a]) / grid.voxel_mm[a]);
        if (i < 0 || i >= grid.dims[a])
            throw InvalidArgument(what + ": (" + std::to_string(point.x) + ", " +
                                  std::to_string(point.y) + ", " + std::to_string(point.z) +
                                  ") mm lies outside the image grid (" + pet_grid_text(grid) + ")");
        index += static_cast<int64_t>(i) * stride;
        stride *= grid.dims[a];
    }
    image.values[static_cast<std::size_t>(index)] = 1.0f;
    return image;
}

PetImage iec_mu_map(const IecBodyPhantom& phantom, const pet::PetImageGrid& grid) {
    return pet_image_from_volume(iec_mu_map_511(phantom, volume_grid_of(grid)), "IEC mu-map");
}

PetImage mu_map_from_ct(const Volume& ct_hu, const pet::SinogramDescriptor& sinogram,
                        const std::string& what) {
    PetImage mu = pet_image_from_volume(mu_map_511(ct_hu), what);
    check_image_meets_fov(mu.grid, sinogram, what);
    return mu;
}

std::vector<float> pet_attenuation_factors(const pet::SinogramDescriptor& sinogram,
                                           const pet::LorProjectorConfig& projector,
                                           const PetImage& mu, const RunControl& control) {
    pet::LorProjectorConfig config = projector;
    config.grid = mu.grid;
    return pet::sinogram_attenuation_factors(sinogram, config, mu.values, control);
}

std::vector<float> project_pet_activity(const pet::SinogramDescriptor& sinogram,
                                        const pet::LorProjectorConfig& projector,
                                        const PetImage& activity,
                                        const std::vector<float>& attenuation_factors,
                                        const RunControl& control) {
    pet::LorProjectorConfig config = projector;
    config.grid = activity.grid;
    const auto op = pet::make_sinogram_projector(sinogram, config);
    std::vector<float> y(static_cast<std::size_t>(sinogram.bins()));
    op->apply(activity.values.data(), static_cast<int64_t>(activity.values.size()), y.data(),
              static_cast<int64_t>(y.size()), MemorySpace::Host, control);
    if (!attenuation_factors.empty()) {
        if (attenuation_factors.size() != y.size())
            throw InvalidArgument(
                "attenuation factors: " + std::to_string(attenuation_factors.size()) +
                " values, expected " + std::to_string(y.size()) + " (" + sinogram.description() +
                ")");
        for (std::size_t i = 0; i < y.size(); ++i)
            y[i] *= attenuation_factors[i];
    }
    return y;
}

void draw_poisson_counts(std::vector<float>& y, double counts, uint64_t seed,
                         const std::string& what) {
    double total = 0;
    for (const float v : y)
        total += v;
    if (!(total > 0))
        throw InvalidArgument(what +
                              ": the projection holds no counts to scale (is the object inside "
                              "the field of view?)");
    const double scale = counts / total;
    std::mt19937_64 rng(seed);
    for (float& v : y) {
        const double mean = v * scale;
        v = mean > 0 ? static_cast<float>(std::poisson_distribution<int64_t>(mean)(rng)) : 0.0f;
    }
}

PetOsemProblem make_pet_osem_problem(const pet::SinogramDescriptor& sinogram,
                                     const pet::LorProjectorConfig& projector, int subsets,
                                     std::vector<float> attenuation_factors, double randoms) {
    PetOsemProblem problem;
    problem.model.multiplicative = std::move(attenuation_factors);
    if (randoms > 0)
        problem.model.additive.assign(static_cast<std::size_t>(sinogram.bins()),
                                      static_cast<float>(randoms));
    problem.subsets = pet::make_view_subsets(sinogram, projector, subsets);
    return problem;
}

std::vector<float> pet_osem_initial_image(const pet::PetImageGrid& grid) {
    // A uniform start; EM fixes the scale itself after one iteration.
    return std::vector<float>(static_cast<std::size_t>(grid.voxels()), 1.0f);
}

}  // namespace radon::recon
