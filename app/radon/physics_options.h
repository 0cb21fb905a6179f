#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/physics/attenuation.h"
#include "kernels/physics/drr_output.h"

namespace radon::cli {

// HU -> attenuation: --attenuation water|bilinear|diffdrr, --energy KEV, --mu-water PER_MM,
// --air-threshold HU, --bone-multiplier X. Read by load_volume_source, so every command that
// loads a volume accepts them.
const std::vector<std::string>& attenuation_options();
// The validated choice; errors name the option and the accepted values.
AttenuationSpec attenuation_from_arguments(const Arguments& args);

// What the pixels hold: --output-kind line-integral|transmission|log, --i0 COUNTS, and the
// --invert flag; --png-bits 8|16 for PNG files.
const std::vector<std::string>& output_options();
const std::vector<std::string>& output_flags();
DrrOutput output_from_arguments(const Arguments& args, DrrReduction reduction);
// 8 unless --png-bits says 16; an error when given and no output is a PNG.
int png_bits_from_arguments(const Arguments& args, bool writes_png);

// Per-label DRRs: --labels FILE (a label map on the volume's grid), --label-subset 1,3,... and
// the --label-channels flag.
const std::vector<std::string>& label_options();
const std::vector<std::string>& label_flags();

struct LabelRequest {
    std::string file;              // empty: no label map
    bool channels = false;         // one channel per label (of the subset, when one is given)
    std::vector<uint16_t> subset;  // labels rendered together, in the order given
};

// Checks the options and that the file exists with a volume extension; the map itself is read
// with the volume (load_volume_source).
LabelRequest label_request_from_arguments(const Arguments& args);

}  // namespace radon::cli
