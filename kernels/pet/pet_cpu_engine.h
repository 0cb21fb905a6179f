#pragma once

#include <cstddef>

#include "kernels/core/progress.h"
#include "kernels/pet/pet_lor_projection.h"

namespace radon::pet {

struct PetCpuOptions {
    int threads = 0;  // 0: OpenMP's default
    // Host memory the back projection may use beyond its output: one private image per extra
    // thread. With less, fewer threads back-project (at least one).
    std::size_t memory_budget_bytes = std::size_t(2) << 30;
};

// The CPU engine: OpenMP over LORs, each LOR by the shared per-LOR code (pet_lor_projection.h).
// LORs go in batches, between which the cancel token is checked (throws Cancelled) and progress
// reported.
//
// pet_forward_cpu overwrites out (lors.count * values_per_lor(spec) values).
// pet_back_cpu overwrites image (spec.grid.voxels() values) with A^T values. No lock per voxel:
// each thread adds into its own copy of the image (kernels/core/thread_partials.h), so results
// agree to float rounding between runs, not bit for bit, unless threads == 1.
void pet_forward_cpu(const PetProjectionSpec& spec, const PetLors& lors, const float* image,
                     float* out, const PetCpuOptions& options = {}, const RunControl& control = {});
void pet_back_cpu(const PetProjectionSpec& spec, const PetLors& lors, const float* values,
                  float* image, const PetCpuOptions& options = {}, const RunControl& control = {});

// The threads pet_back_cpu uses for this image under this budget (for logs and benchmarks).
int pet_back_cpu_threads(const PetImageGrid& grid, const PetCpuOptions& options);

}  // namespace radon::pet
