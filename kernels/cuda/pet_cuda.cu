// The CUDA PET projector: uploads, batches and launches only. The per-LOR arithmetic is the shared
// code of kernels/pet/ (pet_lor_forward, pet_lor_back), one LOR per thread, exactly as the CPU
// engine runs it; back projection adds into one device image with atomicAdd.

#include <algorithm>
#include <string>

#include "kernels/backend/cuda_pet.h"
#include "kernels/core/error.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/cuda_resources.cuh"
#include "kernels/pet/pet_lor_projection.h"

namespace radon::cuda {
namespace {

constexpr int kThreads = 128;
// Batches take at most this share of the free device memory (the rest: other work, the driver).
constexpr double kFreeShare = 0.5;
// Below this many LORs per batch the launch overhead dominates: refuse rather than crawl.
constexpr int64_t kMinBatch = 4096;

__global__ void pet_forward_kernel(pet::PetProjectionSpec spec, pet::PetLors lors,
                                   const float* image, float* out) {
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (n >= lors.count) return;
    pet::pet_lor_forward(spec, lors, n, image, out);
}

__global__ void pet_back_kernel(pet::PetProjectionSpec spec, pet::PetLors lors, const float* values,
                                float* image) {
    const int64_t n = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
    if (n >= lors.count) return;
    pet::AtomicAdd add;
    pet::pet_lor_back(spec, lors, n, values, image, add);
}

unsigned blocks_for(int64_t count) {
    return static_cast<unsigned>((count + kThreads - 1) / kThreads);
}

class CudaPetProjector final : public detail::PetDeviceProjector {
  public:
    CudaPetProjector(const pet::PetProjectionSpec& spec, const pet::PetLors& host, int device)
        : spec_(spec), host_(host), device_(device) {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        const int64_t voxels = spec_.grid.voxels();
        image_ = DeviceBuffer<float>(std::size_t(voxels), nullptr);
        std::size_t free_bytes = 0, total = 0;
        RADON_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total));
        per_value_ = pet::values_per_lor(spec_);
        const std::size_t per_lor =
            6 * sizeof(float) + (host_.tof_bin ? sizeof(int32_t) : 0) + per_value_ * sizeof(float);
        const int64_t fit = int64_t(double(free_bytes) * kFreeShare) / int64_t(per_lor);
        batch_ = std::min<int64_t>(std::max<int64_t>(host_.count, 1), fit);
        if (batch_ < kMinBatch && batch_ < host_.count)
            throw Error("CUDA PET projector: only " + std::to_string(free_bytes >> 20) +
                        " MiB free on the device, room for " + std::to_string(fit) +
                        " LORs per batch; free device memory or use the CPU");
        p1_ = DeviceBuffer<float>(std::size_t(3 * batch_), nullptr);
        p2_ = DeviceBuffer<float>(std::size_t(3 * batch_), nullptr);
        if (host_.tof_bin) bins_ = DeviceBuffer<int32_t>(std::size_t(batch_), nullptr);
        values_ = DeviceBuffer<float>(std::size_t(batch_ * per_value_), nullptr);
        // All LORs fit: upload them once; they stay on the device with the image.
        resident_ = batch_ >= host_.count;
        if (resident_) upload_lors(0, host_.count);
    }

    int64_t batch_lors() const override { return batch_; }

    void forward(const float* image, float* out, MemorySpace space,
                 const RunControl& control) override {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        const int64_t voxels = spec_.grid.voxels();
        const float* d_image = image;
        if (space == MemorySpace::Host) {
            RADON_CUDA_CHECK(cudaMemcpy(image_.get(), image, std::size_t(voxels) * sizeof(float),
                                        cudaMemcpyHostToDevice));
            d_image = image_.get();
        }
        for (int64_t n0 = 0; n0 < host_.count; n0 += batch_) {
            const int64_t n = std::min(batch_, host_.count - n0);
            if (!resident_) upload_lors(n0, n);
            const pet::PetLors lors = batch(n0, n);
            float* d_out = space == MemorySpace::Device ? out + n0 * per_value_ : values_.get();
            pet_forward_kernel<<<blocks_for(n), kThreads>>>(spec_, lors, d_image, d_out);
            RADON_CUDA_CHECK(cudaGetLastError());
            if (space == MemorySpace::Host)
                RADON_CUDA_CHECK(cudaMemcpy(out + n0 * per_value_, values_.get(),
                                            std::size_t(n * per_value_) * sizeof(float),
                                            cudaMemcpyDeviceToHost));
            RADON_CUDA_CHECK(cudaDeviceSynchronize());
            progress(control, n0 + n);
        }
    }

