// The CUDA DRR renderer: uploads, launches, streams and the texture. The per-ray arithmetic is
// the shared code of kernels/drr/ (clip_ray, dominant_axis, siddon_walk, trilinear_walk), run
// here with one ray per thread, exactly as the CPU engine's scalar lanes run it.
//
// Per-label channels (one DRR per label of a label map) are not on the GPU yet: they are being
// defined on the CPU side first, and will reuse this launch and pipeline code with a label
// volume next to the attenuation.

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <deque>
#include <limits>
#include <mutex>
#include <sstream>

#include "kernels/backend/cuda_drr.h"
#include "kernels/core/error.h"
#include "kernels/cuda/cuda_check.h"
#include "kernels/cuda/cuda_resources.cuh"
#include "kernels/cuda/drr_cuda_access.cuh"
#include "kernels/drr/drr_ray_params.h"
#include "kernels/drr/drr_ray_setup.h"
#include "kernels/drr/occupancy.h"
#include "kernels/drr/ray_clip.h"
#include "kernels/drr/siddon_walk.h"
#include "kernels/drr/trilinear_walk.h"

namespace radon::cuda {
namespace {

// 16 x 8 threads: 4 warps per block, each warp a 16 x 2 tile of pixels. Neighbouring rays in
// both image directions cross neighbouring voxels, so a 2D tile shares more cache lines per
// warp than a 32 x 1 row, and rays of a tile have similar lengths (less divergence at the end
// of the walk). 128 threads per block keeps many blocks resident per SM and small patches
// (down to 16 x 8 pixels) still fill whole blocks.
constexpr int kBlockX = 16;
constexpr int kBlockY = 8;

// Pipeline depth: pieces of work (frames or patches) in flight at once, each with its own
// stream, device output buffer and pinned staging buffer. While one piece's kernel runs, the
// previous one downloads and the one before is copied into the caller's image on the host.
constexpr int kSlots = 3;

// Without a patch size, a frame is cut into bands of at most this many pixels (whole rows),
// so the download and host copy of one band overlap the computation of the next.
constexpr int64_t kBandPixels = int64_t(1) << 20;

// Memory the texture path leaves free when Auto chooses it: room for output buffers, other
// renderers and the driver.
constexpr std::size_t kTextureMargin = std::size_t(256) << 20;

constexpr int64_t kMaxSide = int64_t(65535) * kBlockY;

enum class Walk { Siddon, TrilinearGlobal, TrilinearTexture };

const char* to_string(Walk walk) {
    switch (walk) {
        case Walk::Siddon:
            return "siddon";
        case Walk::TrilinearGlobal:
            return "trilinear (global memory)";
        case Walk::TrilinearTexture:
            return "trilinear (3D texture)";
    }
    return "?";
}

// The Siddon walk on the ray's dominant axis. A literal axis per call lets the compiler keep
// the ray in registers instead of indexing arrays in local memory.
__device__ __forceinline__ float siddon_ray(const DrrRayParams& p, const float* volume,
                                            const ClippedRay<LdgLanes>& ray) {
    switch (dominant_axis<LdgLanes>(ray)) {
        case 0:
            return siddon_walk<LdgLanes>(p, volume, ray, 0);
        case 1:
            return siddon_walk<LdgLanes>(p, volume, ray, 1);
        default:
            return siddon_walk<LdgLanes>(p, volume, ray, 2);
    }
}

// One thread per pixel of a cols x rows piece whose first pixel is (col0, row0) of the image;
// the piece is written compactly to `out` (cols floats per row). A pixel's value depends only
// on its image coordinates, so patches and bands give the same bits as a whole frame.
template <Walk W>
__global__ void __launch_bounds__(kBlockX* kBlockY)
    drr_kernel(const __grid_constant__ DrrRayParams p, const float* __restrict__ volume,
               cudaTextureObject_t texture, int col0, int row0, int cols, int rows,
               float* __restrict__ out) {
    const int c = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
    const int r = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
    if (c >= cols || r >= rows) return;
    const ClippedRay<LdgLanes> ray =
        clip_ray<LdgLanes>(p, static_cast<float>(col0 + c), static_cast<float>(row0 + r));
    float v = 0.0f;
    if (ray.hit) {
        if constexpr (W == Walk::Siddon) {
            v = siddon_ray(p, volume, ray);
        } else if constexpr (W == Walk::TrilinearGlobal) {
            v = trilinear_walk<LdgLanes>(p, VoxelTrilinear<LdgLanes>{p, volume}, ray);
        } else {
            v = trilinear_walk<LdgLanes>(p, TextureTrilinear{texture}, ray);
        }
    }
    out[static_cast<int64_t>(r) * cols + c] = v;
}

// Makes `device` current for the calling thread; the first member of the renderer, so the
// streams and events that follow it are created on that device.
struct DeviceScope {
    explicit DeviceScope(int device) { RADON_CUDA_CHECK(cudaSetDevice(device)); }
};

// A rectangle of one frame: the unit of work of the pipeline.
struct Piece {
    int64_t frame;
    int64_t col0, row0, cols, rows;
};

class CudaDrrRenderer final : public DrrRenderer {
  public:
    CudaDrrRenderer(const VolumeGrid& grid, const Array<float>& attenuation, int device,
                    const OccupiedBox* occupied)
        : device_(device), scope_(device), grid_(grid) {
        grid.validate("volume");
        if (attenuation.extents() != Extents{grid.size[0], grid.size[1], grid.size[2]}) {
            throw InvalidArgument("attenuation array extents do not match the volume grid");
        }
        if (grid.voxel_count() > std::numeric_limits<int32_t>::max()) {
            throw InvalidArgument("volume has " + std::to_string(grid.voxel_count()) +
                                  " voxels; the DRR engine indexes at most 2^31 - 1");
        }
        cudaDeviceProp prop{};
        RADON_CUDA_CHECK(cudaGetDeviceProperties(&prop, device_));
        name_ = prop.name;
        compute_ = std::to_string(prop.major) + "." + std::to_string(prop.minor);
        sms_ = prop.multiProcessorCount;
        for (int a = 0; a < 3; ++a)
            max_texture_[a] = prop.maxTexture3D[a];

        occupied_ = occupied ? *occupied : occupied_box(attenuation.host_data(), grid.size);
        volume_ = DeviceBuffer<float>(static_cast<std::size_t>(grid.voxel_count()), &tally_);
        const auto upload_start = std::chrono::steady_clock::now();
        RADON_CUDA_CHECK(cudaMemcpy(volume_.get(), attenuation.host_data(), attenuation.bytes(),
                                    cudaMemcpyHostToDevice));
        last_times_.upload_ms = std::chrono::duration<double, std::milli>(
                                    std::chrono::steady_clock::now() - upload_start)
                                    .count();
    }

