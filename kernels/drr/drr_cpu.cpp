#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "kernels/backend/cuda_drr.h"
#include "kernels/core/error.h"
#include "kernels/drr/drr_cpu_lanes.h"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/drr_ray_setup.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/occupancy.h"

namespace radon {
namespace {

// The direction (cell coordinates) of the panel's central ray.
void central_direction(const DrrRayParams& p, const ProjectionGeometry& g, float dir[3]) {
    const float c = 0.5f * static_cast<float>(g.width - 1);
    const float r = 0.5f * static_cast<float>(g.height - 1);
    for (int a = 0; a < 3; ++a)
        dir[a] = p.q_to_first[a] + c * p.q_col[a] + r * p.q_row[a];
}

using RenderBlockFn = void (*)(const DrrRayParams&, const float*, bool, const PixelBlock&, int,
                               const CancelToken*, std::atomic<int64_t>*);

class CpuDrrRenderer final : public DrrRenderer {
    static constexpr int64_t kBandRows = 64;

  public:
    CpuDrrRenderer(const VolumeGrid& grid, const Array<float>& attenuation, SimdLevel simd,
                   const OccupiedBox* occupied)
        : grid_(grid), attenuation_(attenuation), simd_(simd) {
        grid.validate("volume");
        if (attenuation.extents() != Extents{grid.size[0], grid.size[1], grid.size[2]}) {
            throw InvalidArgument("attenuation array extents do not match the volume grid");
        }
        if (grid.voxel_count() > INT32_MAX) {
            throw InvalidArgument("volume has " + std::to_string(grid.voxel_count()) +
                                  " voxels; the DRR engine indexes at most 2^31 - 1");
        }
        occupied_ = occupied ? *occupied : occupied_box(attenuation.host_data(), grid.size);
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
    const OccupiedBox& occupied() const override { return occupied_; }

    std::string description(const DrrSettings& settings) const override {
        std::ostringstream s;
        s << "cpu " << to_string(simd_) << " x" << lanes_ << ", " << thread_count(settings)
          << " threads";
        return s.str();
    }

    // Patches bound the work between two cancel checks; without a patch size, bands of rows the
    // full width of the panel keep every thread busy.
    PatchPlan patch_plan(int64_t width, int64_t height,
                         const DrrSettings& settings) const override {
        if (settings.patch_size > 0) return {settings.patch_size, settings.patch_size, {}};
        const int64_t rows = std::max<int64_t>(1, std::min<int64_t>(height, kBandRows));
        return {width, rows,
                "bands of " + std::to_string(rows) + " full-width rows: the CPU renders into the "
                "output directly, so a band bounds only the work between two cancel checks"};
    }

    void render(const ProjectionGeometry& geometry, const DrrSettings& settings, float* out,
                const RunControl& control) override {
        Detector panel;
        panel.width = geometry.width;
        panel.height = geometry.height;
        settings.validate(panel);
        DrrRayParams params = drr_ray_params(grid_, geometry, settings, &occupied_);
        float central[3];
        central_direction(params, geometry, central);
        params.prefetch_slabs = cpu_prefetch_slabs(central);
        const bool trilinear = settings.algorithm == DrrAlgorithm::Trilinear;
        const int threads = thread_count(settings);
        const int64_t width = geometry.width, height = geometry.height;

        if (occupied_.empty && settings.reduction == DrrReduction::Sum) {
            std::fill(out, out + width * height, 0.0f);
            control.report(1.0);
            return;
        }
        const PatchPlan plan = patch_plan(width, height, settings);
        const int64_t patch_w = plan.width, patch_h = plan.height;
        std::atomic<int64_t> rows_done{0};
        const int64_t total_rows = height * ((width + patch_w - 1) / patch_w);
        for (int64_t row0 = 0; row0 < height; row0 += patch_h) {
            for (int64_t col0 = 0; col0 < width; col0 += patch_w) {
                control.check_cancel();
                const PixelBlock block{col0, std::min(col0 + patch_w, width),
                                       row0, std::min(row0 + patch_h, height),
                                       out,  width};
                render_block_(params, attenuation_.host_data(), trilinear, block, threads,
                              control.cancel, &rows_done);
                control.report(static_cast<double>(rows_done.load()) / total_rows);
            }
        }
        control.check_cancel();
    }

  private:
    int thread_count(const DrrSettings& settings) const {
        return settings.threads > 0 ? settings.threads : omp_get_max_threads();
    }

    VolumeGrid grid_;
    Array<float> attenuation_;
    SimdLevel simd_;
    OccupiedBox occupied_;
    RenderBlockFn render_block_ = nullptr;
    int lanes_ = 1;
};

}  // namespace

std::unique_ptr<DrrRenderer> make_cpu_drr_renderer(const VolumeGrid& grid,
                                                   const Array<float>& attenuation, SimdLevel simd,
                                                   const OccupiedBox* occupied) {
    if (static_cast<int>(simd) > static_cast<int>(detected_simd_level())) {
        throw InvalidArgument(std::string("this CPU does not support ") + to_string(simd) +
                              " (best available: " + to_string(detected_simd_level()) + ")");
    }
    return std::make_unique<CpuDrrRenderer>(grid, attenuation, simd, occupied);
}

std::unique_ptr<DrrRenderer> make_drr_renderer(DeviceKind device, const VolumeGrid& grid,
                                               const Array<float>& attenuation,
                                               std::string* fallback_note,
                                               const OccupiedBox* occupied) {
    if (fallback_note) fallback_note->clear();
    if (device == DeviceKind::Cuda) {
        // No driver, no device or no CUDA in this build: the CPU takes over, and says why.
        const std::string reason = cuda_unavailable_reason();
        if (reason.empty()) return detail::make_cuda_drr_renderer(grid, attenuation, 0, occupied);
        if (fallback_note)
            *fallback_note = "CUDA unavailable: " + reason + "; rendering on the CPU";
    }
    // RADON_SIMD=baseline|avx2|avx512 forces an instruction set, to compare them or to
    // reproduce what an older CPU computes.
    const char* forced = std::getenv("RADON_SIMD");
    return make_cpu_drr_renderer(
        grid, attenuation, forced && *forced ? parse_simd_level(forced) : detected_simd_level(),
        occupied);
}

}  // namespace radon
