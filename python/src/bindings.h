#pragma once

// The parts of the _radon extension module, one per subject; module.cpp calls them in order.

#include <nanobind/nanobind.h>

namespace radon::python {

void bind_errors(nanobind::module_& m);
void bind_geometry(nanobind::module_& m);
void bind_volumes(nanobind::module_& m);
void bind_drr(nanobind::module_& m);
void bind_operators(nanobind::module_& m);
void bind_ct(nanobind::module_& m);
void bind_pet(nanobind::module_& m);
void bind_recon(nanobind::module_& m);

}  // namespace radon::python
