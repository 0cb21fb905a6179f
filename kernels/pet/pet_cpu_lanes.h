#pragma once

#include <cstdint>

#include "kernels/pet/pet_lor_projection.h"

namespace radon::pet {

// The CPU engine's loops over one batch of LORs [n0, n1), OpenMP over LORs. Compiled once per
// instruction set from pet_cpu_lanes.cpp (the per-LOR code is scalar, but floor, ceil and erf
// only become single instructions with SSE4.1/AVX); the engine picks the best the CPU supports.
// back_batch adds LOR n's back projection into images[thread].
#define RADON_DECLARE_PET_CPU_VARIANT(ns)                                                          \
    namespace ns {                                                                                 \
    void forward_batch(const PetProjectionSpec& spec, const PetLors& lors, int64_t n0, int64_t n1, \
                       const float* image, float* out, int threads);                               \
    void back_batch(const PetProjectionSpec& spec, const PetLors& lors, int64_t n0, int64_t n1,    \
                    const float* values, float* const* images, int threads);                       \
    }

namespace pet_cpu {
RADON_DECLARE_PET_CPU_VARIANT(baseline)
RADON_DECLARE_PET_CPU_VARIANT(avx2)
RADON_DECLARE_PET_CPU_VARIANT(avx512)
}  // namespace pet_cpu

}  // namespace radon::pet
