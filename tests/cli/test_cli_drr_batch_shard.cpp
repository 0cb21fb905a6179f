// radon drr-batch --shard i/N, run as a user runs it on several machines: the shards' stacks,
// concatenated in shard order, are the whole list's stack bit for bit, and each record says which
// poses of the list it holds. Bad --shard values are refused before anything is written.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cstring>
#include <vector>

#include "recon/io/volume_io.h"
#include "tests/cli/cli_runner.h"
#include "tests/cli/limited_run.h"
#include "tests/common/test_registry.h"

namespace {

using radon::test::kSmallPhantom;
using radon::test::Run;

// A small detector keeps the seven renders of each run quick.
const QStringList kDetector = {"--height", "16", "--width", "20", "--delx", "12"};

// Seven poses that all give different images: C-arm angles, and rigid poses.
const char* kSevenPoses =
    "name,primary,secondary,roll,rx,ry,rz,convention,tx,ty,tz\n"
    "p0,0,0,0,,,,,,,\n"
    "p1,30,-10,5,,,,,,,\n"
    "p2,-45,20,0,,,,,,,\n"
    "p3,90,0,0,,,,,,,\n"
    "p4,,,,20,-15,-5,ZXY,0,10,0\n"
    "p5,,,,0,0,90,ZXY,5,0,-8\n"
    "p6,135,-25,10,,,,,,,\n";

void write_text(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(text), qint64(text.size()));
}

QJsonObject read_record(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

// A frame's record without its index in the stack, which differs between a shard and the list.
QJsonObject without_frame(QJsonObject frame) {
    frame.remove("frame");
    return frame;
}

}  // namespace

class TestCliDrrBatchShard : public QObject {
    Q_OBJECT

  private slots:
    void shardsConcatenateToTheWholeStack() {
        QTemporaryDir dir;
        const QString poses = dir.filePath("poses.csv");
        write_text(poses, kSevenPoses);
        const QStringList common =
            QStringList{"drr-batch"} + kSmallPhantom + kDetector + QStringList{"--poses", poses};

        const QString whole_path = dir.filePath("whole.mha");
        const Run whole_run = radon::test::run_radon(common + QStringList{"-o", whole_path});
        QVERIFY2(whole_run.exit_code == 0, qPrintable(whole_run.err));
        QVERIFY2(!whole_run.out.contains("shard"), qPrintable(whole_run.out));
        const radon::recon::Volume whole = radon::recon::read_volume(whole_path.toStdString());
        QCOMPARE(whole.grid.size[0], int64_t(20));
        QCOMPARE(whole.grid.size[1], int64_t(16));
        QCOMPARE(whole.grid.size[2], int64_t(7));
        const std::size_t frame_floats = 20 * 16;
        const float* all = whole.voxels.host_data();
        // Distinct frames, so that a shard holding the wrong poses, or in the wrong order, shows.
        for (std::size_t a = 0; a < 7; ++a) {
            for (std::size_t b = a + 1; b < 7; ++b) {
                QVERIFY2(std::memcmp(all + a * frame_floats, all + b * frame_floats,
                                     frame_floats * sizeof(float)) != 0,
                         qPrintable(QString("poses %1 and %2 give the same image").arg(a).arg(b)));
            }
        }
        const QJsonObject whole_record = read_record(dir.filePath("whole.json"));
        QVERIFY(!whole_record.contains("shard"));
        const QJsonArray whole_frames = whole_record["frame_geometry"].toArray();
        QCOMPARE(whole_frames.size(), 7);
        for (int k = 0; k < 7; ++k) {
            QCOMPARE(whole_frames[k].toObject()["pose_index"].toInt(-1), k);
            QCOMPARE(whole_frames[k].toObject()["frame"].toInt(-1), k);
        }

        // 7 poses in 3 shards: floor(i * 7 / 3) gives 0-1, 2-3 and 4-6.
        const int first[] = {0, 2, 4}, count[] = {2, 2, 3};
        std::vector<float> joined;
        for (int i = 0; i < 3; ++i) {
            const QString shard = QString("%1/3").arg(i);
            const QString path = dir.filePath(QString("shard%1.mha").arg(i));
            const Run r =
                radon::test::run_radon(common + QStringList{"--shard", shard, "-o", path});
            QVERIFY2(r.exit_code == 0, qPrintable(r.err));
            QVERIFY2(r.out.contains(QString("rendered %1 DRRs").arg(count[i])), qPrintable(r.out));
            QVERIFY2(r.out.contains(QString("shard %1: poses %2 to %3 (from 0) of the 7 in ")
                                        .arg(shard)
                                        .arg(first[i])
                                        .arg(first[i] + count[i] - 1)),
                     qPrintable(r.out));
            const radon::recon::Volume stack = radon::recon::read_volume(path.toStdString());
            QCOMPARE(stack.grid.size[0], int64_t(20));
            QCOMPARE(stack.grid.size[1], int64_t(16));
            QCOMPARE(stack.grid.size[2], int64_t(count[i]));
            QCOMPARE(stack.grid.spacing[0], whole.grid.spacing[0]);
            QCOMPARE(stack.grid.spacing[2], 1.0);
            joined.insert(joined.end(), stack.voxels.host_data(),
                          stack.voxels.host_data() + count[i] * frame_floats);

            const QJsonObject record = read_record(dir.filePath(QString("shard%1.json").arg(i)));
            QCOMPARE(record["frames"].toInt(), count[i]);
            const QJsonObject s = record["shard"].toObject();
            QCOMPARE(s["index"].toInt(-1), i);
            QCOMPARE(s["count"].toInt(-1), 3);
            QCOMPARE(s["first_pose"].toInt(-1), first[i]);
            QCOMPARE(s["poses"].toInt(-1), count[i]);
            QCOMPARE(s["poses_in_list"].toInt(-1), 7);
            const QJsonArray frames = record["frame_geometry"].toArray();
            QCOMPARE(frames.size(), count[i]);
            for (int k = 0; k < count[i]; ++k) {
                const QJsonObject frame = frames[k].toObject();
                QCOMPARE(frame["frame"].toInt(-1), k);
                QCOMPARE(frame["pose_index"].toInt(-1), first[i] + k);
                QCOMPARE(frame["name"].toString(), QString("p%1").arg(first[i] + k));
                // The same geometry as the whole list's record gives that pose.
                QCOMPARE(without_frame(frame),
                         without_frame(whole_frames[first[i] + k].toObject()));
            }
        }
        QCOMPARE(joined.size(), 7 * frame_floats);
        QVERIFY2(std::memcmp(joined.data(), all, joined.size() * sizeof(float)) == 0,
                 "the shards' stacks, concatenated, differ from the whole list's stack");
    }

