#include "kernels/ct/voxel_backprojector.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "kernels/backend/cuda_ct_backproject.h"
#include "kernels/core/error.h"
#include "kernels/ct/voxel_backprojector_lanes.h"
#include "kernels/drr/lanes_scalar.h"

namespace radon {
namespace {

// Views whose padded panels one pass over the volume reads: each pass reads and writes the whole
// volume once, so more views per pass save memory traffic, while their panels (16 of 256^2:
// 4 MiB) should stay in the last-level cache.
constexpr int64_t kViewsPerPass = 16;

using BackprojectViews = decltype(&ct_backproject_cpu::baseline::backproject_views);

SimdLevel chosen_simd(const VoxelBackprojectorSettings& s) {
    const SimdLevel best = detected_simd_level();
    SimdLevel asked = best;
    if (s.simd) {
        asked = *s.simd;
    } else if (const char* forced = std::getenv("RADON_SIMD"); forced && *forced) {
        asked = parse_simd_level(forced);
    }
    // A variant the CPU cannot run would stop the process with an illegal instruction.
    return static_cast<int>(asked) > static_cast<int>(best) ? best : asked;
}

BackprojectViews variant(SimdLevel level, int* lanes) {
    switch (level) {
        case SimdLevel::Avx512:
            *lanes = ct_backproject_cpu::avx512::lanes();
            return ct_backproject_cpu::avx512::backproject_views;
        case SimdLevel::Avx2:
            *lanes = ct_backproject_cpu::avx2::lanes();
            return ct_backproject_cpu::avx2::backproject_views;
        default:
            *lanes = ct_backproject_cpu::baseline::lanes();
            return ct_backproject_cpu::baseline::backproject_views;
    }
}

void check_extents(const CtGeometry& geometry, const VolumeGrid& grid) {
    geometry.validate("CT geometry");
    grid.validate("volume grid");
    const int64_t limit = std::numeric_limits<int32_t>::max() / 4;
    if (geometry.columns + 3 > limit || geometry.rows + 3 > limit ||
        (geometry.columns + 3) * (geometry.rows + 3) > limit)
        throw InvalidArgument("CT geometry: a panel of " + std::to_string(geometry.columns) +
                              " x " + std::to_string(geometry.rows) +
                              " pixels is too large for the back projector (at most 2^29 pixels)");
}

class CpuVoxelBackprojector final : public VoxelBackprojector {
  public:
    CpuVoxelBackprojector(const CtGeometry& geometry, const VolumeGrid& grid,
                          VoxelBackprojectionWeight weight, const VoxelBackprojectorSettings& s)
        : maps_(voxel_view_maps(geometry, grid)),
          layout_(PaddedPanels::of(int32_t(geometry.columns), int32_t(geometry.rows))),
          size_(grid.size),
          depth_weight_(weight == VoxelBackprojectionWeight::InverseSquareDepth &&
                        geometry.beam == CtBeam::Cone),
          threads_(s.threads > 0 ? s.threads : omp_get_max_threads()),
          simd_(chosen_simd(s)),
          run_(variant(simd_, &lanes_)),
          volume_(std::size_t(grid.voxel_count()), 0.0f) {}

    void add(int64_t first_view, int64_t view_count, const float* projections,
             const RunControl& control) override {
        if (first_view < 0 || view_count < 0 || first_view + view_count > int64_t(maps_.size()))
            throw InvalidArgument("back projection of views " + std::to_string(first_view) +
                                  " to " + std::to_string(first_view + view_count - 1) +
                                  ": the geometry has views 0 to " +
                                  std::to_string(maps_.size() - 1));
        const int64_t pixels = int64_t(layout_.columns) * layout_.rows;
        std::vector<float> padded(std::size_t(std::min(view_count, kViewsPerPass)) *
                                  std::size_t(layout_.view_stride));
        for (int64_t v0 = 0; v0 < view_count; v0 += kViewsPerPass) {
            control.check_cancel();
            const int64_t n = std::min(kViewsPerPass, view_count - v0);
            pad_panels(projections + v0 * pixels, n, layout_, padded.data());
            run_(maps_.data() + first_view + v0, n, padded.data(), layout_, depth_weight_, size_[0],
                 size_[1], size_[2], volume_.data(), threads_);
            control.report(double(v0 + n) / double(view_count));
        }
        control.check_cancel();
    }

