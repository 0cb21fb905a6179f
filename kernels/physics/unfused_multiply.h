#pragma once

#include "kernels/core/hd.h"

namespace radon {

// a * b rounded to float on its own. nvcc contracts a * b + c into one fused multiply-add by
// default, which rounds once instead of twice; the host build never does (no -mfma for this
// code). Products that are then added to something go through here, so that a voxel or a
// pixel gets the same bits from the CPU and from a CUDA kernel, and so that the DiffDRR density
// matches PyTorch's unfused float32 arithmetic bit for bit.
RADON_HD float unfused_multiply(float a, float b) {
#if defined(__CUDA_ARCH__)
    return __fmul_rn(a, b);
#else
    return a * b;
#endif
}

}  // namespace radon
