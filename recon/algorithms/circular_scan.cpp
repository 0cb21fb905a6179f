#include "recon/algorithms/circular_scan.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "kernels/core/error.h"

namespace radon::recon {
namespace {

constexpr double kTwoPi = 2.0 * kPi;
// Directions may leave the plane of rotation by this much (sin of about 1 degree).
constexpr double kOutOfPlane = 0.0175;
// Sources may lie off the fitted circle, or its plane, by this share of its radius.
constexpr double kOffCircle = 0.01;

// The direction a view looks along: the panel normal from the source side (cone), the rays
// (parallel).
Vec3 view_direction(const CtGeometry& g, const CtView& w) {
    if (g.beam == CtBeam::Parallel) return normalized(w.source);
    Vec3 n = normalized(cross(w.u, w.v));
    return dot(n, w.detector_center - w.source) < 0 ? -n : n;
}

std::string view_name(std::size_t i) {
    return "view " + std::to_string(i);
}

// Centre of the circle through 2D points (x, y), by Kasa's algebraic least squares:
// x^2 + y^2 = 2 a x + 2 b y + c.
bool fit_circle(const std::vector<double>& x, const std::vector<double>& y, double* a, double* b) {
    double m[3][4] = {};
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double row[3] = {2 * x[i], 2 * y[i], 1.0};
        const double rhs = x[i] * x[i] + y[i] * y[i];
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c)
                m[r][c] += row[r] * row[c];
            m[r][3] += row[r] * rhs;
        }
    }
    // Gaussian elimination with partial pivoting on the 3x3 normal equations.
    for (int c = 0; c < 3; ++c) {
        int pivot = c;
        for (int r = c + 1; r < 3; ++r)
            if (std::fabs(m[r][c]) > std::fabs(m[pivot][c])) pivot = r;
        if (std::fabs(m[pivot][c]) < 1e-12) return false;
        for (int k = 0; k < 4; ++k)
            std::swap(m[c][k], m[pivot][k]);
        for (int r = 0; r < 3; ++r) {
            if (r == c) continue;
            const double f = m[r][c] / m[c][c];
            for (int k = c; k < 4; ++k)
                m[r][k] -= f * m[c][k];
        }
    }
    *a = m[0][3] / m[0][0];
    *b = m[1][3] / m[1][1];
    return true;
}

}  // namespace

const char* to_string(ScanArc arc) {
    switch (arc) {
        case ScanArc::Full:
            return "full";
        case ScanArc::Short:
            return "short";
        default:
            return "auto";
    }
}

ScanArc parse_scan_arc(const std::string& name) {
    if (name == "auto") return ScanArc::Auto;
    if (name == "full") return ScanArc::Full;
    if (name == "short") return ScanArc::Short;
    throw InvalidArgument("scan arc '" + name + "': expected auto, full or short");
}