    DrrStageTimes last_stage_times() const override {
        std::lock_guard<std::mutex> lock(mutex_);
        return last_times_;
    }

    ~CudaDrrRenderer() override {
        // Work still queued must finish before its buffers go away.
        cudaSetDevice(device_);
        for (const Stream& s : streams_)
            cudaStreamSynchronize(s.get());
    }

    DeviceKind device() const override { return DeviceKind::Cuda; }
    const OccupiedBox& occupied() const override { return occupied_; }

    std::string description(const DrrSettings& settings) const override {
        std::ostringstream s;
        s << "cuda:" << device_ << " " << name_ << " (compute " << compute_ << ", " << sms_
          << " SMs)";
        if (settings.algorithm == DrrAlgorithm::Trilinear) {
            s << ", volume read from "
              << (predicted_walk(settings) == Walk::TrilinearTexture ? "a 3D texture"
                                                                     : "global memory");
        }
        return s.str();
    }

    void render(const ProjectionGeometry& geometry, const DrrSettings& settings, float* out,
                const RunControl& control) override {
        render_pieces({geometry}, settings, out, control);
    }

    void render_batch(const std::vector<ProjectionGeometry>& geometries,
                      const DrrSettings& settings, float* out, const RunControl& control) override {
        render_pieces(geometries, settings, out, control);
    }

    std::size_t peak_device_bytes() const override {
        std::lock_guard<std::mutex> lock(mutex_);
        return tally_.peak;
    }

    void reset_peak_device_bytes() override {
        std::lock_guard<std::mutex> lock(mutex_);
        tally_.peak = tally_.current;
    }

