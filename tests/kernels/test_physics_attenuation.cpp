// HU -> attenuation models against their formulas: NIST values at the tabulated energies, the
// log-log interpolation between them, the water-linear and bilinear lines, the air threshold.

#include <QtTest>

#include <cmath>
#include <random>
#include <vector>

#include "kernels/physics/attenuation.h"
#include "kernels/physics/nist_attenuation.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using radon::test::invalid_argument_message;

namespace {

// NIST SRD 126 (Hubbell and Seltzer), Table 4, mu/rho in cm^2/g: "Water, Liquid" and
// "Bone, Cortical (ICRU-44)", typed from the published table.
struct NistRow {
    double kev, water, bone;
};
const NistRow kNist[] = {{20, 0.8096, 4.001},   {30, 0.3756, 1.331},  {40, 0.2683, 0.6655},
                         {50, 0.2269, 0.4242},  {60, 0.2059, 0.3148}, {80, 0.1837, 0.2229},
                         {100, 0.1707, 0.1855}, {150, 0.1505, 0.1480}};

bool close(double a, double b, double relative) {
    return std::fabs(a - b) <= relative * std::fabs(b);
}

AttenuationModel model(const AttenuationSpec& spec) {
    return make_attenuation_model(spec, nullptr, 0, "test");
}

}  // namespace

class TestPhysicsAttenuation : public QObject {
    Q_OBJECT

  private slots:
    void nistValuesAtTabulatedEnergies() {
        for (const NistRow& row : kNist) {
            QVERIFY(close(water_mass_attenuation(row.kev), row.water, 1e-12));
            QVERIFY(close(cortical_bone_mass_attenuation(row.kev), row.bone, 1e-12));
            QVERIFY(close(water_attenuation_per_mm(row.kev), row.water / 10, 1e-12));
            QVERIFY(close(cortical_bone_attenuation_per_mm(row.kev), row.bone * 1.92 / 10, 1e-12));
        }
        // The default is water at 60 keV, as before the models existed.
        QVERIFY(close(water_attenuation_per_mm(60), kWaterAttenuation60keV, 1e-12));
    }

    // Between two table energies mu/rho is a power law: mu(E) = mu_a (E / E_a)^s, s fixed by
    // the two ends. Checked at the midpoints (geometric and arithmetic) of every interval.
    void logLogInterpolation() {
        const int n = sizeof(kNist) / sizeof(kNist[0]);
        for (int i = 0; i + 1 < n; ++i) {
            const NistRow &a = kNist[i], &b = kNist[i + 1];
            for (double e : {std::sqrt(a.kev * b.kev), 0.5 * (a.kev + b.kev), a.kev + 0.1}) {
                const double sw = std::log(b.water / a.water) / std::log(b.kev / a.kev);
                const double sb = std::log(b.bone / a.bone) / std::log(b.kev / a.kev);
                QVERIFY(close(water_mass_attenuation(e), a.water * std::pow(e / a.kev, sw), 1e-12));
                QVERIFY(close(cortical_bone_mass_attenuation(e), a.bone * std::pow(e / a.kev, sb),
                              1e-12));
            }
            // The geometric midpoint of a power law is the geometric mean of the ends.
            const double mid = std::sqrt(a.kev * b.kev);
            QVERIFY(close(water_mass_attenuation(mid), std::sqrt(a.water * b.water), 1e-12));
        }
    }

    void energiesOutsideTheTableAreRefused() {
        for (double e : {19.99, 150.01, 0.0, -60.0, std::nan(""), HUGE_VAL}) {
            const QString m = invalid_argument_message([&] { water_mass_attenuation(e); });
            QVERIFY2(m.contains("[20, 150] keV"), qPrintable(m));
        }
        AttenuationSpec spec;
        spec.energy_kev = 10;
        QVERIFY(invalid_argument_message([&] { validate(spec); }).contains("effective energy"));
    }

