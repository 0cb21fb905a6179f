#pragma once

// How arrays cross between Python and radon: any C-contiguous float32 array with __dlpack__ or
// the buffer protocol (NumPy, PyTorch, CuPy, JAX) is used in place; outputs are either written
// into an `out=` array or allocated here and handed to Python without a copy, in the array
// library of the input. Every refusal is a Python exception naming the argument and what was
// expected.

#include <cstdint>
#include <string>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include "kernels/core/array.h"

namespace radon::python {

namespace nb = nanobind;

// The array library an output is handed out in: that of the input it follows.
enum class ArrayLibrary { NumPy, PyTorch, CuPy, Jax };

// A float32 array seen through DLPack, with the device it lives on. Holds a reference to the
// exporter, so the memory stays alive (and in place) for as long as this view does.
struct FloatArray {
    nb::ndarray<nb::ro> handle;
    float* data = nullptr;
    std::vector<int64_t> shape;  // C order, as the caller sees it
    MemorySpace space = MemorySpace::Host;
    int device_id = 0;  // CUDA ordinal; 0 on the host
    ArrayLibrary library = ArrayLibrary::NumPy;

    int64_t size() const;
    std::string device_text() const;  // "cpu", "cuda:1"
};

// `obj` as a float32 C-contiguous array, or a TypeError/ValueError naming `name`: None, not an
// array, a tensor that requires grad, another dtype, strides that are not C-contiguous, a
// device other than the CPU or CUDA, a CUDA array in a build without CUDA. With `writable`, a
// read-only array (a NumPy array with writeable=False) is refused too.
FloatArray float_array(nb::handle obj, const char* name, bool writable = false);

// Refuses (ValueError naming `name`) an array whose shape is not `expected`; `meaning` names the
// axes in the message, e.g. "(views, rows, columns)".
void check_shape(const FloatArray& a, const char* name, const std::vector<int64_t>& expected,
                 const std::string& meaning);
// Refuses an array of another device than `reference`'s (ValueError naming both).
void check_same_device(const FloatArray& a, const char* name, const FloatArray& reference,
                       const char* reference_name);
// Refuses two arrays whose memory overlaps: an operator reads one while it writes the other.
void check_disjoint(const FloatArray& a, const char* name, const FloatArray& b, const char* b_name);

// A new float32 array of `shape` on `like`'s device, owned by radon's allocator and handed out
// without a copy in `like`'s array library (a capsule frees it when the last reference goes).
// `data` receives its memory.
nb::object new_array(const std::vector<int64_t>& shape, const FloatArray& like, float** data);
// The same on the host, as a NumPy array.
nb::object new_host_array(const std::vector<int64_t>& shape, float** data);

// `array` (host memory, radon's) handed to Python as a NumPy array of `shape` without a copy: the
// NumPy array owns it from now on.
nb::object hand_out(Array<float>&& array, const std::vector<int64_t>& shape);

// The output of an operation: `out` checked (shape, device, writable, not overlapping `input`),
// or a new array like `input` when `out` is None. Returns the Python object to hand back.
nb::object output_array(nb::handle out, const std::vector<int64_t>& shape,
                        const std::string& meaning, const FloatArray& input, const char* input_name,
                        float** data);

// radon's shapes list the fastest axis first; Python's C order lists it last.
std::vector<int64_t> reversed(const std::vector<int64_t>& dims);
std::string shape_text(const std::vector<int64_t>& shape);  // "(3, 4, 5)"

// Makes `space` memory of device `device_id` current for the CUDA calls that follow (no-op on
// the host).
void use_device(MemorySpace space, int device_id);

}  // namespace radon::python