CircularScan describe_circular_scan(const CtGeometry& g) {
    g.validate("CT geometry");
    const std::size_t n = g.views.size();
    auto fail = [](const std::string& why) {
        throw InvalidArgument("CT geometry: " + why +
                              "; FBP and FDK need a circular scan about one axis");
    };
    std::vector<Vec3> dir(n);
    for (std::size_t i = 0; i < n; ++i)
        dir[i] = view_direction(g, g.views[i]);
    Vec3 turn{0, 0, 0};
    for (std::size_t i = 0; i + 1 < n; ++i)
        turn = turn + cross(dir[i], dir[i + 1]);
    if (norm(turn) < 1e-9) fail("the views do not turn (fewer than two view directions)");
    CircularScan scan;
    scan.axis = normalized(turn);
    const Vec3 a = scan.axis;
    for (std::size_t i = 0; i < n; ++i) {
        const double out = dot(dir[i], a);
        if (std::fabs(out) > kOutOfPlane) {
            std::ostringstream msg;
            msg << view_name(i) << "'s direction leaves the plane of rotation by "
                << std::asin(std::min(1.0, std::fabs(out))) * 180.0 / kPi
                << " degrees (at most 1 degree)";
            fail(msg.str());
        }
    }
    // An in-plane frame (e1, e2) with e1 along the first view's direction.
    const Vec3 e1 = normalized(dir[0] - dot(dir[0], a) * a);
    const Vec3 e2 = cross(a, e1);

    // The direction that defines each view's angle: from the source towards the axis (cone, so
    // that fan angles are measured from the ray through the axis), the rays (parallel).
    std::vector<Vec3> toward(n);
    if (g.beam == CtBeam::Cone) {
        std::vector<double> x(n), y(n), h(n);
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = dot(g.views[i].source, e1);
            y[i] = dot(g.views[i].source, e2);
            h[i] = dot(g.views[i].source, a);
        }
        double cx = 0, cy = 0;
        if (n < 3 || !fit_circle(x, y, &cx, &cy))
            fail("the sources do not lie on a circle (at least three views are needed)");
        const double mean_h = std::accumulate(h.begin(), h.end(), 0.0) / double(n);
        scan.center = cx * e1 + cy * e2 + mean_h * a;
        double radius = 0;
        for (std::size_t i = 0; i < n; ++i)
            radius += std::hypot(x[i] - cx, y[i] - cy) / double(n);
        for (std::size_t i = 0; i < n; ++i) {
            const double off = std::fabs(std::hypot(x[i] - cx, y[i] - cy) - radius);
            const double lift = std::fabs(h[i] - mean_h);
            if (off > kOffCircle * radius || lift > kOffCircle * radius) {
                std::ostringstream msg;
                msg << view_name(i) << "'s source lies " << std::max(off, lift)
                    << " mm off the circle of radius " << radius
                    << " mm through the sources (at most 1 % of it)";
                fail(msg.str());
            }
            const CtView& w = g.views[i];
            const Vec3 to_axis = scan.center - w.source;
            toward[i] = normalized(to_axis - dot(to_axis, a) * a);
            scan.source_axis_mm.push_back(dot(dir[i], to_axis));
            scan.source_panel_mm.push_back(dot(dir[i], w.detector_center - w.source));
        }
    } else {
        Vec3 c{0, 0, 0};
        for (const CtView& w : g.views)
            c = c + (1.0 / double(n)) * w.detector_center;
        scan.center = c;
        for (std::size_t i = 0; i < n; ++i)
            toward[i] = normalized(dir[i] - dot(dir[i], a) * a);
    }

    // Angles about the axis from the first view, then the arc: sorted, the widest gap between
    // neighbours (the wrap-around one included) is where a short scan has no views.
    std::vector<double> raw(n);
    for (std::size_t i = 0; i < n; ++i) {
        double t = std::atan2(dot(toward[i], e2), dot(toward[i], e1));
        raw[i] = t < 0 ? t + kTwoPi : t;
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t(0));
    std::sort(order.begin(), order.end(),
              [&](std::size_t p, std::size_t q) { return raw[p] < raw[q]; });
    std::vector<double> gap(n);  // gap[k]: from sorted view k to the next (cyclically)
    for (std::size_t k = 0; k < n; ++k) {
        const double next = k + 1 < n ? raw[order[k + 1]] : raw[order[0]] + kTwoPi;
        gap[k] = next - raw[order[k]];
    }
    std::vector<double> sorted_gaps = gap;
    std::nth_element(sorted_gaps.begin(), sorted_gaps.begin() + n / 2, sorted_gaps.end());
    const double typical = sorted_gaps[n / 2];
    const std::size_t widest = std::size_t(std::max_element(gap.begin(), gap.end()) - gap.begin());
    scan.full = gap[widest] <= 1.5 * typical;

    scan.angle_rad.assign(n, 0.0);
    scan.angular_weight.assign(n, 0.0);
    if (scan.full) {
        for (std::size_t k = 0; k < n; ++k) {
            const double before = gap[(k + n - 1) % n];
            scan.angle_rad[order[k]] = raw[order[k]];
            scan.angular_weight[order[k]] = 0.5 * (before + gap[k]);
        }
        scan.arc_rad = kTwoPi;
        scan.span_rad = kTwoPi - typical;
    } else {
        // The arc starts after the widest gap; each end view stands for its one neighbouring
        // gap, so that evenly spaced views each weigh one step.
        const std::size_t first = (widest + 1) % n;
        const double start = raw[order[first]];
        for (std::size_t m = 0; m < n; ++m) {
            const std::size_t k = (first + m) % n;
            double t = raw[order[k]] - start;
            if (t < 0) t += kTwoPi;
            scan.angle_rad[order[k]] = t;
            const double before = m == 0 ? gap[k] : gap[(k + n - 1) % n];
            const double after = m + 1 == n ? gap[(k + n - 1) % n] : gap[k];
            scan.angular_weight[order[k]] = 0.5 * (before + after);
        }
        scan.span_rad = kTwoPi - gap[widest];
        scan.arc_rad = std::accumulate(scan.angular_weight.begin(), scan.angular_weight.end(), 0.0);
    }
    return scan;
}

double parker_weight(double beta, double gamma, double span) {
    const double delta = 0.5 * (span - kPi);
    if (beta < 0 || beta > span) return 0.0;
    auto s2 = [](double x) {
        const double s = std::sin(x);
        return s * s;
    };
    if (beta < 2.0 * (delta - gamma)) return s2(0.25 * kPi * beta / (delta - gamma));
    if (beta <= kPi - 2.0 * gamma) return 1.0;
    if (delta + gamma <= 0) return 0.0;
    return s2(0.25 * kPi * (kPi + 2.0 * delta - beta) / (delta + gamma));
}

}  // namespace radon::recon
