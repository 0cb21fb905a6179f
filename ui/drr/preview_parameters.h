#pragma once

#include "ui/drr/drr_parameters.h"

namespace radon::ui {

// Fewest pixels a preview keeps along a detector axis (unless the detector has fewer).
constexpr int64_t kMinPreviewPixels = 128;

// What a preview renders while a slider is held: the same panel (physical size, principal point,
// pose) with about half the pixels along each axis, never fewer than kMinPreviewPixels, and an
// automatic patch size, since the full detector's patches need not tile the smaller one.
DrrParameters preview_parameters(const DrrParameters& full);

}  // namespace radon::ui
