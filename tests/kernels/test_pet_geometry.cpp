#include <QObject>
#include <QString>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/pet/scanner_geometry.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using radon::test::invalid_argument_message;

using namespace radon;
using namespace radon::pet;

namespace {

constexpr double kTestPi = 3.14159265358979323846;
// Positions are built from sines and cosines of radii of a few hundred mm: 1e-9 mm is ~1e4 ulps,
// far below any error a wrong sign, index or axis would make.
constexpr double kMm = 1e-9;

// A cylinder (one crystal per polygon side): 32 crystals per ring at 105 mm, 5 rings 4 mm apart.
RegularPolygonSpec demo_spec() {
    RegularPolygonSpec s;
    s.name = "test cylinder";
    s.inner_radius_mm = 100;
    s.average_doi_mm = 5;
    s.sides = 32;
    s.crystals_per_side = 1;
    s.crystal_pitch_mm = 8;
    s.rings = 5;
    s.ring_spacing_mm = 4;
    return s;
}

// The documented azimuth of in-ring crystal i of an N-crystal cylinder whose crystal 0 lies at
// -90 degrees (anterior), turning from +x toward +y: written here from docs/CONVENTIONS.md, not
// taken from the geometry code.
Vec3 documented_position(int i, int n, double radius, double z) {
    const double phi = -kTestPi / 2 + 2 * kTestPi * i / n;
    return {radius * std::cos(phi), radius * std::sin(phi), z};
}

double distance_to_line(Vec3 p, Vec3 a, Vec3 b) {
    const Vec3 u = normalized(b - a);
    const Vec3 d = p - a;
    return norm(d - dot(d, u) * u);
}

// STIR's segment and plane counts, from its published definitions (ProjDataInfo: segment 0 holds
// ring differences [-(S-1)/2, (S-1)/2], segment k those from k S - (S-1)/2 to k S + (S-1)/2 up to
// the MRD; a segment of one ring difference d has rings - |d| axial positions, one of several has
// 2 rings - 1 - 2 min|d|).
std::vector<int> stir_planes_per_segment(int rings, int span, int mrd) {
    std::vector<int> planes;
    const int half = (span - 1) / 2;
    for (int k = 0;; ++k) {
        const int lo = k * span - half, hi = std::min(k * span + half, mrd);
        if (k > 0 && lo > mrd) break;
        int count;
        if (span == 1 || lo == hi)
            count = rings - std::abs(lo);
        else
            count = 2 * rings - 1 - 2 * std::max(lo, 0);
        planes.push_back(count);
        if (k > 0) planes.push_back(count);  // segment -k
    }
    return planes;
}

}  // namespace

class TestPetGeometry : public QObject {
    Q_OBJECT

  private slots:
    // ---------------------------------------------------------------- Scanners

    void cylinder_crystals_sit_where_documented() {
        const ScannerGeometry g = make_scanner(demo_spec());
        QCOMPARE(g.detectors_per_ring, 32);
        QCOMPARE(g.rings, 5);
        QCOMPARE(g.crystal_count(), 160);
        // Rings 4 mm apart, centred on z = 0, increasing toward superior.
        for (int r = 0; r < 5; ++r)
            QVERIFY(std::fabs(g.ring_z_mm[static_cast<std::size_t>(r)] - (r - 2) * 4.0) < kMm);
        for (int r = 0; r < 5; ++r)
            for (int i = 0; i < 32; ++i) {
                const Crystal& c = g.crystals[static_cast<std::size_t>(g.crystal_id(r, i))];
                const Vec3 expected = documented_position(i, 32, 105, (r - 2) * 4.0);
                QVERIFY2(norm(c.centre - expected) < kMm,
                         qPrintable(QString("ring %1 crystal %2").arg(r).arg(i)));
                // The normal points to the axis; transaxial turns with the crystal numbers.
                const Vec3 to_axis = normalized(Vec3{-c.centre.x, -c.centre.y, 0});
                QVERIFY(norm(c.normal - to_axis) < kMm);
                const Vec3 next =
                    documented_position(i + 1, 32, 105, 0) - documented_position(i, 32, 105, 0);
                QVERIFY(dot(c.transaxial, next) > 0);
                QVERIFY(std::fabs(dot(c.transaxial, c.normal)) < kMm);
                QVERIFY(norm(c.axial - Vec3{0, 0, 1}) < kMm);
            }
        // Crystal 0 anterior (-y), crystal N/4 at the patient's left (+x).
        QVERIFY(g.crystals[0].centre.y < -104.9);
        QVERIFY(g.crystals[8].centre.x > 104.9);
    }

