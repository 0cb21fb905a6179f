#include "recon/pet/pet_image.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>

#include "kernels/core/error.h"

namespace radon::recon {
namespace {

std::string direction_text(const Mat3& d) {
    std::ostringstream out;
    out << "[";
    for (int r = 0; r < 3; ++r) {
        out << (r ? "; " : "");
        for (int c = 0; c < 3; ++c)
            out << (c ? " " : "") << d.m[r][c];
    }
    out << "]";
    return out.str();
}

// Distance from the z axis of the line through a and b, projected on the transaxial plane.
double distance_from_axis(const Vec3& a, const Vec3& b) {
    const double dx = b.x - a.x, dy = b.y - a.y;
    const double length = std::hypot(dx, dy);
    if (length == 0) return std::hypot(a.x, a.y);
    return std::fabs(a.x * dy - a.y * dx) / length;
}

}  // namespace

PetImage pet_image_from_volume(const Volume& volume, const std::string& what) {
    const VolumeGrid& g = volume.grid;
    g.validate(what);
    // Each index axis must run along its own LPS axis, forward or backward.
    int sign[3];
    for (int c = 0; c < 3; ++c) {
        const Vec3 column = g.direction.column(c);
        const double along = column[c];
        const double across = std::fabs(column[(c + 1) % 3]) + std::fabs(column[(c + 2) % 3]);
        if (std::fabs(std::fabs(along) - 1) > 1e-6 || across > 1e-6)
            throw InvalidArgument(what + ": its direction " + direction_text(g.direction) +
                                  " is oblique or permutes the axes; the PET projectors take "
                                  "images whose axes run along L, P and S (directions of +1 or "
                                  "-1 on the diagonal): resample it first");
        sign[c] = along > 0 ? 1 : -1;
    }
    PetImage image;
    Vec3 first_centre = g.origin;
    for (int c = 0; c < 3; ++c) {
        image.grid.dims[c] = static_cast<int32_t>(g.size[c]);
        image.grid.voxel_mm[c] = static_cast<float>(g.spacing[c]);
        // Reversed axes start at the other end.
        if (sign[c] < 0) first_centre[c] -= (g.size[c] - 1) * g.spacing[c];
        image.grid.origin_mm[c] = static_cast<float>(first_centre[c]);
    }
    pet::check_pet_image_grid(image.grid, what.c_str());
    const int64_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
    image.values.resize(static_cast<std::size_t>(nx * ny * nz));
    const float* in = volume.voxels.host_data();
    for (int64_t k = 0; k < nz; ++k) {
        const int64_t ks = sign[2] > 0 ? k : nz - 1 - k;
        for (int64_t j = 0; j < ny; ++j) {
            const int64_t js = sign[1] > 0 ? j : ny - 1 - j;
            const float* row = in + nx * (js + ny * ks);
            float* out = image.values.data() + nx * (j + ny * k);
            if (sign[0] > 0) {
                std::copy(row, row + nx, out);
            } else {
                std::reverse_copy(row, row + nx, out);
            }
        }
    }
    return image;
}

VolumeGrid volume_grid_of(const pet::PetImageGrid& pet_grid) {
    VolumeGrid grid;
    for (int c = 0; c < 3; ++c) {
        grid.size[c] = pet_grid.dims[c];
        grid.spacing[c] = pet_grid.voxel_mm[c];
        grid.origin[c] = pet_grid.origin_mm[c];
    }
    return grid;
}

pet::PetImageGrid pet_grid_of(const VolumeGrid& grid, const std::string& what) {
    grid.validate(what);
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) {
            if (std::abs(grid.direction.m[r][c] - (r == c ? 1.0 : 0.0)) > 1e-6) {
                throw InvalidArgument(what +
                                      ": a PET image grid needs the identity direction (axes "
                                      "along L, P, S); resample the image first");
            }
        }
    }
    pet::PetImageGrid pet_grid{};
    for (int c = 0; c < 3; ++c) {
        if (grid.size[c] > std::numeric_limits<int32_t>::max()) {
            throw InvalidArgument(what + ": " + std::to_string(grid.size[c]) +
                                  " voxels along one axis, more than a PET image holds (2^31)");
        }
        pet_grid.dims[c] = static_cast<int32_t>(grid.size[c]);
        pet_grid.voxel_mm[c] = static_cast<float>(grid.spacing[c]);
        pet_grid.origin_mm[c] = static_cast<float>(grid.origin[c]);
    }
    pet::check_pet_image_grid(pet_grid, what.c_str());
    return pet_grid;
}

Volume volume_from_pet_image(const PetImage& image, VoxelUnit unit) {
    const VolumeGrid grid = volume_grid_of(image.grid);
    Volume volume = Volume::allocate(grid, unit);
    if (static_cast<int64_t>(image.values.size()) != grid.voxel_count())
        throw InvalidArgument("PET image: " + std::to_string(image.values.size()) +
                              " values for a grid of " + std::to_string(grid.voxel_count()) +
                              " voxels");
    std::copy(image.values.begin(), image.values.end(), volume.voxels.host_data());
    return volume;
}