    void waterLinearFormula() {
        for (double e : {20.0, 60.0, 80.0, 150.0}) {
            AttenuationSpec spec;
            spec.energy_kev = e;
            const AttenuationModel m = model(spec);
            const double mw = water_mass_attenuation(e) / 10;
            QVERIFY(close(m.mu_water, mw, 1e-7));
            for (float hu : {-1000.0f, -999.0f, -500.0f, 0.0f, 40.0f, 1000.0f, 3000.0f}) {
                const double want = std::max(0.0, mw * (1 + hu / 1000.0));
                QVERIFY2(std::fabs(hu_to_attenuation(hu, m) - want) <= 1e-6 * mw,
                         qPrintable(QString("%1 keV, %2 HU").arg(e).arg(hu)));
            }
            // Below air: air, never negative attenuation.
            for (float hu : {-1001.0f, -1024.0f, -3024.0f, -1e6f})
                QCOMPARE(hu_to_attenuation(hu, m), 0.0f);
        }
        // --mu-water replaces the tabulated value.
        AttenuationSpec spec;
        spec.mu_water = 0.05;
        const AttenuationModel m = model(spec);
        QVERIFY(close(hu_to_attenuation(500.0f, m), 0.05 * 1.5, 1e-6));
    }

    void bilinearFormula() {
        // Cortical bone's CT number on a 70 keV CT, from the NIST values (log-log at 70 keV).
        const double t = std::log(70.0 / 60.0) / std::log(80.0 / 60.0);
        const double w70 = 0.2059 * std::pow(0.1837 / 0.2059, t);
        const double b70 = 0.3148 * std::pow(0.2229 / 0.3148, t);
        const double anchor = 1000 * (1.92 * b70 / w70 - 1);
        QVERIFY(close(bilinear_bone_anchor_hu(), anchor, 1e-9));
        QVERIFY(anchor > 1590 && anchor < 1600);  // about 1594 HU, as docs/PHYSICS.md says

        for (const NistRow& row : kNist) {
            AttenuationSpec spec;
            spec.kind = AttenuationKind::Bilinear;
            spec.energy_kev = row.kev;
            const AttenuationModel m = model(spec);
            const double mw = row.water / 10, mb = row.bone * 1.92 / 10;
            auto want = [&](double hu) {
                return hu <= 0 ? std::max(0.0, mw * (1 + hu / 1000)) : mw + hu * (mb - mw) / anchor;
            };
            for (double hu :
                 {-1200.0, -1000.0, -300.0, 0.0, 1.0, 200.0, 0.5 * anchor, anchor, 2 * anchor}) {
                const double got = hu_to_attenuation(static_cast<float>(hu), m);
                QVERIFY2(std::fabs(got - want(hu)) <= 2e-6 * std::max(mw, want(hu)),
                         qPrintable(QString("%1 keV, %2 HU: %3 vs %4")
                                        .arg(row.kev)
                                        .arg(hu)
                                        .arg(got, 0, 'g', 9)
                                        .arg(want(hu), 0, 'g', 9)));
            }
            // At the anchor the line reaches cortical bone at the DRR's energy.
            QVERIFY(close(hu_to_attenuation(static_cast<float>(anchor), m), mb, 2e-6));
        }
        // At the CT's own energy the bone line continues the water line: bilinear is
        // water-linear there.
        AttenuationSpec at70;
        at70.kind = AttenuationKind::Bilinear;
        at70.energy_kev = kCtEffectiveEnergyKev;
        AttenuationSpec water70;
        water70.energy_kev = kCtEffectiveEnergyKev;
        const AttenuationModel b = model(at70), w = model(water70);
        for (float hu : {-800.0f, 0.0f, 100.0f, 1000.0f, 2500.0f}) {
            QVERIFY(close(hu_to_attenuation(hu, b), hu_to_attenuation(hu, w), 1e-6));
        }
        // Bone attenuates relatively more at low energy (photoelectric effect): at 40 keV the
        // bone line is steeper than the water line, at 150 keV shallower.
        AttenuationSpec low = at70, high = at70;
        low.energy_kev = 40;
        high.energy_kev = 150;
        const AttenuationModel l = model(low), h = model(high);
        QVERIFY(l.bone_slope > l.mu_water / 1000);
        QVERIFY(h.bone_slope < h.mu_water / 1000);
    }

