// PET: scanners (presets, JSON), sinogram descriptors, image grids and the sinogram projector.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "kernels/pet/lor_projector.h"
#include "kernels/pet/sinogram_projector.h"
#include "python/src/array_args.h"
#include "python/src/bindings.h"
#include "python/src/py_operator.h"
#include "recon/io/atomic_file.h"
#include "recon/pet/pet_image.h"
#include "recon/pet/pet_setup.h"
#include "recon/pet/scanner_json.h"
#include "recon/pet/sinogram_file.h"

namespace radon::python {
namespace nb = nanobind;
using namespace nb::literals;

namespace {

std::vector<int64_t> sinogram_shape(const pet::SinogramDescriptor& s) {
    return reversed(s.shape().dims);
}

std::vector<std::string> sinogram_axes(const pet::SinogramDescriptor& s) {
    const auto names = s.shape().axis_names;
    return {names.rbegin(), names.rend()};
}

}  // namespace

void bind_pet(nb::module_& m) {
    m.def("scanner_presets", &recon::scanner_preset_ids,
          "The ids of the PET scanner presets compiled in (resources/scanners/*.json).");

    nb::class_<recon::ScannerDescription>(
        m, "PetScanner",
        "A PET scanner: crystals, rings, TOF settings and its default sinogram, from a preset, a "
        "JSON description (resources/scanners/*.json shows every field) or a YRT-PET scanner "
        "file.")
        .def_static("load", &recon::load_scanner, "preset_or_path"_a,
                    "A preset by id or name, or else a scanner JSON file.")
        .def_static(
            "from_json",
            [](const std::string& text, const std::string& origin) {
                return recon::parse_scanner_json(text, origin);
            },
            "text"_a, "origin"_a = "json", "A scanner from JSON text; `origin` names it in errors.")
        .def_prop_ro("name", [](const recon::ScannerDescription& d) { return d.scanner.name; })
        .def_ro("model", &recon::ScannerDescription::model)
        .def_ro("origin", &recon::ScannerDescription::origin)
        .def_ro("json", &recon::ScannerDescription::json)
        .def_prop_ro("rings", [](const recon::ScannerDescription& d) { return d.scanner.rings; })
        .def_prop_ro(
            "detectors_per_ring",
            [](const recon::ScannerDescription& d) { return d.scanner.detectors_per_ring; })
        .def_prop_ro("crystal_count",
                     [](const recon::ScannerDescription& d) { return d.scanner.crystal_count(); })
        .def_prop_ro("has_tof",
                     [](const recon::ScannerDescription& d) { return d.scanner.tof.bins > 1; })
        .def(
            "crystal_centres",
            [](const recon::ScannerDescription& d) {
                const int n = d.scanner.crystal_count();
                float* data = nullptr;
                nb::object a = new_host_array({n, 3}, &data);
                for (int i = 0; i < n; ++i) {
                    const Vec3 c = d.scanner.world_centre(i);
                    data[3 * i] = static_cast<float>(c.x);
                    data[3 * i + 1] = static_cast<float>(c.y);
                    data[3 * i + 2] = static_cast<float>(c.z);
                }
                return a;
            },
            "Every crystal's centre in the LPS world (mm), shape (crystals, 3), by crystal id.")
        .def(
            "sinogram",
            [](const recon::ScannerDescription& d, std::optional<int> span,
               std::optional<int> max_ring_difference, std::optional<int> view_mashing,
               std::optional<int> radial_bins, std::optional<std::string> axis_order,
               std::optional<bool> tof) {
                recon::SinogramChoice c;
                c.span = span;
                c.max_ring_difference = max_ring_difference;
                c.view_mashing = view_mashing;
                c.radial_bins = radial_bins;
                c.axis_order = axis_order;
                c.tof = !tof ? recon::TofChoice::Default
                             : (*tof ? recon::TofChoice::On : recon::TofChoice::Off);
                return recon::make_pet_sinogram(d, c, "tof");
            },
            nb::kw_only(), "span"_a = nb::none(), "max_ring_difference"_a = nb::none(),
            "view_mashing"_a = nb::none(), "radial_bins"_a = nb::none(),
            "axis_order"_a = nb::none(), "tof"_a = nb::none(),
            "The scanner's default sinogram with the given changes (None keeps the default; "
            "tof=False drops the TOF axis).")
        .def("__repr__", [](const recon::ScannerDescription& d) {
            return "PetScanner('" + d.scanner.name + "', " + std::to_string(d.scanner.rings) +
                   " rings of " + std::to_string(d.scanner.detectors_per_ring) + ")";
        });

    nb::class_<pet::SinogramDescriptor>(
        m, "Sinogram",
        "How a sinogram's bins map to LORs (views, radial bins, planes from ring pairs through "
        "span and maximum ring difference, TOF bins). shape is the C-order shape of its array, "
        "axes its axis names ('plane', 'view', 'radial', 'tof').")
        .def_prop_ro("shape",
                     [](const pet::SinogramDescriptor& s) {
                         nb::list l;
                         for (int64_t d : sinogram_shape(s))
                             l.append(d);
                         return nb::tuple(l);
                     })
        .def_prop_ro("axes", &sinogram_axes)
        .def_prop_ro("radial_bins", &pet::SinogramDescriptor::radial_bins)
        .def_prop_ro("views", &pet::SinogramDescriptor::views)
        .def_prop_ro("planes", &pet::SinogramDescriptor::planes)
        .def_prop_ro("tof_bins", &pet::SinogramDescriptor::tof_bins)
        .def_prop_ro("bins", &pet::SinogramDescriptor::bins)
        .def_prop_ro("span", [](const pet::SinogramDescriptor& s) { return s.spec().span; })
        .def(
            "image_grid",
            [](const pet::SinogramDescriptor& s, std::optional<std::array<int, 3>> voxels,
               std::optional<std::array<double, 3>> voxel_mm) {
                return recon::volume_grid_of(
                    recon::make_pet_image_grid(s, voxels, voxel_mm, "image grid"));
            },
            nb::kw_only(), "voxels"_a = nb::none(), "voxel_mm"_a = nb::none(),
            "The image grid centred on the scanner (default: the field of view at the radial "
            "sampling, 2 rings - 1 planes); voxels (nx, ny, nz) and voxel_mm change it.")
        .def("__repr__", [](const pet::SinogramDescriptor& s) {
            std::string axes;
            for (const auto& a : sinogram_axes(s))
                axes += (axes.empty() ? "" : ", ") + a;
            return "Sinogram(" + shape_text(sinogram_shape(s)) + ": " + axes + ")";
        });

    m.def(
        "write_sinogram",
        [](const std::string& path, const recon::ScannerDescription& scanner,
           const pet::SinogramDescriptor& sinogram, nb::handle data) {
            const FloatArray a = float_array(data, "data");
            check_shape(a, "data", sinogram_shape(sinogram), "(the sinogram's shape)");
            if (a.space != MemorySpace::Host) {
                throw nb::value_error(
                    ("data: expected a CPU array, got one on " + a.device_text()).c_str());
            }
            recon::require_sinogram_extension(path);
            const std::vector<float> values(a.data, a.data + a.size());
            recon::AtomicFileSet files;
            recon::write_sinogram(files, path, scanner, sinogram, values);
            files.commit();
        },
        "path"_a, "scanner"_a, "sinogram"_a, "data"_a,
        "Writes a sinogram as STIR-style Interfile (.hs and .s) or NRRD (.nrrd) with its scanner "
        "and layout, atomically.");
    m.def(
        "read_sinogram",
        [](const std::string& path, const pet::SinogramDescriptor& sinogram) {
            std::vector<float> values = recon::read_sinogram(path, sinogram);
            float* data = nullptr;
            nb::object a = new_host_array(sinogram_shape(sinogram), &data);
            std::copy(values.begin(), values.end(), data);
            return a;
        },
        "path"_a, "sinogram"_a,
        "Reads a sinogram file (Interfile .hs or NRRD) that must have `sinogram`'s layout.");

    m.def(
        "lor_projector",
        [](nb::handle start, nb::handle end, const VolumeGrid& grid, const std::string& model,
           std::optional<int> tof_bins, double tof_bin_width_mm, double tof_fwhm_mm,
           double tof_truncation_sigmas, int threads) {
            const FloatArray a = float_array(start, "start");
            const FloatArray b = float_array(end, "end");
            if (a.shape.size() != 2 || a.shape[1] != 3) {
                check_shape(a, "start", {a.shape.empty() ? 0 : a.shape[0], 3}, "(lors, 3)");
            }
            check_shape(b, "end", a.shape, "(lors, 3), as start");
            if (a.space != MemorySpace::Host || b.space != MemorySpace::Host) {
                throw nb::value_error("start, end: the LOR end points are read from CPU arrays");
            }
            pet::LorProjectorConfig config;
            config.grid = recon::pet_grid_of(grid, "grid");
            config.model = pet::parse_pet_model(model, "model");
            config.cpu.threads = threads;
            if (tof_bins) {
                pet::TofBinning tof;
                tof.bins = *tof_bins;
                tof.bin_width_mm = static_cast<float>(tof_bin_width_mm);
                tof.fwhm_mm = static_cast<float>(tof_fwhm_mm);
                tof.truncation_sigmas = static_cast<float>(tof_truncation_sigmas);
                config.tof = tof;
            }
            std::vector<float> p1(a.data, a.data + a.size()), p2(b.data, b.data + b.size());
            return PyOperator(
                [p1, p2, config](DeviceKind device, std::string*) {
                    pet::LorProjectorConfig c = config;
                    c.device = device;
                    return std::shared_ptr<const LinearOperator>(
                        std::make_shared<pet::LorListProjector>(p1, p2, c));
                },
                "(nz, ny, nx) of the image grid", "(lors,) or (lors, tof bins)");
        },
        "start"_a, "end"_a, "grid"_a, nb::kw_only(), "model"_a = "joseph",
        "tof_bins"_a = nb::none(), "tof_bin_width_mm"_a = 0.0, "tof_fwhm_mm"_a = 0.0,
        "tof_truncation_sigmas"_a = 3.0, "threads"_a = 0,
        "The PET projector of a list of LORs given by their end points (start, end: (lors, 3) "
        "LPS mm), as parallelproj's joseph3d: A maps an image to one value per LOR (or per LOR "
        "and TOF bin, with tof_bins: bins along the LOR from start to end, bin width and kernel "
        "FWHM in mm). A.adjoint back-projects.");

    m.def(
        "pet_projector",
        [](const pet::SinogramDescriptor& sinogram, const VolumeGrid& grid,
           const std::string& model, int threads) {
            grid.validate("grid");
            const pet::PetImageGrid pet_grid = recon::pet_grid_of(grid, "grid");
            pet::LorProjectorConfig config;
            config.grid = pet_grid;
            config.model = pet::parse_pet_model(model, "model");
            config.cpu.threads = threads;
            PyOperator op(
                [sinogram, config](DeviceKind device, std::string*) {
                    pet::LorProjectorConfig c = config;
                    c.device = device;
                    return std::shared_ptr<const LinearOperator>(
                        pet::make_sinogram_projector(sinogram, c));
                },
                "(nz, ny, nx) of the image grid", "(the sinogram's shape)");
            op.reshape_output(sinogram_shape(sinogram), sinogram_axes(sinogram));
            return op;
        },
        "sinogram"_a, "grid"_a, nb::kw_only(), "model"_a = "joseph", "threads"_a = 0,
        "The PET projector of `sinogram` over images on `grid` (sinogram.image_grid() or any "
        "grid with identity direction): A maps an image (nz, ny, nx) to expected counts in every "
        "bin (TOF when the sinogram has a TOF axis), A.adjoint back-projects. model: 'joseph' or "
        "'siddon' (no TOF).");
}

}  // namespace radon::python