  private:
    // What Auto would pick now, without allocating anything.
    Walk predicted_walk(const DrrSettings& settings) const {
        if (settings.algorithm == DrrAlgorithm::Siddon) return Walk::Siddon;
        switch (settings.memory_path) {
            case DrrMemoryPath::Texture:
                return Walk::TrilinearTexture;
            case DrrMemoryPath::Global:
                return Walk::TrilinearGlobal;
            case DrrMemoryPath::Auto:
                break;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        if (texture_.ready()) return Walk::TrilinearTexture;
        if (texture_declined_) return Walk::TrilinearGlobal;
        return texture_fits() ? Walk::TrilinearTexture : Walk::TrilinearGlobal;
    }

    bool texture_within_limits() const {
        for (int a = 0; a < 3; ++a) {
            if (grid_.size[a] > max_texture_[a]) return false;
        }
        return true;
    }

    // Auto takes the texture when it fits the hardware limits and free memory holds it, a
    // quarter more and a fixed margin.
    bool texture_fits() const {
        if (!texture_within_limits()) return false;
        std::size_t free_bytes = 0, total_bytes = 0;
        if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) {
            cudaGetLastError();
            return false;
        }
        const std::size_t bytes = volume_.bytes();
        return free_bytes >= bytes + bytes / 4 + kTextureMargin;
    }

    // The walk for these settings, making the texture on first use (caller holds the mutex).
    Walk walk_for(const DrrSettings& settings) {
        if (settings.algorithm == DrrAlgorithm::Siddon) return Walk::Siddon;
        bool want_texture = false;
        switch (settings.memory_path) {
            case DrrMemoryPath::Global:
                return Walk::TrilinearGlobal;
            case DrrMemoryPath::Texture:
                if (!texture_within_limits()) {
                    std::ostringstream msg;
                    msg << "memory path texture: the " << grid_.size[0] << "x" << grid_.size[1]
                        << "x" << grid_.size[2] << " volume exceeds this GPU's 3D texture limit of "
                        << max_texture_[0] << "x" << max_texture_[1] << "x" << max_texture_[2]
                        << "; use memory path global or auto";
                    throw InvalidArgument(msg.str());
                }
                want_texture = true;
                break;
            case DrrMemoryPath::Auto:
                want_texture = texture_.ready() || (!texture_declined_ && texture_fits());
                texture_declined_ = !want_texture;
                break;
        }
        if (!want_texture) return Walk::TrilinearGlobal;
        if (!texture_.ready()) {
            try {
                texture_.create(volume_.get(), static_cast<int>(grid_.size[0]),
                                static_cast<int>(grid_.size[1]), static_cast<int>(grid_.size[2]),
                                &tally_);
            } catch (const Error&) {
                // Auto asked for a copy that no longer fits (memory taken since the check):
                // the global path needs none. A forced texture reports the failed call.
                if (settings.memory_path == DrrMemoryPath::Texture) throw;
                cudaGetLastError();
                texture_declined_ = true;
                return Walk::TrilinearGlobal;
            }
        }
        return Walk::TrilinearTexture;
    }

    // Patch width and height: the user's patch size, or bands of whole rows, as many as fit
    // kBandPixels and a quarter of the free device memory across the pipeline's slots.
    PatchPlan patch_plan(int64_t width, int64_t height,
                         const DrrSettings& settings) const override {
        if (settings.patch_size > 0) return {settings.patch_size, settings.patch_size, {}};
        int64_t rows = std::clamp<int64_t>(kBandPixels / width, 1, height);
        const std::string limit = "at most " + std::to_string(kBandPixels) + " pixels a band";
        if (static_cast<std::size_t>(rows * width) <= slot_capacity_) {
            return {width, rows,
                    "bands of " + std::to_string(rows) + " full-width rows (" + limit +
                        "; the output buffers already hold them)"};
        }
        // Growing the buffers: check that they fit.
        std::size_t free_bytes = 0, total_bytes = 0;
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        RADON_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
        const auto budget_rows = static_cast<int64_t>(
            free_bytes / 4 / (kSlots * sizeof(float) * static_cast<std::size_t>(width)));
        const std::string memory = std::to_string(free_bytes >> 20) + " MiB free of " +
                                   std::to_string(total_bytes >> 20) + " MiB on the device";
        if (budget_rows >= rows)
            return {width, rows,
                    "bands of " + std::to_string(rows) + " full-width rows (" + limit + "; " +
                        memory + ")"};
        rows = std::clamp<int64_t>(budget_rows, 1, rows);
        return {width, rows,
                "bands of " + std::to_string(rows) + " full-width rows: a quarter of the " +
                    memory + ", shared by " + std::to_string(kSlots) + " pipeline slots"};
    }

