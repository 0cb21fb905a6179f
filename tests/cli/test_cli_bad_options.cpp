// Numeric options outside what the renderer can do: each is refused before any work with exit
// code 2 and one line naming the option and the accepted range, instead of a crash (OpenMP asked
// for 100000 threads), an image of NaN (distances near the double limit) or a failed allocation.

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "recon/io/image_io.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/limited_run.h"
#include "tests/common/test_registry.h"

using radon::test::kSmallPhantom;
using radon::test::LimitedRun;
using radon::test::run_radon_limited;

class TestCliBadOptions : public QObject {
    Q_OBJECT

  private slots:
    void outOfRange_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList drr = QStringList{"drr"} + kSmallPhantom;
        QTest::newRow("threads far beyond the cores") << (drr + QStringList{"--threads", "100000"})
                                                      << "--threads (CPU threads, 0 for every "
                                                         "core): 100000 is out of range";
        QTest::newRow("threads beyond int")
            << (drr + QStringList{"--threads", "99999999999"}) << "--threads";
        QTest::newRow("distances near the double limit")
            << (drr + QStringList{"--sad", "1e308", "--sdd", "1.7e308"})
            << "--sad (source to isocenter distance): 1e+308 mm is out of range: expected more "
               "than 0 and at most 100000 mm";
        QTest::newRow("huge sdd") << (drr + QStringList{"--sdd", "1e300"}) << "--sdd";
        QTest::newRow("huge pixel spacing")
            << (drr + QStringList{"--delx", "1e300"}) << "--delx (detector pixel spacing)";
        QTest::newRow("huge principal point")
            << (drr + QStringList{"--principal", "1e300,0"}) << "--principal";
        QTest::newRow("huge translation")
            << (drr + QStringList{"--rotation", "0,0,0", "--translation", "1e308,0,0"})
            << "--translation (position)";
        QTest::newRow("huge isocenter offset")
            << (drr + QStringList{"--isocenter-offset", "0,1e300,0"}) << "--isocenter-offset";
        QTest::newRow("overflowing axis-angle")
            << (drr + QStringList{"--axis-angle", "1e308,1e308,0"}) << "not finite";
        QTest::newRow("huge patch size")
            << (drr + QStringList{"--patch-size", "99999999999"}) << "--patch-size";
        QTest::newRow("phantom beyond memory")
            << QStringList{"drr", "--phantom-size", "4096,4096,4096"} << "--phantom-size";
        // The window's low end, level - width / 2, overflows a double to -infinity here; pixels
        // are floats, so ends beyond +-3.4e38 are no value any DRR holds.
        QTest::newRow("window end past the double limit")
            << (drr + QStringList{"--window", "-1e308,1.797e308", "--height", "8"})
            << "--window: level -1e+308, width 1.797e+308 put the window's ends at -inf and";
        QTest::newRow("window end past the float range")
            << (drr + QStringList{"--window", "0,1e39"})
            << "--window: level 0, width 1e+39 put the window's ends at -5e+38 and 5e+38, beyond "
               "the values a 32-bit float pixel can hold";
        QTest::newRow("window width 0") << (drr + QStringList{"--window", "0,0"})
                                        << "--window: level 0, width 0: expected a finite level "
                                           "and a finite width > 0";
        QTest::newRow("batch threads")
            << QStringList{"drr-batch", "--threads", "100000", "--poses", "@POSES@"} << "--threads";
        QTest::newRow("bench runs")
            << QStringList{"bench", "drr", "--runs", "10000000000", "--phantom-size", "16,16,16"}
            << "--runs";
        QTest::newRow("bench field")
            << QStringList{"bench", "drr", "--fixed-field", "1e308", "--phantom-size", "16,16,16"}
            << "--fixed-field";
    }

    void outOfRange() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        QFile poses(dir.filePath("poses.csv"));
        QVERIFY(poses.open(QIODevice::WriteOnly));
        poses.write("name,primary\nap,0\n");
        poses.close();
        args.replaceInStrings("@POSES@", poses.fileName());
        const bool bench = args.first() == "bench";
        const QString output = dir.filePath(bench ? "bench" : "out.mha");
        const LimitedRun r = run_radon_limited(
            args + (bench ? QStringList{"--out", output} : QStringList{"-o", output}), {});
        QVERIFY2(!r.timed_out, "radon did not finish within a minute");
        QVERIFY2(r.exit_code == 2, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, qPrintable(r.err));
        QVERIFY2(r.err.startsWith("radon " + args.first() + ": error: "), qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        // Refused before anything was written.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"poses.csv"});
    }

    // A window as wide as the float range is still a window: a DRR's values (0 to a few tens)
    // lie at its centre, 127.5 (8 bits) or 32767.5 (16 bits) levels up, rounded half up.
    void windowAtTheFloatRangeMapsToMidGrey_data() {
        QTest::addColumn<QString>("bits");
        QTest::addColumn<float>("level");
        QTest::newRow("8 bits") << "8" << 128.0f;
        QTest::newRow("16 bits") << "16" << 32768.0f;
    }
    void windowAtTheFloatRangeMapsToMidGrey() {
        QFETCH(QString, bits);
        QFETCH(float, level);
        QTemporaryDir dir;
        const QString png = dir.filePath("wide.png");
        const LimitedRun r =
            run_radon_limited(QStringList{"drr"} + kSmallPhantom +
                                  QStringList{"--height", "16", "--width", "16", "--window",
                                              "0,6.8e38", "--png-bits", bits, "--quiet", "-o", png},
                              {});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const radon::recon::Image2D image = radon::recon::read_image(png.toStdString());
        const float* p = image.pixels.host_data();
        for (int64_t i = 0; i < image.pixels.size(); ++i)
            QCOMPARE(p[i], level);
    }
};

RADON_TEST_CLASS(TestCliBadOptions);
#include "test_cli_bad_options.moc"