    void isocentre_places_the_scanner_in_lps() {
        RegularPolygonSpec s = demo_spec();
        s.isocentre_lps = {10, -20, 300};
        const ScannerGeometry g = make_scanner(s);
        const Vec3 w = g.world_centre(g.crystal_id(2, 0));
        QVERIFY(norm(w - (documented_position(0, 32, 105, 0) + Vec3{10, -20, 300})) < kMm);
    }

    void polygon_faces_are_flat_at_radius_plus_doi() {
        RegularPolygonSpec s = demo_spec();
        s.sides = 8;
        s.crystals_per_side = 4;
        s.crystal_pitch_mm = 20;
        const ScannerGeometry g = make_scanner(s);
        QCOMPARE(g.detectors_per_ring, 32);
        // Every crystal's distance from the axis along its normal is the face distance, and the
        // four crystals of a side share a normal, 20 mm apart along the side.
        for (int i = 0; i < 32; ++i) {
            const Crystal& c = g.crystals[static_cast<std::size_t>(i)];
            QVERIFY(std::fabs(dot(Vec3{c.centre.x, c.centre.y, 0}, -1.0 * c.normal) - 105) < kMm);
            if (i % 4 != 0) {
                const Crystal& prev = g.crystals[static_cast<std::size_t>(i - 1)];
                QVERIFY(norm(c.normal - prev.normal) < kMm);
                QVERIFY(std::fabs(norm(c.centre - prev.centre) - 20) < kMm);
            }
        }
        // Crystal 0 is turned to azimuth -90 degrees.
        QVERIFY(std::fabs(std::atan2(g.crystals[0].centre.y, g.crystals[0].centre.x) +
                          kTestPi / 2) < 1e-12);
    }

    void block_scanner_gaps_and_virtual_crystals() {
        BlockScannerSpec s;
        s.name = "test blocks";
        s.radius_mm = 200;
        s.average_doi_mm = 10;
        s.detectors_per_ring = 48;
        s.rings = 8;
        s.crystal_size_transaxial_mm = 4;
        s.crystal_size_axial_mm = 4;
        s.crystal_depth_mm = 20;
        s.crystal_pitch_transaxial_mm = 4.5;
        s.crystal_pitch_axial_mm = 5;
        s.crystals_per_block_transaxial = 4;
        s.crystals_per_block_axial = 2;
        s.virtual_crystals_per_block_transaxial = 1;
        s.blocks_per_module_transaxial = 3;
        s.blocks_per_module_axial = 2;
        s.block_gap_transaxial_mm = 1;
        s.block_gap_axial_mm = 0.5;
        s.module_gap_axial_mm = 2;
        const ScannerGeometry g = make_scanner(s);
        QCOMPARE(g.crystal_count(), 48 * 8);
        // Axial steps: 5 within a block, 5.5 across a block gap, 7 across a module gap.
        const double steps[7] = {5, 5.5, 5, 7, 5, 5.5, 5};
        for (int r = 1; r < 8; ++r)
            QVERIFY(std::fabs(g.ring_z_mm[static_cast<std::size_t>(r)] -
                              g.ring_z_mm[static_cast<std::size_t>(r - 1)] - steps[r - 1]) < kMm);
        QVERIFY(std::fabs(g.ring_z_mm.front() + g.ring_z_mm.back()) < kMm);
        for (int i = 0; i < 48; ++i) {
            const Crystal& c = g.crystals[static_cast<std::size_t>(i)];
            QCOMPARE(c.is_virtual, i % 4 == 3);
            QVERIFY(std::fabs(dot(Vec3{c.centre.x, c.centre.y, 0}, -1.0 * c.normal) - 210) < kMm);
        }
        // Transaxial: 4.5 mm within a block, 4.5 + 1 across a block gap inside a module.
        QVERIFY(std::fabs(norm(g.crystals[1].centre - g.crystals[0].centre) - 4.5) < kMm);
        QVERIFY(std::fabs(norm(g.crystals[4].centre - g.crystals[3].centre) - 5.5) < kMm);
        // 48 crystals per ring: 4 modules of 3 blocks of 4; rings in axial blocks of 2. Crystals
        // of one module share its face (the same normal); the next module's face differs.
        for (int i = 0; i < g.crystal_count(); ++i) {
            const Crystal& c = g.crystals[static_cast<std::size_t>(i)];
            const int in_ring = g.crystal_in_ring_of(i);
            QCOMPARE(c.module, in_ring / 12);
            QCOMPARE(c.block, in_ring / 4);
            QCOMPARE(c.axial_block, g.ring_of(i) / 2);
            const Crystal& first = g.crystals[static_cast<std::size_t>(i - in_ring % 12)];
            QVERIFY(norm(c.normal - first.normal) < 1e-12);
        }
        QVERIFY(norm(g.crystals[12].normal - g.crystals[11].normal) > 0.1);
    }