    // Makes every slot hold at least `floats` output values.
    void reserve_slots(std::size_t floats) {
        if (floats <= slot_capacity_) return;
        for (int s = 0; s < kSlots; ++s) {
            device_out_[s] = DeviceBuffer<float>();
            host_out_[s] = PinnedBuffer<float>();
        }
        slot_capacity_ = 0;
        for (int s = 0; s < kSlots; ++s) {
            device_out_[s] = DeviceBuffer<float>(floats, &tally_);
            host_out_[s] = PinnedBuffer<float>(floats);
        }
        slot_capacity_ = floats;
    }

    void launch(Walk walk, const DrrRayParams& p, const Piece& piece, int slot) {
        const dim3 block(kBlockX, kBlockY);
        const dim3 blocks(static_cast<unsigned>((piece.cols + kBlockX - 1) / kBlockX),
                          static_cast<unsigned>((piece.rows + kBlockY - 1) / kBlockY));
        const cudaStream_t stream = streams_[slot].get();
        const int c0 = static_cast<int>(piece.col0), r0 = static_cast<int>(piece.row0);
        const int cols = static_cast<int>(piece.cols), rows = static_cast<int>(piece.rows);
        float* out = device_out_[slot].get();
        RADON_CUDA_CHECK(cudaEventRecord(kernel_start_[slot].get(), stream));
        switch (walk) {
            case Walk::Siddon:
                drr_kernel<Walk::Siddon>
                    <<<blocks, block, 0, stream>>>(p, volume_.get(), 0, c0, r0, cols, rows, out);
                break;
            case Walk::TrilinearGlobal:
                drr_kernel<Walk::TrilinearGlobal>
                    <<<blocks, block, 0, stream>>>(p, volume_.get(), 0, c0, r0, cols, rows, out);
                break;
            case Walk::TrilinearTexture:
                drr_kernel<Walk::TrilinearTexture><<<blocks, block, 0, stream>>>(
                    p, nullptr, texture_.texture(), c0, r0, cols, rows, out);
                break;
        }
        check(cudaGetLastError(), (std::string("launch of the ") + to_string(walk) +
                                   " DRR kernel (drr_kernel<<<...>>>)")
                                      .c_str());
        RADON_CUDA_CHECK(cudaEventRecord(kernel_end_[slot].get(), stream));
        const std::size_t bytes = sizeof(float) * static_cast<std::size_t>(piece.cols * piece.rows);
        RADON_CUDA_CHECK(cudaMemcpyAsync(host_out_[slot].get(), device_out_[slot].get(), bytes,
                                         cudaMemcpyDeviceToHost, stream));
        RADON_CUDA_CHECK(cudaEventRecord(done_[slot].get(), stream));
    }

