#include "recon/phantom/analytic_projections.h"

#include <cstdint>

namespace radon::recon {

std::vector<float> analytic_projections(const EllipsoidPhantom& phantom, const CtGeometry& geometry,
                                        const RunControl& control) {
    geometry.validate("analytic projections of phantom '" + phantom.name() + "'");
    const int64_t columns = geometry.columns;
    const int64_t per_view = geometry.pixels_per_view(), views = geometry.view_count();
    const bool parallel = geometry.beam == CtBeam::Parallel;
    std::vector<float> stack(static_cast<std::size_t>(geometry.pixel_count()));
    for (int64_t view = 0; view < views; ++view) {
        control.check_cancel();
        const Vec3 source = geometry.views[static_cast<std::size_t>(view)].source;
        float* out = stack.data() + view * per_view;
        // A view of a few hundred pixels (a 2D sinogram row) still splits well: each pixel costs
        // one interval test per ellipsoid.
#pragma omp parallel for schedule(dynamic, 16)
        for (int64_t p = 0; p < per_view; ++p) {
            const Vec3 pixel = geometry.pixel_center(view, static_cast<double>(p % columns),
                                                     static_cast<double>(p / columns));
            const double value = parallel ? phantom.line_integral_along(pixel, source)
                                          : phantom.line_integral(source, pixel);
            out[p] = static_cast<float>(value);
        }
        control.report(double(view + 1) / double(views));
    }
    return stack;
}

}  // namespace radon::recon
