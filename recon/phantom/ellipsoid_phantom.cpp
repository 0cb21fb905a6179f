#include "recon/phantom/ellipsoid_phantom.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <utility>
#include <vector>

#include "kernels/core/error.h"

namespace radon::recon {

namespace {

// The map world -> the ellipsoid's unit-sphere frame is u = to_unit * (p - center). Any line
// stays a line under it, and the segment parameter t is the same in both frames, so a chord is
// found in the unit frame and measured in the world one.
Mat3 world_to_unit_matrix(const Ellipsoid& e) {
    Mat3 scale;
    for (int i = 0; i < 3; ++i)
        scale.m[i][i] = 1.0 / e.semi_axes[i];
    return scale * transpose(e.rotation);
}

// The same map applied to one vector, without forming the matrix: this runs per ray and
// per sample, for hundreds of ellipsoids.
Vec3 to_unit(const Ellipsoid& e, Vec3 v) {
    return {dot(e.rotation.column(0), v) / e.semi_axes.x,
            dot(e.rotation.column(1), v) / e.semi_axes.y,
            dot(e.rotation.column(2), v) / e.semi_axes.z};
}

Mat3 unit_to_world_matrix(const Ellipsoid& e) {
    Mat3 scale;
    for (int i = 0; i < 3; ++i)
        scale.m[i][i] = e.semi_axes[i];
    return e.rotation * scale;
}

// Parameter interval [t0, t1] where origin + t * direction lies in the unit ball, both given in
// the unit frame. Written around the point of closest approach rather than as the textbook
// discriminant: that form subtracts two large, nearly equal numbers for rays that start far away.
bool unit_ball_interval(Vec3 origin, Vec3 direction, double& t0, double& t1) {
    const double dd = dot(direction, direction);
    if (!(dd > 0)) return false;
    const double t_mid = -dot(origin, direction) / dd;
    const Vec3 closest = origin + t_mid * direction;
    const double remaining = 1.0 - dot(closest, closest);
    if (!(remaining > 0)) return false;  // a miss, or a tangent that carries no length
    const double half = std::sqrt(remaining / dd);
    t0 = t_mid - half;
    t1 = t_mid + half;
    return true;
}

// Names the ellipsoid in messages. Built only on failure: phantoms are sometimes made per ray,
// one ellipsoid at a time.
std::string describe(const Ellipsoid& e, const std::string& phantom) {
    return "phantom '" + phantom + "', ellipsoid '" + e.label + "'";
}

void validate(const Ellipsoid& e, const std::string& phantom) {
    const char axis[] = {'x', 'y', 'z'};
    for (int i = 0; i < 3; ++i) {
        if (!std::isfinite(e.semi_axes[i]) || e.semi_axes[i] <= 0) {
            std::ostringstream msg;
            msg << describe(e, phantom) << ": semi-axis " << axis[i] << " is " << e.semi_axes[i]
                << " mm, expected a finite value > 0";
            throw InvalidArgument(msg.str());
        }
        if (!std::isfinite(e.center[i])) {
            std::ostringstream msg;
            msg << describe(e, phantom) << ": centre " << axis[i] << " is " << e.center[i]
                << ", expected a finite value in mm";
            throw InvalidArgument(msg.str());
        }
    }
    if (!std::isfinite(e.value)) {
        std::ostringstream msg;
        msg << describe(e, phantom) << ": value is " << e.value
            << ", expected a finite relative attenuation";
        throw InvalidArgument(msg.str());
    }
    // Semi-axes are lengths only if the rotation keeps lengths; a loose tolerance accepts
    // matrices that went through single precision on their way here.
    const Mat3 gram = transpose(e.rotation) * e.rotation;
    double worst = 0;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) {
            const double deviation = std::fabs(gram.m[r][c] - (r == c ? 1.0 : 0.0));
            worst = std::isfinite(deviation) ? std::max(worst, deviation) : HUGE_VAL;
        }
    if (worst > 1e-3) {
        std::ostringstream msg;
        msg << describe(e, phantom) << ": rotation is not orthonormal (|R^T R - I| up to " << worst
            << "), expected the ellipsoid's axes as unit, mutually perpendicular columns";
        throw InvalidArgument(msg.str());
    }
}

// One ellipsoid as the voxelizer sees it, in index coordinates: sample q (continuous index) is
// inside when |index_to_unit * (q - center_index)| <= 1.
struct IndexEllipsoid {
    Mat3 index_to_unit;
    Vec3 center_index;
    double value = 0;
    int64_t j_begin = 0, j_end = 0, k_begin = 0, k_end = 0;  // half-open voxel ranges
};

}  // namespace

EllipsoidPhantom::EllipsoidPhantom(std::string name, std::vector<Ellipsoid> ellipsoids)
    : name_(std::move(name)), ellipsoids_(std::move(ellipsoids)) {
    for (const Ellipsoid& e : ellipsoids_)
        validate(e, name_);
}

double EllipsoidPhantom::value_at(Vec3 world) const {
    double sum = 0;
    for (const Ellipsoid& e : ellipsoids_) {
        const Vec3 u = to_unit(e, world - e.center);
        if (dot(u, u) <= 1.0) sum += e.value;
    }
    return sum;
}

double EllipsoidPhantom::line_integral(Vec3 a, Vec3 b) const {
    const double length = norm(b - a);
    if (!(length > 0)) return 0;
    double sum = 0;
    for (const Ellipsoid& e : ellipsoids_) {
        double t0 = 0, t1 = 0;
        if (!unit_ball_interval(to_unit(e, a - e.center), to_unit(e, b - a), t0, t1)) continue;
        const double lo = std::max(t0, 0.0), hi = std::min(t1, 1.0);
        if (hi > lo) sum += e.value * (hi - lo) * length;
    }
    return sum;
}

