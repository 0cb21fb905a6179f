#pragma once

// How the CUDA DRR kernels read the volume. Only memory access lives here: the per-ray
// arithmetic is the shared code in kernels/drr/ (ray_clip.h, siddon_walk.h, trilinear_walk.h).

#include <cuda_runtime.h>

#include "kernels/core/hd.h"
#include "kernels/drr/lanes_scalar.h"

namespace radon::cuda {

// One ray per thread, exactly ScalarLanes, except that voxel reads go through the read-only
// data cache (__ldg): the volume never changes during a render.
struct LdgLanes : ScalarLanes {
    RADON_HD static F gather(const float* base, I index) {
#if defined(__CUDA_ARCH__)
        return __ldg(base + index);
#else
        return base[index];
#endif
    }
};

// Trilinear interpolation by the texture unit: a float 3D texture with linear filtering, clamp
// addressing and unnormalised coordinates. The texture unit puts texel i's centre at i + 0.5,
// which is the shared cell coordinate q of voxel i (kernels/drr/drr_ray_params.h), and clamps
// like trilinear_sample; but it computes the weights in 9-bit fixed point with 8 fractional
// bits, so each interpolation weight is off by less than 1/256 (see docs/CUDA.md).
struct TextureTrilinear {
    cudaTextureObject_t texture;

    RADON_HD float operator()(const float q[3]) const {
#if defined(__CUDA_ARCH__)
        return tex3D<float>(texture, q[0], q[1], q[2]);
#else
        (void)q;
        return 0.0f;  // never called on the host: the texture exists only on the device
#endif
    }
};

}  // namespace radon::cuda
