// Bad volume files through the command line: `radon drr BADFILE -o x.png` must exit with code 2,
// print one line that names the file and the problem (no lines from the format libraries), and
// write nothing.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <limits>
#include <string>

#include "kernels/geometry/volume_grid.h"
#include "recon/io/volume_io.h"
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
        }
        write_all(path, bytes);
        QVERIFY(QFile::exists(path));

        const QString output = dir.filePath("out.png");
        QProcess radon;
        QElapsedTimer timer;
        timer.start();
        radon.start(RADON_CLI_PATH, {"drr", path, "-o", output});
        QVERIFY2(radon.waitForFinished(60000), "radon did not finish");
        const qint64 ms = timer.elapsed();
        const QString err = QString::fromLocal8Bit(radon.readAllStandardError());

        QCOMPARE(radon.exitStatus(), QProcess::NormalExit);
        QCOMPARE(radon.exitCode(), 2);
        QVERIFY2(err.endsWith('\n') && err.count('\n') == 1, qPrintable(err));
        QVERIFY2(err.startsWith("radon drr: error: " + path + ": "), qPrintable(err));
        QVERIFY2(err.contains(problem), qPrintable(err));
        QVERIFY2(radon.readAllStandardOutput().isEmpty(), "nothing on stdout");
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{name});
        // A guard against hangs, not a speed measurement.
        QVERIFY2(ms < 10000, qPrintable(QString("%1 ms").arg(ms)));
    }
};

RADON_TEST_CLASS(TestCliBadInput);
#include "test_cli_bad_input.moc"
