// The CUDA CT projector: uploads, batches and launches only. The per-ray arithmetic is the shared
// code of kernels/ct/ct_rays.h (the DRR engine's ray setup and walks), one ray per thread,
// exactly as the CPU engine's scalar lanes run it; back projection scatters with atomicAdd.

#include <algorithm>
#include <sstream>
#include <string>

#include "kernels/backend/cuda_ct.h"
#include "kernels/core/error.h"
#include "kernels/core/scatter_add.h"
#include "kernels/ct/ct_rays.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/cuda_resources.cuh"
#include "kernels/cuda/drr_cuda_access.cuh"

namespace radon::cuda {
namespace {

// Projections staged through the host take at most this share of the free device memory.
constexpr double kFreeShare = 0.5;
// A launch covers at most this many views (the grid's z extent).
constexpr int64_t kMaxViewsPerLaunch = 65535;

enum class Walk { Siddon, TrilinearGlobal, TrilinearTexture };

// One thread per pixel of views [view0, view0 + gridDim.z); the batch's values are at
// stack[((v - view0) * rows + row) * columns + col].
template <Walk W>
__global__ void ct_forward_kernel(const DrrRayParams* __restrict__ params, int64_t view0,
                                  int columns, int rows, bool parallel,
                                  const float* __restrict__ volume, cudaTextureObject_t texture,
                                  float* __restrict__ stack) {
    const int c = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int r = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
    if (c >= columns || r >= rows) return;
    const int64_t v = blockIdx.z;
    const DrrRayParams& p = params[view0 + v];
    float value;
    if constexpr (W == Walk::TrilinearTexture) {
        const ClippedRay<LdgLanes> ray =
            ct_ray<LdgLanes>(p, parallel, static_cast<float>(c), static_cast<float>(r));
        value = ray.hit ? trilinear_walk<LdgLanes>(p, TextureTrilinear{texture}, ray) : 0.0f;
    } else {
        value = ct_forward_one<LdgLanes>(p, parallel, W == Walk::TrilinearGlobal, volume,
                                         static_cast<float>(c), static_cast<float>(r));
    }
    stack[(v * rows + r) * columns + c] = value;
}

template <bool Trilinear>
__global__ void ct_back_kernel(const DrrRayParams* __restrict__ params, int64_t view0, int columns,
                               int rows, bool parallel, const float* __restrict__ stack,
                               float* volume) {
    const int c = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int r = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
    if (c >= columns || r >= rows) return;
    const int64_t v = blockIdx.z;
    AtomicAdd add;
    ct_back_one<ScalarLanes>(params[view0 + v], parallel, Trilinear, volume, static_cast<float>(c),
                             static_cast<float>(r), stack[(v * rows + r) * columns + c], add);
}

class CudaCtProjector final : public detail::CtDeviceProjector {
  public:
    CudaCtProjector(const detail::CtDeviceSpec& spec, int device) : spec_(spec), device_(device) {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        cudaDeviceProp prop{};
        RADON_CUDA_CHECK(cudaGetDeviceProperties(&prop, device_));
        name_ = prop.name;
        views_ = static_cast<int64_t>(spec_.params.size());
        params_ = DeviceBuffer<DrrRayParams>(spec_.params.size(), nullptr);
        RADON_CUDA_CHECK(cudaMemcpy(params_.get(), spec_.params.data(),
                                    spec_.params.size() * sizeof(DrrRayParams),
                                    cudaMemcpyHostToDevice));
        // The volume stays on the device across calls (host volumes are uploaded into it).
        volume_ = DeviceBuffer<float>(std::size_t(spec_.voxels), nullptr);
        std::size_t free_bytes = 0, total = 0;
        RADON_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total));
        const int64_t per_view = std::max<int64_t>(1, spec_.columns * spec_.rows) * 4;
        const int64_t fit = int64_t(double(free_bytes) * kFreeShare) / per_view;
        batch_ = std::max<int64_t>(1, std::min({views_, fit, kMaxViewsPerLaunch}));
        stack_ = DeviceBuffer<float>(std::size_t(batch_ * spec_.columns * spec_.rows), nullptr);
        // A GPU texture interpolates with 8-bit weights, which the scatter cannot transpose:
        // only an explicit request reads the forward projection's volume through one.
        texture_ = spec_.trilinear && spec_.memory_path == DrrMemoryPath::Texture;
    }

    int64_t batch_views() const override { return batch_; }

    std::string description() const override {
        std::ostringstream s;
        s << "cuda:" << device_ << " " << name_;
        if (texture_) s << ", forward through a 3D texture";
        return s.str();
    }

