#include "recon/phantom/iec_body_phantom.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kernels/core/error.h"

namespace radon::recon {

namespace {

// The interior's dimensions (mm), from the NEMA NU 2 / IEC 61675-1 drawings.
constexpr double kHalfLength = 97;                 // interior length 194 mm
constexpr double kTopRadius = 147;                 // the anterior half disc
constexpr double kTopCentreY = 35;                 // its centre, posterior of the phantom centre
constexpr double kCornerRadius = 77;               // the posterior quarter discs
constexpr double kCornerCentreX = 70;              // their centres, at +-70 mm
constexpr double kLungRadius = 25;                 // the lung insert (50 mm across)
constexpr double kSphereRing = 57.2;               // radius of the circle of sphere centres
constexpr double kSpherePlane = kHalfLength - 70;  // 70 mm from the +z end
constexpr double kDiameters[6] = {37, 28, 22, 17, 13, 10};

// The parameter interval [t0, t1] of a line a + t d; empty when t0 > t1.
struct Interval {
    double t0 = -HUGE_VAL, t1 = HUGE_VAL;
    bool empty() const { return !(t0 <= t1); }
};

Interval intersect(Interval a, Interval b) {
    return {std::max(a.t0, b.t0), std::min(a.t1, b.t1)};
}

// The span of two pieces of one convex region: on a line through a convex region the pieces'
// intervals join into one, so their hull is the region's interval.
Interval hull(Interval a, Interval b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return {std::min(a.t0, b.t0), std::max(a.t1, b.t1)};
}

const Interval kEmpty{HUGE_VAL, -HUGE_VAL};

// lo <= a + t d <= hi.
Interval slab(double a, double d, double lo, double hi) {
    if (d == 0) return (a >= lo && a <= hi) ? Interval{} : kEmpty;
    const double u = (lo - a) / d, v = (hi - a) / d;
    return {std::min(u, v), std::max(u, v)};
}

// |p - c| <= r over the components `dims` (2: a disc in x-y, an infinite cylinder along z;
// 3: a ball), around the point of closest approach for accuracy.
Interval round(Vec3 a, Vec3 d, Vec3 c, double r, int dims) {
    Vec3 o = a - c;
    Vec3 dd = d;
    if (dims == 2) o.z = dd.z = 0;
    const double d2 = dot(dd, dd);
    if (d2 == 0) return dot(o, o) <= r * r ? Interval{} : kEmpty;
    const double tm = -dot(o, dd) / d2;
    const Vec3 closest = o + tm * dd;
    const double rest = r * r - dot(closest, closest);
    if (rest < 0) return kEmpty;
    const double half = std::sqrt(rest / d2);
    return {tm - half, tm + half};
}

void check_finite_positive(double v, const std::string& what) {
    if (!(std::isfinite(v) && v > 0)) {
        std::ostringstream msg;
        msg << "IEC body phantom: " << what << " is " << v << ", expected a finite value > 0";
        throw InvalidArgument(msg.str());
    }
}

}  // namespace

IecBodyPhantom::IecBodyPhantom(IecBodyPhantomSpec spec) : spec_(spec) {
    check_finite_positive(spec_.sphere_to_background, "sphere-to-background ratio");
    check_finite_positive(spec_.background_activity, "background activity");
    if (!(spec_.lung_hu >= -1000 && spec_.lung_hu <= 0)) {
        std::ostringstream msg;
        msg << "IEC body phantom: lung insert CT number is " << spec_.lung_hu
            << " HU, expected [-1000, 0] HU";
        throw InvalidArgument(msg.str());
    }
    for (int i = 0; i < 3; ++i)
        if (!std::isfinite(spec_.centre[i]))
            throw InvalidArgument("IEC body phantom: the centre is not finite");
    for (int k = 0; k < 6; ++k) {
        const double angle = kPi + k * kPi / 3;  // from +x (left) towards -y (anterior)
        IecSphere s;
        s.diameter_mm = kDiameters[k];
        s.centre = spec_.centre + Vec3{kSphereRing * std::cos(angle),
                                       -kSphereRing * std::sin(angle), kSpherePlane};
        spheres_.push_back(s);
    }
}

double IecBodyPhantom::body_volume_mm3() {
    const double area = kPi / 2 * kTopRadius * kTopRadius + 2 * kCornerCentreX * kCornerRadius +
                        kPi / 2 * kCornerRadius * kCornerRadius;
    return area * 2 * kHalfLength;
}

double IecBodyPhantom::lung_volume_mm3() {
    return kPi * kLungRadius * kLungRadius * 2 * kHalfLength;
}

double IecBodyPhantom::sphere_volume_mm3(double diameter_mm) {
    return kPi / 6 * diameter_mm * diameter_mm * diameter_mm;
}

double IecBodyPhantom::total_activity() const {
    double spheres = 0;
    for (const IecSphere& s : spheres_)
        spheres += sphere_volume_mm3(s.diameter_mm);
    const double bg = spec_.background_activity;
    return bg * (body_volume_mm3() - lung_volume_mm3() - spheres) +
           bg * spec_.sphere_to_background * spheres;
}

Volume IecBodyPhantom::voxelize_activity(const VolumeGrid& grid, int supersampling) const {
    const double bg = spec_.background_activity;
    return voxelize(grid, supersampling, bg, -bg, bg * (spec_.sphere_to_background - 1),
                    VoxelUnit::Activity, 0.0);
}

Volume IecBodyPhantom::voxelize_hu(const VolumeGrid& grid, int supersampling) const {
    // HU = -1000 (air) + 1000 per unit of water covered, the insert replacing water by lung.
    return voxelize(grid, supersampling, 1000.0, spec_.lung_hu, 0.0, VoxelUnit::Hounsfield,
                    -1000.0);
}

Volume IecBodyPhantom::voxelize(const VolumeGrid& grid, int supersampling, double body_value,
                                double lung_value, double sphere_value, VoxelUnit unit,
                                double offset) const {
    grid.validate("IEC body phantom");
    if (supersampling < 1 || supersampling > 64) {
        throw InvalidArgument("IEC body phantom: supersampling is " +
                              std::to_string(supersampling) + ", expected 1 to 64");
    }
    const int n = supersampling;
    const int64_t nx = grid.size[0], ny = grid.size[1], nz = grid.size[2];
    const Vec3 c = spec_.centre;
    // A line of the i axis: world = index_to_world(t, j', k'), t in index units along i.
    const Mat3 m = grid.index_to_world_matrix();
    const Vec3 step = m.column(0);
    const double weight = 1.0 / (double(n) * n);

    Volume volume = Volume::allocate(grid, unit);
    float* out = volume.voxels.host_data();
    const int64_t rows = ny * nz;
#pragma omp parallel
    {
        std::vector<double> row(static_cast<std::size_t>(nx));
        // Adds value x the length of [t0, t1] inside each voxel's cell [i - 1/2, i + 1/2].
        auto add = [&](Interval t, double value) {
            if (t.empty() || value == 0) return;
            const double lo = std::max(t.t0, -0.5), hi = std::min(t.t1, nx - 0.5);
            if (!(lo < hi)) return;
            const int64_t first = static_cast<int64_t>(std::floor(lo + 0.5));
            const int64_t last =
                std::min<int64_t>(static_cast<int64_t>(std::floor(hi + 0.5)), nx - 1);
            for (int64_t i = first; i <= last; ++i) {
                const double covered = std::min(hi, i + 0.5) - std::max(lo, i - 0.5);
                if (covered > 0) row[static_cast<std::size_t>(i)] += value * covered;
            }
        };
#pragma omp for schedule(dynamic, 8)
        for (int64_t r = 0; r < rows; ++r) {
            const int64_t j = r % ny, k = r / ny;
            std::fill(row.begin(), row.end(), 0.0);
            for (int sz = 0; sz < n; ++sz) {
                for (int sy = 0; sy < n; ++sy) {
                    const Vec3 index{0, j + (sy + 0.5) / n - 0.5, k + (sz + 0.5) / n - 0.5};
                    const Vec3 a = grid.index_to_world(index);
                    // The body: the z slab and the hull of its four convex pieces.
                    const Interval z = slab(a.z, step.z, c.z - kHalfLength, c.z + kHalfLength);
                    if (z.empty()) continue;
                    const double yc = c.y + kTopCentreY;
                    const Interval top = intersect(round(a, step, {c.x, yc, 0}, kTopRadius, 2),
                                                   slab(a.y, step.y, -HUGE_VAL, yc));
                    const Interval posterior = slab(a.y, step.y, yc, yc + kCornerRadius);
                    const Interval middle = intersect(
                        posterior, slab(a.x, step.x, c.x - kCornerCentreX, c.x + kCornerCentreX));
                    const Interval left = intersect(
                        posterior, round(a, step, {c.x + kCornerCentreX, yc, 0}, kCornerRadius, 2));
                    const Interval right = intersect(
                        posterior, round(a, step, {c.x - kCornerCentreX, yc, 0}, kCornerRadius, 2));
                    const Interval body = intersect(z, hull(hull(top, middle), hull(left, right)));
                    if (body.empty()) continue;
                    add(body, body_value * weight);
                    add(intersect(z, round(a, step, c, kLungRadius, 2)), lung_value * weight);
                    for (const IecSphere& s : spheres_)
                        add(round(a, step, s.centre, s.diameter_mm / 2, 3), sphere_value * weight);
                }
            }
            float* dst = out + nx * r;
            for (int64_t i = 0; i < nx; ++i)
                dst[i] = static_cast<float>(offset + row[static_cast<std::size_t>(i)]);
        }
    }
    return volume;
}

}  // namespace radon::recon
