#include "kernels/pet/sinogram_descriptor.h"

#include <algorithm>
#include <cmath>

#include "kernels/core/error.h"

namespace radon::pet {
namespace {

int floor_div2(int t) {
    return t >= 0 ? t / 2 : -((-t + 1) / 2);
}

int wrap(int i, int n) {
    const int r = i % n;
    return r < 0 ? r + n : r;
}

const char* kAxisNames[3] = {"radial", "view", "plane"};

[[noreturn]] void refuse(const std::string& scanner, const std::string& field,
                         const std::string& value, const std::string& expected) {
    throw InvalidArgument("sinogram of scanner '" + scanner + "': " + field + " is " + value +
                          ", expected " + expected);
}

}  // namespace

SinogramDescriptor::SinogramDescriptor(const ScannerGeometry& scanner, const SinogramSpec& spec)
    : scanner_(scanner), spec_(spec) {
    const std::string& name = scanner.name;
    const int n = scanner.detectors_per_ring;
    const int rings = scanner.rings;
    if (n < 4 || n % 2 != 0)
        refuse(name, "detectors_per_ring", std::to_string(n),
               "an even number >= 4 (views pair crystal i with crystal i + N/2)");
    if (scanner.doi_layers != 1)
        refuse(name, "doi_layers", std::to_string(scanner.doi_layers),
               "1 (a sinogram bins one crystal layer; use listmode for DOI scanners)");
    if (rings < 1 || scanner.crystal_count() != n * rings)
        refuse(name, "crystal count", std::to_string(scanner.crystal_count()),
               "detectors_per_ring x rings = " + std::to_string(n * rings));

    // Span and ring difference.
    if (spec.span < 1 || spec.span % 2 == 0 || spec.span > 2 * rings - 1)
        refuse(name, "span", std::to_string(spec.span),
               "an odd number in [1, " + std::to_string(2 * rings - 1) +
                   "] (STIR's segments need an odd span)");
    const int half = (spec.span - 1) / 2;
    const int mrd =
        spec.max_ring_difference < 0 ? scanner.max_ring_difference : spec.max_ring_difference;
    if (spec.max_ring_difference < -1 || mrd > scanner.max_ring_difference || mrd < half)
        refuse(name, "max_ring_difference", std::to_string(spec.max_ring_difference),
               "-1 (the scanner's, " + std::to_string(scanner.max_ring_difference) +
                   ") or an integer in [" + std::to_string(half) + ", " +
                   std::to_string(scanner.max_ring_difference) +
                   "] (at least (span - 1) / 2, at most the scanner's and rings - 1)");
    spec_.max_ring_difference = mrd;

    // Views.
    if (spec.view_mashing < 1 || (n / 2) % spec.view_mashing != 0)
        refuse(name, "view_mashing", std::to_string(spec.view_mashing),
               "a divisor of the " + std::to_string(n / 2) + " uncompressed views");
    views_ = n / 2 / spec.view_mashing;

    // Radial positions: in-ring crystal distance N/2 - |t| must reach min_angle_difference.
    const int t_limit = n / 2 - std::max(1, scanner.min_angle_difference);
    const int full = 2 * t_limit + 1;
    if (spec.radial_bins != 0 && spec.radial_trim >= 0)
        refuse(name, "radial_bins and radial_trim", "both set", "one of them");
    if (spec.radial_trim < -1)
        refuse(name, "radial_trim", std::to_string(spec.radial_trim), "-1 (unset) or >= 0");
    int radial = full;
    if (spec.radial_bins != 0) {
        radial = spec.radial_bins;
        if (radial < 1 || radial > full)
            refuse(name, "radial_bins", std::to_string(radial),
                   "an integer in [1, " + std::to_string(full) +
                       "] (radial positions with at least min_angle_difference = " +
                       std::to_string(scanner.min_angle_difference) +
                       " crystals between the ends)");
    } else if (spec.radial_trim >= 0) {
        radial = n - 1 - 2 * spec.radial_trim;
        if (radial < 1 || radial > full)
            refuse(name, "radial_trim", std::to_string(spec.radial_trim),
                   "an integer in [" + std::to_string((n - 1 - full) / 2) + ", " +
                       std::to_string((n - 2) / 2) + "]");
    }
    radial_bins_ = radial;
    t_min_ = -(radial / 2);
    if (t_min_ + radial - 1 > t_limit)
        refuse(name, "radial_bins", std::to_string(radial),
               "at most " + std::to_string(full - 1) +
                   " when even (the positive side holds one position fewer)");

    // TOF and axis order.
    validate_tof(spec.tof, "sinogram of scanner '" + name + "': tof");
    const bool tof = spec.tof.bins > 1;
    std::string order = spec.axis_order;
    if (tof && order.find('T') == std::string::npos) order += 'T';
    const std::string expected_order =
        std::string("a permutation of R, V, P (e.g. RVP: plane fastest)") +
        (tof ? ", with T first or last" : " (no T: this sinogram has no TOF axis)");
    if (order.size() != (tof ? 4u : 3u))
        refuse(name, "axis_order", spec.axis_order, expected_order);
    if (tof) {
        if (order.front() == 'T') {
            tof_axis_ = 0;
            order.erase(0, 1);
        } else if (order.back() == 'T') {
            tof_axis_ = 1;
            order.pop_back();
        } else {
            refuse(name, "axis_order", spec.axis_order, expected_order);
        }
    }
    for (int k = 0; k < 3; ++k) {
        const auto pos = std::string("RVP").find(order[static_cast<std::size_t>(k)]);
        if (pos == std::string::npos) refuse(name, "axis_order", spec.axis_order, expected_order);
        spatial_order_[k] = static_cast<int>(pos);
    }
    if (spatial_order_[0] == spatial_order_[1] || spatial_order_[0] == spatial_order_[2] ||
        spatial_order_[1] == spatial_order_[2])
        refuse(name, "axis_order", spec.axis_order, expected_order);
    spec_.axis_order = (tof_axis_ == 0 ? "T" : "") + order + (tof_axis_ == 1 ? "T" : "");

    // Segments in STIR's sequence 0, -1, +1, -2, +2, ...
    std::vector<std::pair<int, int>> ranges;  // ring difference range per segment number >= 0
    for (int k = 0;; ++k) {
        const int lo = k * spec.span - half;
        if (k > 0 && lo > mrd) break;
        ranges.push_back({std::max(lo, -mrd), std::min(k * spec.span + half, mrd)});
    }
    auto add_segment = [&](int number, int lo, int hi) {
        Segment s;
        s.number = number;
        s.min_ring_difference = lo;
        s.max_ring_difference = hi;
        s.first_plane = static_cast<int>(planes_.size());
        const int min_abs = (lo <= 0 && hi >= 0) ? 0 : std::min(std::abs(lo), std::abs(hi));
        const int step = lo == hi ? 2 : 1;
        const int axial_count = lo == hi ? rings - std::abs(lo) : 2 * rings - 1 - 2 * min_abs;
        std::vector<std::vector<RingPair>> per_axial(static_cast<std::size_t>(axial_count));
        for (int r1 = 0; r1 < rings; ++r1)
            for (int d = lo; d <= hi; ++d) {
                const int r2 = r1 + d;
                if (r2 < 0 || r2 >= rings) continue;
                const int axial = (r1 + r2 - min_abs) / step;
                per_axial[static_cast<std::size_t>(axial)].push_back({r1, r2});
            }
        for (int a = 0; a < axial_count; ++a) {
            Plane p;
            p.segment = static_cast<int>(segments_.size());
            p.axial = a;
            p.first_pair = static_cast<int>(ring_pairs_.size());
            p.pairs = static_cast<int>(per_axial[static_cast<std::size_t>(a)].size());
            for (const RingPair& rp : per_axial[static_cast<std::size_t>(a)]) {
                ring_pair_plane_[static_cast<std::size_t>(rp.r1 * rings + rp.r2)] =
                    static_cast<int>(planes_.size());
                ring_pairs_.push_back(rp);
            }
            planes_.push_back(p);
        }
        s.planes = axial_count;
        segments_.push_back(s);
    };
    ring_pair_plane_.assign(static_cast<std::size_t>(rings) * rings, -1);
    add_segment(0, ranges[0].first, ranges[0].second);
    for (std::size_t k = 1; k < ranges.size(); ++k) {
        add_segment(-static_cast<int>(k), -ranges[k].second, -ranges[k].first);
        add_segment(static_cast<int>(k), ranges[k].first, ranges[k].second);
    }
}

OperatorShape SinogramDescriptor::shape() const {
    return shape(views_);
}

OperatorShape SinogramDescriptor::shape(int view_count) const {
    const int64_t extent[3] = {radial_bins_, view_count, planes()};
    OperatorShape s;
    if (tof_axis_ == 1) {
        s.dims.push_back(tof_bins());
        s.axis_names.push_back("tof");
    }
    for (int k = 2; k >= 0; --k) {
        s.dims.push_back(extent[spatial_order_[k]]);
        s.axis_names.push_back(kAxisNames[spatial_order_[k]]);
    }
    if (tof_axis_ == 0) {
        s.dims.push_back(tof_bins());
        s.axis_names.push_back("tof");
    }
    return s;
}

int SinogramDescriptor::plane_of_rings(int r1, int r2) const {
    const int rings = scanner_.rings;
    if (r1 < 0 || r2 < 0 || r1 >= rings || r2 >= rings) return -1;
    return ring_pair_plane_[static_cast<std::size_t>(r1 * rings + r2)];
}

int64_t SinogramDescriptor::spatial_offset(int radial, int view_pos, int plane,
                                           int view_count) const {
    const int index[3] = {radial, view_pos, plane};
    const int64_t extent[3] = {radial_bins_, view_count, planes()};
    int64_t off = 0;
    for (int k = 0; k < 3; ++k)
        off = off * extent[spatial_order_[k]] + index[spatial_order_[k]];
    return off;
}

int64_t SinogramDescriptor::offset(const SinogramBin& bin) const {
    const int64_t spatial = spatial_offset(bin.radial, bin.view, bin.plane, views_);
    if (tof_axis_ == 0) return static_cast<int64_t>(bin.tof) * spatial_bins() + spatial;
    if (tof_axis_ == 1) return spatial * tof_bins() + bin.tof;
    return spatial;
}

SinogramBin SinogramDescriptor::bin_at(int64_t offset) const {
    SinogramBin bin;
    int64_t spatial = offset;
    if (tof_axis_ == 0) {
        bin.tof = static_cast<int>(offset / spatial_bins());
        spatial = offset % spatial_bins();
    } else if (tof_axis_ == 1) {
        bin.tof = static_cast<int>(offset % tof_bins());
        spatial = offset / tof_bins();
    }
    const int64_t extent[3] = {radial_bins_, views_, planes()};
    int index[3] = {0, 0, 0};
    for (int k = 2; k >= 0; --k) {
        const int axis = spatial_order_[k];
        index[axis] = static_cast<int>(spatial % extent[axis]);
        spatial /= extent[axis];
    }
    bin.radial = index[0];
    bin.view = index[1];
    bin.plane = index[2];
    return bin;
}

void SinogramDescriptor::in_ring_pair(int uncompressed_view, int t, int& a, int& b) const {
    const int n = scanner_.detectors_per_ring;
    a = wrap(uncompressed_view + floor_div2(t), n);
    b = wrap(uncompressed_view - floor_div2(t + 1) + n / 2, n);
}

std::vector<DetectorPair> SinogramDescriptor::contributing_pairs(const SinogramBin& bin) const {
    std::vector<DetectorPair> pairs;
    const Plane& plane = planes_[static_cast<std::size_t>(bin.plane)];
    const int t = bin.radial + t_min_;
    for (int k = 0; k < spec_.view_mashing; ++k) {
        int a = 0, b = 0;
        in_ring_pair(bin.view * spec_.view_mashing + k, t, a, b);
        for (int i = 0; i < plane.pairs; ++i) {
            const RingPair& rp = ring_pairs_[static_cast<std::size_t>(plane.first_pair + i)];
            pairs.push_back({scanner_.crystal_id(rp.r1, a), scanner_.crystal_id(rp.r2, b)});
        }
    }
    return pairs;
}

bool SinogramDescriptor::bin_of_pair(int crystal_a, int crystal_b, SinogramBin& bin,
                                     bool& swapped) const {
    const int n = scanner_.detectors_per_ring;
    if (crystal_a < 0 || crystal_b < 0 || crystal_a >= scanner_.crystal_count() ||
        crystal_b >= scanner_.crystal_count())
        return false;
    int ia = scanner_.crystal_in_ring_of(crystal_a), ib = scanner_.crystal_in_ring_of(crystal_b);
    int ra = scanner_.ring_of(crystal_a), rb = scanner_.ring_of(crystal_b);
    if (ia == ib) return false;
    int t = wrap(ia - ib + n / 2, n);
    if (t > n / 2) t -= n;
    int v = wrap(ia - floor_div2(t), n);
    swapped = v >= n / 2;
    if (swapped) {
        std::swap(ia, ib);
        std::swap(ra, rb);
        t = -t;
        v = wrap(ia - floor_div2(t), n);
    }
    if (t < t_min_ || t >= t_min_ + radial_bins_) return false;
    const int plane = plane_of_rings(ra, rb);
    if (plane < 0) return false;
    bin.radial = t - t_min_;
    bin.view = v / spec_.view_mashing;
    bin.plane = plane;
    bin.tof = 0;
    return true;
}

bool SinogramDescriptor::bin_of_lor(const Vec3& p1, const Vec3& p2, SinogramBin& bin, bool& swapped,
                                    double tolerance_mm) const {
    double d1 = 0, d2 = 0;
    const int a = nearest_crystal(scanner_, p1, d1);
    const int b = nearest_crystal(scanner_, p2, d2);
    if (a < 0 || b < 0 || !(d1 <= tolerance_mm) || !(d2 <= tolerance_mm)) return false;
    return bin_of_pair(a, b, bin, swapped);
}

void SinogramDescriptor::lor_endpoints(const SinogramBin& bin, Vec3& p1, Vec3& p2) const {
    // The mean over contributing_pairs(bin), summed here without building the list: the fill
    // below calls this once per bin.
    const Plane& plane = planes_[static_cast<std::size_t>(bin.plane)];
    const int t = bin.radial + t_min_;
    Vec3 s1, s2;
    for (int k = 0; k < spec_.view_mashing; ++k) {
        int a = 0, b = 0;
        in_ring_pair(bin.view * spec_.view_mashing + k, t, a, b);
        for (int i = 0; i < plane.pairs; ++i) {
            const RingPair& rp = ring_pairs_[static_cast<std::size_t>(plane.first_pair + i)];
            s1 = s1 + scanner_.world_centre(scanner_.crystal_id(rp.r1, a));
            s2 = s2 + scanner_.world_centre(scanner_.crystal_id(rp.r2, b));
        }
    }
    const double w = 1.0 / (static_cast<double>(spec_.view_mashing) * plane.pairs);
    p1 = w * s1;
    p2 = w * s2;
}

int SinogramDescriptor::tof_bin_of_point(const Vec3& p1, const Vec3& p2,
                                         const Vec3& point_lps) const {
    const TofBinning& tof = spec_.tof;
    if (tof.bins <= 1) return 0;
    const Vec3 u = normalized(p2 - p1);
    const double s = dot(point_lps - 0.5 * (p1 + p2), u);
    const int k = static_cast<int>(
        std::lround((s - tof.centre_offset_mm) / tof.bin_width_mm + 0.5 * (tof.bins - 1)));
    if (k < 0 || k >= tof.bins) return -1;
    return k;
}

void SinogramDescriptor::fill_lor_endpoints(float* p1, float* p2) const {
    std::vector<int> all(static_cast<std::size_t>(views_));
    for (int v = 0; v < views_; ++v)
        all[static_cast<std::size_t>(v)] = v;
    fill_lor_endpoints(all, p1, p2);
}

void SinogramDescriptor::fill_lor_endpoints(const std::vector<int>& views, float* p1,
                                            float* p2) const {
    for (const int v : views)
        if (v < 0 || v >= views_)
            throw InvalidArgument("sinogram of scanner '" + scanner_.name + "': view " +
                                  std::to_string(v) + " requested, expected views in [0, " +
                                  std::to_string(views_ - 1) + "]");
    const int view_count = static_cast<int>(views.size());
    const int64_t extent[3] = {radial_bins_, view_count, planes()};
    const int64_t total = extent[0] * extent[1] * extent[2];
    // Walk the output in memory order so that every thread writes one contiguous run.
#pragma omp parallel for schedule(static)
    for (int64_t off = 0; off < total; ++off) {
        int64_t rest = off;
        int64_t index[3] = {0, 0, 0};
        for (int k = 2; k >= 0; --k) {
            const int axis = spatial_order_[k];
            index[axis] = rest % extent[axis];
            rest /= extent[axis];
        }
        SinogramBin bin;
        bin.radial = static_cast<int>(index[0]);
        bin.view = views[static_cast<std::size_t>(index[1])];
        bin.plane = static_cast<int>(index[2]);
        Vec3 a, b;
        lor_endpoints(bin, a, b);
        for (int c = 0; c < 3; ++c) {
            p1[3 * off + c] = static_cast<float>(a[c]);
            p2[3 * off + c] = static_cast<float>(b[c]);
        }
    }
}

SinogramDescriptor SinogramDescriptor::without_tof() const {
    if (!has_tof_axis()) return *this;
    SinogramSpec spec = spec_;
    spec.tof = TofBinning{};
    spec.axis_order.erase(spec.axis_order.find('T'), 1);
    return SinogramDescriptor(scanner_, spec);
}

std::string SinogramDescriptor::description() const {
    std::string d = std::to_string(radial_bins_) + " radial x " + std::to_string(views_) +
                    " views x " + std::to_string(planes()) + " planes";
    if (has_tof_axis()) d += " x " + std::to_string(tof_bins()) + " TOF bins";
    d += ", span " + std::to_string(spec_.span) + ", max ring difference " +
         std::to_string(spec_.max_ring_difference);
    if (spec_.view_mashing > 1) d += ", view mashing " + std::to_string(spec_.view_mashing);
    d += ", order " + spec_.axis_order;
    return d;
}

std::vector<int64_t> compression_map(const SinogramDescriptor& full,
                                     const SinogramDescriptor& compressed) {
    const SinogramSpec& f = full.spec();
    if (f.span != 1 || f.view_mashing != 1)
        throw InvalidArgument("compression map: the full sinogram has span " +
                              std::to_string(f.span) + " and view mashing " +
                              std::to_string(f.view_mashing) + ", expected 1 and 1");
    const ScannerGeometry& a = full.scanner();
    const ScannerGeometry& b = compressed.scanner();
    if (a.detectors_per_ring != b.detectors_per_ring || a.rings != b.rings ||
        a.crystal_count() != b.crystal_count())
        throw InvalidArgument(
            "compression map: scanner '" + b.name + "' (" + std::to_string(b.detectors_per_ring) +
            " x " + std::to_string(b.rings) + ") is not the full sinogram's '" + a.name + "' (" +
            std::to_string(a.detectors_per_ring) + " x " + std::to_string(a.rings) + ")");
    if (full.tof_bins() != compressed.tof_bins())
        throw InvalidArgument("compression map: " + std::to_string(compressed.tof_bins()) +
                              " TOF bins, expected the full sinogram's " +
                              std::to_string(full.tof_bins()) + " (TOF mashing is not mapped)");
    std::vector<int64_t> map(static_cast<std::size_t>(full.bins()), -1);
#pragma omp parallel for schedule(static)
    for (int64_t off = 0; off < full.bins(); ++off) {
        const SinogramBin bin = full.bin_at(off);
        int ia = 0, ib = 0;
        full.in_ring_pair(bin.view, bin.radial + full.min_tangential(), ia, ib);
        const RingPair& rp = full.ring_pairs()[static_cast<std::size_t>(
            full.plane_table()[static_cast<std::size_t>(bin.plane)].first_pair)];
        SinogramBin target;
        bool swapped = false;
        if (!compressed.bin_of_pair(a.crystal_id(rp.r1, ia), a.crystal_id(rp.r2, ib), target,
                                    swapped))
            continue;
        target.tof = bin.tof;
        map[static_cast<std::size_t>(off)] = compressed.offset(target);
    }
    return map;
}

}  // namespace radon::pet
