#include "ui/ct/ct_scan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "kernels/core/error.h"

namespace radon::ui {

CtGeometry ct_scan_geometry(const CtScanSettings& s, Vec3 isocenter) {
    CircularTrajectory t;
    t.angles_deg = evenly_spaced_angles(s.views, 0.0, s.arc_deg);
    t.source_isocenter_mm = s.sid_mm;
    t.source_detector_mm = s.sdd_mm;
    t.columns = s.columns;
    t.rows = s.panelRows();
    t.pixel_u_mm = t.pixel_v_mm = s.pixel_mm;
    t.isocenter = isocenter;
    return recon::circular_scan_geometry(s.beam, t);
}

std::vector<float> project_views(const CtGeometry& geometry, int64_t first, int64_t count,
                                 const VolumeGrid& grid, const float* attenuation,
                                 const CtProjectorSettings& settings, const RunControl& control) {
    if (first < 0 || count < 1 || first + count > geometry.view_count())
        throw InvalidArgument("views " + std::to_string(first) + " to " +
                              std::to_string(first + count - 1) + ": the scan has views 0 to " +
                              std::to_string(geometry.view_count() - 1));
    CtGeometry part = geometry;
    part.views.assign(geometry.views.begin() + first, geometry.views.begin() + first + count);
    const auto projector = make_ct_projector(part, grid, settings);
    std::vector<float> out(std::size_t(part.pixel_count()));
    projector->apply(attenuation, grid.voxel_count(), out.data(), part.pixel_count(),
                     MemorySpace::Host, control);
    return out;
}

CtImageGrid ct_image_grid(const VolumeGrid& volume, int block, bool two_d) {
    if (block < 1)
        throw InvalidArgument("image block: " + std::to_string(block) +
                              " voxels, expected 1 or more");
    CtImageGrid g;
    const double across = std::min(volume.spacing.x, volume.spacing.y) * block;
    g.block[0] = std::min<int64_t>(block, volume.size[0]);
    g.block[1] = std::min<int64_t>(block, volume.size[1]);
    g.block[2] =
        two_d ? 1 : std::clamp<int64_t>(std::llround(across / volume.spacing.z), 1, volume.size[2]);
    for (int a = 0; a < 3; ++a) {
        g.grid.size[a] = two_d && a == 2 ? 1 : volume.size[a] / g.block[a];
        g.first[a] = (volume.size[a] - g.grid.size[a] * g.block[a]) / 2;
        g.grid.spacing[a] = volume.spacing[a] * double(g.block[a]);
    }
    g.grid.direction = volume.direction;
    // The centre of the first block, in the volume's frame.
    g.grid.origin = volume.index_to_world({double(g.first[0]) + 0.5 * double(g.block[0] - 1),
                                           double(g.first[1]) + 0.5 * double(g.block[1] - 1),
                                           double(g.first[2]) + 0.5 * double(g.block[2] - 1)});
    g.grid.validate("image grid");
    return g;
}

int default_image_block(const VolumeGrid& volume, int64_t max_voxels) {
    const int64_t widest = std::max(volume.size[0], volume.size[1]);
    return int(std::max<int64_t>(1, (widest + max_voxels - 1) / max_voxels));
}

std::vector<float> block_mean(const float* values, const VolumeGrid& volume,
                              const CtImageGrid& image) {
    const auto& n = image.grid.size;
    const auto& b = image.block;
    std::vector<float> out(std::size_t(image.grid.voxel_count()));
    const double weight = 1.0 / double(b[0] * b[1] * b[2]);
#pragma omp parallel for schedule(static)
    for (int64_t z = 0; z < n[2]; ++z)
        for (int64_t y = 0; y < n[1]; ++y)
            for (int64_t x = 0; x < n[0]; ++x) {
                double sum = 0;
                for (int64_t k = 0; k < b[2]; ++k)
                    for (int64_t j = 0; j < b[1]; ++j) {
                        const int64_t vz = image.first[2] + z * b[2] + k;
                        const int64_t vy = image.first[1] + y * b[1] + j;
                        const float* row = values + (vz * volume.size[1] + vy) * volume.size[0] +
                                           image.first[0] + x * b[0];
                        for (int64_t i = 0; i < b[0]; ++i)
                            sum += row[i];
                    }
                out[std::size_t((z * n[1] + y) * n[0] + x)] = float(sum * weight);
            }
    return out;
}

CtScanSettings fit_scan_to_grid(CtScanSettings s, const VolumeGrid& image) {
    // Half the box's extent across the axis (any direction in x-y) and along it.
    double half_xy = 0, half_z = 0;
    const Vec3 centre = image.center();
    for (int c = 0; c < 8; ++c) {
        const Vec3 p = image.index_to_world({(c & 1) ? image.size[0] - 0.5 : -0.5,
                                             (c & 2) ? image.size[1] - 0.5 : -0.5,
                                             (c & 4) ? image.size[2] - 0.5 : -0.5}) -
                       centre;
        half_xy = std::max(half_xy, std::hypot(p.x, p.y));
        half_z = std::max(half_z, std::abs(p.z));
    }
    s.sid_mm = std::max(s.sid_mm, 2.5 * half_xy);
    s.sdd_mm = std::max(s.sdd_mm, 2.0 * s.sid_mm);
    const bool parallel = s.beam == recon::ScanBeam::Parallel;
    const double voxel = std::min(image.spacing.x, image.spacing.y);
    s.pixel_mm = voxel * (parallel ? 1.0 : s.sdd_mm / s.sid_mm);
    // Across: the rays that graze the circle of radius half_xy about the axis; along the axis:
    // the box's top and bottom edges at their nearest to the source, the most magnified.
    const double half_u =
        parallel ? half_xy
                 : s.sdd_mm * half_xy / std::sqrt(s.sid_mm * s.sid_mm - half_xy * half_xy);
    const double half_v = parallel ? half_z : half_z * s.sdd_mm / (s.sid_mm - half_xy);
    s.columns = int(std::ceil(2.0 * half_u / s.pixel_mm)) + 4;
    s.rows = int(std::ceil(2.0 * half_v / s.pixel_mm)) + 4;
    return s;
}

CtImageError image_error(const std::vector<float>& image, const std::vector<float>& truth,
                         const std::vector<uint8_t>& mask) {
    if (image.size() != truth.size() || (!mask.empty() && mask.size() != truth.size()))
        throw InvalidArgument("image error: the image, its truth and the mask differ in size");
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, squares = 0;
    CtImageError e;
    for (std::size_t i = 0; i < truth.size(); ++i) {
        if (!mask.empty() && !mask[i]) continue;
        lo = std::min(lo, double(truth[i]));
        hi = std::max(hi, double(truth[i]));
        const double d = double(image[i]) - double(truth[i]);
        squares += d * d;
        ++e.voxels;
    }
    if (e.voxels == 0) return e;
    const double mse = squares / double(e.voxels);
    e.rmse = std::sqrt(mse);
    e.psnr_db = mse > 0 ? 10.0 * std::log10((hi - lo) * (hi - lo) / mse)
                        : std::numeric_limits<double>::infinity();
    return e;
}

}  // namespace radon::ui
