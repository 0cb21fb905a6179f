// The _radon extension module: radon's projectors, geometries and algorithms for Python. The
// pure-Python package `radon` (python/radon) re-exports it and adds radon.torch and radon.DRR.

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "kernels/backend/devices.h"
#include "kernels/core/error.h"
#include "python/src/bindings.h"

namespace radon::python {
namespace nb = nanobind;

void bind_errors(nb::module_&) {
    // radon's errors carry messages a user can act on: bad values become ValueError, failures
    // of a device or a file RuntimeError, cancellation KeyboardInterrupt.
    nb::register_exception_translator([](const std::exception_ptr& p, void*) {
        try {
            std::rethrow_exception(p);
        } catch (const radon::Cancelled& e) {
            PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
        } catch (const radon::InvalidArgument& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const radon::Error& e) {
            PyErr_SetString(PyExc_RuntimeError, e.what());
        }
    });
}

}  // namespace radon::python

NB_MODULE(_radon, m) {
    namespace nb = nanobind;
    namespace py = radon::python;
    m.doc() =
        "Radon Studio's compute core: DRR, CT and PET projectors with their adjoints, "
        "reconstruction, geometry and volume I/O.";
    // PyTorch keeps autograd graphs (and the operators their nodes hold) alive until after this
    // module is torn down at interpreter exit; nanobind would report each as a leak.
    nb::set_leak_warnings(false);
    py::bind_errors(m);
    m.def("built_with_cuda", &radon::built_with_cuda, "True when this build has the CUDA backend.");
    m.def("cuda_unavailable_reason", &radon::cuda_unavailable_reason,
          "Why no CUDA device can be used, in one line; empty when one can.");
    m.def(
        "devices",
        []() {
            nb::list out;
            for (const auto& d : radon::available_devices()) {
                nb::dict item;
                item["kind"] = radon::to_string(d.kind);
                item["index"] = d.index;
                item["name"] = d.name;
                item["memory_bytes"] = d.memory_bytes;
                item["detail"] = d.detail;
                out.append(item);
            }
            return out;
        },
        "The CPU and every CUDA device, as dicts (kind, index, name, memory_bytes, detail).");
    py::bind_geometry(m);
    py::bind_volumes(m);
    py::bind_drr(m);
    py::bind_operators(m);
    py::bind_ct(m);
    py::bind_pet(m);
    py::bind_recon(m);
}
