// The radon command line, run as a user runs it: as a separate process.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "recon/io/image_io.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"

namespace {

using radon::test::Run;
using radon::test::run_radon;

// A small phantom grid keeps each run well under a second.
const QStringList kSmallPhantom = {"--phantom", "shepp-logan",       "--phantom-size",
                                   "48,48,48",  "--phantom-spacing", "4,4,4"};

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

  private slots:
    void info_lists_devices() {
        const Run r = run_radon({"info"});
        QCOMPARE(r.exit_code, 0);
        QVERIFY(r.out.contains("devices:"));
        QVERIFY(r.out.contains("cpu:0"));
    }

    void usage_and_unknown_command() {
        QCOMPARE(run_radon({"--help"}).exit_code, 0);
        QCOMPARE(run_radon({"drr", "--help"}).exit_code, 0);
        const Run r = run_radon({"render"});
        QCOMPARE(r.exit_code, 2);
        QVERIFY(r.err.contains("unknown command"));
    }

    void drr_writes_images_and_geometry() {
        QTemporaryDir dir;
        const QString png = dir.filePath("view.png"), nrrd = dir.filePath("view.nrrd");
        const Run r =
            run_radon(QStringList{"drr"} + kSmallPhantom +
                      QStringList{"--primary", "30", "--secondary", "-10", "--height", "40",
                                  "--width", "50", "--delx", "3", "-o", png, "-o", nrrd});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(" ms "));  // the time taken
        QVERIFY(QFile::exists(png));
        const radon::recon::Image2D image = radon::recon::read_image(nrrd.toStdString());
        QCOMPARE(image.width(), int64_t(50));
        QCOMPARE(image.height(), int64_t(40));
        QCOMPARE(image.spacing[0], 3.0);
        float peak = 0;
        for (int64_t i = 0; i < image.pixels.size(); ++i)
            peak = std::max(peak, image.pixels[i]);
        QVERIFY(peak > 0.5f);  // line integrals through a 190 mm head: several units

