// Bad volume files through the command line: `radon drr BADFILE -o x.png` and `radon info
// BADFILE` must exit with code 2, print one line that names the file and the problem (no lines
// from the format libraries), never hang, and write nothing. A damaged file in a DICOM folder is
// left out with one warning line, and listed by `radon series`.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <cstring>
#include <limits>
#include <string>

#include "kernels/geometry/volume_grid.h"
#include "recon/io/volume_io.h"
#include "tests/common/dicom_fixtures.h"
#include "tests/common/test_registry.h"

namespace {

radon::recon::Volume small_volume() {
    auto v = radon::recon::Volume::allocate(radon::centered_grid({8, 6, 5}, {1.5, 1.5, 2.0}),
                                            radon::recon::VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < v.voxels.size(); ++i)
        v.voxels[i] = static_cast<float>(i % 17) * 50.0f - 400.0f;
    return v;
}

QByteArray read_all(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void write_all(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(bytes);
}

// A valid file written by Radon Studio itself, then damaged by `damage`.
QByteArray written(const QTemporaryDir& dir, const QString& name,
                   const std::function<void(QByteArray&)>& damage,
                   const radon::recon::Volume& volume = small_volume()) {
    const QString scratch = dir.filePath("scratch-" + name);
    radon::recon::write_volume(volume, scratch.toStdString());
    QByteArray bytes = read_all(scratch);
    QFile::remove(scratch);
    damage(bytes);
    return bytes;
}

const QByteArray kNrrdHead = "NRRD0004\ntype: float\nencoding: raw\nendian: little\ndimension: 3\n";

// A small CT series written by ITK's DICOM writer into `folder`.
void write_series(const QString& folder, int slices) {
    radon::recon::Volume v = radon::recon::Volume::allocate(
        radon::centered_grid({6, 5, slices}, {1.5, 1.5, 2.0}), radon::recon::VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < v.voxels.size(); ++i)
        v.voxels[i] = static_cast<float>(i % 13) * 20.0f - 300.0f;
    QDir().mkpath(folder);
    radon::test::write_ct_series(v, folder.toStdString(), radon::test::CtSeries{});
}

struct Outcome {
    int exit_code = -1;  // -2: crashed, -3: still running after the limit (killed)
    QString out, err;
};

// radon with `args`, killed when it runs past `seconds`: a read blocked on a pipe is a failure,
// not a hang of the test suite.
Outcome run(const QStringList& args, int seconds = 15) {
    QProcess radon;
    radon.start(RADON_CLI_PATH, args);
    Outcome o;
    if (!radon.waitForFinished(seconds * 1000)) {
        radon.kill();
        radon.waitForFinished();
        o.exit_code = -3;
        return o;
    }
    o.exit_code = radon.exitStatus() == QProcess::NormalExit ? radon.exitCode() : -2;
    o.out = QString::fromLocal8Bit(radon.readAllStandardOutput());
    o.err = QString::fromLocal8Bit(radon.readAllStandardError());
    return o;
}

}  // namespace

class TestCliBadInput : public QObject {
    Q_OBJECT

  private slots:
    void badVolumeFile_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("problem");
        QTest::newRow("NIfTI cut in half") << "cut.nii"
                                           << "truncated";
        QTest::newRow("absurd NRRD sizes") << "absurd.nrrd"
                                           << "more than";
        QTest::newRow("NRRD sizes beyond the file") << "beyond.nrrd"
                                                    << "truncated";
        QTest::newRow("NaN voxel in MetaImage") << "nan.mha"
                                                << "not finite";
        // MetaIO and niftilib print several lines of their own for these two.
        QTest::newRow("MetaImage garbage field") << "garbage.mha"
                                                 << "DimSize holds 'four'";
        QTest::newRow("NIfTI bad datatype") << "datatype.nii"
                                            << "bad datatype";
        QTest::newRow("damaged gzip") << "damaged.nii.gz"
                                      << "compressed data is damaged";
        QTest::newRow("NRRD named .nii") << "mislabelled.nii"
                                         << "holds NRRD data";
        QTest::newRow("empty file") << "empty.nrrd"
                                    << "is empty";
        // GDCM aborted the process on a DICOM file cut before its pixel data.
        QTest::newRow("DICOM cut in its header") << "cut.dcm"
                                                 << "(cut short?)";
        QTest::newRow("DICOM cut in its meta header") << "cutmeta.dcm"
                                                      << "inside its file meta information";
        QTest::newRow("DICOM rescale slope 0") << "slope.dcm"
                                               << "the rescale slope (0028,1053) is '0'";
        // Readers blocked forever on a named pipe, and read /dev/zero and folders as voxels.
        QTest::newRow("data file a named pipe")
            << "pipe.mhd"
            << "is a named pipe (FIFO), expected a regular file";
        QTest::newRow("data file /dev/zero") << "zero.mhd"
                                             << "is a character device, expected a regular file";
        QTest::newRow("data file a folder") << "folder.nhdr"
                                            << "is a folder, expected a regular file";
        QTest::newRow("volume a named pipe") << "pipe.nrrd"
                                             << "is a named pipe (FIFO), expected a regular file";
        QTest::newRow("NRRD space direction NaN") << "nandirection.nrrd"
                                                  << "the space direction of axis y";
        QTest::newRow("MetaImage text too short") << "text.mha"
                                                  << "describes 60 values as text";
    }