    void scanner_fields_are_validated_with_their_range() {
        RegularPolygonSpec s = demo_spec();
        s.inner_radius_mm = -1;
        QString m = invalid_argument_message([&] { make_scanner(s); });
        QVERIFY2(m.contains("inner_radius_mm") && m.contains("-1") && m.contains("(0, 10000]"),
                 qPrintable(m));
        s = demo_spec();
        s.crystal_pitch_mm = 50;  // 32 faces of 50 mm do not fit at 105 mm
        m = invalid_argument_message([&] { make_scanner(s); });
        QVERIFY2(m.contains("overlap") && m.contains("crystal_pitch_mm"), qPrintable(m));
        s = demo_spec();
        s.max_ring_difference = 5;
        m = invalid_argument_message([&] { make_scanner(s); });
        QVERIFY2(m.contains("max_ring_difference") && m.contains("[-1, 4]"), qPrintable(m));
        s = demo_spec();
        s.ring_spacing_mm = std::nan("");
        m = invalid_argument_message([&] { make_scanner(s); });
        QVERIFY2(m.contains("ring_spacing_mm"), qPrintable(m));

        BlockScannerSpec b;
        b.name = "b";
        b.radius_mm = 300;
        b.detectors_per_ring = 100;
        b.rings = 4;
        b.crystal_size_transaxial_mm = b.crystal_size_axial_mm = 4;
        b.crystal_depth_mm = 20;
        b.crystal_pitch_transaxial_mm = b.crystal_pitch_axial_mm = 4;
        b.crystals_per_block_transaxial = 8;  // 100 is not a multiple of 8
        b.crystals_per_block_axial = 4;
        b.average_doi_mm = 7;
        m = invalid_argument_message([&] { make_scanner(b); });
        QVERIFY2(m.contains("detectors_per_ring") && m.contains("multiple of"), qPrintable(m));
        b.crystals_per_block_transaxial = 10;
        b.average_doi_mm = 25;
        m = invalid_argument_message([&] { make_scanner(b); });
        QVERIFY2(m.contains("average_doi_mm") && m.contains("[0, 20]"), qPrintable(m));
        b.average_doi_mm = 7;
        b.tof.bins = 0;
        m = invalid_argument_message([&] { make_scanner(b); });
        QVERIFY2(m.contains("tof.bins") && m.contains("[1, 10000]"), qPrintable(m));

        ExplicitScannerSpec e;
        e.name = "e";
        e.detectors_per_ring = 4;
        e.rings = 1;
        e.centres = {{1, 0, 0}, {0, 1, 0}, {-1, 0, 0}};
        m = invalid_argument_message([&] { make_scanner(e); });
        QVERIFY2(m.contains("3 crystal centres") && m.contains("= 4"), qPrintable(m));
    }

    void explicit_crystals_default_normals_point_to_axis() {
        const ScannerGeometry ref = make_scanner(demo_spec());
        ExplicitScannerSpec e;
        e.name = "copy";
        e.detectors_per_ring = ref.detectors_per_ring;
        e.rings = ref.rings;
        for (const Crystal& c : ref.crystals)
            e.centres.push_back(c.centre);
        const ScannerGeometry g = make_scanner(e);
        for (std::size_t i = 0; i < g.crystals.size(); ++i) {
            QVERIFY(norm(g.crystals[i].normal - ref.crystals[i].normal) < kMm);
            QVERIFY(norm(g.crystals[i].transaxial - ref.crystals[i].transaxial) < kMm);
        }
        QVERIFY(std::fabs(g.inner_radius_mm - 105) < kMm);
    }

    // ---------------------------------------------------------------- Sinogram conventions

    void view0_centre_bin_joins_0_and_half() {
        const ScannerGeometry g = make_scanner(demo_spec());
        const SinogramDescriptor d(g, {});
        const int n = 32;
        // t = 0 is radial bin -t_min.
        QCOMPARE(d.radial_bins(), n - 1);
        const int centre = -d.min_tangential();
        for (int r = 0; r < g.rings; ++r) {
            SinogramBin bin;
            bin.view = 0;
            bin.radial = centre;
            bin.plane = d.plane_of_rings(r, r);
            const auto pairs = d.contributing_pairs(bin);
            QCOMPARE(pairs.size(), std::size_t(1));
            QCOMPARE(pairs[0].a, g.crystal_id(r, 0));
            QCOMPARE(pairs[0].b, g.crystal_id(r, n / 2));
        }
    }

