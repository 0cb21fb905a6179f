#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QStringList>
#include <QTimer>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <vector>

#include "kernels/core/sample_summary.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/physics/attenuation.h"
#include "kernels/physics/drr_output.h"
#include "recon/attenuation_volume.h"
#include "recon/image2d.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "ui/drr/drr_parameters.h"

namespace radon::test {

// The thorax phantom's field of view (about 360 x 360 x 333 mm) on coarse grids, so that tests
// load in a fraction of a second.
inline constexpr std::array<int64_t, 3> kSmallThoraxSize{64, 64, 38};
inline const Vec3 kSmallThoraxSpacing{5.625, 5.625, 8.75};
inline constexpr std::array<int64_t, 3> kMediumThoraxSize{128, 128, 67};
inline const Vec3 kMediumThoraxSpacing{2.8125, 2.8125, 4.9627};

struct TestVolume {
    VolumeGrid grid;
    Array<float> attenuation;
};

inline TestVolume thorax_volume(std::array<int64_t, 3> size, Vec3 spacing) {
    const recon::Volume hu = recon::thorax_phantom().voxelize_hu(centered_grid(size, spacing));
    return {hu.grid, recon::attenuation_from_hu(hu, AttenuationModel{})};
}

// The DRR of `p` rendered here, on the test's thread, without the app's machinery.
inline recon::Image2D direct_render(const VolumeGrid& grid, const Array<float>& attenuation,
                                    const ui::DrrParameters& p) {
    auto renderer = make_drr_renderer(DeviceKind::Cpu, grid, attenuation);
    recon::Image2D image = recon::Image2D::allocate(p.detector.width, p.detector.height,
                                                    p.detector.delx, p.detector.dely);
    renderer->render(carm_projection(p.pose, p.detector, grid.center()), p.settings,
                     image.pixels.host_data());
    return image;
}

// An oblique view on a small, non-square panel with unequal pixel steps and an offset
// isocenter: the view the app-against-CLI parity tests render, where a swapped axis or sign
// would show.
inline void set_oblique_parity_view(ui::DrrParameters& p) {
    p.pose.primary_deg = 30;
    p.pose.secondary_deg = -10;
    p.pose.roll_deg = 5;
    p.pose.isocenter_offset = {10, -5, 20};
    p.pose.sad = 800;
    p.pose.sdd = 1100;
    p.detector.width = 50;
    p.detector.height = 40;
    p.detector.delx = 3;
    p.detector.dely = 2.5;
}

// `radon drr` arguments that render what the app renders for `p` on the small thorax phantom:
// the pose, detector, renderer and output, written in full precision. Callers add the outputs.
inline QStringList cli_drr_arguments(const ui::DrrParameters& p) {
    const auto number = [](double v) { return QString::number(v, 'g', 17); };
    const auto triple = [&](auto a, auto b, auto c) {
        return number(a) + "," + number(b) + "," + number(c);
    };
    const std::array<int64_t, 3> n = kSmallThoraxSize;
    const Vec3 s = kSmallThoraxSpacing;
    QStringList args{
        "drr",
        "--phantom",
        "thorax",
        "--phantom-size",
        triple(n[0], n[1], n[2]),
        "--phantom-spacing",
        triple(s[0], s[1], s[2]),
        "--primary",
        number(p.pose.primary_deg),
        "--secondary",
        number(p.pose.secondary_deg),
        "--roll",
        number(p.pose.roll_deg),
        "--isocenter-offset",
        triple(p.pose.isocenter_offset[0], p.pose.isocenter_offset[1], p.pose.isocenter_offset[2]),
        "--sad",
        number(p.pose.sad),
        "--sdd",
        number(p.pose.sdd),
        "--width",
        QString::number(p.detector.width),
        "--height",
        QString::number(p.detector.height),
        "--delx",
        number(p.detector.delx),
        "--dely",
        number(p.detector.dely),
        "--renderer",
        to_string(p.settings.algorithm),
        "--quiet"};
    if (p.settings.algorithm == DrrAlgorithm::Trilinear)
        args << "--step" << number(p.settings.step_voxels);
    if (p.output.kind != DrrOutputKind::LineIntegral) {
        args << "--output-kind" << to_string(p.output.kind) << "--i0" << number(p.output.i0);
    }
    if (p.output.invert) args << "--invert";
    return args;
}

// Runs the radon CLI at `cli_path`; its standard error when it fails, empty when it succeeds.
inline QString run_radon(const char* cli_path, const QStringList& args) {
    QProcess radon;
    radon.start(cli_path, args);
    if (!radon.waitForFinished(120000)) return "radon did not finish within 2 minutes";
    if (radon.exitStatus() != QProcess::NormalExit || radon.exitCode() != 0) {
        const QString err = QString::fromLocal8Bit(radon.readAllStandardError());
        return err.isEmpty() ? "radon failed without a message" : err;
    }
    return {};
}

inline bool same_bits(const recon::Image2D& a, const recon::Image2D& b) {
    return a.pixels.extents() == b.pixels.extents() &&
           std::memcmp(a.pixels.host_data(), b.pixels.host_data(), a.pixels.bytes()) == 0;
}

// One row of the UI benchmarks' table: how long each frame of one kind took from the slider to
// the screen, and to render, in ms.
struct LatencyRow {
    const char* frames;
    std::vector<double> latency_ms, render_ms;
};

// The median, min and max latency and the median render time of each row.
inline void print_latency_table(const char* title, const std::vector<LatencyRow>& rows) {
    std::printf("\n%-40s %10s %10s %10s %12s\n", title, "median ms", "min ms", "max ms",
                "render ms");
    for (const LatencyRow& row : rows) {
        const SampleSummary latency = summarize(row.latency_ms);
        std::printf("%-40s %10.1f %10.1f %10.1f %12.1f\n", row.frames, latency.median, latency.min,
                    latency.max, summarize(row.render_ms).median);
    }
}

// Measures how long the event loop of the thread it lives on goes without running a 1 ms timer:
// the longest time the UI could not react to input.
class StallMeter : public QObject {
  public:
    StallMeter() {
        timer_.setInterval(1);
        timer_.setTimerType(Qt::PreciseTimer);
        connect(&timer_, &QTimer::timeout, this, [this] {
            longest_ms_ = std::max(longest_ms_, 1e-6 * clock_.nsecsElapsed());
            clock_.restart();
        });
    }
    void start() {
        longest_ms_ = 0;
        clock_.start();
        timer_.start();
    }
    double stop() {
        timer_.stop();
        return longest_ms_;
    }

  private:
    QTimer timer_;
    QElapsedTimer clock_;
    double longest_ms_ = 0;
};

}  // namespace radon::test