double transaxial_fov_radius_mm(const pet::SinogramDescriptor& sinogram) {
    const Vec3 centre = sinogram.scanner().isocentre_lps;
    double radius = 0;
    pet::SinogramBin bin;
    for (const int radial : {0, sinogram.radial_bins() - 1}) {
        bin.radial = radial;
        for (int view = 0; view < sinogram.views(); ++view) {
            bin.view = view;
            Vec3 p1, p2;
            sinogram.lor_endpoints(bin, p1, p2);
            radius = std::max(radius, distance_from_axis(p1 - centre, p2 - centre));
        }
    }
    return radius;
}

pet::PetImageGrid default_pet_image_grid(const pet::SinogramDescriptor& sinogram, double voxel_mm) {
    const pet::ScannerGeometry& scanner = sinogram.scanner();
    if (voxel_mm <= 0) {
        // The distance between neighbouring radial samples at the centre of view 0.
        pet::SinogramBin a, b;
        a.radial = sinogram.radial_bins() / 2;
        b.radial = std::min(a.radial + 1, sinogram.radial_bins() - 1);
        Vec3 a1, a2, b1, b2;
        sinogram.lor_endpoints(a, a1, a2);
        sinogram.lor_endpoints(b, b1, b2);
        const Vec3 c = scanner.isocentre_lps;
        voxel_mm =
            std::fabs(distance_from_axis(b1 - c, b2 - c) - distance_from_axis(a1 - c, a2 - c));
        if (!(voxel_mm > 0.1)) voxel_mm = 2;
    }
    const double radius = transaxial_fov_radius_mm(sinogram);
    const int n = std::max(1, static_cast<int>(std::ceil(2 * radius / voxel_mm)));
    const double ring_spacing =
        scanner.rings > 1
            ? (scanner.ring_z_mm.back() - scanner.ring_z_mm.front()) / (scanner.rings - 1)
            : voxel_mm;
    const int nz = 2 * scanner.rings - 1;
    const double dz = scanner.rings > 1 ? ring_spacing / 2 : voxel_mm;
    pet::PetImageGrid grid{};
    grid.dims[0] = grid.dims[1] = n;
    grid.dims[2] = nz;
    grid.voxel_mm[0] = grid.voxel_mm[1] = static_cast<float>(voxel_mm);
    grid.voxel_mm[2] = static_cast<float>(dz);
    const Vec3 centre = scanner.isocentre_lps;
    const double z_mid = 0.5 * (scanner.ring_z_mm.front() + scanner.ring_z_mm.back());
    grid.origin_mm[0] = static_cast<float>(centre.x - 0.5 * (n - 1) * voxel_mm);
    grid.origin_mm[1] = static_cast<float>(centre.y - 0.5 * (n - 1) * voxel_mm);
    grid.origin_mm[2] = static_cast<float>(centre.z + z_mid - 0.5 * (nz - 1) * dz);
    return grid;
}

void check_image_meets_fov(const pet::PetImageGrid& grid, const pet::SinogramDescriptor& sinogram,
                           const std::string& what) {
    const pet::ScannerGeometry& scanner = sinogram.scanner();
    const Vec3 c = scanner.isocentre_lps;
    const double radius = transaxial_fov_radius_mm(sinogram);
    double lo[3], hi[3];
    for (int a = 0; a < 3; ++a) {
        lo[a] = grid.origin_mm[a] - 0.5 * grid.voxel_mm[a] - c[a];
        hi[a] = lo[a] + double(grid.dims[a]) * grid.voxel_mm[a];
    }
    // Nearest point of the box's transaxial rectangle to the axis.
    const double nx = std::clamp(0.0, lo[0], hi[0]), ny = std::clamp(0.0, lo[1], hi[1]);
    const double z_lo = scanner.ring_z_mm.front(), z_hi = scanner.ring_z_mm.back();
    const bool transaxial = std::hypot(nx, ny) < radius;
    const bool axial = hi[2] > z_lo && lo[2] < z_hi;
    if (transaxial && axial) return;
    std::ostringstream out;
    out << what << ": the image (x " << lo[0] + c.x << " to " << hi[0] + c.x << ", y "
        << lo[1] + c.y << " to " << hi[1] + c.y << ", z " << lo[2] + c.z << " to " << hi[2] + c.z
        << " mm, LPS) misses the scanner's field of view (radius " << radius
        << " mm about the axis through (" << c.x << ", " << c.y << "), z " << z_lo + c.z << " to "
        << z_hi + c.z << " mm): every bin would be zero";
    throw InvalidArgument(out.str());
}

}  // namespace radon::recon