        QFile json(dir.filePath("view.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject g = QJsonDocument::fromJson(json.readAll()).object();
        for (const char* key : {"source", "first_pixel_center", "column_step", "row_step",
                                "projection_matrix", "carm"}) {
            QVERIFY2(g.contains(key), key);
        }
        // The projection matrix maps the centre of pixel (col, row) back to (col, row).
        auto vec = [&](const char* key) {
            const QJsonArray a = g[key].toArray();
            return std::array<double, 3>{a[0].toDouble(), a[1].toDouble(), a[2].toDouble()};
        };
        const auto first = vec("first_pixel_center"), dc = vec("column_step"), dr = vec("row_step");
        const QJsonArray p = g["projection_matrix"].toArray();
        for (auto [col, row] : {std::pair{0.0, 0.0}, {49.0, 0.0}, {17.0, 33.0}}) {
            double x[4] = {0, 0, 0, 1};
            for (int i = 0; i < 3; ++i)
                x[i] = first[i] + col * dc[i] + row * dr[i];
            double h[3];
            for (int r2 = 0; r2 < 3; ++r2) {
                h[r2] = 0;
                for (int c = 0; c < 4; ++c)
                    h[r2] += p[r2].toArray()[c].toDouble() * x[c];
            }
            QVERIFY(std::fabs(h[0] / h[2] - col) < 1e-6);
            QVERIFY(std::fabs(h[1] / h[2] - row) < 1e-6);
        }
    }

    // A volume written by `radon phantom` renders from its file like the phantom itself.
    void drr_from_a_volume_file() {
        QTemporaryDir dir;
        const QString volume = dir.filePath("head.nii.gz");
        Run r = run_radon(QStringList{"phantom", "-o", volume} + kSmallPhantom);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const QString from_file = dir.filePath("file.nrrd"), from_phantom = dir.filePath("ph.nrrd");
        r = run_radon({"drr", volume, "--height", "32", "--delx", "6", "--rotation", "10,20,30",
                       "--convention", "XYZ", "-o", from_file});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        r = run_radon(QStringList{"drr"} + kSmallPhantom +
                      QStringList{"--height", "32", "--delx", "6", "--rotation", "10,20,30",
                                  "--convention", "XYZ", "-o", from_phantom});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto a = radon::recon::read_image(from_file.toStdString());
        const auto b = radon::recon::read_image(from_phantom.toStdString());
        for (int64_t i = 0; i < a.pixels.size(); ++i) {
            // The file stores HU as float: identical voxels, identical rays.
            QVERIFY(std::fabs(a.pixels[i] - b.pixels[i]) <= 1e-5f * (1 + b.pixels[i]));
        }
    }

    void every_pose_parameterization_runs() {
        QTemporaryDir dir;
        const QList<QStringList> poses = {
            {"--preset", "LAT-L"},
            {"--primary", "-20", "--secondary", "15", "--roll", "5", "--isocenter-offset", "1,2,3"},
            {"--rotation", "30,0,10", "--convention", "ZYZ", "--translation", "0,0,5"},
            {"--quaternion", "0.9,0.1,0.2,0.3"},
            {"--axis-angle", "0,0,45"},
            {"--matrix", "1,0,0,0,0,1,0,0,0,0,1,0,0,0,0,1"},
        };
        for (const auto& pose : poses) {
            const Run r = run_radon(QStringList{"drr"} + kSmallPhantom + pose +
                                    QStringList{"--height", "16", "-o", dir.filePath("p.mha"),
                                                "--renderer", "trilinear", "--mode", "mip"});
            QVERIFY2(r.exit_code == 0, qPrintable(pose.join(' ') + ": " + r.err));
        }
    }

    void bench_writes_tables() {
        QTemporaryDir dir;
        const QString prefix = dir.filePath("bench");
        const Run r =
            run_radon({"bench", "drr", "--phantom-size", "64,64,20", "--heights", "60,120",
                       "--patches", "none,60", "--runs", "2", "--warmup", "0", "--out", prefix});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QFile csv(prefix + ".csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        // Header plus 2 variants x (60: none, 60; 120: none, 60) = 8 rows.
        QCOMPARE(QString(csv.readAll()).trimmed().split('\n').size(), 9);
        QFile json(prefix + ".json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(doc["results"].toArray().size(), 8);
        QVERIFY(doc["results"].toArray()[0].toObject()["median_ms"].toDouble() > 0);
    }

    // Each bad input: exit code 2, a one-line message naming the problem, no output file.
    void bad_input_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList small = kSmallPhantom;
        QTest::newRow("missing file") << QStringList{"drr", "/no/such/ct.nii.gz"} << "no such file";
        QTest::newRow("garbage file") << QStringList{"drr", "@GARBAGE@"} << "garbage.nrrd";
        QTest::newRow("zero spacing in file") << QStringList{"drr", "@ZERO_SPACING@"} << "spacing";
        QTest::newRow("zero phantom spacing")
            << QStringList{"drr", "--phantom-spacing", "0,1,1"} << "spacing";
        QTest::newRow("negative phantom spacing")
            << QStringList{"drr", "--phantom-spacing", "1,-2,1"} << "spacing";
        QTest::newRow("sdd below sad")
            << (QStringList{"drr"} + small + QStringList{"--sad", "900", "--sdd", "800"}) << "SDD";
        QTest::newRow("sdd equal sad")
            << (QStringList{"drr"} + small + QStringList{"--sad", "900", "--sdd", "900"}) << "SDD";
        QTest::newRow("empty detector")
            << (QStringList{"drr"} + small + QStringList{"--height", "0"}) << "detector";
        QTest::newRow("zero pixel spacing")
            << (QStringList{"drr"} + small + QStringList{"--delx", "0"}) << "spacing";
        QTest::newRow("patch does not tile")
            << (QStringList{"drr"} + small + QStringList{"--height", "100", "--patch-size", "30"})
            << "does not tile";
        QTest::newRow("unknown convention")
            << (QStringList{"drr"} + small +
                QStringList{"--rotation", "1,2,3", "--convention", "XYQ"})
            << "convention";
        QTest::newRow("unknown preset")
            << (QStringList{"drr"} + small + QStringList{"--preset", "LAO"}) << "preset";
        QTest::newRow("mixed pose") << (QStringList{"drr"} + small +
                                        QStringList{"--primary", "10", "--quaternion", "1,0,0,0"})
                                    << "not both";
        QTest::newRow("unknown renderer")
            << (QStringList{"drr"} + small + QStringList{"--renderer", "fast"}) << "siddon";
        QTest::newRow("unknown option")
            << (QStringList{"drr"} + small + QStringList{"--colour", "red"}) << "unknown option";
        QTest::newRow("bad number")
            << (QStringList{"drr"} + small + QStringList{"--sad", "far"}) << "--sad";
        QTest::newRow("unknown device")
            << (QStringList{"drr"} + small + QStringList{"--device", "gpu"}) << "device";
    }

    void bad_input() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        // Fixtures written by the test itself.
        QFile garbage(dir.filePath("garbage.nrrd"));
        QVERIFY(garbage.open(QIODevice::WriteOnly));
        garbage.write("this is not an image\n\x01\x02\x03");
        garbage.close();
        QFile zero(dir.filePath("zero.nrrd"));
        QVERIFY(zero.open(QIODevice::WriteOnly));
        zero.write(
            "NRRD0004\ntype: float\ndimension: 3\nsizes: 2 2 2\nspacings: 0 1 1\n"
            "encoding: raw\nendian: little\n\n");
        zero.write(QByteArray(32, '\0'));
        zero.close();
        for (QString& a : args) {
            a.replace("@GARBAGE@", garbage.fileName()).replace("@ZERO_SPACING@", zero.fileName());
        }
        const QString output = dir.filePath("out.png");
        const Run r = run_radon(args + QStringList{"-o", output});
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains(message, Qt::CaseInsensitive), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(!QFile::exists(output));
        QVERIFY(!QFile::exists(dir.filePath("out.json")));
        // No temporary file left behind either.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 2);
    }

    void unknown_output_format() {
        QTemporaryDir dir;
        const Run r = run_radon(QStringList{"drr"} + kSmallPhantom +
                                QStringList{"-o", dir.filePath("view.jpg")});
        QCOMPARE(r.exit_code, 2);
        QVERIFY(r.err.contains(".jpg"));
        const Run none = run_radon(QStringList{"drr"} + kSmallPhantom);
        QCOMPARE(none.exit_code, 2);
        QVERIFY(none.err.contains("no output"));
    }
};

RADON_TEST_CLASS(TestCli);
#include "test_cli.moc"
