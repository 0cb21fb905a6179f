// The CUDA voxel-driven back projector: uploads, batches, textures and launches only. The
// per-voxel arithmetic is the shared code of kernels/ct/voxel_backprojection.h, one voxel per
// thread, as the CPU engine runs it on SIMD packs.

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/backend/cuda_ct_backproject.h"
#include "kernels/core/error.h"
#include "kernels/ct/voxel_backprojection.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/cuda_resources.cuh"
#include "kernels/drr/lanes_scalar.h"

namespace radon::cuda {
namespace {

constexpr int kBlockX = 32;
constexpr int kBlockY = 8;
// Views per launch: their maps sit in shared memory (48 bytes each).
constexpr int64_t kMaxViewsPerBatch = 512;
// Batches take at most this share of the free device memory (the rest: other work, the driver).
constexpr double kFreeShare = 0.5;
// Auto keeps the texture path only when a batch of at least this many views fits.
constexpr int64_t kMinTextureBatch = 16;

template <bool Texture>
__global__ void backproject_kernel(const VoxelViewMap* maps, int views, cudaTextureObject_t tex,
                                   const float* panels, PaddedPanels layout, bool depth_weight,
                                   int nx, int ny, float* volume) {
    extern __shared__ VoxelViewMap shared_maps[];
    const int thread = threadIdx.y * blockDim.x + threadIdx.x;
    for (int v = thread; v < views; v += blockDim.x * blockDim.y)
        shared_maps[v] = maps[v];
    __syncthreads();
    const int i = blockIdx.x * blockDim.x + threadIdx.x;
    const int j = blockIdx.y * blockDim.y + threadIdx.y;
    const int k = blockIdx.z;
    if (i >= nx || j >= ny) return;
    float sum = 0.0f;
    for (int v = 0; v < views; ++v) {
        const VoxelViewMap& map = shared_maps[v];
        const VoxelRowOrigin o = voxel_row_origin(map, float(j), float(k));
        if (Texture) {
            // Hardware bilinear with a zero border: texel centres sit at +0.5.
            const VoxelPanelPoint<ScalarLanes> p = voxel_panel_point<ScalarLanes>(map, o, float(i));
            float value = tex2DLayered<float>(tex, p.col + 0.5f, p.row + 0.5f, v);
            if (depth_weight) value *= p.inv_w * p.inv_w;
            sum += p.front ? value : 0.0f;
        } else {
            sum += voxel_view_contribution<ScalarLanes>(
                map, o, float(i), panels + int64_t(v) * layout.view_stride, layout, depth_weight);
        }
    }
    volume[(int64_t(k) * ny + j) * nx + i] += sum;
}

// A layered 2D texture of `layers` panels, reused batch after batch.
class PanelLayers {
  public:
    PanelLayers(int columns, int rows, int layers) : columns_(columns), rows_(rows) {
        const cudaChannelFormatDesc format = cudaCreateChannelDesc<float>();
        RADON_CUDA_CHECK(cudaMalloc3DArray(&array_, &format, make_cudaExtent(columns, rows, layers),
                                           cudaArrayLayered));
        try {
            cudaResourceDesc resource{};
            resource.resType = cudaResourceTypeArray;
            resource.res.array.array = array_;
            cudaTextureDesc sampling{};
            sampling.addressMode[0] = cudaAddressModeBorder;  // zero off the panel
            sampling.addressMode[1] = cudaAddressModeBorder;
            sampling.filterMode = cudaFilterModeLinear;
            sampling.readMode = cudaReadModeElementType;
            sampling.normalizedCoords = 0;
            RADON_CUDA_CHECK(cudaCreateTextureObject(&texture_, &resource, &sampling, nullptr));
        } catch (...) {
            cudaFreeArray(array_);
            throw;
        }
    }
    PanelLayers(const PanelLayers&) = delete;
    PanelLayers& operator=(const PanelLayers&) = delete;
    ~PanelLayers() {
        cudaDestroyTextureObject(texture_);
        cudaFreeArray(array_);
    }

