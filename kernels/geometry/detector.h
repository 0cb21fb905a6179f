#pragma once

#include <cstdint>

namespace radon {

// A flat-panel detector: `width` columns by `height` rows of pixels, `delx` mm between column
// centres and `dely` mm between row centres. The principal point (the foot of the perpendicular
// from the source) sits `principal_u`, `principal_v` mm from the panel centre along the column
// and row directions; (0, 0) centres the panel on the central ray.
struct Detector {
    int64_t height = 200;
    int64_t width = 200;
    double delx = 2.0;
    double dely = 2.0;
    double principal_u = 0.0;
    double principal_v = 0.0;

    // Throws InvalidArgument for an empty panel or a non-positive or non-finite spacing.
    void validate() const;
};

}  // namespace radon
