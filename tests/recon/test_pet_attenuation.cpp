// CT numbers to attenuation at 511 keV and attenuation factors exp(-int mu) against analytic
// values: the bilinear model's anchors, Carney et al.'s published 120 kVp transform, and a water
// cylinder's attenuation along chords (exp(-0.0096 * chord)), through a stand-in line-integral
// operator (sums along x rows).

#include <QtTest>

#include <cmath>
#include <memory>
#include <vector>

#include "kernels/physics/attenuation.h"
#include "kernels/physics/pet_attenuation.h"
#include "recon/attenuation_volume.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/row_integral_operator.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using namespace radon::recon;
using radon::test::invalid_argument_message;

namespace {

float mu511(float hu) {
    return hu_to_attenuation(hu, pet_attenuation_model());
}

}  // namespace

class TestPetAttenuation : public QObject {
    Q_OBJECT

  private slots:
    void bilinearModelAnchors() {
        QCOMPARE(mu511(-1000), 0.0f);
        QCOMPARE(mu511(-2000), 0.0f);  // padding below air is air
        QVERIFY(std::fabs(mu511(-500) - 0.0048) < 1e-7);
        QVERIFY(std::fabs(mu511(0) - 0.0096) < 1e-7);
        // Continuous at the break point, and the bone line reaches cortical bone at its CT number.
        QVERIFY(std::fabs(mu511(1e-3f) - mu511(0)) < 1e-7);
        const double anchor = bilinear_bone_anchor_hu();
        QVERIFY(std::fabs(mu511(float(anchor)) - 0.0172) < 1e-6);
        QVERIFY(std::fabs(mu511(800) - (0.0096 + 800 * (0.0172 - 0.0096) / anchor)) < 1e-7);
    }

    // An independent published transform: Carney et al., Med Phys 33 (2006) 976, for 120 kVp,
    // mu = 9.6e-5 (HU + 1000) /cm below 47 HU, 5.10e-5 (HU + 1000) + 4.71e-2 /cm above. The
    // soft-tissue side agrees exactly (below 0 HU; Carney breaks at 47 HU instead of 0); the bone
    // side within 5 % (bone mineral differs).
    void agreesWithCarney120kVp() {
        for (float hu : {-1000.0f, -800.0f, -300.0f, 0.0f}) {
            const double carney = 9.6e-5 * (hu + 1000) / 10;
            QVERIFY(std::fabs(mu511(hu) - carney) < 1e-7);
        }
        for (float hu : {300.0f, 700.0f, 1000.0f, 1500.0f}) {
            const double carney = (5.10e-5 * (hu + 1000) + 4.71e-2) / 10;
            QVERIFY2(
                std::fabs(mu511(hu) - carney) < 0.05 * carney,
                qPrintable(QString("%1 HU: %2 vs Carney %3").arg(hu).arg(mu511(hu)).arg(carney)));
        }
    }

    // A water cylinder (radius 100 mm along z, HU 0) voxelised with partial volume at 2 mm,
    // converted to mu at 511 keV. A row of voxels holds the cylinder averaged over its 2 mm cell
    // in y, so its line integral is 0.0096 times the chord averaged over [y - 1, y + 1] mm, in
    // closed form from the area of a circle's strip (A(t) = t sqrt(R^2 - t^2) + R^2 asin(t/R));
    // on the diameter that is 200 mm less 0.003 mm, so the factor is exp(-0.0096 * 200).
    // Error bound on the line integral: the supersampled edge voxels (8 samples per axis) miss
    // at most half a sample, 1/8 mm, at each end (0.25 mm), and 8 sample lines estimate the
    // cell's average chord within 0.05 mm at these rows: 0.30 mm x 0.0096/mm.
    void waterCylinderAttenuationFactors() {
        const double r = 100, dx = 2;
        // Odd counts put voxel centres (and so rows) on y = 0 and z = 0.
        const VolumeGrid grid = centered_grid({121, 101, 3}, {dx, dx, dx});
        const EllipsoidPhantom cylinder("water cylinder",
                                        {{{0, 0, 0}, {r, r, 1e6}, Mat3::identity(), 1.0, "water"}});
        const Volume hu = cylinder.voxelize_hu(grid, 8);
        const Array<float> mu_array = attenuation_from_hu(hu, pet_attenuation_model());
        const std::vector<float> mu(mu_array.host_data(), mu_array.host_data() + mu_array.size());
        const test::RowIntegralOperator rows(grid.size, dx);
        const std::vector<float> factors = attenuation_factors(rows, mu);
        QCOMPARE(factors.size(), std::size_t(101 * 3));
        const double bound = 0.30 * 0.0096;
        auto strip = [&](double t) {
            return t * std::sqrt(r * r - t * t) + r * r * std::asin(t / r);
        };
        auto row_of = [&](double y) { return int64_t(std::lround(y / dx)) + 50 + 101 * 1; };
        for (double y : {0.0, 60.0, 90.0}) {
            const double chord = (strip(y + dx / 2) - strip(y - dx / 2)) / dx;
            const double want = std::exp(-0.0096 * chord);
            const double got = factors[row_of(y)];
            qInfo("mean chord %.3f mm at y = %.0f mm: factor %.6f, analytic %.6f", chord, y, got,
                  want);
            QVERIFY2(std::fabs(std::log(got) - std::log(want)) < bound,
                     qPrintable(QString("y %1: %2 vs %3").arg(y).arg(got).arg(want)));
        }
        QVERIFY(std::fabs(factors[row_of(0)] - std::exp(-0.0096 * 200)) < 0.003 * std::exp(-1.92));
        // Where nothing attenuates the factor is 1.
        const float outside = attenuation_factors(rows, std::vector<float>(mu.size(), 0.0f))[0];
        QCOMPARE(outside, 1.0f);
    }

    void badMuMapIsNamed() {
        const test::RowIntegralOperator rows({4, 3, 2}, 1.0);
        QString m =
            invalid_argument_message([&] { attenuation_factors(rows, std::vector<float>(23)); });
        QVERIFY2(m.contains("23 voxels") && m.contains("4 x 3 x 2"), qPrintable(m));
        std::vector<float> mu(24, 0.01f);
        mu[5] = -0.01f;
        m = invalid_argument_message([&] { attenuation_factors(rows, mu); });
        QVERIFY2(m.contains("voxel 5"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestPetAttenuation);
#include "test_pet_attenuation.moc"
