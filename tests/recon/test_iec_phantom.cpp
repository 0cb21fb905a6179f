// The IEC body-like phantom and the PET mu-maps against analytic values: sphere volumes and the
// total activity from the voxelised image, region values, and mu at 511 keV along lines.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/physics/pet_attenuation.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "recon/phantom/iec_body_phantom.h"
#include "recon/phantom/pet_mu_map.h"
#include "tests/common/row_integral_operator.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using namespace radon::recon;
using radon::test::invalid_argument_message;

namespace {

float value_at(const Volume& v, Vec3 world) {
    const Vec3 idx = v.grid.world_to_index(world);
    const int64_t i = std::lround(idx.x), j = std::lround(idx.y), k = std::lround(idx.z);
    return v.voxels[i + v.grid.size[0] * (j + v.grid.size[1] * k)];
}

// Sum of (value - background) x voxel volume over the voxels within `radius` + 3 voxels of `c`.
double excess_in_ball(const Volume& v, Vec3 c, double radius, double background) {
    const Vec3 s = v.grid.spacing;
    const double margin = radius + 3 * std::max({s.x, s.y, s.z});
    double sum = 0;
    for (int64_t k = 0; k < v.grid.size[2]; ++k)
        for (int64_t j = 0; j < v.grid.size[1]; ++j)
            for (int64_t i = 0; i < v.grid.size[0]; ++i) {
                const Vec3 p = v.grid.index_to_world({double(i), double(j), double(k)});
                if (norm(p - c) > margin) continue;
                sum += v.voxels[i + v.grid.size[0] * (j + v.grid.size[1] * k)] - background;
            }
    return sum * s.x * s.y * s.z;
}

}  // namespace

class TestIecPhantom : public QObject {
    Q_OBJECT

  private slots:
    // Each sphere's activity above background, divided by its excess concentration, is its
    // volume. Lines 0.5 mm apart (2 mm voxels, supersampling 4) measure each chord exactly
    // and the cross-section by the midpoint rule: within 1 % for the 10 mm sphere, 0.3 % from
    // 22 mm up (the error falls with the sphere's size; measured values are printed).
    void sphereVolumes() {
        const IecBodyPhantom phantom;  // contrast 4, background 1
        const VolumeGrid grid = centered_grid({160, 120, 60}, {2, 2, 2});
        // The spheres (z = 27 +- 18.5) lie inside this grid's z range [-60, 60].
        const Volume activity = phantom.voxelize_activity(grid, 4);
        QCOMPARE(phantom.spheres().size(), std::size_t(6));
        for (const IecSphere& s : phantom.spheres()) {
            const double want = IecBodyPhantom::sphere_volume_mm3(s.diameter_mm);
            const double got = excess_in_ball(activity, s.centre, s.diameter_mm / 2, 1.0) / 3.0;
            const double error = std::fabs(got - want) / want;
            qInfo("sphere %2.0f mm: %.2f mL voxelised, %.2f mL analytic (%.3f %%)", s.diameter_mm,
                  got / 1000, want / 1000, 100 * error);
            QVERIFY2(error < (s.diameter_mm >= 22 ? 0.003 : 0.01),
                     qPrintable(
                         QString("sphere %1 mm: %2 vs %3").arg(s.diameter_mm).arg(got).arg(want)));
            // The centre voxel holds the sphere's concentration: 4 x background.
            QCOMPARE(value_at(activity, s.centre), 4.0f);
        }
        // Sphere centres: 57.2 mm from the axis, 60 degrees apart, 70 mm from the +z end.
        for (const IecSphere& s : phantom.spheres()) {
            QVERIFY(std::fabs(std::hypot(s.centre.x, s.centre.y) - 57.2) < 1e-9);
            QCOMPARE(s.centre.z, 27.0);
        }
        QCOMPARE(phantom.spheres()[0].diameter_mm, 37.0);
        QVERIFY(std::fabs(phantom.spheres()[0].centre.x + 57.2) < 1e-9);
    }

