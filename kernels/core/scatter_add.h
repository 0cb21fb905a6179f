#pragma once

#include "kernels/core/hd.h"

namespace radon {

// How a back projection adds a contribution to a voxel. The per-ray and per-LOR scatter code
// takes one of these, so the same code runs on the CPU and in a CUDA kernel.

// Plain addition for the CPU engines, whose threads each own the image they write.
struct PlainAdd {
    RADON_HD void operator()(float* target, float v) const { *target += v; }
};

// Atomic addition for a CUDA kernel, whose threads share one image (plain on the host side).
struct AtomicAdd {
    RADON_HD void operator()(float* target, float v) const {
#if defined(__CUDA_ARCH__)
        atomicAdd(target, v);
#else
        *target += v;
#endif
    }
};

}  // namespace radon
