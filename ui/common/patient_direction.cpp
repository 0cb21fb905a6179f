#include "ui/common/patient_direction.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace radon::ui {

std::string patient_direction_letters(Vec3 direction) {
    const double length = norm(direction);
    if (!std::isfinite(length) || length == 0) return {};
    const Vec3 unit = (1.0 / length) * direction;
    // LPS: +x is the patient's left, +y posterior, +z superior.
    const std::array<char, 3> positive{'L', 'P', 'S'}, negative{'R', 'A', 'I'};
    std::array<int, 3> axes{0, 1, 2};
    std::stable_sort(axes.begin(), axes.end(),
                     [&](int a, int b) { return std::fabs(unit[a]) > std::fabs(unit[b]); });
    std::string letters;
    for (const int axis : axes) {
        if (std::fabs(unit[axis]) >= kPatientLetterShare)
            letters += unit[axis] > 0 ? positive[axis] : negative[axis];
    }
    return letters;
}

}  // namespace radon::ui
