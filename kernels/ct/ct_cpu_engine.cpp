#include "kernels/ct/ct_cpu_engine.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>

#include "kernels/core/thread_partials.h"
#include "kernels/ct/ct_cpu_lanes.h"
#include "kernels/simd/cpu_features.h"

namespace radon {
namespace {

// Rays per batch: large enough that starting a parallel region costs nothing measurable, small
// enough that cancel answers within a fraction of a second.
constexpr int64_t kBatchRays = int64_t(1) << 16;

using ForwardLines = decltype(&ct_cpu::baseline::forward_lines);
using BackLines = decltype(&ct_cpu::baseline::back_lines);

SimdLevel simd_level() {
    const char* forced = std::getenv("RADON_SIMD");
    const SimdLevel best = detected_simd_level();
    if (!forced || !*forced) return best;
    const SimdLevel asked = parse_simd_level(forced);
    return static_cast<int>(asked) > static_cast<int>(best) ? best : asked;
}

struct Variant {
    ForwardLines forward;
    BackLines back;
    int lanes;
};

Variant variant() {
    switch (simd_level()) {
        case SimdLevel::Avx512:
            return {ct_cpu::avx512::forward_lines, ct_cpu::avx512::back_lines,
                    ct_cpu::avx512::lanes()};
        case SimdLevel::Avx2:
            return {ct_cpu::avx2::forward_lines, ct_cpu::avx2::back_lines, ct_cpu::avx2::lanes()};
        default:
            return {ct_cpu::baseline::forward_lines, ct_cpu::baseline::back_lines,
                    ct_cpu::baseline::lanes()};
    }
}

int thread_count(const CtCpuPlan& plan) {
    return plan.threads > 0 ? plan.threads : omp_get_max_threads();
}

// Calls run(lines) on batches of whole views.
template <class Run>
void in_batches(const CtCpuPlan& plan, const RunControl& control, Run run) {
    CtLines lines;
    lines.params = plan.params.data();
    lines.columns = plan.columns;
    lines.rows = plan.rows;
    lines.parallel = plan.parallel;
    lines.trilinear = plan.trilinear;
    const int64_t per_view = std::max<int64_t>(1, plan.columns * plan.rows);
    const int64_t batch = std::max<int64_t>(1, kBatchRays / per_view);
    const int64_t views = plan.views();
    for (int64_t v0 = 0; v0 < views; v0 += batch) {
        control.check_cancel();
        lines.view0 = v0;
        lines.view1 = std::min(views, v0 + batch);
        run(lines);
        control.check_cancel();
        control.report(static_cast<double>(lines.view1) / static_cast<double>(views));
    }
}

}  // namespace

void ct_forward_cpu(const CtCpuPlan& plan, const float* volume, float* stack,
                    const RunControl& control) {
    const ForwardLines run = variant().forward;
    const int threads = thread_count(plan);
    in_batches(plan, control,
               [&](const CtLines& lines) { run(lines, volume, stack, threads, control.cancel); });
}

int ct_back_cpu_threads(const CtCpuPlan& plan, int64_t voxels) {
    return partial_threads(voxels, thread_count(plan), plan.memory_budget_bytes);
}

void ct_back_cpu(const CtCpuPlan& plan, const float* stack, float* volume, int64_t voxels,
                 const RunControl& control) {
    const BackLines run = variant().back;
    ThreadPartials volumes(volume, voxels, ct_back_cpu_threads(plan, voxels));
    in_batches(plan, control, [&](const CtLines& lines) {
        run(lines, stack, volumes.arrays(), volumes.threads(), control.cancel);
    });
    volumes.reduce();
}

const char* ct_cpu_simd_name() {
    return to_string(simd_level());
}

int ct_cpu_lanes() {
    return variant().lanes;
}

}  // namespace radon
