#include <QtTest>

#include <vector>

#include "kernels/core/sample_summary.h"
#include "tests/common/test_registry.h"

using namespace radon;

class TestSampleSummary : public QObject {
    Q_OBJECT

  private slots:
    void oddCountTakesTheMiddleValue() {
        const SampleSummary s = summarize({9, 1, 5, 3, 7});
        QCOMPARE(s.median, 5.0);
        QCOMPARE(s.min, 1.0);
        QCOMPARE(s.max, 9.0);
    }

    void evenCountAveragesTheTwoMiddleValues() {
        const SampleSummary s = summarize({4, 10, 2, 6});
        QCOMPARE(s.median, 5.0);
        QCOMPARE(s.min, 2.0);
        QCOMPARE(s.max, 10.0);
    }

    void noSamplesGiveZeros() {
        const SampleSummary s = summarize({});
        QCOMPARE(s.median, 0.0);
        QCOMPARE(s.min, 0.0);
        QCOMPARE(s.max, 0.0);
    }
};

RADON_TEST_CLASS(TestSampleSummary);
#include "test_sample_summary.moc"
