// Outputs that cannot be written: on a full disk `radon drr` and `radon drr-batch` must fail with
// one line naming the file (exit 1), and leave every previous output of the command as it was,
// byte for byte, with no temporary file behind.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/cli/cli_runner.h"
#include "tests/cli/limited_run.h"
#include "tests/common/small_file_system.h"
#include "tests/common/test_registry.h"

using radon::test::kSmallPhantom;
using radon::test::LimitedRun;
using radon::test::run_radon_limited;
using radon::test::RunLimits;

namespace {

QByteArray read_all(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList files_in(const QString& folder) {
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

// The bytes of every file of `folder`, by name.
QMap<QString, QByteArray> snapshot(const QString& folder) {
    QMap<QString, QByteArray> files;
    for (const QString& name : files_in(folder))
        files[name] = read_all(folder + "/" + name);
    return files;
}

void write_all(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(bytes);
}

QString one_line_error(const LimitedRun& r) {
    return r.err.endsWith('\n') && r.err.count('\n') == 1 ? r.err : QString();
}

}  // namespace

class TestCliBadOutput : public QObject {
    Q_OBJECT

  private slots:
    void fullDiskKeepsPreviousOutput_data() {
        QTest::addColumn<QString>("name");
        for (const char* name :
             {"out.mha", "out.nii", "out.nii.gz", "out.nrrd", "out.tif", "out.png"}) {
            QTest::newRow(name) << name;
        }
    }

    // A 16 KiB disk holds the 8x8 DRR and its record, not the 1024x1024 one (even compressed).
    void fullDiskKeepsPreviousOutput() {
        QFETCH(QString, name);
        QTemporaryDir dir;
        radon::test::SmallFileSystem disk(dir.filePath("disk"), 16);
        if (!disk.mounted()) QSKIP(qPrintable(disk.reason()));
        const QString output = disk.path(name);
        const QStringList png =
            name.endsWith(".png") ? QStringList{"--png-bits", "16"} : QStringList{};
        const LimitedRun first = run_radon_limited(
            QStringList{"drr"} + kSmallPhantom + png + QStringList{"--height", "8", "-o", output},
            {});
        QVERIFY2(first.exit_code == 0, qPrintable(first.err));
        const auto previous = snapshot(disk.path(""));
        QCOMPARE(previous.keys(), (QStringList{"out.json", name}));

        const LimitedRun r =
            run_radon_limited(QStringList{"drr"} + kSmallPhantom + png +
                                  QStringList{"--height", "1024", "--quiet", "-o", output},
                              {});
        QVERIFY2(r.exit_code == 1, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        // The image, or its record where the image compresses well enough to fit.
        const QString err = one_line_error(r);
        QVERIFY2(err.startsWith("radon drr: error: " + output + ": ") ||
                     err.startsWith("radon drr: error: " + disk.path("out.json") + ": "),
                 qPrintable(r.err));
        QVERIFY2(err.contains("no space left", Qt::CaseInsensitive), qPrintable(r.err));
        QVERIFY(snapshot(disk.path("")) == previous);
    }

    // Two outputs, the second of which cannot be written (no file may exceed 64 KiB, as on a
    // disk that fills up): the first, already written, must not replace its previous file.
    void failureAfterFirstOutputKeepsEveryPreviousOutput() {
        QTemporaryDir dir;
        const QString first = dir.filePath("a.png"), second = dir.filePath("b.mha");
        const QStringList args = QStringList{"drr"} + kSmallPhantom +
                                 QStringList{"--quiet", "-o", first, "-o", second, "--height"};
        const LimitedRun before = run_radon_limited(args + QStringList{"8"}, {});
        QVERIFY2(before.exit_code == 0, qPrintable(before.err));
        const auto previous = snapshot(dir.path());
        QCOMPARE(previous.keys(), (QStringList{"a.json", "a.png", "b.json", "b.mha"}));

        RunLimits limits;
        limits.max_file_bytes = 64 << 10;
        // 200 x 200 floats are 160 KB; the PNG of the same DRR and the records are far smaller.
        const LimitedRun r = run_radon_limited(args + QStringList{"200"}, limits);
        QVERIFY2(r.exit_code == 1, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        const QString err = one_line_error(r);
        QVERIFY2(err.startsWith("radon drr: error: " + second + ": "), qPrintable(r.err));
        QVERIFY(snapshot(dir.path()) == previous);
    }

    // The same for drr-batch: the stack that cannot be written (a file-size limit, which the
    // free-space check before the rendering cannot see) fails, and the stack and record written
    // before it keep their previous content.
    void batchFailedWriteKeepsEveryPreviousOutput() {
        QTemporaryDir dir;
        const QString poses = dir.filePath("poses.csv");
        write_all(poses, "name,primary\nap,0\nlao,30\n");
        // The compressed stack of two 1024 x 1024 phantom DRRs is about 60 KB, the plain one 8 MB.
        const QString first = dir.filePath("a.nii.gz"), second = dir.filePath("b.mha");
        const QStringList args =
            QStringList{"drr-batch"} + kSmallPhantom +
            QStringList{"--poses", poses, "--quiet", "-o", first, "-o", second, "--height"};
        const LimitedRun before = run_radon_limited(args + QStringList{"8"}, {});
        QVERIFY2(before.exit_code == 0, qPrintable(before.err));
        const auto previous = snapshot(dir.path());
        QCOMPARE(previous.keys(),
                 (QStringList{"a.json", "a.nii.gz", "b.json", "b.mha", "poses.csv"}));

        RunLimits limits;
        limits.max_file_bytes = 1 << 20;
        const LimitedRun r = run_radon_limited(args + QStringList{"1024"}, limits);
        QVERIFY2(r.exit_code == 1, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        const QString err = one_line_error(r);
        QVERIFY2(err.startsWith("radon drr-batch: error: " + second + ": "), qPrintable(r.err));
        QVERIFY(snapshot(dir.path()) == previous);
    }

    // A compressed stack is counted at deflate's worst case (the floats not compressing at all),
    // so a batch whose .nii.gz may not fit its folder is refused before anything is rendered,
    // with the numbers (exit 2), instead of failing once every pose has been rendered.
    void batchCompressedStackThatMayNotFitIsRefused() {
        QTemporaryDir dir;
        radon::test::SmallFileSystem disk(dir.filePath("disk"), 16);
        if (!disk.mounted()) QSKIP(qPrintable(disk.reason()));
        const QString poses = dir.filePath("poses.csv");
        write_all(poses, "name,primary\nap,0\nlao,30\n");
        const QString first = dir.filePath("a.mha"), second = disk.path("b.nii.gz");
        const QStringList args =
            QStringList{"drr-batch"} + kSmallPhantom +
            QStringList{"--poses", poses, "--quiet", "-o", first, "-o", second, "--height"};
        // 2 x 8 x 8 floats: at most 1 KB compressed, which fits.
        const LimitedRun before = run_radon_limited(args + QStringList{"8", "--width", "8"}, {});
        QVERIFY2(before.exit_code == 0, qPrintable(before.err));
        const auto previous = snapshot(dir.path());
        const auto previous_on_disk = snapshot(disk.path(""));
        QCOMPARE(previous_on_disk.keys(), (QStringList{"b.json", "b.nii.gz"}));

        // 2 x 1024 x 1024 floats are 8 MiB, at most 8 MiB and 3 KiB as .nii.gz; 16 KiB are free
        // at most. (The stack actually compresses to about 60 KB: it would not fit either.)
        const LimitedRun r = run_radon_limited(args + QStringList{"1024"}, {});
        QVERIFY2(r.exit_code == 2, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        const QString err = one_line_error(r);
        QVERIFY2(err.startsWith("radon drr-batch: error: --poses: " + poses +
                                ": 2 poses of 1024x1024 pixels make up to 8 MiB of output "
                                "(.nii.gz counted at deflate's worst case"),
                 qPrintable(r.err));
        QVERIFY2(err.contains(" in " + disk.path("").chopped(1) + ", which has "),
                 qPrintable(r.err));
        QVERIFY(snapshot(dir.path()) == previous);
        QVERIFY(snapshot(disk.path("")) == previous_on_disk);
    }
};

RADON_TEST_CLASS(TestCliBadOutput);
#include "test_cli_bad_output.moc"
