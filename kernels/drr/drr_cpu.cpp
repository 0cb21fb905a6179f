#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <sstream>

#include "kernels/backend/cuda_drr.h"
#include "kernels/core/error.h"
#include "kernels/core/host_memory.h"
#include "kernels/drr/drr_cpu_lanes.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/drr_ray_setup.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/occupancy.h"

namespace radon {
namespace {

// The volume with axis `fastest` contiguous in memory, the other two in their original order.
struct VolumeLayout {
    Array<float> voxels;
    std::array<int32_t, 3> strides{};
};

VolumeLayout reorder_for_axis(const Array<float>& native, const std::array<int64_t, 3>& n,
                              int fastest) {
    const int slow1 = fastest == 0 ? 1 : 0, slow2 = fastest == 2 ? 1 : 2;
    VolumeLayout layout;
    layout.strides[fastest] = 1;
    layout.strides[slow1] = static_cast<int32_t>(n[fastest]);
    layout.strides[slow2] = static_cast<int32_t>(n[fastest] * n[slow1]);
    layout.voxels = Array<float>::allocate(native.extents());
    const float* src = native.host_data();
    float* dst = layout.voxels.host_data();
    const int64_t nx = n[0], ny = n[1], nz = n[2];
    const int64_t sx = layout.strides[0], sy = layout.strides[1], sz = layout.strides[2];
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t z = 0; z < nz; ++z)
        for (int64_t y = 0; y < ny; ++y)
            for (int64_t x = 0; x < nx; ++x)
                dst[x * sx + y * sy + z * sz] = src[x + nx * (y + ny * z)];
    return layout;
}

// How far ahead a ray prefetches when its slabs are far apart in memory: about one memory
// latency's worth of steps (measured: 2 to 8 all help equally at 200x200).
constexpr int32_t kPrefetchSlabs = 4;

// The axis the central ray of the panel mostly travels along.
int central_dominant_axis(const DrrRayParams& p, const ProjectionGeometry& g) {
    const float c = 0.5f * static_cast<float>(g.width - 1);
    const float r = 0.5f * static_cast<float>(g.height - 1);
    float best = -1;
    int axis = 0;
    for (int a = 0; a < 3; ++a) {
        const float along = std::fabs(p.q_to_first[a] + c * p.q_col[a] + r * p.q_row[a]);
        if (along > best) {
            best = along;
            axis = a;
        }
    }
    return axis;
}

using RenderBlockFn = void (*)(const DrrRayParams&, const float*, bool, const PixelBlock&, int,
                               const CancelToken*, std::atomic<int64_t>*);

class CpuDrrRenderer final : public DrrRenderer {
  public:
    CpuDrrRenderer(const VolumeGrid& grid, const Array<float>& attenuation, SimdLevel simd)
        : grid_(grid), attenuation_(attenuation), simd_(simd) {
        grid.validate("volume");
        if (attenuation.extents() != Extents{grid.size[0], grid.size[1], grid.size[2]}) {
            throw InvalidArgument("attenuation array extents do not match the volume grid");
        }
        if (grid.voxel_count() > INT32_MAX) {
            throw InvalidArgument("volume has " + std::to_string(grid.voxel_count()) +
                                  " voxels; the DRR engine indexes at most 2^31 - 1");
        }
        occupied_ = occupied_box(attenuation.host_data(), grid.size);
        layouts_[0].voxels = attenuation;
        layouts_[0].strides = {1, static_cast<int32_t>(grid.size[0]),
                               static_cast<int32_t>(grid.size[0] * grid.size[1])};
        switch (simd) {
            case SimdLevel::Avx512:
                render_block_ = drr_cpu::avx512::render_block;
                lanes_ = drr_cpu::avx512::lanes();
                break;
            case SimdLevel::Avx2:
                render_block_ = drr_cpu::avx2::render_block;
                lanes_ = drr_cpu::avx2::lanes();
                break;
            case SimdLevel::Baseline:
                render_block_ = drr_cpu::baseline::render_block;
                lanes_ = drr_cpu::baseline::lanes();
                break;
        }
    }

    DeviceKind device() const override { return DeviceKind::Cpu; }

    std::string description(const DrrSettings& settings) const override {
        std::ostringstream s;
        s << "cpu " << to_string(simd_) << " x" << lanes_ << ", " << thread_count(settings)
          << " threads";
        return s.str();
    }

