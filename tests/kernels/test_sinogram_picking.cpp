#include <QObject>
#include <QString>
#include <QtTest>

#include <cmath>
#include <set>
#include <tuple>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/pet/scanner_geometry.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "kernels/pet/sinogram_picking.h"
#include "kernels/pet/tof_binning.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using namespace radon::pet;

namespace {

constexpr double kPickPi = 3.14159265358979323846;

// A cylinder (one crystal per side) of 32 crystals per ring at 105 mm, 5 rings 4 mm apart, moved
// off the world origin so that a frame mix-up shows.
ScannerGeometry cylinder(const TofBinning& tof = {}) {
    RegularPolygonSpec s;
    s.name = "picking cylinder";
    s.inner_radius_mm = 100;
    s.average_doi_mm = 5;
    s.sides = 32;
    s.crystals_per_side = 1;
    s.crystal_pitch_mm = 8;
    s.rings = 5;
    s.ring_spacing_mm = 4;
    s.isocentre_lps = {12, -7, 30};
    s.tof = tof;
    return make_scanner(s);
}

// Azimuth (degrees, 0..360) of a transaxial direction.
double azimuth_deg(Vec3 d) {
    double a = std::atan2(d.y, d.x) * 180 / kPickPi;
    return a < 0 ? a + 360 : a;
}

double angle_difference_deg(double a, double b) {
    double d = std::fmod(std::fabs(a - b), 360.0);
    return std::min(d, 360 - d);
}

std::vector<SinogramBin> all_spatial_bins(const SinogramDescriptor& s) {
    std::vector<SinogramBin> bins;
    for (int p = 0; p < s.planes(); ++p)
        for (int v = 0; v < s.views(); ++v)
            for (int r = 0; r < s.radial_bins(); ++r)
                bins.push_back({r, v, p, 0});
    return bins;
}

}  // namespace

class TestSinogramPicking : public QObject {
    Q_OBJECT

  private slots:
    // An uncompressed bin is one crystal pair: its LOR runs between the two crystals' centres,
    // its direction and distance from the axis are those the documented conventions give from
    // the crystals' azimuths (docs/CONVENTIONS.md: view v, radial t joins crystals
    // v + floor(t/2) and v - floor((t+1)/2) + N/2; LOR direction at 90 + v 360/N degrees, half a
    // crystal step back for odd t; distance R sin(pi t / N) from the axis).
    void aBinIsItsCrystalPairsLor() {
        const ScannerGeometry scanner = cylinder();
        SinogramSpec spec;
        const SinogramDescriptor s(scanner, spec);
        const int n = scanner.detectors_per_ring;
        const double r = scanner.effective_radius_mm();
        for (const SinogramBin& bin : all_spatial_bins(s)) {
            const BinLor lor = describe_bin(s, bin);
            QCOMPARE(lor.pairs.size(), std::size_t(1));
            QVERIFY(norm(lor.p1 - scanner.world_centre(lor.pairs[0].a)) < 1e-9);
            QVERIFY(norm(lor.p2 - scanner.world_centre(lor.pairs[0].b)) < 1e-9);
            const int t = bin.radial + s.min_tangential();
            const double expected_direction =
                90 + bin.view * 360.0 / n - ((t % 2 != 0) ? 180.0 / n : 0.0);
            QVERIFY2(angle_difference_deg(azimuth_deg(lor.p2 - lor.p1), expected_direction) < 1e-7,
                     qPrintable(QString("view %1 t %2").arg(bin.view).arg(t)));
            QVERIFY(std::fabs(lor.radial_mm - r * std::sin(kPickPi * t / n)) < 1e-7);
            QCOMPARE(lor.view_angle_deg, bin.view * 360.0 / n);
            // The rings are those of the plane.
            const RingPair rp = s.ring_pairs()[static_cast<std::size_t>(
                s.plane_table()[static_cast<std::size_t>(bin.plane)].first_pair)];
            QCOMPARE(scanner.ring_of(lor.pairs[0].a), rp.r1);
            QCOMPARE(scanner.ring_of(lor.pairs[0].b), rp.r2);
            QVERIFY(!lor.has_tof);
        }
    }

