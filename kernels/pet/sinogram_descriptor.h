#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/operator/linear_operator.h"
#include "kernels/pet/scanner_geometry.h"
#include "kernels/pet/tof_binning.h"

namespace radon::pet {

// The single authority on a sinogram's geometry (STIR's ProjDataInfo idea): views, files,
// projectors and reconstruction ask it, never recompute. Conventions (docs/CONVENTIONS.md, PET):
//
// Views and radial bins. N = detectors per ring (even). Uncompressed view v in [0, N/2) and
// signed radial (tangential) position t in [-(N/2 - 1), N/2 - 1] join the in-ring crystals
//     a = (v + floor(t / 2)) mod N            (the LOR's first end, p1)
//     b = (v - floor((t + 1) / 2) + N/2) mod N  (its second end, p2)
// as STIR does: the centre bin (t = 0) of view 0 joins crystals 0 and N/2, and views turn with
// the crystal numbers (by 360/N degrees per view, from +x toward +y). Positive t moves both ends
// toward higher crystal numbers on a's side: for view 0 (crystal 0 anterior) toward the patient's
// left (+x). Odd t sits half a crystal step back in angle (the interleaved sampling).
// Radial bin index = t - t_min, where t_min = -(radial_bins / 2) (STIR's rule for an even count).
//
// View mashing m (dividing N/2): sinogram view V holds uncompressed views V m ... V m + m - 1.
//
// Planes (segments and span, as STIR). A LOR from crystal a in ring r1 to crystal b in ring r2
// has ring difference d = r2 - r1. With odd span S, segment k holds the ring differences
// [k S - (S-1)/2, k S + (S-1)/2] limited to [-MRD, MRD]; span 1 gives one ring difference per
// segment. Planes are stored segment by segment in the order 0, -1, +1, -2, +2, ... (STIR's
// default segment sequence); within a segment by increasing axial position
//     axial = (r1 + r2 - min|d|) / step,   step = 1 if the segment holds several ring
//                                          differences, else 2,
// where min|d| is the segment's smallest |ring difference|. So a segment holds
// 2 rings - 1 - 2 min|d| planes when it spans several ring differences, rings - |d| otherwise.
//
// Memory order. `axis_order` lists the spatial axes as a C-order (numpy) shape, slowest first:
// "RVP" is [radial][view][plane] with the plane varying fastest; any permutation of R, V, P.
// With TOF, a 'T' goes first (each TOF bin a whole sinogram, as STIR) or last (the TOF bins of a
// LOR contiguous, as parallelproj); without one it is appended last. OperatorShape lists the
// axes the other way round (fastest first), as Extents do.
//
// TOF bins follow kernels/pet/tof_binning.h along each bin's LOR from p1 to p2.
struct SinogramSpec {
    int span = 1;                  // odd
    int max_ring_difference = -1;  // -1: the scanner's
    int view_mashing = 1;          // divides N/2
    int radial_bins = 0;           // 0: every radial position allowed by min_angle_difference
    int radial_trim = -1;          // >= 0: radial_bins = N - 1 - 2 radial_trim (radial_bins 0)
    std::string axis_order = "RVP";
    TofBinning tof;  // bins == 1: no TOF axis
};

struct SinogramBin {
    int radial = 0;  // index, 0-based
    int view = 0;    // sinogram (mashed) view
    int plane = 0;
    int tof = 0;
};

struct DetectorPair {
    int a = 0;  // crystal id of the LOR's first end (p1)
    int b = 0;  // crystal id of its second end (p2)
};

struct Segment {
    int number = 0;  // 0, -1, +1, ...
    int min_ring_difference = 0;
    int max_ring_difference = 0;
    int first_plane = 0;  // index of its first plane
    int planes = 0;
};

struct Plane {
    int segment = 0;     // index into segments()
    int axial = 0;       // axial position within its segment
    int first_pair = 0;  // its ring pairs: ring_pairs()[first_pair, first_pair + pairs)
    int pairs = 0;
};

struct RingPair {
    int r1 = 0;  // ring of p1
    int r2 = 0;  // ring of p2
};

class SinogramDescriptor {
  public:
    // Throws InvalidArgument naming the field, its value and the expected range.
    SinogramDescriptor(const ScannerGeometry& scanner, const SinogramSpec& spec);

    const ScannerGeometry& scanner() const { return scanner_; }
    const SinogramSpec& spec() const { return spec_; }

    int radial_bins() const { return radial_bins_; }
    int views() const { return views_; }
    int planes() const { return static_cast<int>(planes_.size()); }
    int tof_bins() const { return spec_.tof.bins; }
    bool has_tof_axis() const { return tof_axis_ >= 0; }
    int min_tangential() const { return t_min_; }  // t of radial bin 0
    int uncompressed_views() const { return scanner_.detectors_per_ring / 2; }