    // Host panels (count x rows x columns) into layers [0, count).
    void upload(const float* panels, int count) {
        cudaMemcpy3DParms copy{};
        copy.srcPtr = make_cudaPitchedPtr(const_cast<float*>(panels), sizeof(float) * columns_,
                                          columns_, rows_);
        copy.dstArray = array_;
        copy.extent = make_cudaExtent(columns_, rows_, count);
        copy.kind = cudaMemcpyHostToDevice;
        RADON_CUDA_CHECK(cudaMemcpy3D(&copy));
    }
    cudaTextureObject_t texture() const { return texture_; }

  private:
    int columns_, rows_;
    cudaArray_t array_ = nullptr;
    cudaTextureObject_t texture_ = 0;
};

class CudaVoxelBackprojector final : public VoxelBackprojector {
  public:
    CudaVoxelBackprojector(std::vector<VoxelViewMap> maps, const CtGeometry& geometry,
                           const VolumeGrid& grid, VoxelBackprojectionWeight weight,
                           DrrMemoryPath path, int device)
        : maps_(std::move(maps)),
          layout_(PaddedPanels::of(int32_t(geometry.columns), int32_t(geometry.rows))),
          size_(grid.size),
          depth_weight_(weight == VoxelBackprojectionWeight::InverseSquareDepth &&
                        geometry.beam == CtBeam::Cone),
          device_(device) {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        cudaDeviceProp prop{};
        RADON_CUDA_CHECK(cudaGetDeviceProperties(&prop, device_));
        if (size_[0] > int64_t(prop.maxGridSize[0]) * kBlockX ||
            size_[1] > int64_t(prop.maxGridSize[1]) * kBlockY || size_[2] > prop.maxGridSize[2])
            throw InvalidArgument("CUDA back projector: the volume is too large for one launch");
        const std::size_t voxels = std::size_t(grid.voxel_count());
        volume_ = DeviceBuffer<float>(voxels, nullptr);
        RADON_CUDA_CHECK(cudaMemset(volume_.get(), 0, voxels * sizeof(float)));
        d_maps_ = DeviceBuffer<VoxelViewMap>(maps_.size(), nullptr);
        RADON_CUDA_CHECK(cudaMemcpy(d_maps_.get(), maps_.data(),
                                    maps_.size() * sizeof(VoxelViewMap), cudaMemcpyHostToDevice));

        std::size_t free_bytes = 0, total = 0;
        RADON_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total));
        const bool texture_limits = geometry.columns <= prop.maxTexture2DLayered[0] &&
                                    geometry.rows <= prop.maxTexture2DLayered[1];
        const std::size_t texture_view = sizeof(float) * std::size_t(geometry.pixels_per_view());
        const std::size_t global_view = sizeof(float) * std::size_t(layout_.view_stride);
        auto fit = [&](std::size_t per_view) {
            return std::min<int64_t>(kMaxViewsPerBatch,
                                     int64_t(double(free_bytes) * kFreeShare) / int64_t(per_view));
        };
        if (path == DrrMemoryPath::Texture && !texture_limits) {
            std::ostringstream msg;
            msg << "memory path texture: a panel of " << geometry.columns << " x " << geometry.rows
                << " exceeds this GPU's layered texture limit of " << prop.maxTexture2DLayered[0]
                << " x " << prop.maxTexture2DLayered[1] << "; use --memory-path global or auto";
            throw InvalidArgument(msg.str());
        }
        texture_ =
            path == DrrMemoryPath::Texture ||
            (path == DrrMemoryPath::Auto && texture_limits &&
             fit(texture_view) >= std::min<int64_t>(kMinTextureBatch, int64_t(maps_.size())));
        const int64_t layers_limit = texture_limits ? prop.maxTexture2DLayered[2] : 1;
        batch_ = texture_ ? std::min(fit(texture_view), layers_limit) : fit(global_view);
        batch_ = std::min<int64_t>(batch_, int64_t(maps_.size()));
        if (batch_ < 1)
            throw Error("CUDA back projector: only " + std::to_string(free_bytes >> 20) +
                        " MiB free on the device, not enough for one view; use the CPU");
        if (texture_) {
            layers_ = std::make_unique<PanelLayers>(int(geometry.columns), int(geometry.rows),
                                                    int(batch_));
        } else {
            panels_ = DeviceBuffer<float>(std::size_t(batch_ * layout_.view_stride), nullptr);
            padded_host_.resize(std::size_t(batch_ * layout_.view_stride));
        }
    }

