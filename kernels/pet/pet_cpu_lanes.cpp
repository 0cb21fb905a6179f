// Compiled once per instruction set (see kernels/CMakeLists.txt); RADON_SIMD_VARIANT names the
// namespace. The per-LOR functions are inline templates instantiated here with types of this
// file's anonymous namespace, so no copy built with wider instructions leaks to another variant.

#include <omp.h>

#include "kernels/pet/pet_cpu_lanes.h"

#ifndef RADON_SIMD_VARIANT
#error "RADON_SIMD_VARIANT must name the variant (baseline, avx2, avx512)"
#endif

namespace radon::pet::pet_cpu::RADON_SIMD_VARIANT {
namespace {

// LORs a thread takes at once: neighbouring LORs of a sinogram cross neighbouring voxels.
constexpr int kChunk = 32;

}  // namespace

void forward_batch(const PetProjectionSpec& spec, const PetLors& lors, int64_t n0, int64_t n1,
                   const float* image, float* out, int threads) {
#pragma omp parallel for schedule(dynamic, kChunk) num_threads(threads)
    for (int64_t n = n0; n < n1; ++n)
        pet_lor_forward(spec, lors, n, image, out);
}

void back_batch(const PetProjectionSpec& spec, const PetLors& lors, int64_t n0, int64_t n1,
                const float* values, float* const* images, int threads) {
#pragma omp parallel num_threads(threads)
    {
        float* mine = images[omp_get_thread_num()];
        PlainAdd add;
#pragma omp for schedule(dynamic, kChunk)
        for (int64_t n = n0; n < n1; ++n)
            pet_lor_back(spec, lors, n, values, mine, add);
    }
}

}  // namespace radon::pet::pet_cpu::RADON_SIMD_VARIANT
