#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "kernels/core/array.h"
#include "kernels/core/vec.h"
#include "kernels/drr/label_map.h"
#include "kernels/drr/occupancy.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/physics/attenuation.h"
#include "recon/volume.h"

namespace radon::cli {

// The volume a command works on: a file or DICOM folder given as the positional argument (with
// --series to choose one series of a folder), or a built-in phantom voxelised on a chosen grid
// (the thorax phantom when nothing is given).
struct VolumeSource {
    VolumeGrid grid;
    Array<float> attenuation;  // 1/mm, converted from the HU in place by attenuation_model
    OccupiedBox occupied;      // of `attenuation`, measured during the conversion
    AttenuationSpec attenuation_spec;
    AttenuationModel attenuation_model;
    std::string description;
    std::optional<LabelMap> labels;  // with --labels: a label map on the volume's grid
};

// Options understood by load_volume_source (the attenuation options of physics_options.h
// included; --labels only where a command declares it).
const std::vector<std::string>& volume_source_options();

// Checks the options without loading anything (for early validation).
void check_volume_source(const Arguments& args);
// The volume in HU and a one-line description of where it came from. Problems that did not stop
// the load (files of a DICOM folder left out) are printed as warnings of `command`, the name its
// other stderr lines carry ("drr", "info").
recon::Volume load_hu_volume(const Arguments& args, const std::string& command,
                             std::string& description);
// load_hu_volume plus the attenuation the projectors read and, with --labels, the label map
// (read with recon::read_volume, then checked against the volume's grid). The attenuation
// options are checked before anything is loaded.
VolumeSource load_volume_source(const Arguments& args, const std::string& command);

}  // namespace radon::cli