    // Renders every frame, piece by piece, through the slots: piece i runs on slot i % kSlots
    // once that slot's previous piece has been copied out.
    void render_pieces(const std::vector<ProjectionGeometry>& geometries,
                       const DrrSettings& settings, float* out, const RunControl& control) {
        const int64_t pixels = batch_frame_pixels(geometries);
        control.check_cancel();
        if (geometries.empty()) {
            control.report(1.0);
            return;
        }
        const int64_t width = geometries.front().width, height = geometries.front().height;
        Detector panel;
        panel.width = width;
        panel.height = height;
        settings.validate(panel);
        // Pixel coordinates are ints in the kernel, and a launch has at most 65535 block rows.
        if (width > kMaxSide || height > kMaxSide) {
            throw InvalidArgument("detector is " + std::to_string(width) + "x" +
                                  std::to_string(height) +
                                  " pixels; the CUDA renderer takes at most " +
                                  std::to_string(kMaxSide) + " in each direction");
        }
        const auto frames = static_cast<int64_t>(geometries.size());
        if (occupied_.empty && settings.reduction == DrrReduction::Sum) {
            std::fill(out, out + frames * pixels, 0.0f);
            control.report(1.0);
            return;
        }

        std::lock_guard<std::mutex> lock(mutex_);
        RADON_CUDA_CHECK(cudaSetDevice(device_));
        const Walk walk = walk_for(settings);
        const PatchPlan plan = patch_plan(width, height, settings);
        const int64_t piece_w = plan.width, piece_h = plan.height;
        reserve_slots(static_cast<std::size_t>(piece_w * piece_h));

        std::vector<Piece> pieces;
        for (int64_t f = 0; f < frames; ++f)
            for (int64_t r = 0; r < height; r += piece_h)
                for (int64_t c = 0; c < width; c += piece_w)
                    pieces.push_back(
                        {f, c, r, std::min(piece_w, width - c), std::min(piece_h, height - r)});

        // Whatever happens, nothing may still write into the slots when this returns.
        struct Drain {
            const std::array<Stream, kSlots>& streams;
            ~Drain() {
                for (const Stream& s : streams)
                    cudaStreamSynchronize(s.get());
            }
        } drain{streams_};

        DrrStageTimes times;
        times.upload_ms = last_times_.upload_ms;
        times.kernel_ms = times.readback_ms = 0;
        std::deque<std::size_t> in_flight;  // piece indices, oldest first
        std::size_t finished = 0;
        auto finish_oldest = [&] {
            const std::size_t i = in_flight.front();
            in_flight.pop_front();
            const Piece& piece = pieces[i];
            const int slot = static_cast<int>(i % kSlots);
            RADON_CUDA_CHECK(cudaEventSynchronize(done_[slot].get()));
            float kernel_ms = 0, copy_ms = 0;
            RADON_CUDA_CHECK(cudaEventElapsedTime(&kernel_ms, kernel_start_[slot].get(),
                                                  kernel_end_[slot].get()));
            RADON_CUDA_CHECK(
                cudaEventElapsedTime(&copy_ms, kernel_end_[slot].get(), done_[slot].get()));
            const auto scatter_start = std::chrono::steady_clock::now();
            const float* src = host_out_[slot].get();
            float* dst = out + piece.frame * pixels + piece.row0 * width + piece.col0;
            for (int64_t r = 0; r < piece.rows; ++r)
                std::memcpy(dst + r * width, src + r * piece.cols,
                            sizeof(float) * static_cast<std::size_t>(piece.cols));
            times.kernel_ms += kernel_ms;
            times.readback_ms += copy_ms + std::chrono::duration<double, std::milli>(
                                               std::chrono::steady_clock::now() - scatter_start)
                                               .count();
            ++finished;
            control.report(static_cast<double>(finished) / static_cast<double>(pieces.size()));
        };

        int64_t params_frame = -1;
        DrrRayParams params{};
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            if (in_flight.size() == kSlots) finish_oldest();
            control.check_cancel();
            const Piece& piece = pieces[i];
            if (piece.frame != params_frame) {
                params = drr_ray_params(grid_, geometries[static_cast<std::size_t>(piece.frame)],
                                        settings, &occupied_);
                params_frame = piece.frame;
            }
            launch(walk, params, piece, static_cast<int>(i % kSlots));
            in_flight.push_back(i);
        }
        while (!in_flight.empty())
            finish_oldest();
        last_times_ = times;
        control.check_cancel();
    }

    int device_;
    DeviceScope scope_;
    std::string name_, compute_;
    int sms_ = 0;
    int64_t max_texture_[3] = {0, 0, 0};
    VolumeGrid grid_;
    OccupiedBox occupied_;

    mutable std::mutex mutex_;  // one render at a time; guards the tally and the texture
    MemoryTally tally_;
    DeviceBuffer<float> volume_;  // the whole volume, x fastest, as the CPU engine reads it
    TextureVolume texture_;       // made on the first trilinear render that wants it
    bool texture_declined_ = false;

    std::array<Stream, kSlots> streams_;
    std::array<TimingEvent, kSlots> kernel_start_, kernel_end_, done_;
    DrrStageTimes last_times_;  // guarded by mutex_
    std::array<DeviceBuffer<float>, kSlots> device_out_;
    std::array<PinnedBuffer<float>, kSlots> host_out_;
    std::size_t slot_capacity_ = 0;  // floats per slot
};

}  // namespace
}  // namespace radon::cuda

namespace radon::detail {

std::unique_ptr<DrrRenderer> make_cuda_drr_renderer(const VolumeGrid& grid,
                                                    const Array<float>& attenuation,
                                                    int device_index, const OccupiedBox* occupied) {
    return std::make_unique<cuda::CudaDrrRenderer>(grid, attenuation, device_index, occupied);
}

}  // namespace radon::detail