    void views_turn_with_crystal_numbers() {
        const ScannerGeometry g = make_scanner(demo_spec());
        const SinogramDescriptor d(g, {});
        const int n = 32;
        const int centre = -d.min_tangential();
        for (int v = 0; v < n / 2; ++v) {
            SinogramBin bin;
            bin.view = v;
            bin.radial = centre;
            bin.plane = d.plane_of_rings(0, 0);
            Vec3 p1, p2;
            d.lor_endpoints(bin, p1, p2);
            // p1 at the documented azimuth -90 + v 360/N; the LOR runs through the centre.
            QVERIFY(norm(p1 - documented_position(v, n, 105, g.ring_z_mm[0])) < kMm);
            QVERIFY(norm(p2 - documented_position(v + n / 2, n, 105, g.ring_z_mm[0])) < kMm);
            const double angle = std::atan2(p2.y - p1.y, p2.x - p1.x);
            // View 0 runs anterior -> posterior (+y); view v is turned by v 360/N from +x to +y.
            const double expected = kTestPi / 2 + 2 * kTestPi * v / n;
            QVERIFY2(std::fabs(std::remainder(angle - expected, 2 * kTestPi)) < 1e-12,
                     qPrintable(QString("view %1").arg(v)));
        }
        // Positive t moves view 0's LOR toward the patient's left (+x).
        SinogramBin bin;
        bin.view = 0;
        bin.plane = 0;
        bin.radial = centre + 2;
        Vec3 p1, p2;
        d.lor_endpoints(bin, p1, p2);
        QVERIFY(p1.x > 0 && p2.x > 0);
    }

    void bin_pair_round_trips_over_all_bins() {
        const ScannerGeometry g = make_scanner(demo_spec());
        struct Case {
            int span, mrd, mashing, radial;
        };
        const Case cases[] = {{1, -1, 1, 0}, {3, 3, 2, 25}, {5, 4, 4, 20}, {1, 2, 1, 24}};
        for (const Case& c : cases) {
            SinogramSpec spec;
            spec.span = c.span;
            spec.max_ring_difference = c.mrd;
            spec.view_mashing = c.mashing;
            spec.radial_bins = c.radial;
            const SinogramDescriptor d(g, spec);
            const QString label = QString::fromStdString(d.description());
            // bin -> pairs -> bin: every contributing pair lands back in the bin, unswapped, and
            // every pair belongs to exactly one bin.
            std::set<std::pair<int, int>> seen;
            int64_t pair_count = 0;
            for (int64_t off = 0; off < d.bins(); ++off) {
                const SinogramBin bin = d.bin_at(off);
                QCOMPARE(d.offset(bin), off);
                const auto pairs = d.contributing_pairs(bin);
                QCOMPARE(static_cast<int>(pairs.size()),
                         c.mashing * d.plane_table()[static_cast<std::size_t>(bin.plane)].pairs);
                for (const DetectorPair& p : pairs) {
                    SinogramBin back;
                    bool swapped = true;
                    QVERIFY2(d.bin_of_pair(p.a, p.b, back, swapped), qPrintable(label));
                    QVERIFY(!swapped);
                    QVERIFY2(back.radial == bin.radial && back.view == bin.view &&
                                 back.plane == bin.plane,
                             qPrintable(label));
                    QVERIFY(seen.insert({std::min(p.a, p.b), std::max(p.a, p.b)}).second);
                    ++pair_count;
                }
            }
            // pair -> bin -> pair: every unordered pair of crystals is in the sinogram exactly
            // when its ring difference and radial position are, and in the other order swapped.
            const int n = g.detectors_per_ring;
            int64_t expected_pairs = 0;
            for (int a = 0; a < g.crystal_count(); ++a)
                for (int b = 0; b < g.crystal_count(); ++b) {
                    SinogramBin bin;
                    bool swapped = false;
                    const bool in = d.bin_of_pair(a, b, bin, swapped);
                    const int ia = a % n, ib = b % n;
                    const int dist = std::min(std::abs(ia - ib), n - std::abs(ia - ib));
                    const int t_abs = n / 2 - dist;  // |t| from the in-ring distance
                    const int rd = std::abs(g.ring_of(a) - g.ring_of(b));
                    const int t_max = d.min_tangential() + d.radial_bins() - 1;
                    const bool plausible = ia != ib && rd <= d.spec().max_ring_difference &&
                                           t_abs <= std::max(-d.min_tangential(), t_max);
                    if (!plausible) QVERIFY(!in);
                    if (!in) continue;
                    if (a < b) ++expected_pairs;
                    const auto pairs = d.contributing_pairs(bin);
                    const DetectorPair want = swapped ? DetectorPair{b, a} : DetectorPair{a, b};
                    QVERIFY(std::any_of(pairs.begin(), pairs.end(), [&](const DetectorPair& p) {
                        return p.a == want.a && p.b == want.b;
                    }));
                    SinogramBin other;
                    bool other_swapped = false;
                    QVERIFY(d.bin_of_pair(b, a, other, other_swapped));
                    QCOMPARE(other_swapped, !swapped);
                    QVERIFY(other.radial == bin.radial && other.view == bin.view &&
                            other.plane == bin.plane);
                }
            QCOMPARE(expected_pairs, pair_count);
        }
    }