    void render(const ProjectionGeometry& geometry, const DrrSettings& settings, float* out,
                const RunControl& control) override {
        Detector panel;
        panel.width = geometry.width;
        panel.height = geometry.height;
        settings.validate(panel);
        DrrRayParams params = drr_ray_params(grid_, geometry, settings, &occupied_);
        const int axis = central_dominant_axis(params, geometry);
        const VolumeLayout& layout = layout_for(axis);
        for (int a = 0; a < 3; ++a)
            params.strides[a] = layout.strides[a];
        params.prefetch_slabs = layout.strides[axis] == 1 ? 0 : kPrefetchSlabs;
        const bool trilinear = settings.algorithm == DrrAlgorithm::Trilinear;
        const int threads = thread_count(settings);
        const int64_t width = geometry.width, height = geometry.height;

        if (occupied_.empty && settings.reduction == DrrReduction::Sum) {
            std::fill(out, out + width * height, 0.0f);
            control.report(1.0);
            return;
        }
        // Patches bound the work between two cancel checks; without a patch size, bands of
        // rows the full width of the panel keep every thread busy.
        const int64_t patch_w = settings.patch_size > 0 ? settings.patch_size : width;
        const int64_t patch_h = settings.patch_size > 0
                                    ? settings.patch_size
                                    : std::max<int64_t>(1, std::min<int64_t>(height, 64));
        std::atomic<int64_t> rows_done{0};
        const int64_t total_rows = height * ((width + patch_w - 1) / patch_w);
        for (int64_t row0 = 0; row0 < height; row0 += patch_h) {
            for (int64_t col0 = 0; col0 < width; col0 += patch_w) {
                control.check_cancel();
                const PixelBlock block{col0, std::min(col0 + patch_w, width),
                                       row0, std::min(row0 + patch_h, height),
                                       out,  width};
                render_block_(params, layout.voxels.host_data(), trilinear, block, threads,
                              control.cancel, &rows_done);
                control.report(static_cast<double>(rows_done.load()) / total_rows);
            }
        }
        control.check_cancel();
    }

  private:
    // Rays walk fastest along their dominant axis; with that axis contiguous in memory a
    // cache line serves 16 consecutive steps instead of one, which pays when rays are sparse
    // (measured 1.5x at 200x200 on the thorax, nothing at 1500x1500). The copy costs about four
    // small renders, so it is made only once a second render asks for the same axis (an
    // interactive session or a benchmark, not a one-shot CLI render), and never when it would
    // take more than a quarter of the machine's memory.
    const VolumeLayout& layout_for(int axis) {
        std::lock_guard<std::mutex> lock(layout_mutex_);
        if (axis != 0 && !layouts_[axis].voxels.bound()) {
            if (++layout_requests_[axis] < 2) return layouts_[0];
            const std::size_t budget = physical_memory_bytes() / 4;
            if (budget == 0 || attenuation_.bytes() > budget) return layouts_[0];
            layouts_[axis] = reorder_for_axis(attenuation_, grid_.size, axis);
        }
        return layouts_[axis];
    }

    int thread_count(const DrrSettings& settings) const {
        return settings.threads > 0 ? settings.threads : omp_get_max_threads();
    }

    VolumeGrid grid_;
    Array<float> attenuation_;
    SimdLevel simd_;
    OccupiedBox occupied_;
    RenderBlockFn render_block_ = nullptr;
    int lanes_ = 1;
    std::array<VolumeLayout, 3> layouts_;
    std::array<int, 3> layout_requests_{0, 0, 0};
    std::mutex layout_mutex_;
};

}  // namespace

std::unique_ptr<DrrRenderer> make_cpu_drr_renderer(const VolumeGrid& grid,
                                                   const Array<float>& attenuation,
                                                   SimdLevel simd) {
    if (static_cast<int>(simd) > static_cast<int>(detected_simd_level())) {
        throw InvalidArgument(std::string("this CPU does not support ") + to_string(simd) +
                              " (best available: " + to_string(detected_simd_level()) + ")");
    }
    return std::make_unique<CpuDrrRenderer>(grid, attenuation, simd);
}

std::unique_ptr<DrrRenderer> make_drr_renderer(DeviceKind device, const VolumeGrid& grid,
                                               const Array<float>& attenuation,
                                               std::string* fallback_note) {
    if (fallback_note) fallback_note->clear();
    if (device == DeviceKind::Cuda) {
        // No driver, no device or no CUDA in this build: the CPU takes over, and says why.
        const std::string reason = cuda_unavailable_reason();
        if (reason.empty()) return detail::make_cuda_drr_renderer(grid, attenuation, 0);
        if (fallback_note)
            *fallback_note = "CUDA unavailable: " + reason + "; rendering on the CPU";
    }
    // RADON_SIMD=baseline|avx2|avx512 forces an instruction set, to compare them or to
    // reproduce what an older CPU computes.
    const char* forced = std::getenv("RADON_SIMD");
    return make_cpu_drr_renderer(
        grid, attenuation, forced && *forced ? parse_simd_level(forced) : detected_simd_level());
}

}  // namespace radon
