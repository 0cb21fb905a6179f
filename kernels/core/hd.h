#pragma once

// Functions marked RADON_HD are compiled for the host and, under nvcc, for the device too: the
// per-ray and per-LOR arithmetic lives in such functions so the CPU and CUDA backends run the
// exact same code.
#if defined(__CUDACC__)
#define RADON_HD __host__ __device__ __forceinline__
#define RADON_DEVICE_CODE 1
#else
#define RADON_HD inline
#endif