double EllipsoidPhantom::line_integral_along(Vec3 point, Vec3 direction) const {
    const double length = norm(direction);
    if (!(length > 0)) return 0;
    double sum = 0;
    for (const Ellipsoid& e : ellipsoids_) {
        double t0 = 0, t1 = 0;
        if (unit_ball_interval(to_unit(e, point - e.center), to_unit(e, direction), t0, t1))
            sum += e.value * (t1 - t0) * length;
    }
    return sum;
}

Volume EllipsoidPhantom::voxelize_hu(const VolumeGrid& grid, int supersampling) const {
    grid.validate("voxelize_hu of phantom '" + name_ + "'");
    if (supersampling < 1) {
        throw InvalidArgument("voxelize_hu of phantom '" + name_ + "': supersampling is " +
                              std::to_string(supersampling) + ", expected at least 1");
    }
    const int64_t nx = grid.size[0], ny = grid.size[1], nz = grid.size[2];
    const Mat3 index_to_world = grid.index_to_world_matrix();
    const Mat3 world_to_index = inverse(index_to_world);

    // Exactly the affine map of VolumeGrid::index_to_world, folded into each ellipsoid's own map
    // so that the per-sample work is a quadratic along a row instead of a matrix product.
    std::vector<IndexEllipsoid> shapes;
    shapes.reserve(ellipsoids_.size());
    for (const Ellipsoid& e : ellipsoids_) {
        if (e.value == 0) continue;
        IndexEllipsoid s;
        s.index_to_unit = world_to_unit_matrix(e) * index_to_world;
        s.center_index = grid.world_to_index(e.center);
        s.value = e.value;
        // The ellipsoid is the unit ball under index <- unit; its extent along an index axis is
        // the length of that row. Samples reach half a voxel beyond a voxel's centre.
        const Mat3 unit_to_index = world_to_index * unit_to_world_matrix(e);
        int64_t range[3][2];
        bool empty = false;
        for (int axis = 0; axis < 3; ++axis) {
            const double half_width = norm(unit_to_index.row(axis));
            const double lo = std::ceil(s.center_index[axis] - half_width - 0.5);
            const double hi = std::floor(s.center_index[axis] + half_width + 0.5);
            const double n = static_cast<double>(grid.size[axis]);
            range[axis][0] = static_cast<int64_t>(std::max(lo, 0.0));
            range[axis][1] = static_cast<int64_t>(std::min(hi + 1.0, n));
            if (!(hi >= 0 && lo < n) || range[axis][1] <= range[axis][0]) empty = true;
        }
        if (empty) continue;
        s.j_begin = range[1][0];
        s.j_end = range[1][1];
        s.k_begin = range[2][0];
        s.k_end = range[2][1];
        shapes.push_back(s);
    }

    const int n = supersampling;
    std::vector<double> offsets(n);
    for (int s = 0; s < n; ++s)
        offsets[s] = (s + 0.5) / n - 0.5;
    const double sample_weight = 1.0 / (static_cast<double>(n) * n * n);

    Volume volume = Volume::allocate(grid, VoxelUnit::Hounsfield);
    float* out = volume.voxels.host_data();
    const int64_t rows = ny * nz;

    // Rows along i are disjoint, so threads never write the same voxel. Inside a row each
    // sub-sample line meets an ellipsoid in one interval, found in closed form, so the cost is
    // one quadratic per line plus an add per covered voxel.
#pragma omp parallel
    {
        std::vector<double> row(static_cast<size_t>(nx));
#pragma omp for schedule(dynamic, 16)
        for (int64_t r = 0; r < rows; ++r) {
            const int64_t j = r % ny, k = r / ny;
            const double jd = static_cast<double>(j), kd = static_cast<double>(k);
            std::fill(row.begin(), row.end(), 0.0);  // air
            for (const IndexEllipsoid& s : shapes) {
                if (j < s.j_begin || j >= s.j_end || k < s.k_begin || k >= s.k_end) continue;
                const Vec3 along_i = s.index_to_unit.column(0);
                const double weight = s.value * sample_weight;
                for (int sz = 0; sz < n; ++sz) {
                    for (int sy = 0; sy < n; ++sy) {
                        // The row's line in index space, parametrised by the index along i.
                        const Vec3 start{-s.center_index.x, jd + offsets[sy] - s.center_index.y,
                                         kd + offsets[sz] - s.center_index.z};
                        double t0 = 0, t1 = 0;
                        if (!unit_ball_interval(s.index_to_unit * start, along_i, t0, t1)) {
                            continue;
                        }
                        // Samples sit at index i + offset; inside when t0 <= i + offset <= t1.
                        for (int sx = 0; sx < n; ++sx) {
                            const double lo = std::max(std::ceil(t0 - offsets[sx]), 0.0);
                            const double hi =
                                std::min(std::floor(t1 - offsets[sx]), static_cast<double>(nx - 1));
                            if (!(lo <= hi)) continue;
                            for (int64_t i = static_cast<int64_t>(lo);
                                 i <= static_cast<int64_t>(hi); ++i) {
                                row[static_cast<size_t>(i)] += weight;
                            }
                        }
                    }
                }
            }
            float* dst = out + nx * r;
            for (int64_t i = 0; i < nx; ++i) {
                dst[i] =
                    static_cast<float>(relative_attenuation_to_hu(row[static_cast<size_t>(i)]));
            }
        }
    }
    return volume;
}

}  // namespace radon::recon