    void plane_counts_match_stir() {
        // The demo scanner and a 36-ring one (the DMI 4-ring's rings), several spans and MRDs.
        for (const int rings : {5, 36, 55}) {
            RegularPolygonSpec s = demo_spec();
            s.rings = rings;
            const ScannerGeometry g = make_scanner(s);
            for (const int span : {1, 3, 5, 7, 11}) {
                for (int mrd = (span - 1) / 2; mrd < rings; mrd += std::max(1, rings / 7)) {
                    SinogramSpec spec;
                    spec.span = span;
                    spec.max_ring_difference = mrd;
                    if (span > 2 * rings - 1) continue;
                    const SinogramDescriptor d(g, spec);
                    const std::vector<int> stir = stir_planes_per_segment(rings, span, mrd);
                    QCOMPARE(d.segments().size(), stir.size());
                    int total = 0;
                    for (std::size_t k = 0; k < stir.size(); ++k) {
                        QCOMPARE(d.segments()[k].planes, stir[k]);
                        total += stir[k];
                    }
                    QCOMPARE(d.planes(), total);
                }
            }
        }
        // Published totals: 36 rings span 1 MRD 35 is 36^2 = 1296 planes (the GE DMI 4-ring
        // benchmark sinogram); Siemens mCT span 11 MRD 49 is 621 planes (its vendor sinogram
        // 400 x 168 x 621).
        RegularPolygonSpec s = demo_spec();
        s.rings = 36;
        QCOMPARE(SinogramDescriptor(make_scanner(s), {}).planes(), 1296);
        s.rings = 55;
        SinogramSpec mct;
        mct.span = 11;
        mct.max_ring_difference = 49;
        QCOMPARE(SinogramDescriptor(make_scanner(s), mct).planes(), 621);
        // Siemens mMR: 64 rings, span 11, MRD 60: 837 planes (its 344 x 252 x 837 sinogram).
        s.rings = 64;
        SinogramSpec mmr;
        mmr.span = 11;
        mmr.max_ring_difference = 60;
        QCOMPARE(SinogramDescriptor(make_scanner(s), mmr).planes(), 837);
    }

    void planes_map_to_ring_pairs_as_documented() {
        const ScannerGeometry g = make_scanner(demo_spec());
        SinogramSpec spec;
        spec.span = 3;
        const SinogramDescriptor d(g, spec);
        // Segments 0, -1, +1: ring differences [-1, 1], [-4, -2], [2, 4].
        QCOMPARE(d.segments().size(), std::size_t(3));
        QCOMPARE(d.segments()[1].number, -1);
        QCOMPARE(d.segments()[1].min_ring_difference, -4);
        QCOMPARE(d.segments()[2].max_ring_difference, 4);
        // Plane = first plane of the segment + (r1 + r2 - min|d|) / step.
        for (int r1 = 0; r1 < 5; ++r1)
            for (int r2 = 0; r2 < 5; ++r2) {
                const int diff = r2 - r1;
                const int seg = std::abs(diff) <= 1 ? 0 : (diff < 0 ? 1 : 2);
                const int min_abs = seg == 0 ? 0 : 2;
                const int expected =
                    d.segments()[static_cast<std::size_t>(seg)].first_plane + (r1 + r2 - min_abs);
                QCOMPARE(d.plane_of_rings(r1, r2), expected);
            }
    }

    void off_centre_point_lands_in_predicted_bin() {
        const ScannerGeometry g = make_scanner(demo_spec());
        const SinogramDescriptor d(g, {});
        const int n = 32;
        // A point on the documented LOR of (view 5, t = 7) between rings 1 and 3, 0.3 of the way
        // from p1 (a third would also lie on the LOR from ring 2 to ring 1 of the same view and
        // t): every other bin's LOR passes at least 0.01 mm from it.
        const int view = 5, t = 7, r1 = 1, r2 = 3;
        const int a = view + (t >> 1), b = view - ((t + 1) >> 1) + n / 2;
        const Vec3 e1 = documented_position(a, n, 105, g.ring_z_mm[r1]);
        const Vec3 e2 = documented_position(b, n, 105, g.ring_z_mm[r2]);
        const Vec3 point = e1 + 0.3 * (e2 - e1);
        QVERIFY(std::hypot(point.x, point.y) > 30);  // off centre
        double best = 1e30, second = 1e30;
        SinogramBin best_bin;
        for (int64_t off = 0; off < d.bins(); ++off) {
            const SinogramBin bin = d.bin_at(off);
            Vec3 p1, p2;
            d.lor_endpoints(bin, p1, p2);
            const double dist = distance_to_line(point, p1, p2);
            if (dist < best) {
                second = best;
                best = dist;
                best_bin = bin;
            } else {
                second = std::min(second, dist);
            }
        }
        QVERIFY(best < 1e-9);
        QVERIFY(second > 0.01);
        QCOMPARE(best_bin.view, view);
        QCOMPARE(best_bin.radial, t - d.min_tangential());
        QCOMPARE(best_bin.plane, d.plane_of_rings(r1, r2));
        // Ring 3 minus ring 1 is +2: segment +2 of span 1, stored after 0, -1, +1, -2.
        QCOMPARE(d.plane_table()[static_cast<std::size_t>(best_bin.plane)].segment, 4);
    }

