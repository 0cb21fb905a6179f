# Resolves RADON_CUDA (AUTO|ON|OFF) into RADON_HAVE_CUDA and enables the CUDA language.
include(CheckLanguage)

set(RADON_HAVE_CUDA OFF)
string(TOUPPER "${RADON_CUDA}" _radon_cuda)
if(_radon_cuda STREQUAL "ON" OR _radon_cuda STREQUAL "AUTO")
    if(NOT DEFINED CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
        set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
    endif()
    # Unless the user names architectures (e.g. -DCMAKE_CUDA_ARCHITECTURES=native or 89): machine
    # code for Hopper (H100/H200) and PTX for compute 7.5, which the driver compiles once, at
    # first use, for any other GPU from Turing on (Ampere, Ada, Blackwell). Set before
    # enable_language, which otherwise picks the compiler's default (compute 7.5 only).
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES AND NOT DEFINED ENV{CUDAARCHS})
        set(CMAKE_CUDA_ARCHITECTURES 90-real 75-virtual CACHE STRING "CUDA architectures")
    endif()
    check_language(CUDA)
    if(CMAKE_CUDA_COMPILER)
        enable_language(CUDA)
        find_package(CUDAToolkit REQUIRED)
        set(RADON_HAVE_CUDA ON)
        set(CMAKE_CUDA_STANDARD 17)
        set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    elseif(_radon_cuda STREQUAL "ON")
        message(FATAL_ERROR "RADON_CUDA=ON but no CUDA compiler (nvcc) was found; "
                            "install the CUDA Toolkit or configure with -DRADON_CUDA=OFF")
    else()
        message(STATUS "Radon Studio: nvcc not found, building without the CUDA backend")
    endif()
elseif(NOT _radon_cuda STREQUAL "OFF")
    message(FATAL_ERROR "RADON_CUDA must be AUTO, ON or OFF (got '${RADON_CUDA}')")
endif()
