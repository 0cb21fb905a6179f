// DRRs of voxelised ellipsoid phantoms against their exact line integrals.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/drr/drr_renderer.h"
#include "kernels/physics/attenuation.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/test_registry.h"

using namespace radon;
using namespace radon::recon;

namespace {

constexpr double kMuWater = kWaterAttenuation60keV;

struct Scene {
    VolumeGrid grid;
    Array<float> mu;
};

Scene voxelize(const EllipsoidPhantom& phantom, const VolumeGrid& grid, int supersampling) {
    const Volume hu = phantom.voxelize_hu(grid, supersampling);
    Scene s{grid, Array<float>::allocate(hu.voxels.extents())};
    convert_hu_to_attenuation(hu.voxels.host_data(), s.mu.host_data(), hu.voxels.size(), kMuWater);
    return s;
}

ProjectionGeometry view(const VolumeGrid& grid, double primary, double secondary, int64_t n,
                        double field_mm) {
    CArmPose pose;
    pose.primary_deg = primary;
    pose.secondary_deg = secondary;
    Detector d;
    d.width = d.height = n;
    d.delx = d.dely = field_mm / n;
    return carm_projection(pose, d, grid.center());
}

std::vector<float> render(const Scene& s, const ProjectionGeometry& g, DrrSettings settings) {
    auto r = make_cpu_drr_renderer(s.grid, s.mu);
    std::vector<float> image(static_cast<std::size_t>(g.width * g.height));
    r->render(g, settings, image.data());
    return image;
}

// Per-pixel bound from the voxel size. Sampling an ellipsoid at voxel centres moves its surface
// by at most half a voxel diagonal d; a ray meeting the surface at up to 60 degrees from the
// normal then gains or loses at most d of path per crossing, two crossings per ellipsoid. So a
// ray's error is at most mu_water * sum over the ellipsoids it crosses of |value| * 2 d. Rays
// that graze a surface at a steeper angle may exceed it; they are few.
double pixel_bound(const EllipsoidPhantom& phantom, Vec3 a, Vec3 b, double diagonal) {
    double sum = 0;
    for (const Ellipsoid& e : phantom.ellipsoids()) {
        const EllipsoidPhantom single("one", {e});
        if (single.line_integral(a, b) != 0.0) sum += std::fabs(e.value);
    }
    return kMuWater * sum * 2 * diagonal;
}

// The part of the segment a -> b inside the grid's box: the phantom extends beyond the volume
// (the body is longer than the field of view), the voxelised copy does not.
std::pair<Vec3, Vec3> clip_to_grid(const VolumeGrid& grid, Vec3 a, Vec3 b) {
    const Vec3 qa = grid.world_to_index(a), qb = grid.world_to_index(b);
    double t0 = 0, t1 = 1;
    for (int i = 0; i < 3; ++i) {
        const double d = qb[i] - qa[i];
        if (d == 0) continue;
        double ta = (-0.5 - qa[i]) / d, tb = (grid.size[i] - 0.5 - qa[i]) / d;
        if (ta > tb) std::swap(ta, tb);
        t0 = std::max(t0, ta);
        t1 = std::min(t1, tb);
    }
    if (t1 <= t0) return {a, a};
    return {a + t0 * (b - a), a + t1 * (b - a)};
}

struct Comparison {
    double mean_error = 0;
    double mean_abs_error = 0;
    double mean_truth = 0;
    double fraction_within = 0;
};

Comparison compare(const EllipsoidPhantom& phantom, const Scene& s, const ProjectionGeometry& g,
                   const std::vector<float>& image) {
    const double diagonal = norm(s.grid.spacing);
    Comparison c;
    int64_t within = 0;
    for (int64_t r = 0; r < g.height; ++r) {
        for (int64_t col = 0; col < g.width; ++col) {
            const auto [entry, exit] = clip_to_grid(s.grid, g.source, g.pixel_center(col, r));
            const double truth = kMuWater * phantom.line_integral(entry, exit);
            const double err =
                std::fabs(image[static_cast<std::size_t>(r * g.width + col)] - truth);
            c.mean_abs_error += err;
            c.mean_error += image[static_cast<std::size_t>(r * g.width + col)] - truth;
            c.mean_truth += truth;
            if (err <= pixel_bound(phantom, entry, exit, diagonal) + 1e-5) ++within;
        }
    }
    const double n = static_cast<double>(g.width * g.height);
    c.mean_abs_error /= n;
    c.mean_error /= n;
    c.mean_truth /= n;
    c.fraction_within = within / n;
    return c;
}

}  // namespace

class TestDrrPhantom : public QObject {
    Q_OBJECT

