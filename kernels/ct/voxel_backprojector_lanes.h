#pragma once

#include <cstdint>

#include "kernels/ct/voxel_backprojection.h"

namespace radon {

// The CPU back projector's loop over one batch of views, OpenMP over the volume's rows of voxels
// (each row of x, one SIMD pack of neighbouring voxels at a time). Adds into `volume` (nx x ny x
// nz, x fastest) the contributions of `view_count` views, whose maps are `maps` and whose padded
// panels follow each other from `panels`. Each voxel adds its views in order, so every variant
// gives the same bits. Compiled once per instruction set from voxel_backprojector_lanes.cpp.
#define RADON_DECLARE_CT_BACKPROJECT_VARIANT(ns)                                                  \
    namespace ns {                                                                                \
    void backproject_views(const VoxelViewMap* maps, int64_t view_count, const float* panels,     \
                           const PaddedPanels& layout, bool depth_weight, int64_t nx, int64_t ny, \
                           int64_t nz, float* volume, int threads);                               \
    int lanes();                                                                                  \
    }

namespace ct_backproject_cpu {
RADON_DECLARE_CT_BACKPROJECT_VARIANT(baseline)
RADON_DECLARE_CT_BACKPROJECT_VARIANT(avx2)
RADON_DECLARE_CT_BACKPROJECT_VARIANT(avx512)
}  // namespace ct_backproject_cpu

}  // namespace radon