    void back(const float* values, float* image, MemorySpace space,
              const RunControl& control) override {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        const int64_t voxels = spec_.grid.voxels();
        float* d_image = space == MemorySpace::Device ? image : image_.get();
        RADON_CUDA_CHECK(cudaMemset(d_image, 0, std::size_t(voxels) * sizeof(float)));
        for (int64_t n0 = 0; n0 < host_.count; n0 += batch_) {
            const int64_t n = std::min(batch_, host_.count - n0);
            if (!resident_) upload_lors(n0, n);
            const pet::PetLors lors = batch(n0, n);
            const float* d_values = values + n0 * per_value_;
            if (space == MemorySpace::Host) {
                RADON_CUDA_CHECK(cudaMemcpy(values_.get(), d_values,
                                            std::size_t(n * per_value_) * sizeof(float),
                                            cudaMemcpyHostToDevice));
                d_values = values_.get();
            }
            pet_back_kernel<<<blocks_for(n), kThreads>>>(spec_, lors, d_values, d_image);
            RADON_CUDA_CHECK(cudaGetLastError());
            RADON_CUDA_CHECK(cudaDeviceSynchronize());
            progress(control, n0 + n);
        }
        if (space == MemorySpace::Host)
            RADON_CUDA_CHECK(cudaMemcpy(image, image_.get(), std::size_t(voxels) * sizeof(float),
                                        cudaMemcpyDeviceToHost));
    }

  private:
    // The device LORs of [n0, n0 + n): resident ones at their offset, streamed ones at the
    // buffers' start.
    pet::PetLors batch(int64_t n0, int64_t n) const {
        const int64_t at = resident_ ? n0 : 0;
        pet::PetLors l;
        l.p1 = p1_.get() + 3 * at;
        l.p2 = p2_.get() + 3 * at;
        l.tof_bin = host_.tof_bin ? bins_.get() + at : nullptr;
        l.count = n;
        return l;
    }

    void upload_lors(int64_t n0, int64_t n) {
        RADON_CUDA_CHECK(cudaMemcpy(p1_.get(), host_.p1 + 3 * n0,
                                    std::size_t(3 * n) * sizeof(float), cudaMemcpyHostToDevice));
        RADON_CUDA_CHECK(cudaMemcpy(p2_.get(), host_.p2 + 3 * n0,
                                    std::size_t(3 * n) * sizeof(float), cudaMemcpyHostToDevice));
        if (host_.tof_bin)
            RADON_CUDA_CHECK(cudaMemcpy(bins_.get(), host_.tof_bin + n0,
                                        std::size_t(n) * sizeof(int32_t), cudaMemcpyHostToDevice));
    }

    void progress(const RunControl& control, int64_t done) const {
        if (control.cancel) control.cancel->throw_if_cancelled();
        if (control.progress && host_.count)
            control.progress->report(double(done) / double(host_.count));
    }

    pet::PetProjectionSpec spec_;
    pet::PetLors host_;
    int device_;
    int64_t per_value_ = 1;
    int64_t batch_ = 0;
    bool resident_ = false;
    DeviceBuffer<float> image_, p1_, p2_, values_;
    DeviceBuffer<int32_t> bins_;
};

}  // namespace
}  // namespace radon::cuda

namespace radon::detail {

std::unique_ptr<PetDeviceProjector> make_cuda_pet_projector(const pet::PetProjectionSpec& spec,
                                                            const pet::PetLors& host_lors,
                                                            int device_index) {
    return std::make_unique<cuda::CudaPetProjector>(spec, host_lors, device_index);
}

}  // namespace radon::detail
