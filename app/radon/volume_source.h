#pragma once

#include <array>
#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "kernels/core/array.h"
#include "kernels/core/vec.h"
#include "recon/volume.h"

namespace radon::cli {

// The volume a command works on: a file given as the positional argument, or a built-in
// phantom voxelised on a chosen grid (the thorax phantom when nothing is given).
struct VolumeSource {
    recon::Volume hu;
    Array<float> attenuation;  // 1/mm, water-linear model
    double water_attenuation = 0;
    std::string description;
};

// Options understood by load_volume_source.
const std::vector<std::string>& volume_source_options();

// Checks the options without loading anything (for early validation).
void check_volume_source(const Arguments& args);
// The volume in HU and a one-line description of where it came from.
recon::Volume load_hu_volume(const Arguments& args, std::string& description);
// load_hu_volume plus the attenuation the projectors read.
VolumeSource load_volume_source(const Arguments& args);

}  // namespace radon::cli