    void tof_point_lands_in_bin_toward_p2() {
        const ScannerGeometry g = make_scanner(demo_spec());
        SinogramSpec spec;
        spec.tof.bins = 11;
        spec.tof.bin_width_mm = 12;
        spec.tof.fwhm_mm = 30;
        const SinogramDescriptor d(g, spec);
        SinogramBin bin;
        bin.view = 3;
        bin.radial = 20;
        bin.plane = 2;
        Vec3 p1, p2;
        d.lor_endpoints(bin, p1, p2);
        const Vec3 u = normalized(p2 - p1);
        const Vec3 mid = 0.5 * (p1 + p2);
        // +2 bin widths toward p2: the centre bin (5) + 2; toward p1: 5 - 2.
        QCOMPARE(d.tof_bin_of_point(p1, p2, mid + 24.0 * u), 7);
        QCOMPARE(d.tof_bin_of_point(p1, p2, mid - 24.0 * u), 3);
        QVERIFY(std::fabs(tof_bin_centre_mm(spec.tof, 7) - 24) < 1e-5);
        // Just inside / beyond the outer edge (5.5 bin widths).
        QCOMPARE(d.tof_bin_of_point(p1, p2, mid + 65.0 * u), 10);
        QCOMPARE(d.tof_bin_of_point(p1, p2, mid + 67.0 * u), -1);
        // Seen from the other end (the pair given as (b, a)) the same point is mirrored.
        QCOMPARE(d.tof_bin_of_point(p2, p1, mid + 24.0 * u), 3);
        // A positive offset shifts every bin centre toward p2.
        SinogramSpec shifted = spec;
        shifted.tof.centre_offset_mm = 12;
        const SinogramDescriptor ds(g, shifted);
        QCOMPARE(ds.tof_bin_of_point(p1, p2, mid + 24.0 * u), 6);
    }

    void every_axis_order_fills_lors_in_memory_order() {
        const ScannerGeometry g = make_scanner(demo_spec());
        const char* orders[] = {"RVP", "RPV", "VRP", "VPR", "PRV", "PVR"};
        for (const char* o : orders)
            for (const int tof_bins : {1, 3}) {
                for (const bool tof_first : {false, true}) {
                    if (tof_bins == 1 && tof_first) continue;
                    SinogramSpec spec;
                    spec.span = 3;
                    spec.view_mashing = 2;
                    spec.axis_order = (tof_first ? "T" : "") + std::string(o);
                    spec.tof.bins = tof_bins;
                    spec.tof.bin_width_mm = 10;
                    spec.tof.fwhm_mm = tof_bins > 1 ? 25 : 0;
                    const SinogramDescriptor d(g, spec);
                    // The shape names the axes fastest first.
                    const OperatorShape shape = d.shape();
                    QCOMPARE(shape.size(), d.bins());
                    const std::string fastest = shape.axis_names.front();
                    if (tof_bins > 1 && !tof_first)
                        QCOMPARE(fastest, std::string("tof"));
                    else
                        QCOMPARE(fastest, std::string(o[2] == 'R'   ? "radial"
                                                      : o[2] == 'V' ? "view"
                                                                    : "plane"));
                    // offset <-> bin, and the fill matches lor_endpoints at each bin's offset.
                    std::vector<float> p1(static_cast<std::size_t>(3 * d.spatial_bins()));
                    std::vector<float> p2(p1.size());
                    d.fill_lor_endpoints(p1.data(), p2.data());
                    for (int64_t off = 0; off < d.bins(); off += 7) {
                        const SinogramBin bin = d.bin_at(off);
                        QCOMPARE(d.offset(bin), off);
                        SinogramBin spatial = bin;
                        spatial.tof = 0;
                        const int64_t s = tof_first ? off % d.spatial_bins() : off / d.tof_bins();
                        Vec3 a, b;
                        d.lor_endpoints(spatial, a, b);
                        for (int c = 0; c < 3; ++c) {
                            QVERIFY(std::fabs(p1[static_cast<std::size_t>(3 * s + c)] - a[c]) <
                                    1e-4);
                            QVERIFY(std::fabs(p2[static_cast<std::size_t>(3 * s + c)] - b[c]) <
                                    1e-4);
                        }
                    }
                }
            }
    }