    void airThreshold() {
        for (AttenuationKind kind : {AttenuationKind::WaterLinear, AttenuationKind::Bilinear}) {
            AttenuationSpec spec;
            spec.kind = kind;
            spec.air_threshold_hu = -400;
            const AttenuationModel m = model(spec);
            AttenuationSpec plain = spec;
            plain.air_threshold_hu.reset();
            const AttenuationModel p = model(plain);
            QCOMPARE(hu_to_attenuation(-400.5f, m), 0.0f);
            QCOMPARE(hu_to_attenuation(-1000.0f, m), 0.0f);
            // At and above the threshold the model is unchanged.
            QCOMPARE(hu_to_attenuation(-400.0f, m), hu_to_attenuation(-400.0f, p));
            QVERIFY(hu_to_attenuation(-400.0f, m) > 0.0f);
            QCOMPARE(hu_to_attenuation(300.0f, m), hu_to_attenuation(300.0f, p));
        }
        // A threshold above 0 HU keeps only dense tissue (a bone-only DRR).
        AttenuationSpec bone_only;
        bone_only.air_threshold_hu = 250;
        const AttenuationModel m = model(bone_only);
        QCOMPARE(hu_to_attenuation(100.0f, m), 0.0f);
        QVERIFY(hu_to_attenuation(700.0f, m) > 0.0f);
    }

    // The OpenMP whole-volume conversion runs the per-voxel function, bit for bit.
    void volumeConversionIsThePerVoxelFunction() {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(-3000.0f, 4000.0f);
        std::vector<float> hu(100003), mu(hu.size());
        for (float& v : hu)
            v = u(rng);
        for (AttenuationKind kind : {AttenuationKind::WaterLinear, AttenuationKind::Bilinear,
                                     AttenuationKind::DiffDrrDensity}) {
            AttenuationSpec spec;
            spec.kind = kind;
            spec.air_threshold_hu = -900;
            const AttenuationModel m =
                make_attenuation_model(spec, hu.data(), static_cast<int64_t>(hu.size()), "test");
            convert_hu_to_attenuation(hu.data(), mu.data(), static_cast<int64_t>(hu.size()), m);
            for (std::size_t i = 0; i < hu.size(); ++i)
                QCOMPARE(mu[i], hu_to_attenuation(hu[i], m));
        }
    }

    void specValidation() {
        auto message = [](AttenuationSpec spec) {
            return invalid_argument_message([&] { validate(spec); });
        };
        AttenuationSpec s;
        QVERIFY(message(s).isEmpty());
        s.mu_water = 0;
        QVERIFY(message(s).contains("(0, 1]"));
        s.mu_water = 0.02;
        s.energy_kev = 70;
        QVERIFY(message(s).contains("not both"));
        s = {};
        s.kind = AttenuationKind::Bilinear;
        s.mu_water = 0.02;
        QVERIFY(message(s).contains("water only"));
        s = {};
        s.kind = AttenuationKind::DiffDrrDensity;
        s.energy_kev = 70;
        QVERIFY(message(s).contains("does not depend on energy"));
        s = {};
        s.bone_multiplier = 2;
        QVERIFY(message(s).contains("diffdrr only"));
        s.kind = AttenuationKind::DiffDrrDensity;
        s.bone_multiplier = -1;
        QVERIFY(message(s).contains("[0, 100]"));
        s = {};
        s.air_threshold_hu = std::nan("");
        QVERIFY(message(s).contains("air threshold"));
        QCOMPARE(parse_attenuation_kind("bilinear"), AttenuationKind::Bilinear);
        QVERIFY(invalid_argument_message([] {
                    parse_attenuation_kind("bone");
                }).contains("water, bilinear or diffdrr"));
    }
};

RADON_TEST_CLASS(TestPhysicsAttenuation);
#include "test_physics_attenuation.moc"