    int64_t spatial_bins() const { return static_cast<int64_t>(radial_bins_) * views_ * planes(); }
    int64_t bins() const { return spatial_bins() * tof_bins(); }
    // Fastest axis first, named "radial", "view", "plane", "tof".
    OperatorShape shape() const;
    // The shape of the sub-sinogram holding only `view_count` views (an OSEM subset).
    OperatorShape shape(int view_count) const;

    const std::vector<Segment>& segments() const { return segments_; }
    const std::vector<Plane>& plane_table() const { return planes_; }
    const std::vector<RingPair>& ring_pairs() const { return ring_pairs_; }
    // Plane holding ring pair (r1, r2) in that orientation, or -1 (beyond the MRD).
    int plane_of_rings(int r1, int r2) const;

    // Memory offset of a bin, in the axis order (views counted in the full sinogram).
    int64_t offset(const SinogramBin& bin) const;
    SinogramBin bin_at(int64_t offset) const;

    // The uncompressed in-ring pair of (uncompressed view, t): crystals in ring.
    void in_ring_pair(int uncompressed_view, int t, int& a, int& b) const;

    // Every detector pair that adds into `bin` (views mashed, planes compressed), each oriented
    // as the bin (a at p1). For an uncompressed sinogram, exactly one.
    std::vector<DetectorPair> contributing_pairs(const SinogramBin& bin) const;

    // The bin a detector pair lands in (tof ignored, set to 0). False when the pair is not in
    // the sinogram (same ring position, radial position trimmed, ring difference beyond the
    // MRD). `swapped` is set when the bin's p1 is crystal b: a TOF bin measured from a toward b
    // then counts from the other end (tof_binning.h).
    bool bin_of_pair(int crystal_a, int crystal_b, SinogramBin& bin, bool& swapped) const;

    // The bin of the LOR whose ends lie at the crystal centres nearest to p1 and p2 (LPS world,
    // mm), each within `tolerance_mm`; false when an end is further from every crystal or the
    // pair is not in the sinogram. `swapped` as for bin_of_pair.
    bool bin_of_lor(const Vec3& p1, const Vec3& p2, SinogramBin& bin, bool& swapped,
                    double tolerance_mm = 1.0) const;

    // The bin's LOR in the LPS world, mm: for an uncompressed bin its two crystal centres; for
    // a mashed or compressed bin the mean of its contributing pairs' endpoints.
    void lor_endpoints(const SinogramBin& bin, Vec3& p1, Vec3& p2) const;

    // The TOF bin whose centre lies nearest to `point_lps` along the LOR from p1 to p2 (the
    // point's projection onto the LOR), or -1 when it lies beyond the outer bins' edges.
    int tof_bin_of_point(const Vec3& p1, const Vec3& p2, const Vec3& point_lps) const;

    // LOR endpoints of every spatial bin, x y z per bin, float mm in the LPS world, in the
    // spatial memory order (the axis order without T) of the sinogram restricted to `views`
    // (in the given order): this is what the projectors take, one LOR per spatial bin. p1 and
    // p2 must each hold 3 x radial_bins x views.size() x planes floats.
    void fill_lor_endpoints(const std::vector<int>& views, float* p1, float* p2) const;
    void fill_lor_endpoints(float* p1, float* p2) const;  // all views

    std::string description() const;  // "415 radial x 272 views x 1296 planes, span 1, MRD 35"

    // The same sinogram without its TOF axis (the same LORs in the same order): what depends on
    // the LOR alone, such as attenuation, is computed there.
    SinogramDescriptor without_tof() const;

  private:
    int64_t spatial_offset(int radial, int view_pos, int plane, int view_count) const;

    ScannerGeometry scanner_;
    SinogramSpec spec_;
    int radial_bins_ = 0;
    int t_min_ = 0;
    int views_ = 0;
    int tof_axis_ = -1;                 // 0: slowest, 1: fastest, -1: none
    int spatial_order_[3] = {0, 1, 2};  // spatial axes slowest first: 0 radial, 1 view, 2 plane
    std::vector<Segment> segments_;
    std::vector<Plane> planes_;
    std::vector<RingPair> ring_pairs_;
    std::vector<int> ring_pair_plane_;  // [r1 * rings + r2]
};

// View mashing and axial compression as a map, for building them as operators: for every bin
// of `full` (an uncompressed sinogram: span 1, no mashing), the offset in `compressed` of the bin
// it adds into, or -1 when `compressed` leaves it out (beyond its MRD or radial range). The
// compression operator is y[map[i]] += x[i]; its adjoint x[i] = y[map[i]]. Both must describe the
// same scanner and the same TOF bins; offsets follow each one's axis order. Throws
// InvalidArgument otherwise.
std::vector<int64_t> compression_map(const SinogramDescriptor& full,
                                     const SinogramDescriptor& compressed);

}  // namespace radon::pet
