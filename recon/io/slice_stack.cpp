#include "recon/io/slice_stack.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/core/sample_summary.h"

namespace radon::recon {
namespace {

// DICOM stores cosines and positions as decimal strings of at most 16 characters, so a scanner's
// exact geometry arrives with rounding errors near 1e-6; the tolerances sit far above that and
// far below anything that moves a voxel visibly.
constexpr double kCosineTolerance = 1e-3;
// Two planes closer than this along the normal are the same plane twice.
constexpr double kSamePositionMm = 1e-3;
// A gap may differ from the typical gap, and a plane from its place on the regular grid, by a
// tenth of the gap: real scanners jitter far less, a missing slice changes a gap by 100%.
constexpr double kGapTolerance = 0.1;
// Planes may sit beside the normal through the first plane by a tenth of a pixel before the
// stack counts as tilted: below that a regular grid renders the same rays.
constexpr double kSidewaysTolerance = 0.1;

std::string mm(double value) {
    std::ostringstream s;
    s << std::setprecision(5) << value;
    return s.str();
}

std::string orientation_problem(const SlicePlanes& planes) {
    const Vec3 r = planes.row_direction, c = planes.column_direction;
    const bool unit =
        std::fabs(norm(r) - 1) <= kCosineTolerance && std::fabs(norm(c) - 1) <= kCosineTolerance;
    if (unit && std::fabs(dot(r, c)) <= kCosineTolerance) return {};
    std::ostringstream s;
    s << "its image orientation (0020,0037) " << r.x << "\\" << r.y << "\\" << r.z << "\\" << c.x
      << "\\" << c.y << "\\" << c.z << " is not two perpendicular unit vectors";
    return s.str();
}

}  // namespace

SliceArrangement arrange_slices(const SlicePlanes& planes) {
    SliceArrangement out;
    const std::size_t n = planes.positions.size();
    VolumeGrid& grid = out.grid;
    grid.size = {planes.columns, planes.rows, static_cast<int64_t>(n)};
    grid.spacing = {planes.column_spacing, planes.row_spacing, 1.0};
    if (n == 0) {
        out.problem = "it holds no image planes";
        return out;
    }
    out.problem = orientation_problem(planes);
    if (!out.problem.empty()) {
        out.order.resize(n);
        std::iota(out.order.begin(), out.order.end(), std::size_t(0));
        grid.origin = planes.positions[0];
        return out;
    }
    const Vec3 row = normalized(planes.row_direction);
    const Vec3 column = normalized(planes.column_direction);
    const Vec3 normal = normalized(cross(row, column));
    grid.direction = Mat3::from_columns(row, column, normal);

    std::vector<double> along(n);
    for (std::size_t i = 0; i < n; ++i)
        along[i] = dot(planes.positions[i], normal);
    out.order.resize(n);
    std::iota(out.order.begin(), out.order.end(), std::size_t(0));
    std::stable_sort(out.order.begin(), out.order.end(),
                     [&](std::size_t a, std::size_t b) { return along[a] < along[b]; });
    const Vec3 first = planes.positions[out.order[0]];
    grid.origin = first;
    if (n == 1) {
        grid.spacing[2] = planes.lone_plane_thickness > 0 ? planes.lone_plane_thickness : 1.0;
        return out;
    }

    std::vector<double> sorted(n);
    for (std::size_t k = 0; k < n; ++k)
        sorted[k] = along[out.order[k]];
    std::vector<double> gaps(n - 1);
    for (std::size_t k = 0; k + 1 < n; ++k)
        gaps[k] = sorted[k + 1] - sorted[k];
    const double extent = sorted[n - 1] - sorted[0];
    const double spacing = extent / static_cast<double>(n - 1);
    grid.spacing[2] = spacing > 0 ? spacing : 1.0;

    const auto same =
        std::find_if(gaps.begin(), gaps.end(), [](double gap) { return gap < kSamePositionMm; });
    if (same != gaps.end()) {
        const auto pairs = std::count_if(gaps.begin(), gaps.end(),
                                         [](double gap) { return gap < kSamePositionMm; });
        std::ostringstream s;
        s << (pairs == 1
                  ? std::string("two of its slices share a position (at ")
                  : std::to_string(pairs) + " pairs of its slices share positions (the first at ")
          << mm(sorted[static_cast<std::size_t>(same - gaps.begin())])
          << " mm along the slice normal): duplicate files, or two acquisitions in one series";
        out.problem = s.str();
        return out;
    }

    // A tilted gantry shifts each slice sideways by the same step; the angle follows from the
    // total shift over the total distance along the normal.
    double largest_sideways = 0;
    for (std::size_t k = 1; k < n; ++k) {
        const Vec3 offset = planes.positions[out.order[k]] - first;
        const Vec3 sideways = offset - dot(offset, normal) * normal;
        largest_sideways = std::max(largest_sideways, norm(sideways));
    }
    const double pixel = std::min(planes.column_spacing, planes.row_spacing);
    if (largest_sideways > kSidewaysTolerance * pixel) {
        const Vec3 offset = planes.positions[out.order[n - 1]] - first;
        const double shift = norm(offset - dot(offset, normal) * normal);
        std::ostringstream s;
        s << "its slice positions move sideways from the slice normal, "
          << mm(shift / static_cast<double>(n - 1)) << " mm for every " << mm(spacing)
          << " mm slice: a gantry tilt of " << std::fixed << std::setprecision(2)
          << rad_to_deg(std::atan2(shift, extent)) << " degrees";
        out.problem = s.str();
        return out;
    }

    const double typical = summarize(gaps).median;
    double largest_off_grid = 0;
    for (std::size_t k = 0; k < n; ++k) {
        largest_off_grid =
            std::max(largest_off_grid,
                     std::fabs(sorted[k] - (sorted[0] + static_cast<double>(k) * spacing)));
    }
    const auto [smallest, largest] = std::minmax_element(gaps.begin(), gaps.end());
    const bool uneven = *largest - typical > kGapTolerance * typical ||
                        typical - *smallest > kGapTolerance * typical ||
                        largest_off_grid > kGapTolerance * spacing;
    if (uneven) {
        std::ostringstream s;
        s << "its slices are unevenly spaced: gaps of " << mm(*smallest) << " to " << mm(*largest)
          << " mm along the slice normal (typically " << mm(typical)
          << " mm; the largest after the slice at "
          << mm(sorted[static_cast<std::size_t>(largest - gaps.begin())]) << " mm)";
        // A gap of a whole number of typical gaps is where slices went missing.
        const double ratio = *largest / typical;
        const long missing = std::lround(ratio) - 1;
        if (missing >= 1 && std::fabs(ratio - std::round(ratio)) <= kGapTolerance) {
            s << ", " << (missing == 1 ? "a slice" : std::to_string(missing) + " slices")
              << " missing?";
        }
        out.problem = s.str();
    }
    return out;
}

}  // namespace radon::recon
