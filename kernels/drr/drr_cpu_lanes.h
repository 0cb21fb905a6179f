#pragma once

#include <atomic>
#include <cstdint>

#include "kernels/core/progress.h"
#include "kernels/drr/drr_ray_params.h"

namespace radon {

// A rectangle of detector pixels for the CPU engine, and where its values go.
struct PixelBlock {
    int64_t col0, col1;  // columns [col0, col1)
    int64_t row0, row1;  // rows [row0, row1)
    float* out;          // the full image, row-major
    int64_t out_stride;  // floats per image row
};

// Renders `block` with OpenMP over rows. Compiled once per instruction set from
// drr_cpu_lanes.cpp; `rows_done` counts finished rows for progress, and rows are skipped once
// `cancel` fires (the caller then throws).
#define RADON_DECLARE_DRR_CPU_VARIANT(ns)                                              \
    namespace ns {                                                                     \
    void render_block(const DrrRayParams& params, const float* volume, bool trilinear, \
                      const PixelBlock& block, int threads, const CancelToken* cancel, \
                      std::atomic<int64_t>* rows_done);                                \
    int lanes();                                                                       \
    }

namespace drr_cpu {
RADON_DECLARE_DRR_CPU_VARIANT(baseline)
RADON_DECLARE_DRR_CPU_VARIANT(avx2)
RADON_DECLARE_DRR_CPU_VARIANT(avx512)
}  // namespace drr_cpu

}  // namespace radon