    void subset_fill_is_the_sinogram_of_those_views() {
        const ScannerGeometry g = make_scanner(demo_spec());
        SinogramSpec spec;
        spec.axis_order = "PVR";
        const SinogramDescriptor d(g, spec);
        const std::vector<int> views = {1, 5, 9, 13};
        const int64_t n = static_cast<int64_t>(d.radial_bins()) * 4 * d.planes();
        QCOMPARE(d.shape(4).size(), n);
        std::vector<float> p1(static_cast<std::size_t>(3 * n)), p2(p1.size());
        d.fill_lor_endpoints(views, p1.data(), p2.data());
        // PVR: radial fastest, then the subset's views, then planes.
        for (int plane = 0; plane < d.planes(); plane += 3)
            for (int vp = 0; vp < 4; ++vp)
                for (int r = 0; r < d.radial_bins(); r += 5) {
                    const int64_t s = (static_cast<int64_t>(plane) * 4 + vp) * d.radial_bins() + r;
                    SinogramBin bin;
                    bin.radial = r;
                    bin.view = views[static_cast<std::size_t>(vp)];
                    bin.plane = plane;
                    Vec3 a, b;
                    d.lor_endpoints(bin, a, b);
                    QVERIFY(std::fabs(p1[static_cast<std::size_t>(3 * s)] - a.x) < 1e-4);
                    QVERIFY(std::fabs(p2[static_cast<std::size_t>(3 * s + 2)] - b.z) < 1e-4);
                }
        const QString m =
            invalid_argument_message([&] { d.fill_lor_endpoints({16}, p1.data(), p2.data()); });
        QVERIFY2(m.contains("view 16") && m.contains("[0, 15]"), qPrintable(m));
    }

    void mashed_and_compressed_bins_use_the_mean_lor() {
        const ScannerGeometry g = make_scanner(demo_spec());
        SinogramSpec spec;
        spec.span = 3;
        spec.view_mashing = 2;
        const SinogramDescriptor d(g, spec);
        SinogramBin bin;
        bin.view = 1;
        bin.radial = 15;
        bin.plane = d.plane_of_rings(1, 2);
        const auto pairs = d.contributing_pairs(bin);
        // Views 2 and 3 (mashing 2) times the segment-0 ring pairs with r1 + r2 = 3: (1, 2) and
        // (2, 1).
        QCOMPARE(pairs.size(), std::size_t(4));
        Vec3 s1, s2;
        for (const DetectorPair& p : pairs) {
            s1 = s1 + g.world_centre(p.a);
            s2 = s2 + g.world_centre(p.b);
        }
        Vec3 p1, p2;
        d.lor_endpoints(bin, p1, p2);
        QVERIFY(norm(p1 - 0.25 * s1) < kMm && norm(p2 - 0.25 * s2) < kMm);
        // The plane's axial centre is the mean of its rings: z of ring 1.5.
        QVERIFY(std::fabs(0.5 * (p1.z + p2.z) - (1.5 - 2) * 4) < kMm);
    }

    void sinogram_settings_are_refused_with_their_range() {
        const ScannerGeometry g = make_scanner(demo_spec());
        auto message = [&](SinogramSpec spec) {
            return invalid_argument_message([&] { SinogramDescriptor d(g, spec); });
        };
        SinogramSpec s;
        s.span = 2;
        QString m = message(s);
        QVERIFY2(m.contains("span is 2") && m.contains("odd"), qPrintable(m));
        s = {};
        s.max_ring_difference = 5;
        m = message(s);
        QVERIFY2(m.contains("max_ring_difference is 5") && m.contains("[0, 4]"), qPrintable(m));
        s = {};
        s.span = 5;
        s.max_ring_difference = 1;
        m = message(s);
        QVERIFY2(m.contains("max_ring_difference is 1") && m.contains("[2, 4]"), qPrintable(m));
        s = {};
        s.view_mashing = 3;
        m = message(s);
        QVERIFY2(m.contains("view_mashing is 3") && m.contains("16"), qPrintable(m));
        s = {};
        s.tof.bins = 0;
        m = message(s);
        QVERIFY2(m.contains("tof.bins is 0"), qPrintable(m));
        s = {};
        s.radial_bins = 40;
        m = message(s);
        QVERIFY2(m.contains("radial_bins is 40") && m.contains("[1, 31]"), qPrintable(m));
        s = {};
        s.axis_order = "RVV";
        m = message(s);
        QVERIFY2(m.contains("axis_order is RVV") && m.contains("permutation"), qPrintable(m));
        s = {};
        s.tof.bins = 5;
        s.tof.bin_width_mm = 10;
        s.tof.fwhm_mm = 20;
        s.axis_order = "RTVP";
        m = message(s);
        QVERIFY2(m.contains("T first or last"), qPrintable(m));
        RegularPolygonSpec odd = demo_spec();
        odd.sides = 31;
        const ScannerGeometry go = make_scanner(odd);
        m = invalid_argument_message([&] { SinogramDescriptor d(go, {}); });
        QVERIFY2(m.contains("detectors_per_ring is 31") && m.contains("even"), qPrintable(m));
    }