    // A TOF bin's kernel: centred (bins - 1) / 2 bin widths from the middle bin, toward p2 for
    // bins above it, of sigma FWHM / (2 sqrt(2 ln 2)); the world centre lies on the LOR.
    void aTofBinsKernelLiesAlongItsLor() {
        TofBinning tof;
        tof.bins = 7;
        tof.bin_width_mm = 25;
        tof.fwhm_mm = 60;
        const ScannerGeometry scanner = cylinder(tof);
        SinogramSpec spec;
        spec.tof = tof;
        spec.axis_order = "RVPT";
        const SinogramDescriptor s(scanner, spec);
        for (int k = 0; k < tof.bins; ++k) {
            const BinLor lor = describe_bin(s, {5, 3, 2, k});
            QVERIFY(lor.has_tof);
            QVERIFY(std::fabs(lor.tof_centre_mm - (k - 3) * 25.0) < 1e-4);
            QVERIFY(std::fabs(lor.tof_sigma_mm - 60 / (2 * std::sqrt(2 * std::log(2.0)))) < 1e-4);
            const Vec3 mid = 0.5 * (lor.p1 + lor.p2);
            const Vec3 u = normalized(lor.p2 - lor.p1);
            QVERIFY(norm(lor.tof_centre - (mid + lor.tof_centre_mm * u)) < 1e-6);
            // The descriptor puts the kernel's centre in its own TOF bin.
            QCOMPARE(s.tof_bin_of_point(lor.p1, lor.p2, lor.tof_centre), k);
        }
    }

    // A crystal's fan, uncompressed (span 1, no mashing, an odd number of radial bins so that
    // the radial range is symmetric): exactly the partners the geometry allows, counted from the
    // crystal positions alone: every crystal in a ring within the maximum ring difference, not
    // at the same azimuth, whose chord passes within R sin(pi K / N) of the axis.
    void aCrystalsFanHoldsTheBinsGeometryPredicts() {
        const ScannerGeometry scanner = cylinder();
        SinogramSpec spec;
        spec.radial_bins = 17;  // t in [-8, 8]
        spec.max_ring_difference = 3;
        const SinogramDescriptor s(scanner, spec);
        const int n = scanner.detectors_per_ring;
        const double reach = scanner.effective_radius_mm() * std::sin(kPickPi * 8 / n) + 1e-6;
        for (const int crystal : {0, 7, 2 * n + 19, 4 * n + 31}) {
            const CrystalFan fan = crystal_fan(s, crystal);
            const Vec3 c = scanner.world_centre(crystal);
            int predicted = 0;
            for (int other = 0; other < scanner.crystal_count(); ++other) {
                if (std::abs(scanner.ring_of(other) - scanner.ring_of(crystal)) > 3) continue;
                const Vec3 o = scanner.world_centre(other);
                const Vec3 axis = scanner.isocentre_lps;
                const double dx = o.x - c.x, dy = o.y - c.y, length = std::hypot(dx, dy);
                if (length < 1e-6) continue;  // same azimuth
                const double distance =
                    std::fabs((c.x - axis.x) * dy - (c.y - axis.y) * dx) / length;
                if (distance <= reach) ++predicted;
            }
            QCOMPARE(static_cast<int>(fan.pairs.size()), predicted);
            QCOMPARE(static_cast<int>(fan.bins.size()), predicted);  // one pair per bin
            for (std::size_t i = 0; i < fan.pairs.size(); ++i) {
                const BinLor lor = describe_bin(s, fan.pair_bins[i]);
                QCOMPARE(lor.pairs.size(), std::size_t(1));
                QCOMPARE(lor.pairs[0].a, fan.pairs[i].a);
                QCOMPARE(lor.pairs[0].b, fan.pairs[i].b);
                // The crystal is one end of the bin's LOR.
                QVERIFY(std::min(norm(lor.p1 - c), norm(lor.p2 - c)) < 1e-9);
            }
        }
    }

    // Compressed (span 3, views mashed by 2): the fan's bins are exactly the bins whose
    // contributing pairs include the crystal, found by going through every bin of the sinogram.
    void aCompressedFanIsEveryBinTheCrystalAddsInto() {
        const ScannerGeometry scanner = cylinder();
        SinogramSpec spec;
        spec.span = 3;
        spec.view_mashing = 2;
        const SinogramDescriptor s(scanner, spec);
        for (const int crystal : {3, 32 * 2 + 10, 32 * 4 + 17}) {
            std::set<int64_t> expected;
            std::size_t expected_pairs = 0;
            for (const SinogramBin& bin : all_spatial_bins(s))
                for (const DetectorPair& p : s.contributing_pairs(bin))
                    if (p.a == crystal || p.b == crystal) {
                        expected.insert(s.offset(bin));
                        ++expected_pairs;
                    }
            const CrystalFan fan = crystal_fan(s, crystal);
            std::set<int64_t> got;
            for (const SinogramBin& bin : fan.bins)
                got.insert(s.offset(bin));
            QCOMPARE(got.size(), fan.bins.size());  // distinct
            QVERIFY(got == expected);
            QCOMPARE(fan.pairs.size(), expected_pairs);
        }
    }

    void outOfRangeIsNamed() {
        const SinogramDescriptor s(cylinder(), SinogramSpec{});
        QVERIFY(test::invalid_argument_message([&] {
                    describe_bin(s, {0, s.views(), 0, 0});
                }).contains("view"));
        QVERIFY(test::invalid_argument_message([&] { crystal_fan(s, -1); }).contains("crystal"));
    }
};

RADON_TEST_CLASS(TestSinogramPicking);
#include "test_sinogram_picking.moc"
