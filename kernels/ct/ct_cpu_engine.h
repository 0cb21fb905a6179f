#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/core/progress.h"
#include "kernels/drr/drr_ray_params.h"

namespace radon {

// What the CPU engine needs to project one scan: the per-view ray params (ct_ray_setup.h) and
// the stack's extents.
struct CtCpuPlan {
    std::vector<DrrRayParams> params;  // one per view
    int64_t columns = 0, rows = 0;
    bool parallel = false;
    bool trilinear = false;
    int threads = 0;  // 0: OpenMP's default
    // Host memory the back projection may use beyond its output: one private volume per extra
    // thread. With less, fewer threads back-project (at least one).
    std::size_t memory_budget_bytes = std::size_t(2) << 30;

    int64_t views() const { return static_cast<int64_t>(params.size()); }
};

// Forward projection: overwrites `stack` (views x rows x columns, column fastest) with the line
// integrals of `volume`. Views go in batches, between which the cancel token is checked (throws
// Cancelled) and progress reported. The best SIMD variant the CPU runs is used (RADON_SIMD=
// baseline|avx2|avx512 forces a lower one, as for DRRs).
void ct_forward_cpu(const CtCpuPlan& plan, const float* volume, float* stack,
                    const RunControl& control = {});

// Its exact transpose: overwrites `volume` (voxels floats) with the ray-driven back projection of
// `stack`, each ray scattered along the same walk (no lock per voxel: ThreadPartials).
void ct_back_cpu(const CtCpuPlan& plan, const float* stack, float* volume, int64_t voxels,
                 const RunControl& control = {});

// The threads ct_back_cpu uses for this volume (for logs and benchmarks).
int ct_back_cpu_threads(const CtCpuPlan& plan, int64_t voxels);

// "avx2 x8" and the like: the SIMD variant and its lanes.
const char* ct_cpu_simd_name();
int ct_cpu_lanes();

}  // namespace radon
