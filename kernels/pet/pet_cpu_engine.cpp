#include "kernels/pet/pet_cpu_engine.h"

#include <omp.h>

#include <algorithm>
#include <cstdlib>

#include "kernels/core/thread_partials.h"
#include "kernels/pet/pet_cpu_lanes.h"
#include "kernels/simd/cpu_features.h"

namespace radon::pet {
namespace {

// LORs per batch: large enough that starting a parallel region costs nothing measurable, small
// enough that cancel answers within a fraction of a second.
constexpr int64_t kBatch = int64_t(1) << 16;
using ForwardBatch = decltype(&pet_cpu::baseline::forward_batch);
using BackBatch = decltype(&pet_cpu::baseline::back_batch);

// The best variant the CPU runs; RADON_SIMD=baseline|avx2|avx512 forces one (as for DRRs).
SimdLevel simd_level() {
    const char* forced = std::getenv("RADON_SIMD");
    const SimdLevel best = detected_simd_level();
    if (!forced || !*forced) return best;
    const SimdLevel asked = parse_simd_level(forced);
    return static_cast<int>(asked) > static_cast<int>(best) ? best : asked;
}

ForwardBatch forward_variant() {
    switch (simd_level()) {
        case SimdLevel::Avx512:
            return pet_cpu::avx512::forward_batch;
        case SimdLevel::Avx2:
            return pet_cpu::avx2::forward_batch;
        default:
            return pet_cpu::baseline::forward_batch;
    }
}

BackBatch back_variant() {
    switch (simd_level()) {
        case SimdLevel::Avx512:
            return pet_cpu::avx512::back_batch;
        case SimdLevel::Avx2:
            return pet_cpu::avx2::back_batch;
        default:
            return pet_cpu::baseline::back_batch;
    }
}

int thread_count(const PetCpuOptions& o) {
    return o.threads > 0 ? o.threads : omp_get_max_threads();
}

void report(const RunControl& control, int64_t done, int64_t total) {
    if (control.cancel) control.cancel->throw_if_cancelled();
    if (control.progress && total > 0) control.progress->report(double(done) / double(total));
}

}  // namespace

void pet_forward_cpu(const PetProjectionSpec& spec, const PetLors& lors, const float* image,
                     float* out, const PetCpuOptions& options, const RunControl& control) {
    const int threads = thread_count(options);
    const ForwardBatch run = forward_variant();
    for (int64_t b0 = 0; b0 < lors.count; b0 += kBatch) {
        const int64_t b1 = std::min(lors.count, b0 + kBatch);
        run(spec, lors, b0, b1, image, out, threads);
        report(control, b1, lors.count);
    }
}

int pet_back_cpu_threads(const PetImageGrid& grid, const PetCpuOptions& options) {
    return partial_threads(grid.voxels(), thread_count(options), options.memory_budget_bytes);
}

void pet_back_cpu(const PetProjectionSpec& spec, const PetLors& lors, const float* values,
                  float* image, const PetCpuOptions& options, const RunControl& control) {
    ThreadPartials images(image, spec.grid.voxels(), pet_back_cpu_threads(spec.grid, options));
    const BackBatch run = back_variant();
    for (int64_t b0 = 0; b0 < lors.count; b0 += kBatch) {
        const int64_t b1 = std::min(lors.count, b0 + kBatch);
        run(spec, lors, b0, b1, values, images.arrays(), images.threads());
        report(control, b1, lors.count);
    }
    images.reduce();
}

}  // namespace radon::pet
