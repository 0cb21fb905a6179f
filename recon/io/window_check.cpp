// check_window, in a file of its own: image_io.cpp is left out of builds without ITK, whose
// meta_io_fallback.cpp writes no PNG, yet the CLI checks --window in both.
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "kernels/core/error.h"
#include "recon/io/image_io.h"

namespace radon::recon {

void check_window(const Window& window, const std::string& what) {
    const double largest = std::numeric_limits<float>::max();
    std::ostringstream msg;
    msg.precision(6);
    msg << what << ": level " << window.level << ", width " << window.width;
    if (!std::isfinite(window.level) || !std::isfinite(window.width) || !(window.width > 0)) {
        throw InvalidArgument(msg.str() + ": expected a finite level and a finite width > 0");
    }
    // Halved first, so that the ends are computed without overflow whenever they exist.
    const double low = window.level - 0.5 * window.width;
    const double high = window.level + 0.5 * window.width;
    if (low < -largest || high > largest) {
        msg << " put the window's ends at " << low << " and " << high
            << ", beyond the values a 32-bit float pixel can hold; expected both ends within "
            << "+-" << largest;
        throw InvalidArgument(msg.str());
    }
}

}  // namespace radon::recon