    void badShardValuesAreRefused_data() {
        QTest::addColumn<QString>("value");
        for (const char* value : {"3/3", "-1/2", "1/0", "a/b", "1/2x", "9/8", "", "1 /2"})
            QTest::addRow("'%s'", value) << QString(value);
    }

    void badShardValuesAreRefused() {
        QFETCH(QString, value);
        QTemporaryDir dir;
        const QString poses = dir.filePath("poses.csv");
        write_text(poses, kSevenPoses);
        const QString stack = dir.filePath("stack.mha");
        const Run r =
            radon::test::run_radon(QStringList{"drr-batch"} + kSmallPhantom + kDetector +
                                   QStringList{"--poses", poses, "-o", stack, "--shard", value});
        QVERIFY2(r.exit_code == 2, qPrintable(QString("exit %1: %2").arg(r.exit_code).arg(r.err)));
        QVERIFY2(r.err.count('\n') == 1, qPrintable(r.err));
        QCOMPARE(r.err,
                 "radon drr-batch: error: --shard: expected i/N with 0 <= i < N (shard i of "
                 "N, counted from 0), got '" +
                     value + "'\n");
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"poses.csv"});
    }

    // More shards than poses leave some shards empty: refused before anything is rendered, on
    // every shard alike (also one that would get a pose), with the number of shards that works.
    void moreShardsThanPosesAreRefused() {
        QTemporaryDir dir;
        const QString poses = dir.filePath("three.csv");
        write_text(poses, "name,primary\na,0\nb,30\nc,60\n");
        const QString stack = dir.filePath("stack.mha");
        const QStringList args = QStringList{"drr-batch"} + kSmallPhantom + kDetector +
                                 QStringList{"--poses", poses, "-o", stack, "--shard"};
        // Of 3 poses in 8 shards, shard 4 gets none: floor(4 * 3 / 8) = floor(5 * 3 / 8) = 1.
        const Run empty = radon::test::run_radon(args + QStringList{"4/8"});
        QVERIFY2(empty.exit_code == 2, qPrintable(empty.err));
        QCOMPARE(empty.err, "radon drr-batch: error: --shard 4/8: the poses file " + poses +
                                " has 3 poses, so shard 4 of 8 is empty; use at most 3 shards\n");
        // Shard 5 gets pose 1 (floor(15 / 8) = 1, floor(18 / 8) = 2), but 5 of the 8 are empty.
        const Run other = radon::test::run_radon(args + QStringList{"5/8"});
        QVERIFY2(other.exit_code == 2, qPrintable(other.err));
        QCOMPARE(other.err, "radon drr-batch: error: --shard 5/8: the poses file " + poses +
                                " has 3 poses, fewer than 8 shards, so 5 of the 8 shards are "
                                "empty; use at most 3 shards\n");
        const Run one = radon::test::run_radon(args + QStringList{"0/4"});
        QVERIFY2(one.exit_code == 2, qPrintable(one.err));
        QVERIFY2(one.err.contains("use at most 3 shards"), qPrintable(one.err));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"three.csv"});

        // As many shards as poses: one pose each.
        const Run last = radon::test::run_radon(args + QStringList{"2/3"});
        QVERIFY2(last.exit_code == 0, qPrintable(last.err));
        const QJsonObject record = read_record(dir.filePath("stack.json"));
        QCOMPARE(record["shard"].toObject()["first_pose"].toInt(-1), 2);
        QCOMPARE(record["shard"].toObject()["poses"].toInt(-1), 1);
        QCOMPARE(record["frame_geometry"].toArray()[0].toObject()["name"].toString(), QString("c"));
    }

    // The memory check counts the shard's poses, not the list's: 13 poses of 400 x 400 floats
    // (7.9 MiB) do not fit in half of 8 MiB, and neither do shard 1/2's 7 poses (4.3 MiB), but
    // shard 0/2's 6 poses (3.7 MiB) do.
    void memoryCheckCountsTheShardsPoses() {
        QTemporaryDir dir;
        const QString poses = dir.filePath("poses.csv");
        QByteArray rows = "name,primary\n";
        for (int i = 0; i < 13; ++i)
            rows += "p" + QByteArray::number(i) + "," + QByteArray::number(i * 20) + "\n";
        write_text(poses, rows);
        radon::test::RunLimits limits;
        limits.environment = {"RADON_MEMORY_LIMIT_MB=8"};
        const QStringList args =
            QStringList{"drr-batch"} + kSmallPhantom +
            QStringList{
                "--height", "400", "--poses", poses, "--quiet", "-o", dir.filePath("stack.mha")};

        const radon::test::LimitedRun list = radon::test::run_radon_limited(args, limits);
        QVERIFY2(list.exit_code == 2, qPrintable(list.err));
        QVERIFY2(list.err.contains("--poses: " + poses +
                                   ": 13 poses of 400x400 pixels make a 7.93 MiB stack"),
                 qPrintable(list.err));
        QVERIFY2(list.err.contains("split the file, or use --shard i/N"), qPrintable(list.err));

        const radon::test::LimitedRun big =
            radon::test::run_radon_limited(args + QStringList{"--shard", "1/2"}, limits);
        QVERIFY2(big.exit_code == 2, qPrintable(big.err));
        QVERIFY2(big.err.contains("--poses: " + poses +
                                  " (--shard 1/2): 7 poses of 400x400 pixels make a 4.27 MiB "
                                  "stack, more than half of this machine's 8 MiB of memory; at "
                                  "most 6 poses of this size fit in one run: use more shards"),
                 qPrintable(big.err));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"poses.csv"});

        const radon::test::LimitedRun fits =
            radon::test::run_radon_limited(args + QStringList{"--shard", "0/2"}, limits);
        QVERIFY2(fits.exit_code == 0, qPrintable(fits.err));
        QCOMPARE(radon::recon::read_volume(dir.filePath("stack.mha").toStdString()).grid.size[2],
                 int64_t(6));
    }
};

RADON_TEST_CLASS(TestCliDrrBatchShard);
#include "test_cli_drr_batch_shard.moc"
