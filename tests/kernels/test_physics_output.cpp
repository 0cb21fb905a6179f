// DRR outputs from the line integral p against their formulas: Beer-Lambert transmission
// I = I0 exp(-p), the log image ln(I0 / max(I, 1)) and the inverted values.

#include <QtTest>

#include <cmath>
#include <vector>

#include "kernels/physics/drr_output.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using radon::test::invalid_argument_message;

namespace {

const std::vector<float> kLineIntegrals = {0.0f,  1e-4f, 0.25f, 1.0f,  2.5f,  7.3f,
                                           11.5f, 11.6f, 20.0f, 60.0f, 120.0f};

DrrOutput output(DrrOutputKind kind, float i0, bool invert) {
    DrrOutput o;
    o.kind = kind;
    o.i0 = i0;
    o.invert = invert ? 1 : 0;
    return o;
}

}  // namespace

class TestPhysicsOutput : public QObject {
    Q_OBJECT

  private slots:
    void lineIntegral() {
        for (float p : kLineIntegrals) {
            QCOMPARE(drr_output_value(p, DrrOutput{}), p);
            QCOMPARE(drr_output_value(p, output(DrrOutputKind::LineIntegral, 1, true)), -p);
        }
    }

    void transmission() {
        for (float i0 : {1.0f, 1e5f, 3.5e6f}) {
            for (float p : kLineIntegrals) {
                const double want = i0 * std::exp(-static_cast<double>(p));
                const double got =
                    drr_output_value(p, output(DrrOutputKind::Transmission, i0, false));
                // expf is good to a few ulp, the product adds one rounding.
                QVERIFY2(
                    std::fabs(got - want) <= 4e-7 * want + 1e-40,
                    qPrintable(QString("I0 %1, p %2: %3 vs %4").arg(i0).arg(p).arg(got).arg(want)));
                // Inverted: the counts the object removed from the beam.
                const double removed =
                    drr_output_value(p, output(DrrOutputKind::Transmission, i0, true));
                QVERIFY(std::fabs(removed - (i0 - want)) <= 4e-7 * i0);
            }
        }
        // I/I0 with the default I0 = 1: exp(-1) at p = 1.
        QVERIFY(std::fabs(drr_output_value(1.0f, output(DrrOutputKind::Transmission, 1, false)) -
                          std::exp(-1.0)) < 1e-7);
    }

    // ln(I0 / max(I, 1)) with I = I0 exp(-p), evaluated in double as written: p until the
    // detector would count less than one photon, ln I0 beyond.
    void logImage() {
        for (float i0 : {10.0f, 1e5f, 1e9f}) {
            for (float p : kLineIntegrals) {
                const double intensity = i0 * std::exp(-static_cast<double>(p));
                const double want = std::log(i0 / std::max(intensity, 1.0));
                const double got = drr_output_value(p, output(DrrOutputKind::Log, i0, false));
                QVERIFY2(
                    std::fabs(got - want) <= 2e-6 * std::max(1.0, want),
                    qPrintable(QString("I0 %1, p %2: %3 vs %4").arg(i0).arg(p).arg(got).arg(want)));
                // Inverted: the log of the detected counts.
                const double detected = drr_output_value(p, output(DrrOutputKind::Log, i0, true));
                QVERIFY(std::fabs(detected - std::log(std::max(intensity, 1.0))) <=
                        2e-6 * std::max(1.0, want));
            }
        }
        // Saturation at ln I0 for anything denser than ln I0.
        const DrrOutput o = output(DrrOutputKind::Log, 1e5f, false);
        QCOMPARE(drr_output_value(50.0f, o), drr_output_value(500.0f, o));
        QVERIFY(std::fabs(drr_output_value(50.0f, o) - std::log(1e5)) < 1e-5);
    }

    void wholeImageIsThePerPixelFunction() {
        for (const DrrOutput& o : {output(DrrOutputKind::Transmission, 1e4f, false),
                                   output(DrrOutputKind::Log, 1e4f, true),
                                   output(DrrOutputKind::LineIntegral, 1, true)}) {
            std::vector<float> pixels = kLineIntegrals;
            apply_drr_output(pixels.data(), static_cast<int64_t>(pixels.size()), o);
            for (std::size_t i = 0; i < pixels.size(); ++i)
                QCOMPARE(pixels[i], drr_output_value(kLineIntegrals[i], o));
        }
    }

    void validation() {
        auto message = [](const DrrOutput& o, DrrReduction r) {
            return invalid_argument_message([&] { validate(o, r); });
        };
        QVERIFY(
            message(output(DrrOutputKind::Transmission, 1e5f, true), DrrReduction::Sum).isEmpty());
        QVERIFY(message(output(DrrOutputKind::Transmission, 0, false), DrrReduction::Sum)
                    .contains("incident intensity"));
        QVERIFY(message(output(DrrOutputKind::Transmission, NAN, false), DrrReduction::Sum)
                    .contains("(0, 1e12]"));
        QVERIFY(
            message(output(DrrOutputKind::Log, 1, false), DrrReduction::Sum).contains("I0 > 1"));
        QVERIFY(message(output(DrrOutputKind::Transmission, 1, false), DrrReduction::Max)
                    .contains("not a line integral"));
        QVERIFY(message(output(DrrOutputKind::LineIntegral, 1, true), DrrReduction::Max).isEmpty());
        QCOMPARE(parse_drr_output_kind("log"), DrrOutputKind::Log);
        QVERIFY(invalid_argument_message([] {
                    parse_drr_output_kind("intensity");
                }).contains("line-integral, transmission or log"));
    }
};

RADON_TEST_CLASS(TestPhysicsOutput);
#include "test_physics_output.moc"