    void badVolumeFile() {
        QFETCH(QString, name);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(name);

        QByteArray bytes;
        if (name == "cut.nii") {
            bytes = written(dir, "v.nii", [](QByteArray& b) { b.truncate(b.size() / 2); });
        } else if (name == "absurd.nrrd") {
            bytes = kNrrdHead + "sizes: 100000 100000 100000\n\n" + QByteArray(32, '\0');
        } else if (name == "beyond.nrrd") {
            bytes = kNrrdHead + "sizes: 1000 1000 1000\n\n" + QByteArray(32, '\0');
        } else if (name == "nan.mha") {
            auto v = small_volume();
            v.voxels[7] = std::numeric_limits<float>::quiet_NaN();
            bytes = written(
                dir, "v.mha", [](QByteArray&) {}, v);
        } else if (name == "garbage.mha") {
            bytes = written(dir, "v.mha", [](QByteArray& b) {
                b.replace("DimSize = 8 6 5", "DimSize = 8 four 5");
            });
        } else if (name == "datatype.nii") {
            // datatype and bitpix of the NIfTI-1 header
            bytes =
                written(dir, "v.nii", [](QByteArray& b) { b.replace(70, 4, "\x7f\x7f\x7f\x7f"); });
        } else if (name == "damaged.nii.gz") {
            bytes = written(dir, "v.nii.gz", [](QByteArray& b) {
                for (int i = b.size() / 3; i < 2 * b.size() / 3; ++i)
                    b[i] = static_cast<char>(i * 37 + 11);
            });
        } else if (name == "mislabelled.nii") {
            bytes = written(dir, "v.nrrd", [](QByteArray&) {});
        } else if (name.endsWith(".dcm")) {
            write_series(dir.filePath("series"), 1);
            bytes = read_all(dir.filePath("series/slice_000.dcm"));
            QDir(dir.filePath("series")).removeRecursively();
            if (name == "cut.dcm") bytes.truncate(bytes.indexOf("Thorax") + 2);
            if (name == "cutmeta.dcm") bytes.truncate(150);
            if (name == "slope.dcm") {
                // The value of (0028,1053) DS, blanked to "0" at the same length (explicit VR:
                // "DS" and a 2-byte length, implicit: a 4-byte length; the value follows at 8).
                const int at = bytes.indexOf(QByteArray("\x28\x00\x53\x10", 4));
                QVERIFY(at > 0);
                const int length = static_cast<unsigned char>(
                    bytes[bytes.mid(at + 4, 2) == "DS" ? at + 6 : at + 4]);
                bytes.replace(at + 8, length, QByteArray("0").leftJustified(length, ' '));
            }
        } else if (name == "pipe.mhd" || name == "zero.mhd" || name == "folder.nhdr") {
            const QString data = dir.filePath("data.raw");
            if (name == "pipe.mhd") QCOMPARE(::mkfifo(data.toLocal8Bit().constData(), 0600), 0);
            if (name == "zero.mhd") QVERIFY(QFile::link("/dev/zero", data));
            if (name == "folder.nhdr") QVERIFY(QDir(dir.path()).mkdir("data.raw"));
            bytes = name == "folder.nhdr"
                        ? kNrrdHead + "sizes: 8 6 5\ndata file: data.raw\n\n"
                        : QByteArray(
                              "ObjectType = Image\nNDims = 3\nDimSize = 8 6 5\n"
                              "ElementType = MET_FLOAT\nElementDataFile = data.raw\n");
        } else if (name == "pipe.nrrd") {
            QCOMPARE(::mkfifo(path.toLocal8Bit().constData(), 0600), 0);
        } else if (name == "nandirection.nrrd") {
            bytes = kNrrdHead +
                    "sizes: 2 2 2\nspace: left-posterior-superior\n"
                    "space directions: (1,0,0) (nan,nan,nan) (0,0,1)\n\n" +
                    QByteArray(32, '\0');
        } else if (name == "text.mha") {
            bytes =
                "ObjectType = Image\nNDims = 3\nBinaryData = False\nDimSize = 5 4 3\n"
                "ElementType = MET_FLOAT\nElementDataFile = LOCAL\n";
            for (int i = 0; i < 59; ++i)
                bytes += QByteArray::number(i) + " ";
        }
        if (name != "pipe.nrrd") write_all(path, bytes);
        QVERIFY(QFile::exists(path));
        const QStringList before =
            QDir(dir.path())
                .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot | QDir::System);

