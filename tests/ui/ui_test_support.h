#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <algorithm>
#include <array>
#include <cstring>

#include "kernels/drr/drr_renderer.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/physics/attenuation.h"
#include "recon/attenuation_volume.h"
#include "recon/image2d.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "ui/drr_parameters.h"

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

inline bool same_bits(const recon::Image2D& a, const recon::Image2D& b) {
    return a.pixels.extents() == b.pixels.extents() &&
           std::memcmp(a.pixels.host_data(), b.pixels.host_data(), a.pixels.bytes()) == 0;
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
