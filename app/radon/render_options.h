#pragma once

#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "kernels/backend/devices.h"
#include "kernels/drr/drr_settings.h"

namespace radon::cli {

// The rendering options every DRR command shares: --renderer, --step, --mode, --patch-size,
// --threads, --device and --memory-path.
const std::vector<std::string>& render_options();

// DrrSettings from those options (a missing option keeps its default). Patch-size tiling is
// checked by the caller against its detector (DrrSettings::validate).
DrrSettings render_settings_from_arguments(const Arguments& args);

DeviceKind device_from_arguments(const Arguments& args);

// The accepted values of --threads.
Range thread_range();

}  // namespace radon::cli