    void read(float* volume) override { std::copy(volume_.begin(), volume_.end(), volume); }
    void clear() override { std::fill(volume_.begin(), volume_.end(), 0.0f); }
    std::string description() const override {
        std::ostringstream s;
        s << "CPU " << to_string(simd_) << " (" << lanes_ << " lanes), " << threads_
          << (threads_ == 1 ? " thread" : " threads");
        return s.str();
    }

  private:
    std::vector<VoxelViewMap> maps_;
    PaddedPanels layout_;
    std::array<int64_t, 3> size_;
    bool depth_weight_;
    int threads_;
    SimdLevel simd_;
    int lanes_ = 1;
    BackprojectViews run_;
    std::vector<float> volume_;
};

// The panel point of voxel (i, j, k) in one view, by the shared per-voxel code.
VoxelPanelPoint<ScalarLanes> panel_point(const VoxelViewMap& map, int64_t i, int64_t j, int64_t k) {
    return voxel_panel_point<ScalarLanes>(map, voxel_row_origin(map, float(j), float(k)), float(i));
}

}  // namespace

std::vector<VoxelViewMap> voxel_view_maps(const CtGeometry& geometry, const VolumeGrid& grid) {
    check_extents(geometry, grid);
    // index -> world as a 4x4 affine map [A b; 0 1].
    const Mat3 a = grid.index_to_world_matrix();
    const Vec3 b = grid.origin;
    std::vector<VoxelViewMap> maps;
    maps.reserve(geometry.views.size());
    for (int64_t view = 0; view < geometry.view_count(); ++view) {
        const CtView& w = geometry.views[std::size_t(view)];
        double p[12];  // world (x, y, z, 1) -> (w col, w row, w)
        if (geometry.beam == CtBeam::Cone) {
            const std::array<double, 12> pm =
                geometry.projection_geometry(view).projection_matrix();
            // projection_matrix's w is the depth relative to the panel's: scale it to millimetres.
            Vec3 normal = normalized(cross(w.u, w.v));
            if (dot(normal, w.detector_center - w.source) < 0) normal = -normal;
            const double panel_depth = dot(normal, w.detector_center - w.source);
            for (int e = 0; e < 12; ++e)
                p[e] = pm[std::size_t(e)] * panel_depth;
        } else {
            // Parallel rays along d: x lies on the ray through the pixel whose centre is
            // x + t d on the panel; with the dual basis of (u, v, d) the pixel coordinates are
            // affine in x.
            const Mat3 basis_inv = inverse(Mat3::from_columns(w.u, w.v, w.source));
            const Vec3 first = geometry.pixel_center(view, 0.0, 0.0);
            for (int r = 0; r < 2; ++r) {
                const Vec3 e = basis_inv.row(r);
                p[r * 4 + 0] = e.x;
                p[r * 4 + 1] = e.y;
                p[r * 4 + 2] = e.z;
                p[r * 4 + 3] = -dot(e, first);
            }
            p[8] = p[9] = p[10] = 0.0;
            p[11] = 1.0;
        }
        VoxelViewMap map;
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) {
                const Vec3 row{p[r * 4 + 0], p[r * 4 + 1], p[r * 4 + 2]};
                map.m[r * 4 + c] = float(dot(row, a.column(c)));
            }
            map.m[r * 4 + 3] =
                float(p[r * 4 + 0] * b.x + p[r * 4 + 1] * b.y + p[r * 4 + 2] * b.z + p[r * 4 + 3]);
        }
        maps.push_back(map);
    }
    return maps;
}