    void min_angle_difference_limits_radial_bins() {
        RegularPolygonSpec s = demo_spec();
        s.min_angle_difference = 4;
        const SinogramDescriptor d(make_scanner(s), {});
        // In-ring distance N/2 - |t| >= 4: |t| <= 12, 25 radial positions.
        QCOMPARE(d.radial_bins(), 25);
        QCOMPARE(d.min_tangential(), -12);
    }

    void compression_map_sums_the_contributing_bins() {
        const ScannerGeometry g = make_scanner(demo_spec());
        SinogramSpec full_spec;
        full_spec.axis_order = "VRP";
        full_spec.tof.bins = 3;
        full_spec.tof.bin_width_mm = 20;
        full_spec.tof.fwhm_mm = 30;
        const SinogramDescriptor full(g, full_spec);
        SinogramSpec spec = full_spec;
        spec.span = 3;
        spec.max_ring_difference = 3;
        spec.view_mashing = 2;
        spec.radial_bins = 21;
        spec.axis_order = "TPVR";
        const SinogramDescriptor compressed(g, spec);
        const std::vector<int64_t> map = compression_map(full, compressed);
        QCOMPARE(static_cast<int64_t>(map.size()), full.bins());
        // Each compressed bin receives exactly its contributing pairs (per TOF bin), each from the
        // full bin of that pair.
        std::vector<int> received(static_cast<std::size_t>(compressed.bins()), 0);
        for (int64_t i = 0; i < full.bins(); ++i)
            if (map[static_cast<std::size_t>(i)] >= 0) {
                ++received[static_cast<std::size_t>(map[static_cast<std::size_t>(i)])];
                const SinogramBin src = full.bin_at(i);
                const SinogramBin dst = compressed.bin_at(map[static_cast<std::size_t>(i)]);
                QCOMPARE(dst.tof, src.tof);
                const DetectorPair p = full.contributing_pairs(src).front();
                const auto pairs = compressed.contributing_pairs(dst);
                QVERIFY(std::any_of(pairs.begin(), pairs.end(), [&](const DetectorPair& q) {
                    return q.a == p.a && q.b == p.b;
                }));
            }
        for (int64_t j = 0; j < compressed.bins(); ++j)
            QCOMPARE(received[static_cast<std::size_t>(j)],
                     static_cast<int>(compressed.contributing_pairs(compressed.bin_at(j)).size()));
        // Dropped: the ring difference 4 and the trimmed radial positions.
        SinogramSpec mashed_full = full_spec;
        mashed_full.view_mashing = 2;
        const QString m = invalid_argument_message(
            [&] { compression_map(SinogramDescriptor(g, mashed_full), compressed); });
        QVERIFY2(m.contains("view mashing 2") && m.contains("expected 1 and 1"), qPrintable(m));
    }

    void lor_endpoints_round_trip_to_their_bin() {
        RegularPolygonSpec spec = demo_spec();
        spec.isocentre_lps = {5, -7, 120};
        const ScannerGeometry g = make_scanner(spec);
        const SinogramDescriptor d(g, {});
        for (int64_t off = 0; off < d.bins(); ++off) {
            const SinogramBin bin = d.bin_at(off);
            Vec3 p1, p2;
            d.lor_endpoints(bin, p1, p2);
            SinogramBin back;
            bool swapped = true;
            QVERIFY(d.bin_of_lor(p1, p2, back, swapped));
            QVERIFY(!swapped);
            QCOMPARE(d.offset(back), off);
            // Reversed ends: the same bin, swapped; ends 0.4 mm off still find their crystals.
            const Vec3 nudge{0.2, -0.2, 0.2};
            QVERIFY(d.bin_of_lor(p2 + nudge, p1 - nudge, back, swapped));
            QVERIFY(swapped);
            QCOMPARE(d.offset(back), off);
        }
        SinogramBin bin;
        bool swapped = false;
        QVERIFY(!d.bin_of_lor({0, 0, 120}, {0, 105, 120}, bin, swapped));  // an end at the centre
    }
};

RADON_TEST_CLASS(TestPetGeometry);
#include "test_pet_geometry.moc"
