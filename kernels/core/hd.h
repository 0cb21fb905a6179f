#pragma once

// Functions marked RADON_HD are compiled for the host and, under nvcc, for the device too: the
// per-ray and per-LOR arithmetic lives in such functions so the CPU and CUDA backends run the
// exact same code.
#if defined(__CUDACC__)
#define RADON_HD __host__ __device__ __forceinline__
#define RADON_DEVICE_CODE 1
#elif defined(RADON_HD_FORCE_INLINE)
// Objects built once per instruction set (kernels/CMakeLists.txt) inline every such function into
// its caller, so the linker never has an out-of-line copy built with wider instructions to pick
// for another variant (inline functions of the same name are merged across objects).
#define RADON_HD inline __attribute__((always_inline))
#else
#define RADON_HD inline
#endif