void pad_panels(const float* panels, int64_t view_count, const PaddedPanels& layout,
                float* padded) {
    const int64_t columns = layout.columns, rows = layout.rows;
    const int64_t pixels = columns * rows;
    // Framed pixel (r, c) is panel pixel (r - 1, c - 1), zero outside.
    auto framed = [&](const float* panel, int64_t r, int64_t c) {
        return r >= 1 && c >= 1 && r <= rows && c <= columns ? panel[(r - 1) * columns + (c - 1)]
                                                             : 0.0f;
    };
    const int64_t framed_rows = rows + 2;
#pragma omp parallel for schedule(static)
    for (int64_t vr = 0; vr < view_count * framed_rows; ++vr) {
        const int64_t v = vr / framed_rows, r = vr % framed_rows;
        const float* panel = panels + v * pixels;
        float* out = padded + v * layout.view_stride;
        for (int64_t c = 0; c < layout.stride; ++c) {
            float* q = out + 4 * (r * layout.stride + c);
            q[0] = framed(panel, r, c);
            q[1] = framed(panel, r, c + 1);
            q[2] = framed(panel, r + 1, c);
            q[3] = framed(panel, r + 1, c + 1);
        }
    }
}

std::unique_ptr<VoxelBackprojector> make_voxel_backprojector(
    const CtGeometry& geometry, const VolumeGrid& grid, VoxelBackprojectionWeight weight,
    const VoxelBackprojectorSettings& settings, DeviceKind device, std::string* fallback_note) {
    if (fallback_note) fallback_note->clear();
    check_extents(geometry, grid);
    if (settings.threads < 0)
        throw InvalidArgument("back projector threads: " + std::to_string(settings.threads) +
                              ", expected 0 (every core) or a positive count");
    if (device == DeviceKind::Cuda) {
        const std::string reason = cuda_unavailable_reason();
        if (reason.empty())
            return detail::make_cuda_voxel_backprojector(voxel_view_maps(geometry, grid), geometry,
                                                         grid, weight, settings.memory_path, 0);
        if (fallback_note)
            *fallback_note = "CUDA unavailable: " + reason + "; back-projecting on the CPU";
    }
    return std::make_unique<CpuVoxelBackprojector>(geometry, grid, weight, settings);
}

std::vector<float> voxel_backproject(const CtGeometry& geometry, const VolumeGrid& grid,
                                     const float* projections, VoxelBackprojectionWeight weight,
                                     const VoxelBackprojectorSettings& settings, DeviceKind device,
                                     const RunControl& control, std::string* fallback_note) {
    auto backprojector =
        make_voxel_backprojector(geometry, grid, weight, settings, device, fallback_note);
    backprojector->add(0, geometry.view_count(), projections, control);
    std::vector<float> volume(std::size_t(grid.voxel_count()));
    backprojector->read(volume.data());
    return volume;
}

std::vector<uint8_t> voxels_seen_by_every_view(const CtGeometry& geometry, const VolumeGrid& grid) {
    const std::vector<VoxelViewMap> maps = voxel_view_maps(geometry, grid);
    const int64_t nx = grid.size[0], ny = grid.size[1], nz = grid.size[2];
    std::vector<uint8_t> seen(std::size_t(grid.voxel_count()), 1);
    // Half a thousandth of a pixel of slack: a voxel centre that projects exactly onto the
    // outermost pixel centre stays inside whatever the float rounding.
    const float slack = 5e-4f;
    const float last_col = float(geometry.columns - 1) + slack;
    const float last_row = float(geometry.rows - 1) + slack;
#pragma omp parallel for schedule(static)
    for (int64_t r = 0; r < ny * nz; ++r) {
        for (int64_t i = 0; i < nx; ++i) {
            uint8_t inside = 1;
            for (const VoxelViewMap& map : maps) {
                const VoxelPanelPoint<ScalarLanes> p = panel_point(map, i, r % ny, r / ny);
                if (!p.front || p.col < -slack || p.col > last_col || p.row < -slack ||
                    p.row > last_row) {
                    inside = 0;
                    break;
                }
            }
            seen[std::size_t(r * nx + i)] = inside;
        }
    }
    return seen;
}

}  // namespace radon
