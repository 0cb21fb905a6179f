// radon drr-batch, run as a user runs it: CSV and JSON pose files in, one multi-frame stack and
// its geometry out; each frame equals what 'radon drr' renders for that pose.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>

#include "recon/io/image_io.h"
#include "recon/io/volume_io.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"

namespace {

using radon::test::Run;

Run radon_cli(const QStringList& args) {
    return radon::test::run_radon(args);
}

const QStringList kScene = {"--phantom",         "shepp-logan", "--phantom-size", "40,36,30",
                            "--phantom-spacing", "5,5,6",       "--height",       "24",
                            "--width",           "30",          "--delx",         "7"};

void write_text(const QString& path, const char* text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

class TestCliDrrBatch : public QObject {
    Q_OBJECT

  private slots:
    void frames_equal_single_renders() {
        QTemporaryDir dir;
        const QString csv = dir.filePath("poses.csv");
        write_text(csv,
                   "# C-arm angles, and a rigid pose split into columns\n"
                   "name,primary,secondary,roll,rx,ry,rz,convention,tx,ty,tz\n"
                   "ap,0,0,0,,,,,,,\n"
                   "lao,30,-10,5,,,,,,,\n"
                   "rigid,,,,20,-15,-5,ZXY,0,10,0\n");
        const QString stack = dir.filePath("stack.nrrd");
        const Run r = radon_cli(QStringList{"drr-batch"} + kScene +
                                QStringList{"--poses", csv, "-o", stack, "--device", "cuda"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("rendered 3 DRRs"));
        const radon::recon::Volume frames = radon::recon::read_volume(stack.toStdString());
        QCOMPARE(frames.grid.size[0], int64_t(30));
        QCOMPARE(frames.grid.size[1], int64_t(24));
        QCOMPARE(frames.grid.size[2], int64_t(3));
        QCOMPARE(frames.grid.spacing[0], 7.0);
        QCOMPARE(frames.grid.spacing[2], 1.0);

        const QList<QStringList> single = {
            {"--primary", "0"},
            {"--primary", "30", "--secondary", "-10", "--roll", "5"},
            {"--rotation", "20,-15,-5", "--convention", "ZXY", "--translation", "0,10,0"}};
        for (int k = 0; k < 3; ++k) {
            const QString one = dir.filePath(QString("one%1.nrrd").arg(k));
            // The same device as the batch (the CPU wherever CUDA is unavailable).
            const Run s = radon_cli(QStringList{"drr"} + kScene + single[k] +
                                    QStringList{"-o", one, "--device", "cuda"});
            QVERIFY2(s.exit_code == 0, qPrintable(s.err));
            const radon::recon::Image2D image = radon::recon::read_image(one.toStdString());
            QVERIFY2(std::memcmp(image.pixels.host_data(), frames.voxels.host_data() + k * 30 * 24,
                                 30 * 24 * sizeof(float)) == 0,
                     qPrintable(QString("frame %1 differs from radon drr").arg(k)));
        }

        QFile json(dir.filePath("stack.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(doc["frames"].toInt(), 3);
        const QJsonArray geometry = doc["frame_geometry"].toArray();
        QCOMPARE(geometry.size(), 3);
        QCOMPARE(geometry[1].toObject()["name"].toString(), QString("lao"));
        QCOMPARE(geometry[1].toObject()["carm"].toObject()["primary_deg"].toDouble(), 30.0);
        QCOMPARE(geometry[2].toObject()["isocenter"].toArray()[1].toDouble(), 10.0);
        QCOMPARE(geometry[0].toObject()["projection_matrix"].toArray().size(), 3);
    }

    void json_poses() {
        QTemporaryDir dir;
        const QString poses = dir.filePath("poses.json");
        write_text(poses,
                   R"({"poses": [{"primary": 30, "secondary": -10, "roll": 5, "name": "a"},
                                 {"rotation": [20, -15, -5], "convention": "ZXY",
                                  "translation": [0, 10, 0], "sad": 800}]})");
        const QString stack = dir.filePath("stack.mha");
        const Run r = radon_cli(QStringList{"drr-batch"} + kScene +
                                QStringList{"--poses", poses, "-o", stack, "--renderer",
                                            "trilinear", "--patch-size", "6"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const radon::recon::Volume frames = radon::recon::read_volume(stack.toStdString());
        QCOMPARE(frames.grid.size[2], int64_t(2));
        QFile json(dir.filePath("stack.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonArray geometry =
            QJsonDocument::fromJson(json.readAll()).object()["frame_geometry"].toArray();
        QCOMPARE(geometry[0].toObject()["name"].toString(), QString("a"));
        QCOMPARE(geometry[1].toObject()["sad_mm"].toDouble(), 800.0);
        QCOMPARE(geometry[1].toObject()["sdd_mm"].toDouble(), 1020.0);
    }

    // Bad pose files name the file, the line and the problem; nothing is written.
    void bad_pose_files_are_refused() {
        QTemporaryDir dir;
        struct Case {
            const char* file;
            const char* text;
            const char* message;
        };
        const Case cases[] = {
            {"unknown.csv", "name,primary,tilt\na,1,2\n", "unknown pose column 'tilt'"},
            {"partial.csv", "rx,ry\n1,2\n", "missing rz"},
            {"cells.csv", "primary,secondary\n1\n", "line 2: 1 cells, expected 2"},
            {"both.csv", "primary,rx,ry,rz\n1,2,3,4\n", "not both"},
            {"sdd.csv", "sad,sdd\n900,800\n", "line 2: SDD"},
            {"empty.csv", "primary\n", "lists no poses"},
            {"array.json", "[1]", "pose 0: expected an object"},
            {"broken.json", "[{", "not valid JSON"},
        };
        for (const Case& c : cases) {
            const QString path = dir.filePath(c.file);
            write_text(path, c.text);
            const QString stack = dir.filePath("out.nrrd");
            const Run r = radon_cli(QStringList{"drr-batch"} + kScene +
                                    QStringList{"--poses", path, "-o", stack});
            QVERIFY2(r.exit_code == 2, qPrintable(QString(c.file) + ": " + r.err));
            QVERIFY2(r.err.contains(c.message), qPrintable(r.err));
            QVERIFY(r.err.contains(c.file));
            QVERIFY(!QFile::exists(stack));
        }
        const Run png = radon_cli(
            QStringList{"drr-batch"} + kScene +
            QStringList{"--poses", dir.filePath("unknown.csv"), "-o", dir.filePath("x.png")});
        QCOMPARE(png.exit_code, 2);
        QVERIFY(png.err.contains("multi-frame stack"));
        const Run none = radon_cli(QStringList{"drr-batch"} + kScene +
                                   QStringList{"-o", dir.filePath("x.nrrd")});
        QCOMPARE(none.exit_code, 2);
        QVERIFY(none.err.contains("--poses"));
    }
};

RADON_TEST_CLASS(TestCliDrrBatch);
#include "test_cli_drr_batch.moc"
