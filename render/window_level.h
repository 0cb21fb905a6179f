#pragma once

#include <cmath>

namespace radon::render {

// A grey-value window as radiology viewers give it: `level` is the value shown mid-grey and
// `width` the range from black to white (same unit as the image).
struct WindowLevel {
    double level = 0;
    double width = 1;

    // The grey of `value` in [0, 1]; values that are not numbers are black.
    double grey(double value) const {
        const double g = (value - (level - 0.5 * width)) / width;
        if (!(g > 0)) return 0;
        return g < 1 ? g : 1;
    }
};

}  // namespace radon::render