    void forward(const float* volume, float* stack, MemorySpace space,
                 const RunControl& control) override {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        const float* d_volume = volume;
        if (space == MemorySpace::Host) {
            RADON_CUDA_CHECK(cudaMemcpy(volume_.get(), volume,
                                        std::size_t(spec_.voxels) * sizeof(float),
                                        cudaMemcpyHostToDevice));
            d_volume = volume_.get();
        }
        cudaTextureObject_t texture = 0;
        if (texture_) {
            const int32_t* dims = spec_.params.front().dims;
            texture_volume_.create(d_volume, dims[0], dims[1], dims[2], nullptr);
            texture = texture_volume_.texture();
        }
        const int64_t per_view = spec_.columns * spec_.rows;
        const int64_t batch = space == MemorySpace::Device ? kMaxViewsPerLaunch : batch_;
        for (int64_t v0 = 0; v0 < views_; v0 += batch) {
            const int64_t n = std::min(batch, views_ - v0);
            float* d_out = space == MemorySpace::Device ? stack + v0 * per_view : stack_.get();
            const dim3 block = block_shape(), grid = grid_shape(block, n);
            const int cols = int(spec_.columns), rows = int(spec_.rows);
            if (!spec_.trilinear) {
                ct_forward_kernel<Walk::Siddon><<<grid, block>>>(
                    params_.get(), v0, cols, rows, spec_.parallel, d_volume, texture, d_out);
            } else if (texture_) {
                ct_forward_kernel<Walk::TrilinearTexture><<<grid, block>>>(
                    params_.get(), v0, cols, rows, spec_.parallel, d_volume, texture, d_out);
            } else {
                ct_forward_kernel<Walk::TrilinearGlobal><<<grid, block>>>(
                    params_.get(), v0, cols, rows, spec_.parallel, d_volume, texture, d_out);
            }
            RADON_CUDA_CHECK(cudaGetLastError());
            if (space == MemorySpace::Host)
                RADON_CUDA_CHECK(cudaMemcpy(stack + v0 * per_view, stack_.get(),
                                            std::size_t(n * per_view) * sizeof(float),
                                            cudaMemcpyDeviceToHost));
            RADON_CUDA_CHECK(cudaDeviceSynchronize());
            progress(control, v0 + n);
        }
        if (texture_) texture_volume_.release();
    }

    void back(const float* stack, float* volume, MemorySpace space,
              const RunControl& control) override {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        float* d_volume = space == MemorySpace::Device ? volume : volume_.get();
        RADON_CUDA_CHECK(cudaMemset(d_volume, 0, std::size_t(spec_.voxels) * sizeof(float)));
        const int64_t per_view = spec_.columns * spec_.rows;
        const int64_t batch = space == MemorySpace::Device ? kMaxViewsPerLaunch : batch_;
        for (int64_t v0 = 0; v0 < views_; v0 += batch) {
            const int64_t n = std::min(batch, views_ - v0);
            const float* d_values = stack + v0 * per_view;
            if (space == MemorySpace::Host) {
                RADON_CUDA_CHECK(cudaMemcpy(stack_.get(), d_values,
                                            std::size_t(n * per_view) * sizeof(float),
                                            cudaMemcpyHostToDevice));
                d_values = stack_.get();
            }
            const dim3 block = block_shape(), grid = grid_shape(block, n);
            const int cols = int(spec_.columns), rows = int(spec_.rows);
            if (spec_.trilinear) {
                ct_back_kernel<true><<<grid, block>>>(params_.get(), v0, cols, rows, spec_.parallel,
                                                      d_values, d_volume);
            } else {
                ct_back_kernel<false><<<grid, block>>>(params_.get(), v0, cols, rows,
                                                       spec_.parallel, d_values, d_volume);
            }
            RADON_CUDA_CHECK(cudaGetLastError());
            RADON_CUDA_CHECK(cudaDeviceSynchronize());
            progress(control, v0 + n);
        }
        if (space == MemorySpace::Host)
            RADON_CUDA_CHECK(cudaMemcpy(volume, volume_.get(),
                                        std::size_t(spec_.voxels) * sizeof(float),
                                        cudaMemcpyDeviceToHost));
    }

  private:
    // 16 x 8 tiles of pixels (neighbouring rays cross neighbouring voxels, as in the DRR
    // kernels); one-row panels (2D scans) take 128 pixels of the row instead.
    dim3 block_shape() const { return spec_.rows == 1 ? dim3(128, 1, 1) : dim3(16, 8, 1); }
    dim3 grid_shape(dim3 block, int64_t views) const {
        return dim3(static_cast<unsigned>((spec_.columns + block.x - 1) / block.x),
                    static_cast<unsigned>((spec_.rows + block.y - 1) / block.y),
                    static_cast<unsigned>(views));
    }

    void progress(const RunControl& control, int64_t done) const {
        control.check_cancel();
        control.report(double(done) / double(views_));
    }

    detail::CtDeviceSpec spec_;
    int device_;
    std::string name_;
    int64_t views_ = 0;
    int64_t batch_ = 1;
    bool texture_ = false;
    DeviceBuffer<DrrRayParams> params_;
    DeviceBuffer<float> volume_, stack_;
    TextureVolume texture_volume_;
};

}  // namespace
}  // namespace radon::cuda

namespace radon::detail {

std::unique_ptr<CtDeviceProjector> make_cuda_ct_projector(const CtDeviceSpec& spec,
                                                          int device_index) {
    return std::make_unique<cuda::CudaCtProjector>(spec, device_index);
}

}  // namespace radon::detail