    // The whole phantom on a grid that holds it: the total activity is the analytic one; the
    // body is a prism, so its walls parallel to the lines are sampled by the midpoint rule across
    // 1 mm line spacing (4 mm voxels, supersampling 4): within 0.1 %.
    void totalActivity() {
        IecBodyPhantomSpec spec;
        spec.sphere_to_background = 8;
        spec.background_activity = 5.3;
        const IecBodyPhantom phantom(spec);
        const VolumeGrid grid = centered_grid({76, 58, 50}, {4, 4, 4});
        const Volume activity = phantom.voxelize_activity(grid, 4);
        double sum = 0;
        for (int64_t i = 0; i < activity.voxels.size(); ++i)
            sum += activity.voxels[i];
        sum *= 64;
        const double want = phantom.total_activity();
        qInfo("total activity %.6g voxelised, %.6g analytic (%.4f %%)", sum, want,
              100 * std::fabs(sum - want) / want);
        QVERIFY(std::fabs(sum - want) < 1e-3 * want);
        // Regions: background, the cold lung insert, air outside.
        QCOMPARE(value_at(activity, {0, 100, -60}), 5.3f);
        QCOMPARE(value_at(activity, {0, 0, 0}), 0.0f);
        QCOMPARE(value_at(activity, {140, 100, 0}), 0.0f);
        QCOMPARE(value_at(activity, {0, 0, 99}), 0.0f);
        // The body's analytic volume from its drawing: 9.7 L of water plus a 0.38 L insert.
        QVERIFY(std::fabs(IecBodyPhantom::body_volume_mm3() - 10.4830e6) < 0.001e6);
    }

    // The mu-map at 511 keV: water 0.0096 /mm, lung (-700 HU) 0.00288 /mm, air 0; along x
    // through the insert's axis (y = 0, z = 0) the line integral is water over the body's chord
    // 2 sqrt(147^2 - 35^2) less the insert's 50 mm, plus lung over 50 mm.
    void iecMuMap() {
        const IecBodyPhantom phantom;
        const VolumeGrid grid = centered_grid({151, 115, 3}, {2, 2, 2});
        const Volume mu = iec_mu_map_511(phantom, grid, 4);
        QVERIFY(mu.unit == VoxelUnit::AttenuationPerMm);
        QVERIFY(std::fabs(value_at(mu, {0, 80, 0}) - 0.0096f) < 1e-7);
        QVERIFY(std::fabs(value_at(mu, {0, 0, 0}) - 0.00288f) < 1e-7);
        QCOMPARE(value_at(mu, {148, 100, 0}), 0.0f);
        const test::RowIntegralOperator rows(grid.size, 2.0);
        std::vector<float> m(mu.voxels.host_data(), mu.voxels.host_data() + mu.voxels.size());
        const std::vector<float> factors = attenuation_factors(rows, m);
        const double chord = 2 * std::sqrt(147.0 * 147.0 - 35.0 * 35.0);
        const double integral = 0.0096 * (chord - 50) + 0.00288 * 50;
        const double got = -std::log(factors[57 + 115 * 1]);  // row y = 0, z = 0
        qInfo("IEC line integral through the insert: %.5f, analytic %.5f", got, integral);
        // The row averages the outline over its 2 mm cell: the chord changes by < 0.01 mm.
        QVERIFY(std::fabs(got - integral) < 0.0096 * 0.05);
    }

    // The thorax's mu-map derives from its HU by the same bilinear model: lung (-850 HU),
    // heart (45 HU, above the break point: bone line) and air, at points deep inside each.
    void thoraxMuMap() {
        const VolumeGrid grid = centered_grid({60, 44, 56}, {6, 6, 6});
        const Volume mu = thorax_mu_map_511(grid, 2);
        const Volume hu = thorax_phantom().voxelize_hu(grid, 2);
        const AttenuationModel model = pet_attenuation_model();
        for (const Vec3 p : {Vec3{-72, 8, 15}, Vec3{16, -36, -58}, Vec3{0, 50, 152.5}}) {
            QCOMPARE(value_at(mu, p), hu_to_attenuation(value_at(hu, p), model));
        }
        QVERIFY(std::fabs(value_at(mu, {-72, 8, 15}) - 0.0096 * 0.15) < 2e-6);
        const double slope = (0.0172 - 0.0096) / bilinear_bone_anchor_hu();
        QVERIFY(std::fabs(value_at(mu, {16, -36, -58}) - (0.0096 + 45 * slope)) < 2e-6);
        QCOMPARE(value_at(mu, {-170, -130, 0}), 0.0f);
    }

    void badSpecIsNamed() {
        IecBodyPhantomSpec spec;
        spec.sphere_to_background = 0;
        QVERIFY(invalid_argument_message([&] {
                    IecBodyPhantom p(spec);
                }).contains("sphere-to-background ratio"));
        spec = {};
        spec.lung_hu = 100;
        QVERIFY(invalid_argument_message([&] { IecBodyPhantom p(spec); }).contains("[-1000, 0]"));
        const IecBodyPhantom p;
        QVERIFY(invalid_argument_message([&] {
                    p.voxelize_activity(centered_grid({4, 4, 4}, {1, 1, 1}), 0);
                }).contains("supersampling"));
    }
};

RADON_TEST_CLASS(TestIecPhantom);
#include "test_iec_phantom.moc"
