// Reconstruction: MLEM/OSEM, SIRT, CGLS on any Operator, and the CT methods (FDK/FBP, SIRT,
// CGLS, OS-SART, OSEM) of a CtGeometry. The algorithms work in host memory: the measured data
// and the initial image are read from CPU arrays, and the image is handed out as a NumPy array.

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "kernels/ct/ct_geometry.h"
#include "python/src/array_args.h"
#include "python/src/bindings.h"
#include "python/src/py_operator.h"
#include "recon/algorithms/cgls.h"
#include "recon/algorithms/ct_reconstruction.h"
#include "recon/algorithms/em_reconstruction.h"
#include "recon/algorithms/sirt.h"
#include "recon/pet/pet_image.h"
#include "recon/pet/pet_setup.h"

namespace radon::python {
namespace nb = nanobind;
using namespace nb::literals;

namespace {

// The values of a CPU array of `shape`, copied: the algorithms keep their own vectors.
std::vector<float> host_values(nb::handle obj, const char* name, const std::vector<int64_t>& shape,
                               const std::string& meaning) {
    const FloatArray a = float_array(obj, name);
    check_shape(a, name, shape, meaning);
    if (a.space != MemorySpace::Host) {
        throw nb::value_error((std::string(name) +
                               ": the reconstruction algorithms read CPU arrays, got one on " +
                               a.device_text() + "; pass " + name + ".cpu()")
                                  .c_str());
    }
    return std::vector<float>(a.data, a.data + a.size());
}

std::vector<float> initial_image(nb::handle x0, const std::vector<int64_t>& shape, float fill) {
    if (x0.is_none()) {
        int64_t n = 1;
        for (int64_t d : shape)
            n *= d;
        return std::vector<float>(static_cast<size_t>(n), fill);
    }
    return host_values(x0, "x0", shape, "(the operator's in_shape)");
}

nb::object image_out(const std::vector<float>& image, const std::vector<int64_t>& shape) {
    float* data = nullptr;
    nb::object a = new_host_array(shape, &data);
    std::copy(image.begin(), image.end(), data);
    return a;
}

std::vector<float> optional_values(nb::handle obj, const char* name,
                                   const std::vector<int64_t>& shape) {
    if (obj.is_none()) return {};
    return host_values(obj, name, shape, "(the operator's out_shape)");
}

recon::Bounds bounds(double lower, double upper) {
    recon::Bounds b;
    b.lower = static_cast<float>(lower);
    b.upper = static_cast<float>(upper);
    return b;
}

}  // namespace

void bind_recon(nb::module_& m) {
    const double inf = std::numeric_limits<double>::infinity();

    m.def(
        "mlem",
        [](const PyOperator& op, nb::handle measured, int iterations, nb::handle x0,
           nb::handle multiplicative, nb::handle additive) {
            std::vector<float> y =
                host_values(measured, "measured", op.out_shape(), "(the operator's out_shape)");
            std::vector<float> image = initial_image(x0, op.in_shape(), 1.0f);
            recon::PoissonModel model{
                optional_values(multiplicative, "multiplicative", op.out_shape()),
                optional_values(additive, "additive", op.out_shape())};
            recon::EmOptions options;
            options.iterations = iterations;
            recon::EmResult result;
            {
                nb::gil_scoped_release release;
                result = recon::mlem(op.cpu(), y, std::move(model), image, options);
            }
            return nb::make_tuple(image_out(image, op.in_shape()), result.log_likelihood);
        },
        "op"_a, "measured"_a, nb::kw_only(), "iterations"_a = 10, "x0"_a = nb::none(),
        "multiplicative"_a = nb::none(), "additive"_a = nb::none(),
        "MLEM for y ~ Poisson(m * (A x) + a) from x0 (ones when None). Returns (image, "
        "log-likelihood after 0..iterations iterations).");

    m.def(
        "pet_osem",
        [](const pet::SinogramDescriptor& sinogram, const VolumeGrid& grid, nb::handle measured,
           int subsets, int iterations, nb::handle attenuation_factors, double randoms,
           const std::string& model, nb::handle x0) {
            pet::LorProjectorConfig config;
            config.grid = recon::pet_grid_of(grid, "grid");
            config.model = pet::parse_pet_model(model, "model");
            const std::vector<int64_t> shape = reversed(sinogram.shape().dims);
            const std::vector<int64_t> image_shape{grid.size[2], grid.size[1], grid.size[0]};
            std::vector<float> y =
                host_values(measured, "measured", shape, "(the sinogram's shape)");
            std::vector<float> factors =
                optional_values(attenuation_factors, "attenuation_factors", shape);
            std::vector<float> image = initial_image(x0, image_shape, 1.0f);
            recon::EmOptions options;
            options.iterations = iterations;
            recon::EmResult result;
            {
                nb::gil_scoped_release release;
                recon::PetOsemProblem problem = recon::make_pet_osem_problem(
                    sinogram, config, subsets, std::move(factors), randoms);
                result = recon::osem(problem.subsets, y, std::move(problem.model), image, options);
            }
            return nb::make_tuple(image_out(image, image_shape), result.log_likelihood);
        },
        "sinogram"_a, "grid"_a, "measured"_a, nb::kw_only(), "subsets"_a = 1, "iterations"_a = 1,
        "attenuation_factors"_a = nb::none(), "randoms"_a = 0.0, "model"_a = "joseph",
        "x0"_a = nb::none(),
        "OSEM on a sinogram (interleaved subsets of views; one subset is MLEM), with attenuation "
        "factors as the multiplicative term and a constant randoms level per bin. Returns "
        "(image, log-likelihood history).");

    m.def(
        "sirt",
        [](const PyOperator& op, nb::handle measured, int iterations, double relaxation,
           double lower, double upper, nb::handle x0) {
            std::vector<float> b =
                host_values(measured, "measured", op.out_shape(), "(the operator's out_shape)");
            std::vector<float> image = initial_image(x0, op.in_shape(), 0.0f);
            recon::IterativeOptions options;
            options.iterations = iterations;
            options.relaxation = relaxation;
            options.bounds = bounds(lower, upper);
            recon::IterativeResult result;
            {
                nb::gil_scoped_release release;
                result = recon::sirt(op.cpu(), b, image, options);
            }
            return nb::make_tuple(image_out(image, op.in_shape()), result.residual_norm);
        },
        "op"_a, "measured"_a, nb::kw_only(), "iterations"_a = 10, "relaxation"_a = 1.0,
        "lower"_a = -inf, "upper"_a = inf, "x0"_a = nb::none(),
        "SIRT from x0 (zeros when None), each update clipped to [lower, upper]. Returns (image, "
        "||A x_k - b|| for k = 0..iterations).");

    m.def(
        "cgls",
        [](const PyOperator& op, nb::handle measured, int iterations, nb::handle x0) {
            std::vector<float> b =
                host_values(measured, "measured", op.out_shape(), "(the operator's out_shape)");
            std::vector<float> image = initial_image(x0, op.in_shape(), 0.0f);
            recon::IterativeOptions options;
            options.iterations = iterations;
            recon::IterativeResult result;
            {
                nb::gil_scoped_release release;
                result = recon::cgls(op.cpu(), b, image, options);
            }
            return nb::make_tuple(image_out(image, op.in_shape()), result.residual_norm);
        },
        "op"_a, "measured"_a, nb::kw_only(), "iterations"_a = 10, "x0"_a = nb::none(),
        "CGLS (unconstrained least squares) from x0 (zeros when None). Returns (image, residual "
        "norms).");

    m.def(
        "reconstruct_ct",
        [](const CtGeometry& geometry, const VolumeGrid& grid, nb::handle projections,
           const std::string& method, std::optional<int> iterations, std::optional<int> subsets,
           double relaxation, double lower, double upper, const std::string& filter, double cutoff,
           const std::string& device) {
            geometry.validate("geometry");
            grid.validate("grid");
            const std::vector<int64_t> shape{geometry.view_count(), geometry.rows,
                                             geometry.columns};
            std::vector<float> p =
                host_values(projections, "projections", shape, "(views, rows, columns)");
            recon::CtReconSettings s;
            s.method = recon::parse_ct_method(method);
            s.iterations = iterations.value_or(recon::default_ct_iterations(s.method));
            s.subsets =
                subsets.value_or(recon::default_ct_subsets(s.method, geometry.view_count()));
            s.relaxation = relaxation;
            s.bounds = bounds(lower, upper);
            s.fbp.filter.window = recon::parse_ramp_window(filter);
            s.fbp.filter.cutoff = cutoff;
            s.device = parse_device_kind(device);
            std::vector<float> image;
            recon::CtReconReport report;
            {
                nb::gil_scoped_release release;
                image = recon::reconstruct_ct(geometry, grid, p, s, {}, {}, &report);
            }
            return nb::make_tuple(image_out(image, {grid.size[2], grid.size[1], grid.size[0]}),
                                  report.history);
        },
        "geometry"_a, "grid"_a, "projections"_a, nb::kw_only(), "method"_a = "fdk",
        "iterations"_a = nb::none(), "subsets"_a = nb::none(), "relaxation"_a = 1.0,
        "lower"_a = -inf, "upper"_a = inf, "filter"_a = "ram-lak", "cutoff"_a = 1.0,
        "device"_a = "cpu",
        "Reconstructs line integrals (views, rows, columns) of a scan on `grid`: method 'fdk', "
        "'fbp', 'sirt', 'cgls', 'os-sart' or 'osem'. Returns (image (nz, ny, nx), history: "
        "residual norms, or the log-likelihood for OSEM).");
}

}  // namespace radon::python
