#include "recon/algorithms/filtered_backprojection.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/ct/voxel_backprojector.h"

namespace radon::recon {
namespace {

constexpr int64_t kDefaultViewsPerBatch = 32;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Distance between neighbouring rays of a row: the pixel step across the rays.
double ray_spacing(const CtGeometry& g, const CtView& w) {
    if (g.beam == CtBeam::Cone) return norm(w.u);
    const Vec3 d = normalized(w.source);
    return norm(w.u - dot(w.u, d) * d);
}

// Everything a view's pre-weights need.
struct ViewWeights {
    double scale;     // arc of the view times the redundancy (full / parallel) and R * D (cone)
    bool parker;      // per-pixel Parker weights (short cone scans)
    double beta;      // view angle from the first view of the arc (rad)
    Vec3 source;      // cone
    Vec3 toward;      // cone: in-plane unit vector from the source towards the axis
    Vec3 across;      // axis x toward
    double panel_mm;  // cone: source to panel plane
};

}  // namespace

std::vector<float> filtered_backprojection(const float* projections, std::size_t count,
                                           const CtGeometry& g, const VolumeGrid& grid,
                                           const FilteredBackprojectionSettings& settings,
                                           const RunControl& control,
                                           FilteredBackprojectionReport* report) {
    settings.filter.validate();
    grid.validate("volume grid");
    if (settings.views_per_batch < 0)
        throw InvalidArgument("views per batch: " + std::to_string(settings.views_per_batch) +
                              ", expected 0 (automatic) or a positive count");
    const CircularScan scan = describe_circular_scan(g);
    if (count != std::size_t(g.pixel_count())) {
        std::ostringstream msg;
        msg << "projections: " << count << " values, but the geometry has " << g.view_count()
            << " views of " << g.columns << " x " << g.rows << " pixels (" << g.pixel_count()
            << " values)";
        throw InvalidArgument(msg.str());
    }
    const double spacing = ray_spacing(g, g.views[0]);
    for (std::size_t i = 1; i < g.views.size(); ++i) {
        if (std::fabs(ray_spacing(g, g.views[i]) - spacing) > 1e-6 * spacing) {
            std::ostringstream msg;
            msg << "CT geometry: view " << i << " has a pixel step of "
                << ray_spacing(g, g.views[i]) << " mm along its rows, view 0 of " << spacing
                << " mm; filtered back projection needs the same step in every view";
            throw InvalidArgument(msg.str());
        }
    }
    const bool cone = g.beam == CtBeam::Cone;
    const bool short_scan =
        settings.arc == ScanArc::Short || (settings.arc == ScanArc::Auto && !scan.full);
    const bool parker = cone && short_scan;
    const double arc = short_scan ? scan.arc_rad : 2.0 * kPi;

    std::vector<ViewWeights> views(g.views.size());
    double widest_fan = 0;
    for (std::size_t i = 0; i < views.size(); ++i) {
        ViewWeights& v = views[i];
        const CtView& w = g.views[i];
        v.parker = parker;
        v.beta = scan.angle_rad[i];
        v.scale = scan.angular_weight[i];
        if (!parker) v.scale *= kPi / arc;
        if (cone) {
            v.scale *= scan.source_axis_mm[i] * scan.source_panel_mm[i];
            v.source = w.source;
            const Vec3 to_axis = scan.center - w.source;
            v.toward = normalized(to_axis - dot(to_axis, scan.axis) * scan.axis);
            v.across = cross(scan.axis, v.toward);
            v.panel_mm = scan.source_panel_mm[i];
            if (parker) {
                for (double col : {0.0, double(g.columns - 1)}) {
                    const Vec3 r =
                        g.pixel_center(int64_t(i), col, 0.5 * double(g.rows - 1)) - w.source;
                    widest_fan = std::max(
                        widest_fan, std::fabs(std::atan2(dot(r, v.across), dot(r, v.toward))));
                }
            }
        }
    }
    if (parker) {
        const double step = scan.arc_rad / double(g.view_count());
        if (scan.span_rad + step < kPi + 2.0 * widest_fan) {
            std::ostringstream msg;
            msg << "short scan: the views span " << scan.span_rad * 180.0 / kPi
                << " degrees; Parker weights need at least 180 degrees plus the fan angle, "
                << (kPi + 2.0 * widest_fan) * 180.0 / kPi << " degrees";
            throw InvalidArgument(msg.str());
        }
    }

    const RampFilter filter(g.columns, spacing, settings.filter);
    VoxelBackprojectorSettings bp;
    bp.threads = settings.threads;
    bp.memory_path = settings.memory_path;
    FilteredBackprojectionReport local;
    auto backprojector =
        make_voxel_backprojector(g, grid, VoxelBackprojectionWeight::InverseSquareDepth, bp,
                                 settings.device, &local.fallback_note);
    local.backprojector = backprojector->description();
    local.short_scan = short_scan;
    local.arc_deg = arc * 180.0 / kPi;
    local.span_deg = scan.span_rad * 180.0 / kPi;

    const int64_t batch =
        settings.views_per_batch > 0 ? settings.views_per_batch : kDefaultViewsPerBatch;
    const int64_t pixels = g.pixels_per_view();
    const int64_t total = g.view_count();
    std::vector<float> work(std::size_t(std::min(batch, total) * pixels));
    for (int64_t v0 = 0; v0 < total; v0 += batch) {
        control.check_cancel();
        const int64_t n = std::min(batch, total - v0);
        const auto t0 = std::chrono::steady_clock::now();
        const int64_t rows = n * g.rows;
#pragma omp parallel for schedule(static) \
    num_threads(settings.threads > 0 ? settings.threads : omp_get_max_threads())
        for (int64_t r = 0; r < rows; ++r) {
            const int64_t view = v0 + r / g.rows;
            const int64_t row = r % g.rows;
            const ViewWeights& v = views[std::size_t(view)];
            const float* in = projections + view * pixels + row * g.columns;
            float* out = work.data() + r * g.columns;
            for (int64_t col = 0; col < g.columns; ++col) {
                double weight = v.scale;
                if (cone) {
                    const Vec3 ray = g.pixel_center(view, double(col), double(row)) - v.source;
                    weight *= v.panel_mm / norm(ray);
                    if (v.parker) {
                        const double gamma = std::atan2(dot(ray, v.across), dot(ray, v.toward));
                        weight *= parker_weight(v.beta, gamma, scan.span_rad);
                    }
                }
                out[col] = float(double(in[col]) * weight);
            }
        }
        filter.filter_rows(work.data(), rows, g.columns, settings.threads);
        local.weight_filter_seconds += seconds_since(t0);
        const auto t1 = std::chrono::steady_clock::now();
        ShareOfProgress share(control.progress, double(v0) / double(total),
                              double(n) / double(total));
        backprojector->add(v0, n, work.data(), RunControl{control.cancel, &share});
        local.backproject_seconds += seconds_since(t1);
    }
    std::vector<float> volume(std::size_t(grid.voxel_count()));
    backprojector->read(volume.data());
    control.report(1.0);
    if (report) *report = local;
    return volume;
}

}  // namespace radon::recon
