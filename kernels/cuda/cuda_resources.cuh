#pragma once

// Owning handles for CUDA memory, streams and events. Releasing never throws (destructors run
// during unwinding); acquiring goes through RADON_CUDA_CHECK, so a failure names the call.

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "kernels/cuda/cuda_check.h"

namespace radon::cuda {

// Device bytes a renderer holds now and the most it has held at once.
struct MemoryTally {
    std::size_t current = 0;
    std::size_t peak = 0;

    void add(std::size_t bytes) {
        current += bytes;
        if (current > peak) peak = current;
    }
    void remove(std::size_t bytes) { current -= bytes < current ? bytes : current; }
};

// A device allocation of `count` elements, counted in a tally.
template <class T>
class DeviceBuffer {
  public:
    DeviceBuffer() = default;
    DeviceBuffer(std::size_t count, MemoryTally* tally) : tally_(tally) {
        const std::size_t bytes = (count == 0 ? 1 : count) * sizeof(T);
        RADON_CUDA_CHECK(cudaMalloc(reinterpret_cast<void**>(&data_), bytes));
        bytes_ = bytes;
        if (tally_) tally_->add(bytes_);
    }
    DeviceBuffer(DeviceBuffer&& o) noexcept { swap(o); }
    DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
        DeviceBuffer(std::move(o)).swap(*this);
        return *this;
    }
    DeviceBuffer(const DeviceBuffer&) = delete;
    DeviceBuffer& operator=(const DeviceBuffer&) = delete;
    ~DeviceBuffer() {
        if (!data_) return;
        cudaFree(data_);
        if (tally_) tally_->remove(bytes_);
    }

    T* get() const { return data_; }
    std::size_t count() const { return bytes_ / sizeof(T); }
    std::size_t bytes() const { return bytes_; }

  private:
    void swap(DeviceBuffer& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(bytes_, o.bytes_);
        std::swap(tally_, o.tally_);
    }
    T* data_ = nullptr;
    std::size_t bytes_ = 0;
    MemoryTally* tally_ = nullptr;
};

// Page-locked host memory: the GPU copies into it asynchronously, at full bus speed.
template <class T>
class PinnedBuffer {
  public:
    PinnedBuffer() = default;
    explicit PinnedBuffer(std::size_t count) {
        RADON_CUDA_CHECK(
            cudaMallocHost(reinterpret_cast<void**>(&data_), (count == 0 ? 1 : count) * sizeof(T)));
        count_ = count;
    }
    PinnedBuffer(PinnedBuffer&& o) noexcept { swap(o); }
    PinnedBuffer& operator=(PinnedBuffer&& o) noexcept {
        PinnedBuffer(std::move(o)).swap(*this);
        return *this;
    }
    PinnedBuffer(const PinnedBuffer&) = delete;
    PinnedBuffer& operator=(const PinnedBuffer&) = delete;
    ~PinnedBuffer() {
        if (data_) cudaFreeHost(data_);
    }

    T* get() const { return data_; }
    std::size_t count() const { return count_; }

  private:
    void swap(PinnedBuffer& o) noexcept {
        std::swap(data_, o.data_);
        std::swap(count_, o.count_);
    }
    T* data_ = nullptr;
    std::size_t count_ = 0;
};

// A stream that does not synchronise with the legacy default stream.
class Stream {
  public:
    Stream() { RADON_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
    ~Stream() { cudaStreamDestroy(stream_); }
    cudaStream_t get() const { return stream_; }

  private:
    cudaStream_t stream_ = nullptr;
};

// An event for ordering, and with `timing` for cudaEventElapsedTime too (events without timing
// are cheaper to record and to wait on).
class Event {
  public:
    explicit Event(bool timing = false) {
        RADON_CUDA_CHECK(
            cudaEventCreateWithFlags(&event_, timing ? cudaEventDefault : cudaEventDisableTiming));
    }
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
    ~Event() { cudaEventDestroy(event_); }
    cudaEvent_t get() const { return event_; }

  private:
    cudaEvent_t event_ = nullptr;
};

class TimingEvent : public Event {
  public:
    TimingEvent() : Event(true) {}
};

// A float volume in a CUDA array, read through a texture object with linear filtering, clamp
// addressing and unnormalised coordinates.
class TextureVolume {
  public:
    TextureVolume() = default;
    TextureVolume(const TextureVolume&) = delete;
    TextureVolume& operator=(const TextureVolume&) = delete;
    ~TextureVolume() { release(); }

    bool ready() const { return texture_ != 0; }
    cudaTextureObject_t texture() const { return texture_; }

    // Copies the x-fastest device volume `voxels` (nx x ny x nz floats) into a new CUDA array.
    void create(const float* voxels, int nx, int ny, int nz, MemoryTally* tally) {
        release();
        const cudaChannelFormatDesc format = cudaCreateChannelDesc<float>();
        const cudaExtent extent = make_cudaExtent(nx, ny, nz);
        RADON_CUDA_CHECK(cudaMalloc3DArray(&array_, &format, extent, 0));
        tally_ = tally;
        bytes_ = sizeof(float) * static_cast<std::size_t>(nx) * ny * nz;
        if (tally_) tally_->add(bytes_);
        try {
            cudaMemcpy3DParms copy{};
            copy.srcPtr =
                make_cudaPitchedPtr(const_cast<float*>(voxels), sizeof(float) * nx, nx, ny);
            copy.dstArray = array_;
            copy.extent = extent;
            copy.kind = cudaMemcpyDeviceToDevice;
            RADON_CUDA_CHECK(cudaMemcpy3D(&copy));
            cudaResourceDesc resource{};
            resource.resType = cudaResourceTypeArray;
            resource.res.array.array = array_;
            cudaTextureDesc sampling{};
            for (int a = 0; a < 3; ++a)
                sampling.addressMode[a] = cudaAddressModeClamp;
            sampling.filterMode = cudaFilterModeLinear;
            sampling.readMode = cudaReadModeElementType;
            sampling.normalizedCoords = 0;
            RADON_CUDA_CHECK(cudaCreateTextureObject(&texture_, &resource, &sampling, nullptr));
        } catch (...) {
            release();
            throw;
        }
    }

    void release() {
        if (texture_) cudaDestroyTextureObject(texture_);
        texture_ = 0;
        if (array_) {
            cudaFreeArray(array_);
            if (tally_) tally_->remove(bytes_);
        }
        array_ = nullptr;
        bytes_ = 0;
    }

  private:
    cudaArray_t array_ = nullptr;
    cudaTextureObject_t texture_ = 0;
    std::size_t bytes_ = 0;
    MemoryTally* tally_ = nullptr;
};

}  // namespace radon::cuda
