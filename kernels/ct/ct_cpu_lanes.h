#pragma once

#include <cstdint>

#include "kernels/core/progress.h"
#include "kernels/drr/drr_ray_params.h"

namespace radon {

// The detector lines (one view, one row) of views [view0, view1) of a projection stack, and the
// per-view ray params (ct_ray_setup.h) that set up their rays. Line (view, row) is stored at
// (view * rows + row) * columns.
struct CtLines {
    const DrrRayParams* params = nullptr;  // indexed by view
    int64_t columns = 0, rows = 0;
    int64_t view0 = 0, view1 = 0;
    bool parallel = false;
    bool trilinear = false;
};

// The CPU engine's loops, OpenMP over detector lines, SIMD packs of neighbouring pixels along a
// line. Compiled once per instruction set from ct_cpu_lanes.cpp (see kernels/CMakeLists.txt).
// forward_lines overwrites the lines' values in `stack`; back_lines adds each line's back
// projection into volumes[thread] (no locks: one volume per thread, ThreadPartials). Lines are
// skipped once `cancel` fires (the caller then throws).
#define RADON_DECLARE_CT_CPU_VARIANT(ns)                                                          \
    namespace ns {                                                                                \
    void forward_lines(const CtLines& lines, const float* volume, float* stack, int threads,      \
                       const CancelToken* cancel);                                                \
    void back_lines(const CtLines& lines, const float* stack, float* const* volumes, int threads, \
                    const CancelToken* cancel);                                                   \
    int lanes();                                                                                  \
    }

namespace ct_cpu {
RADON_DECLARE_CT_CPU_VARIANT(baseline)
RADON_DECLARE_CT_CPU_VARIANT(avx2)
RADON_DECLARE_CT_CPU_VARIANT(avx512)
}  // namespace ct_cpu

}  // namespace radon
