#include "kernels/drr/label_drr.h"

#include <algorithm>
#include <sstream>
#include <string>

#include "kernels/core/error.h"
#include "kernels/core/host_memory.h"
#include "kernels/drr/drr_renderer.h"

namespace radon {
namespace {

struct VoxelBox {
    std::array<int64_t, 3> lo{0, 0, 0};
    std::array<int64_t, 3> hi{0, 0, 0};  // inclusive
    int64_t voxels() const {
        return (hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1);
    }
};

}  // namespace

std::vector<uint16_t> all_labels(const LabelMap& labels) {
    std::vector<uint16_t> out;
    out.reserve(labels.present.size());
    for (const LabelExtent& e : labels.present)
        out.push_back(e.label);
    return out;
}

void check_channel_stack_fits(std::size_t channels, int64_t width, int64_t height) {
    const double bytes = static_cast<double>(channels) * static_cast<double>(width) *
                         static_cast<double>(height) * sizeof(float);
    const double budget = 0.5 * static_cast<double>(physical_memory_bytes());
    if (budget > 0 && bytes > budget) {
        std::ostringstream msg;
        msg.precision(3);
        const double gib = 1024.0 * 1024.0 * 1024.0;
        msg << channels << " channels of " << width << "x" << height << " pixels need "
            << bytes / gib << " GiB, more than half of this machine's " << 2 * budget / gib
            << " GiB; render fewer labels or a smaller detector";
        throw InvalidArgument(msg.str());
    }
}

LabelDrrRenderer::LabelDrrRenderer(DeviceKind device, const VolumeGrid& grid,
                                   const Array<float>& attenuation, const LabelMap& labels)
    : device_(device), grid_(grid), attenuation_(attenuation), labels_(labels), keep_(65536, 0) {
    grid.validate("volume");
    const Extents extents{grid.size[0], grid.size[1], grid.size[2]};
    if (attenuation.extents() != extents) {
        throw InvalidArgument("attenuation array extents do not match the volume grid");
    }
    if (labels.size != grid.size || labels.labels.extents() != extents) {
        throw InvalidArgument(labels.source + ": the label map is not on the volume's grid");
    }
}

void LabelDrrRenderer::check_labels(const std::vector<uint16_t>& selection) const {
    if (selection.empty()) throw InvalidArgument("no label chosen to render");
    for (uint16_t label : selection) {
        if (!labels_.find(label)) {
            throw InvalidArgument(labels_.source + ": label " + std::to_string(label) +
                                  " does not occur in the label map (labels present: " +
                                  labels_.present_list() + ")");
        }
    }
}

void LabelDrrRenderer::render_subset(const std::vector<uint16_t>& selection,
                                     const ProjectionGeometry& geometry,
                                     const DrrSettings& settings, float* out,
                                     const RunControl& control) {
    check_labels(selection);
    VoxelBox box;
    box.lo = {grid_.size[0], grid_.size[1], grid_.size[2]};
    box.hi = {-1, -1, -1};
    std::fill(keep_.begin(), keep_.end(), 0);
    for (uint16_t label : selection) {
        keep_[label] = 1;
        const LabelExtent& e = *labels_.find(label);
        for (int a = 0; a < 3; ++a) {
            box.lo[a] = std::min(box.lo[a], e.lo[a]);
            box.hi[a] = std::max(box.hi[a], e.hi[a]);
        }
    }
    for (int a = 0; a < 3; ++a) {
        box.lo[a] = std::max<int64_t>(0, box.lo[a] - 1);
        box.hi[a] = std::min<int64_t>(grid_.size[a] - 1, box.hi[a] + 1);
    }

    const int64_t bx = box.hi[0] - box.lo[0] + 1, by = box.hi[1] - box.lo[1] + 1,
                  bz = box.hi[2] - box.lo[2] + 1;
    if (buffer_.size() < static_cast<std::size_t>(box.voxels())) {
        buffer_.clear();
        buffer_.shrink_to_fit();
        buffer_.resize(static_cast<std::size_t>(box.voxels()));
    }
    const int64_t nx = grid_.size[0], ny = grid_.size[1];
    const float* mu = attenuation_.host_data();
    const uint16_t* label = labels_.labels.host_data();
    const uint8_t* keep = keep_.data();
    float* masked = buffer_.data();
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t k = 0; k < bz; ++k) {
        for (int64_t j = 0; j < by; ++j) {
            const int64_t from = box.lo[0] + nx * (box.lo[1] + j + ny * (box.lo[2] + k));
            float* to = masked + bx * (j + by * k);
            for (int64_t i = 0; i < bx; ++i)
                to[i] = keep[label[from + i]] ? mu[from + i] : 0.0f;
        }
    }

    VolumeGrid sub = grid_;
    sub.size = {bx, by, bz};
    sub.origin =
        grid_.index_to_world(Vec3{static_cast<double>(box.lo[0]), static_cast<double>(box.lo[1]),
                                  static_cast<double>(box.lo[2])});
    const Array<float> voxels = Array<float>::alias(masked, {bx, by, bz});
    make_drr_renderer(device_, sub, voxels)->render(geometry, settings, out, control);
}

void LabelDrrRenderer::render_channels(const std::vector<uint16_t>& labels,
                                       const ProjectionGeometry& geometry,
                                       const DrrSettings& settings, float* out,
                                       const RunControl& control) {
    check_labels(labels);
    const int64_t pixels = geometry.width * geometry.height;
    const double share = 1.0 / static_cast<double>(labels.size());
    for (std::size_t c = 0; c < labels.size(); ++c) {
        control.check_cancel();
        ShareOfProgress progress(control.progress, static_cast<double>(c) * share, share);
        RunControl part{control.cancel, &progress};
        render_subset({labels[c]}, geometry, settings, out + static_cast<int64_t>(c) * pixels,
                      part);
    }
    control.report(1.0);
}

}  // namespace radon