        for (const QString command : {"drr", "info"}) {
            const QString output = dir.filePath("out.png");
            QElapsedTimer timer;
            timer.start();
            const Outcome o =
                command == "drr" ? run({"drr", path, "-o", output}) : run({"info", path});
            const qint64 ms = timer.elapsed();
            QVERIFY2(o.exit_code != -3, qPrintable(command + ": radon did not finish (blocked?)"));
            QCOMPARE(o.exit_code, 2);
            const QString& err = o.err;
            QVERIFY2(err.endsWith('\n') && err.count('\n') == 1, qPrintable(err));
            QVERIFY2(err.startsWith("radon " + command + ": error: " + path + ": "),
                     qPrintable(err));
            QVERIFY2(err.contains(problem), qPrintable(err));
            QVERIFY2(o.out.isEmpty(), "nothing on stdout");
            QCOMPARE(QDir(dir.path())
                         .entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot |
                                    QDir::System),
                     before);
            // A guard against hangs, not a speed measurement.
            QVERIFY2(ms < 10000, qPrintable(QString("%1 ms").arg(ms)));
        }
    }

    // One half-copied file in a DICOM folder: the rest loads with one warning line of the
    // command naming it, and `radon series` lists it with its reason.
    void dicomFolderWithOneCutFile() {
        QTemporaryDir dir;
        const QString folder = dir.filePath("ct");
        write_series(folder, 4);
        const QString cut = folder + "/slice_003.dcm";
        QByteArray bytes = read_all(cut);
        bytes.truncate(bytes.indexOf("Thorax") + 2);
        write_all(cut, bytes);

        const QString poses = dir.filePath("poses.csv");
        write_all(poses, "name,primary\nap,0\n");
        const QMap<QString, QStringList> runs = {
            {"info", {"info", folder}},
            {"drr", {"drr", folder, "-o", dir.filePath("out.png")}},
            {"drr-batch", {"drr-batch", folder, "--poses", poses, "-o", dir.filePath("out.mha")}}};
        for (const QString& command : runs.keys()) {
            const Outcome o = run(runs[command]);
            QCOMPARE(o.exit_code, 0);
            QVERIFY2(o.err.count('\n') == 1, qPrintable(o.err));
            // Named after the command, as its other lines are.
            QVERIFY2(o.err.startsWith("radon " + command + ": warning: " + folder +
                                      ": 1 DICOM file is unreadable: " + cut +
                                      ": the file ends at byte"),
                     qPrintable(o.err));
        }
        QVERIFY(QFile::exists(dir.filePath("out.png")));
        const Outcome listed = run({"series", folder});
        QCOMPARE(listed.exit_code, 0);
        QVERIFY2(listed.err.isEmpty(), qPrintable(listed.err));
        QVERIFY2(listed.out.contains("1 unreadable DICOM file"), qPrintable(listed.out));
        QVERIFY2(listed.out.contains("  " + cut + ": the file ends at byte"),
                 qPrintable(listed.out));
    }

    // A folder of damaged copies only: every command fails with one line.
    void dicomFolderOfDamagedFiles() {
        QTemporaryDir dir;
        const QString folder = dir.filePath("ct");
        write_series(folder, 2);
        for (const QString& name : {QString("slice_000.dcm"), QString("slice_001.dcm")}) {
            QByteArray bytes = read_all(folder + "/" + name);
            bytes.truncate(bytes.size() / 3);
            write_all(folder + "/" + name, bytes);
        }
        for (const QStringList& args :
             {QStringList{"series", folder}, QStringList{"info", folder},
              QStringList{"drr", folder, "-o", dir.filePath("out.png")}}) {
            const Outcome o = run(args);
            QCOMPARE(o.exit_code, 2);
            QVERIFY2(o.err.count('\n') == 1, qPrintable(o.err));
            QVERIFY2(o.err.startsWith("radon " + args[0] + ": error: " + folder +
                                      ": no readable DICOM images"),
                     qPrintable(o.err));
        }
    }
};

RADON_TEST_CLASS(TestCliBadInput);
#include "test_cli_bad_input.moc"