  private slots:
    // Errors come from the voxelised surfaces only, so they must shrink with the voxel size:
    // halving the voxels must cut the mean error by about half (first order in h).
    void siddon_matches_analytic_shepp_logan() {
        const EllipsoidPhantom phantom = shepp_logan_phantom({96, 96, 96});
        for (auto [primary, secondary] : {std::pair{0.0, 0.0}, {90.0, 0.0}, {33.0, -21.0}}) {
            std::vector<double> errors;
            for (double h : {2.0, 1.0}) {
                const auto n = static_cast<int64_t>(192 / h);
                const VolumeGrid grid = centered_grid({n, n, n}, {h, h, h});
                const Scene s = voxelize(phantom, grid, 1);
                const ProjectionGeometry g = view(grid, primary, secondary, 48, 300);
                const Comparison c = compare(phantom, s, g, render(s, g, DrrSettings{}));
                qDebug(
                    "shepp-logan %g/%g, %g mm voxels: mean |error| %.2e, bias %.2e (mean "
                    "value %.3f), %.1f%% within bound",
                    primary, secondary, h, c.mean_abs_error, c.mean_error, c.mean_truth,
                    100 * c.fraction_within);
                QVERIFY(c.fraction_within >= 0.97);
                errors.push_back(c.mean_abs_error);
            }
            QVERIFY(errors[1] < 0.7 * errors[0]);
        }
    }

    void siddon_matches_analytic_thorax() {
        const VolumeGrid grid = centered_grid({256, 256, 133}, {1.40625, 1.40625, 2.5});
        const EllipsoidPhantom phantom = thorax_phantom();
        const Scene s = voxelize(phantom, grid, 1);
        for (auto [primary, secondary] : {std::pair{0.0, 0.0}, {-90.0, 0.0}, {40.0, 25.0}}) {
            const ProjectionGeometry g = view(grid, primary, secondary, 64, 400);
            const Comparison c = compare(phantom, s, g, render(s, g, DrrSettings{}));
            qDebug(
                "thorax %g/%g: mean |error| %.2e, bias %.2e (mean value %.3f), %.1f%% within "
                "bound",
                primary, secondary, c.mean_abs_error, c.mean_error, c.mean_truth,
                100 * c.fraction_within);
            QVERIFY(c.fraction_within >= 0.97);
            // Surface errors of both signs largely cancel: no systematic offset.
            QVERIFY(std::fabs(c.mean_error) < 0.2 * c.mean_abs_error);
            // Well under one percent of the signal on average at this voxel size.
            QVERIFY(c.mean_abs_error < 0.01 * c.mean_truth);
        }
    }

    // Trilinear sampling converges as the step shrinks, and to within the difference between
    // trilinear and piecewise-constant voxels of Siddon's exact walk: that difference is a
    // property of the interpolation, not of the step, so it levels off at a small value.
    void trilinear_converges_to_siddon() {
        const VolumeGrid grid = centered_grid({96, 96, 96}, {2.0, 2.0, 2.0});
        const EllipsoidPhantom phantom = shepp_logan_phantom({96, 96, 96});
        const Scene s = voxelize(phantom, grid, 2);
        const ProjectionGeometry g = view(grid, 20, 10, 40, 300);
        const auto siddon = render(s, g, DrrSettings{});
        const double mean_siddon =
            std::accumulate(siddon.begin(), siddon.end(), 0.0) / static_cast<double>(siddon.size());
        auto trilinear = [&](double step) {
            DrrSettings t;
            t.algorithm = DrrAlgorithm::Trilinear;
            t.step_voxels = step;
            return render(s, g, t);
        };
        auto mean_diff = [](const std::vector<float>& a, const std::vector<float>& b) {
            double d = 0;
            for (std::size_t i = 0; i < a.size(); ++i)
                d += std::fabs(double(a[i]) - b[i]);
            return d / static_cast<double>(a.size());
        };
        const std::vector<double> steps = {2.0, 1.0, 0.5, 0.25, 0.1, 0.05};
        std::vector<std::vector<float>> images;
        std::vector<double> to_siddon;
        for (double step : steps) {
            images.push_back(trilinear(step));
            to_siddon.push_back(mean_diff(images.back(), siddon));
            qDebug("trilinear step %.2f: mean |trilinear - siddon| = %.3e", step, to_siddon.back());
        }
        // Self-convergence: successive refinements change the image less and less.
        const double coarse_change = mean_diff(images[0], images[5]);
        const double fine_change = mean_diff(images[4], images[5]);
        // A 20x smaller step: at least a 10x smaller change even at the kinks of the trilinear
        // field, where the midpoint rule converges only linearly.
        QVERIFY(fine_change < 0.1 * coarse_change);
        // Closer to Siddon at fine steps than at the coarsest, and close in absolute terms.
        QVERIFY(to_siddon[5] < to_siddon[0]);
        QVERIFY(to_siddon[5] < 0.01 * mean_siddon);
    }
};

RADON_TEST_CLASS(TestDrrPhantom);
#include "test_drr_phantom.moc"
