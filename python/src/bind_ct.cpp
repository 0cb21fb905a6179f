// CT geometries (parallel, fan, cone; circular or any per-view vectors), the CT projector and
// the DRR operator (the CT projector of DRR poses: linear in the volume, with its adjoint).

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "kernels/ct/ct_projector.h"
#include "python/src/bindings.h"
#include "python/src/py_operator.h"
#include "python/src/py_types.h"
#include "recon/ct/ct_geometry_files.h"
#include "recon/io/atomic_file.h"

namespace radon::python {
namespace nb = nanobind;
using namespace nb::literals;

namespace {

using Vectors = std::vector<std::array<double, 12>>;

Vectors view_vectors(const CtGeometry& g) {
    Vectors out;
    for (const CtView& v : g.views) {
        out.push_back({v.source.x, v.source.y, v.source.z, v.detector_center.x, v.detector_center.y,
                       v.detector_center.z, v.u.x, v.u.y, v.u.z, v.v.x, v.v.y, v.v.z});
    }
    return out;
}

recon::CtGeometryFormat geometry_format(const std::string& path,
                                        const std::optional<std::string>& format) {
    return format ? recon::parse_ct_geometry_format(*format) : recon::ct_geometry_format_of(path);
}

recon::CtGeometryHints geometry_hints(const std::optional<std::string>& beam,
                                      std::optional<int64_t> columns, std::optional<int64_t> rows,
                                      std::optional<double> pixel_u,
                                      std::optional<double> pixel_v) {
    recon::CtGeometryHints h;
    if (beam) h.beam = parse_ct_beam(*beam);
    h.columns = columns;
    h.rows = rows;
    h.pixel_u_mm = pixel_u;
    h.pixel_v_mm = pixel_v;
    return h;
}

CtProjectorSettings projector_settings(const std::string& algorithm, double step, int threads,
                                       const std::string& memory_path) {
    CtProjectorSettings s;
    s.algorithm = parse_drr_algorithm(algorithm);
    s.step_voxels = step;
    s.threads = threads;
    s.memory_path = parse_drr_memory_path(memory_path);
    return s;
}

PyOperator ct_operator(const CtGeometry& geometry, const VolumeGrid& grid,
                       const CtProjectorSettings& settings) {
    geometry.validate("geometry");
    grid.validate("grid");
    return PyOperator(
        [geometry, grid, settings](DeviceKind device, std::string* note) {
            return make_ct_projector(geometry, grid, settings, device, note);
        },
        "(nz, ny, nx) of the grid", "(views, rows, columns)");
}

}  // namespace

void bind_ct(nb::module_& m) {
    nb::class_<CtGeometry>(
        m, "CtGeometry",
        "A CT scan: a panel of columns x rows pixels and one view per projection, each view the "
        "12 numbers of ASTRA's cone_vec/parallel3d_vec (source or ray direction, detector "
        "centre, u: one pixel step along a row, v: one pixel step down a column), in LPS mm. "
        "Projection stacks have shape (views, rows, columns).")
        .def_static(
            "circular",
            [](const std::string& beam, const std::vector<double>& angles_deg, double sid,
               double sdd, int64_t columns, int64_t rows, double pixel_u,
               std::optional<double> pixel_v, const std::array<double, 2>& source_offset,
               const std::array<double, 2>& detector_offset, const Triple& isocenter) {
                CircularTrajectory t;
                t.beam = parse_ct_beam(beam);
                t.angles_deg = angles_deg;
                t.source_isocenter_mm = sid;
                t.source_detector_mm = sdd;
                t.columns = columns;
                t.rows = rows;
                t.pixel_u_mm = pixel_u;
                t.pixel_v_mm = pixel_v.value_or(pixel_u);
                t.source_offset_u_mm = source_offset[0];
                t.source_offset_v_mm = source_offset[1];
                t.detector_offset_u_mm = detector_offset[0];
                t.detector_offset_v_mm = detector_offset[1];
                t.isocenter = vec(isocenter);
                return circular_geometry(t);
            },
            "beam"_a, "angles_deg"_a, nb::kw_only(), "sid"_a = 600.0, "sdd"_a = 1200.0,
            "columns"_a = 128, "rows"_a = 128, "pixel_u"_a = 1.0, "pixel_v"_a = nb::none(),
            "source_offset"_a = std::array<double, 2>{0, 0},
            "detector_offset"_a = std::array<double, 2>{0, 0}, "isocenter"_a = Triple{0, 0, 0},
            "A circular scan about the patient's S-I axis (docs/CONVENTIONS.md): beam 'cone' "
            "(fan with rows=1) or 'parallel'; sid and sdd: source to isocenter and to detector "
            "(mm); offsets along u and v in the rotating frame (RTK's).")
        .def_static(
            "from_vectors",
            [](const std::string& beam, const Vectors& vectors, int64_t columns, int64_t rows) {
                CtGeometry g;
                g.beam = parse_ct_beam(beam);
                g.columns = columns;
                g.rows = rows;
                for (const auto& a : vectors) {
                    g.views.push_back({{a[0], a[1], a[2]},
                                       {a[3], a[4], a[5]},
                                       {a[6], a[7], a[8]},
                                       {a[9], a[10], a[11]}});
                }
                g.validate("vectors");
                return g;
            },
            "beam"_a, "vectors"_a, "columns"_a, "rows"_a,
            "A scan from ASTRA-style view vectors, one row of 12 numbers per view.")
        .def_static(
            "from_drr",
            [](const std::vector<ProjectionGeometry>& geometries) {
                return cone_geometry(geometries, "geometries");
            },
            "geometries"_a, "The cone-beam scan whose views are these DRR geometries' rays.")
        .def_static(
            "read",
            [](const std::string& path, std::optional<std::string> format,
               std::optional<std::string> beam, std::optional<int64_t> columns,
               std::optional<int64_t> rows, std::optional<double> pixel_u,
               std::optional<double> pixel_v) {
                return recon::read_ct_geometry(
                    path, geometry_format(path, format),
                    geometry_hints(beam, columns, rows, pixel_u, pixel_v));
            },
            "path"_a, "format"_a = nb::none(), nb::kw_only(), "beam"_a = nb::none(),
            "columns"_a = nb::none(), "rows"_a = nb::none(), "pixel_u"_a = nb::none(),
            "pixel_v"_a = nb::none(),
            "Reads a geometry file: radon's JSON, RTK's XML, ASTRA-style view vectors (.txt, "
            ".vec, .csv) or 3x4 matrices (format 'matrices'); the hints give what a format does "
            "not store (the panel size of vectors, RTK's pixel size).")
        .def(
            "write",
            [](const CtGeometry& g, const std::string& path, std::optional<std::string> format) {
                recon::AtomicFileSet files;
                recon::write_ct_geometry(files, g, path, geometry_format(path, format));
                files.commit();
            },
            "path"_a, "format"_a = nb::none(),
            "Writes the geometry in the format the extension (or `format`) names, atomically.")
        .def("to_json", [](const CtGeometry& g) { return recon::ct_geometry_json(g); })
        .def_static(
            "from_json",
            [](const std::string& text) { return recon::parse_ct_geometry_json(text, "json"); },
            "text"_a)
        .def_prop_ro("beam", [](const CtGeometry& g) { return std::string(to_string(g.beam)); })
        .def_ro("columns", &CtGeometry::columns)
        .def_ro("rows", &CtGeometry::rows)
        .def_prop_ro("view_count", &CtGeometry::view_count)
        .def_prop_ro(
            "shape",
            [](const CtGeometry& g) {
                return as_tuple(std::array<int64_t, 3>{g.view_count(), g.rows, g.columns});
            },
            "The shape (views, rows, columns) of its projection stack.")
        .def("vectors", &view_vectors, "The views as rows of 12 numbers (ASTRA's layout).")
        .def(
            "projection_matrix",
            [](const CtGeometry& g, int64_t view) {
                if (view < 0 || view >= g.view_count()) {
                    throw nb::index_error(("view: expected 0 to " +
                                           std::to_string(g.view_count() - 1) + ", got " +
                                           std::to_string(view))
                                              .c_str());
                }
                const auto p = projection_matrix(g, view);
                std::array<std::array<double, 4>, 3> r{};
                for (int i = 0; i < 3; ++i)
                    for (int j = 0; j < 4; ++j)
                        r[i][j] = p[4 * i + j];
                return r;
            },
            "view"_a)
        .def("__repr__", [](const CtGeometry& g) {
            return std::string("CtGeometry(") + to_string(g.beam) + ", " +
                   std::to_string(g.view_count()) + " views of " + std::to_string(g.columns) + "x" +
                   std::to_string(g.rows) + ")";
        });

    m.def(
        "ct_projector",
        [](const CtGeometry& geometry, const VolumeGrid& grid, const std::string& algorithm,
           double step, int threads, const std::string& memory_path) {
            return ct_operator(geometry, grid,
                               projector_settings(algorithm, step, threads, memory_path));
        },
        "geometry"_a, "grid"_a, nb::kw_only(), "algorithm"_a = "siddon", "step"_a = 1.0,
        "threads"_a = 0, "memory_path"_a = "auto",
        "The ray-driven CT projector of `geometry` over volumes on `grid`: A maps (nz, ny, nx) "
        "attenuation (1/mm) to (views, rows, columns) line integrals; A.adjoint is its exact "
        "adjoint. algorithm: 'siddon' or 'trilinear' (samples `step` voxels apart).");

    m.def(
        "drr_operator",
        [](const std::vector<ProjectionGeometry>& geometries, const VolumeGrid& grid,
           const std::string& algorithm, double step, int threads, const std::string& memory_path) {
            return ct_operator(cone_geometry(geometries, "geometries"), grid,
                               projector_settings(algorithm, step, threads, memory_path));
        },
        "geometries"_a, "grid"_a, nb::kw_only(), "algorithm"_a = "siddon", "step"_a = 1.0,
        "threads"_a = 0, "memory_path"_a = "auto",
        "DRRs as a linear operator of the volume, for gradients: A maps (nz, ny, nx) attenuation "
        "to (frames, height, width) line integrals from source to detector along the rays of "
        "`geometries`, and A.adjoint back-projects images. The volume may live on the CPU or a "
        "GPU; DrrRenderer is the faster choice when no adjoint is needed.");
}

}  // namespace radon::python
