// Poses files that are not what `radon drr-batch --poses` expects: devices and pipes, endless
// lines, UTF-16, NUL bytes, control characters, a byte-order mark, and more poses than memory
// holds. Each bad one: exit code 2 and one line naming the file and the problem, quickly, with
// nothing written; a UTF-8 byte-order mark is simply accepted.

#include <sys/stat.h>
#include <sys/types.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/cli/cli_runner.h"
#include "tests/cli/limited_run.h"
#include "tests/common/test_registry.h"

using radon::test::kSmallPhantom;
using radon::test::LimitedRun;
using radon::test::run_radon_limited;
using radon::test::RunLimits;

namespace {

void write_all(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) f.write(bytes);
}

QByteArray utf16le(const QString& text) {
    QByteArray out;
    for (const QChar c : text) {
        out.append(static_cast<char>(c.unicode() & 0xff));
        out.append(static_cast<char>(c.unicode() >> 8));
    }
    return out;
}

}  // namespace

class TestCliBadPoses : public QObject {
    Q_OBJECT

  private slots:
    void badPosesFile_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("problem");
        QTest::newRow("link to /dev/zero") << "zero"
                                           << "is a character device, expected a .csv or .json";
        QTest::newRow("named pipe") << "fifo"
                                    << "is a named pipe";
        QTest::newRow("endless line in a file") << "long line"
                                                << "line 2: is longer than 65536 bytes";
        QTest::newRow("larger than the limit") << "sparse"
                                               << "is larger than 256 MiB";
        QTest::newRow("UTF-16 with byte-order mark") << "utf16"
                                                     << "is UTF-16";
        QTest::newRow("UTF-16 without byte-order mark") << "utf16 no bom"
                                                        << "line 1: holds a NUL byte";
        QTest::newRow("control characters in a column name")
            << "escape"
            << "unknown pose column 'prim?[31mary?'";
        QTest::newRow("a million poses") << "million"
                                         << "1000000 poses of 200x200 pixels make a 149 GiB stack";
    }

    void badPosesFile() {
        QFETCH(QString, kind);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const QString poses =
            dir.filePath(kind == "utf16" || kind == "million" ? "poses.csv" : "p.csv");
        if (kind == "zero") {
            QVERIFY(QFile::link("/dev/zero", poses));
        } else if (kind == "fifo") {
            QVERIFY(::mkfifo(poses.toLocal8Bit().constData(), 0600) == 0);
        } else if (kind == "long line") {
            write_all(poses, "name,primary\n" + QByteArray(100000, '1') + "\n");
        } else if (kind == "sparse") {
            QFile f(poses);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QVERIFY(f.resize(qint64(300) << 20));  // a hole: no disk space used
        } else if (kind == "utf16") {
            write_all(poses, QByteArray("\xFF\xFE") + utf16le("name,primary\nap,0\n"));
        } else if (kind == "utf16 no bom") {
            write_all(poses, utf16le("name,primary\nap,0\n"));
        } else if (kind == "escape") {
            write_all(poses, "name,prim\x1b[31mary\x07\nap,0\n");
        } else if (kind == "million") {
            QByteArray rows = "name,primary\n";
            rows.reserve(12 << 20);
            for (int i = 0; i < 1000000; ++i)
                rows += "p" + QByteArray::number(i) + "," + QByteArray::number(i % 360) + "\n";
            write_all(poses, rows);
        }
        const QStringList before = QDir(dir.path()).entryList(QDir::Files | QDir::System);

        RunLimits limits;
        limits.timeout_ms = 30000;
        // The memory the limit is computed from, the same on every machine.
        limits.environment = {"RADON_MEMORY_LIMIT_MB=8192"};
        limits.max_memory_bytes = long{4} << 30;
        const LimitedRun r =
            run_radon_limited(QStringList{"drr-batch"} + kSmallPhantom +
                                  QStringList{"--poses", poses, "-o", dir.filePath("stack.mha")},
                              limits);
        QVERIFY2(!r.timed_out, "radon did not finish within 30 s");
        QVERIFY2(r.exit_code == 2, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, qPrintable(r.err));
        QVERIFY2(r.err.startsWith("radon drr-batch: error: "), qPrintable(r.err));
        QVERIFY2(r.err.contains(poses), qPrintable(r.err));
        QVERIFY2(r.err.contains(problem), qPrintable(r.err));
        for (const QChar c : r.err.chopped(1))
            QVERIFY2(c.unicode() >= 0x20 && c.unicode() != 0x7f, qPrintable(r.err));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::System), before);
    }

    // Spreadsheet programs save CSV with a UTF-8 byte-order mark.
    void byteOrderMarkIsAccepted() {
        QTemporaryDir dir;
        const QString poses = dir.filePath("poses.csv");
        write_all(poses, "\xEF\xBB\xBFname,primary\nap,0\nlao,30\n");
        const QString stack = dir.filePath("stack.mha");
        const LimitedRun r = run_radon_limited(
            QStringList{"drr-batch"} + kSmallPhantom +
                QStringList{"--poses", poses, "--height", "16", "--quiet", "-o", stack},
            {});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QFile record(dir.filePath("stack.json"));
        QVERIFY(record.open(QIODevice::ReadOnly));
        const QByteArray json = record.readAll();
        QVERIFY(json.contains("\"name\": \"ap\""));
        QVERIFY(json.contains("\"name\": \"lao\""));
    }
};

RADON_TEST_CLASS(TestCliBadPoses);
#include "test_cli_bad_poses.moc"
