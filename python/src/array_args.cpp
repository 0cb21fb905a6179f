#include "python/src/array_args.h"

#include <nanobind/stl/string.h>

#include <sstream>
#include <utility>

#include "kernels/backend/devices.h"

namespace radon::python {
namespace {

std::string dtype_name(nb::dlpack::dtype t) {
    const char* kind = "unknown";
    switch (static_cast<nb::dlpack::dtype_code>(t.code)) {
        case nb::dlpack::dtype_code::Int:
            kind = "int";
            break;
        case nb::dlpack::dtype_code::UInt:
            kind = "uint";
            break;
        case nb::dlpack::dtype_code::Float:
            kind = "float";
            break;
        case nb::dlpack::dtype_code::Bfloat:
            kind = "bfloat";
            break;
        case nb::dlpack::dtype_code::Complex:
            kind = "complex";
            break;
        case nb::dlpack::dtype_code::Bool:
            return "bool";
        default:
            break;
    }
    return std::string(kind) + std::to_string(t.bits);
}

std::string python_type_name(nb::handle obj) {
    return nb::cast<std::string>(nb::str(obj.type().attr("__module__"))) + "." +
           nb::cast<std::string>(nb::str(obj.type().attr("__qualname__")));
}

ArrayLibrary library_of(nb::handle obj) {
    const std::string module = nb::cast<std::string>(nb::str(obj.type().attr("__module__")));
    const auto starts = [&](const char* prefix) { return module.rfind(prefix, 0) == 0; };
    if (starts("torch")) return ArrayLibrary::PyTorch;
    if (starts("cupy")) return ArrayLibrary::CuPy;
    if (starts("jax")) return ArrayLibrary::Jax;
    return ArrayLibrary::NumPy;
}

bool c_contiguous(const nb::ndarray<nb::ro>& a) {
    int64_t expected = 1;
    for (size_t i = a.ndim(); i-- > 0;) {
        if (a.shape(i) != 1 && a.stride(i) != expected) return false;
        expected *= static_cast<int64_t>(a.shape(i));
    }
    return true;
}

[[noreturn]] void type_error(const std::string& text) {
    throw nb::type_error(text.c_str());
}
[[noreturn]] void value_error(const std::string& text) {
    throw nb::value_error(text.c_str());
}

template <class Framework>
nb::object wrap(float* data, const std::vector<int64_t>& shape, nb::capsule owner, int device_type,
                int device_id) {
    std::vector<size_t> dims(shape.begin(), shape.end());
    nb::ndarray<Framework, float> array(data, dims.size(), dims.data(), owner, nullptr,
                                        nb::dtype<float>(), device_type, device_id);
    return nb::cast(array, nb::rv_policy::reference);
}

nb::object allocate(const std::vector<int64_t>& shape, MemorySpace space, int device_id,
                    ArrayLibrary library, float** data) {
    Extents extents{1, 1, 1};
    int64_t count = 1;
    for (int64_t d : shape)
        count *= d;
    extents[0] = count;
    use_device(space, device_id);
    auto* array = new Array<float>(Array<float>::allocate(extents, space));
    nb::capsule owner(array, [](void* p) noexcept { delete static_cast<Array<float>*>(p); });
    float* memory = space == MemorySpace::Host ? array->host_data() : array->device_data();
    *data = memory;
    const int device_type =
        space == MemorySpace::Host ? nb::device::cpu::value : nb::device::cuda::value;
    switch (library) {
        case ArrayLibrary::PyTorch:
            return wrap<nb::pytorch>(memory, shape, owner, device_type, device_id);
        case ArrayLibrary::CuPy:
            return wrap<nb::cupy>(memory, shape, owner, device_type, device_id);
        case ArrayLibrary::Jax:
            return wrap<nb::jax>(memory, shape, owner, device_type, device_id);
        case ArrayLibrary::NumPy:
        default:
            if (space != MemorySpace::Host) {
                return wrap<nb::pytorch>(memory, shape, owner, device_type, device_id);
            }
            return wrap<nb::numpy>(memory, shape, owner, device_type, device_id);
    }
}

}  // namespace

int64_t FloatArray::size() const {
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

std::string FloatArray::device_text() const {
    return space == MemorySpace::Host ? "cpu" : "cuda:" + std::to_string(device_id);
}

FloatArray float_array(nb::handle obj, const char* name, bool writable) {
    if (obj.is_none()) {
        type_error(std::string(name) + ": expected a float32 array, got None");
    }
    if (nb::hasattr(obj, "requires_grad") && nb::cast<bool>(obj.attr("requires_grad"))) {
        type_error(std::string(name) +
                   ": this tensor requires grad; use radon.torch's functions for autograd, or "
                   "pass " +
                   name + ".detach()");
    }
    FloatArray a;
    a.library = library_of(obj);
    // A tensor's __dlpack__ method costs about 7 us (Python-level checks); torch's C export,
    // to_dlpack, gives the same capsule in under 1 us: most of a small call's overhead.
    nb::object source = nb::borrow(obj);
    if (a.library == ArrayLibrary::PyTorch && nb::hasattr(obj, "data_ptr")) {
        static nb::object* to_dlpack = new nb::object(
            nb::module_::import_("torch.utils.dlpack").attr("to_dlpack"));  // kept to exit
        source = (*to_dlpack)(obj);
    }
    if (!nb::try_cast(source, a.handle, false)) {
        type_error(std::string(name) +
                   ": expected a float32 array (NumPy, PyTorch, CuPy or anything with "
                   "__dlpack__ or the buffer protocol), got " +
                   python_type_name(obj));
    }
    if (a.handle.dtype() != nb::dtype<float>()) {
        type_error(std::string(name) + ": expected dtype float32, got " +
                   dtype_name(a.handle.dtype()) + " (convert it first, e.g. " + name +
                   ".astype(numpy.float32) or " + name + ".float())");
    }
    if (!c_contiguous(a.handle)) {
        value_error(std::string(name) +
                    ": expected a C-contiguous array (row-major, no gaps), got strides that are "
                    "not (transposed, sliced or Fortran-ordered: pass a contiguous copy, e.g. "
                    "numpy.ascontiguousarray(" +
                    name + ") or " + name + ".contiguous())");
    }
    if (writable && nb::hasattr(obj, "flags") && nb::hasattr(obj.attr("flags"), "writeable") &&
        !nb::cast<bool>(obj.attr("flags").attr("writeable"))) {
        value_error(std::string(name) + ": the array is read-only; pass a writable array");
    }
    const int device_type = a.handle.device_type();
    if (device_type == nb::device::cpu::value) {
        a.space = MemorySpace::Host;
    } else if (device_type == nb::device::cuda::value) {
        if (!built_with_cuda()) {
            value_error(std::string(name) +
                        ": the array is on cuda:" + std::to_string(a.handle.device_id()) +
                        ", but this build of radon has no CUDA; pass a CPU array (" + name +
                        ".cpu()) or install a build with CUDA");
        }
        a.space = MemorySpace::Device;
        a.device_id = a.handle.device_id();
    } else {
        value_error(std::string(name) +
                    ": expected an array on the CPU or a CUDA device, got "
                    "DLPack device type " +
                    std::to_string(device_type));
    }
    a.data = const_cast<float*>(static_cast<const float*>(a.handle.data()));
    for (size_t i = 0; i < a.handle.ndim(); ++i)
        a.shape.push_back(static_cast<int64_t>(a.handle.shape(i)));
    return a;
}

void check_shape(const FloatArray& a, const char* name, const std::vector<int64_t>& expected,
                 const std::string& meaning) {
    if (a.shape != expected) {
        value_error(std::string(name) + ": expected shape " + shape_text(expected) + " " + meaning +
                    ", got " + shape_text(a.shape));
    }
}

void check_same_device(const FloatArray& a, const char* name, const FloatArray& reference,
                       const char* reference_name) {
    if (a.space != reference.space || a.device_id != reference.device_id) {
        value_error(std::string(name) + ": is on " + a.device_text() + " but " + reference_name +
                    " is on " + reference.device_text() + "; both must be on the same device");
    }
}

void check_disjoint(const FloatArray& a, const char* name, const FloatArray& b,
                    const char* b_name) {
    if (a.space != b.space || a.device_id != b.device_id) return;
    const auto a0 = reinterpret_cast<uintptr_t>(a.data);
    const auto b0 = reinterpret_cast<uintptr_t>(b.data);
    const uintptr_t a1 = a0 + sizeof(float) * static_cast<uintptr_t>(a.size());
    const uintptr_t b1 = b0 + sizeof(float) * static_cast<uintptr_t>(b.size());
    if (a0 < b1 && b0 < a1) {
        value_error(std::string(name) + ": shares memory with " + b_name +
                    "; the operation reads one while it writes the other: pass separate arrays");
    }
}

nb::object new_array(const std::vector<int64_t>& shape, const FloatArray& like, float** data) {
    return allocate(shape, like.space, like.device_id, like.library, data);
}

nb::object hand_out(Array<float>&& array, const std::vector<int64_t>& shape) {
    auto* owned = new Array<float>(std::move(array));
    nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<Array<float>*>(p); });
    return wrap<nb::numpy>(owned->host_data(), shape, owner, nb::device::cpu::value, 0);
}

nb::object new_host_array(const std::vector<int64_t>& shape, float** data) {
    return allocate(shape, MemorySpace::Host, 0, ArrayLibrary::NumPy, data);
}

nb::object output_array(nb::handle out, const std::vector<int64_t>& shape,
                        const std::string& meaning, const FloatArray& input, const char* input_name,
                        float** data) {
    if (out.is_none()) return new_array(shape, input, data);
    FloatArray o = float_array(out, "out", true);
    check_shape(o, "out", shape, meaning);
    check_same_device(o, "out", input, input_name);
    check_disjoint(o, "out", input, input_name);
    *data = o.data;
    return nb::borrow(out);
}

std::vector<int64_t> reversed(const std::vector<int64_t>& dims) {
    return std::vector<int64_t>(dims.rbegin(), dims.rend());
}

std::string shape_text(const std::vector<int64_t>& shape) {
    std::ostringstream s;
    s << "(";
    for (size_t i = 0; i < shape.size(); ++i)
        s << (i ? ", " : "") << shape[i];
    if (shape.size() == 1) s << ",";
    s << ")";
    return s.str();
}

void use_device(MemorySpace space, int device_id) {
    if (space == MemorySpace::Device) use_cuda_device(device_id);
}

}  // namespace radon::python