    void add(int64_t first_view, int64_t view_count, const float* projections,
             const RunControl& control) override {
        if (first_view < 0 || view_count < 0 || first_view + view_count > int64_t(maps_.size()))
            throw InvalidArgument("back projection of views " + std::to_string(first_view) +
                                  " to " + std::to_string(first_view + view_count - 1) +
                                  ": the geometry has views 0 to " +
                                  std::to_string(maps_.size() - 1));
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        const int64_t pixels = int64_t(layout_.columns) * layout_.rows;
        const dim3 block(kBlockX, kBlockY, 1);
        const dim3 grid(unsigned((size_[0] + kBlockX - 1) / kBlockX),
                        unsigned((size_[1] + kBlockY - 1) / kBlockY), unsigned(size_[2]));
        for (int64_t v0 = 0; v0 < view_count; v0 += batch_) {
            control.check_cancel();
            const int64_t n = std::min(batch_, view_count - v0);
            const float* host = projections + v0 * pixels;
            const VoxelViewMap* maps = d_maps_.get() + first_view + v0;
            const std::size_t shared = std::size_t(n) * sizeof(VoxelViewMap);
            if (texture_) {
                layers_->upload(host, int(n));
                backproject_kernel<true><<<grid, block, shared>>>(
                    maps, int(n), layers_->texture(), nullptr, layout_, depth_weight_,
                    int(size_[0]), int(size_[1]), volume_.get());
            } else {
                pad_panels(host, n, layout_, padded_host_.data());
                RADON_CUDA_CHECK(cudaMemcpy(panels_.get(), padded_host_.data(),
                                            std::size_t(n * layout_.view_stride) * sizeof(float),
                                            cudaMemcpyHostToDevice));
                backproject_kernel<false><<<grid, block, shared>>>(
                    maps, int(n), 0, panels_.get(), layout_, depth_weight_, int(size_[0]),
                    int(size_[1]), volume_.get());
            }
            RADON_CUDA_CHECK(cudaGetLastError());
            RADON_CUDA_CHECK(cudaDeviceSynchronize());
            control.report(double(v0 + n) / double(view_count));
        }
        control.check_cancel();
    }

    void read(float* volume) override {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        RADON_CUDA_CHECK(cudaMemcpy(volume, volume_.get(), volume_.count() * sizeof(float),
                                    cudaMemcpyDeviceToHost));
    }
    void clear() override {
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        RADON_CUDA_CHECK(cudaMemset(volume_.get(), 0, volume_.count() * sizeof(float)));
    }
    std::string description() const override {
        std::ostringstream s;
        s << "CUDA " << (texture_ ? "texture" : "global-memory") << " path, " << batch_
          << " views per batch";
        return s.str();
    }

  private:
    std::vector<VoxelViewMap> maps_;
    PaddedPanels layout_;
    std::array<int64_t, 3> size_;
    bool depth_weight_;
    int device_;
    bool texture_ = false;
    int64_t batch_ = 1;
    DeviceBuffer<float> volume_;
    DeviceBuffer<VoxelViewMap> d_maps_;
    DeviceBuffer<float> panels_;
    std::vector<float> padded_host_;
    std::unique_ptr<PanelLayers> layers_;
};

}  // namespace
}  // namespace radon::cuda

namespace radon::detail {

std::unique_ptr<VoxelBackprojector> make_cuda_voxel_backprojector(
    std::vector<VoxelViewMap> maps, const CtGeometry& geometry, const VolumeGrid& grid,
    VoxelBackprojectionWeight weight, DrrMemoryPath path, int device_index) {
    return std::make_unique<cuda::CudaVoxelBackprojector>(std::move(maps), geometry, grid, weight,
                                                          path, device_index);
}

}  // namespace radon::detail
