#include "kernels/drr/drr_renderer.h"

#include <algorithm>

#include "kernels/core/error.h"

namespace radon {

int64_t batch_frame_pixels(const std::vector<ProjectionGeometry>& geometries) {
    if (geometries.empty()) return 0;
    const ProjectionGeometry& first = geometries.front();
    for (std::size_t i = 1; i < geometries.size(); ++i) {
        const ProjectionGeometry& g = geometries[i];
        if (g.width != first.width || g.height != first.height) {
            throw InvalidArgument("batch frame " + std::to_string(i) + " is " +
                                  std::to_string(g.width) + "x" + std::to_string(g.height) +
                                  " pixels, expected " + std::to_string(first.width) + "x" +
                                  std::to_string(first.height) + " like frame 0");
        }
    }
    return first.width * first.height;
}

void DrrRenderer::render_batch(const std::vector<ProjectionGeometry>& geometries,
                               const DrrSettings& settings, float* out, const RunControl& control) {
    const int64_t pixels = batch_frame_pixels(geometries);
    const auto frames = static_cast<int64_t>(geometries.size());
    for (int64_t i = 0; i < frames; ++i) {
        control.check_cancel();
        ShareOfProgress progress(control.progress,
                                 static_cast<double>(i) / static_cast<double>(frames),
                                 1.0 / static_cast<double>(frames));
        RunControl frame_control;
        frame_control.cancel = control.cancel;
        frame_control.progress = control.progress ? &progress : nullptr;
        render(geometries[static_cast<std::size_t>(i)], settings, out + i * pixels, frame_control);
    }
    control.check_cancel();
    if (frames == 0) control.report(1.0);
}

}  // namespace radon
