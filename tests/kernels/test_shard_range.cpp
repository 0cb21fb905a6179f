// shard_range and parse_shard: the contiguous split that `radon drr-batch --shard i/N` and the
// Python binding share, checked against floor(i * items / shards) computed in 128-bit integers.

#include <QtTest>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/core/shard_range.h"
#include "tests/common/test_registry.h"

using namespace radon;

namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// The definition of the split, in integers wide enough for any int64 operands.
int64_t boundary(int64_t items, int64_t i, int64_t shards) {
    const __int128 product = static_cast<__int128>(i) * static_cast<__int128>(items);
    return static_cast<int64_t>(product / shards);
}

// Shard i against the definition, and its size against the ideal items / shards.
void check_shard(int64_t items, int64_t i, int64_t shards) {
    const ShardRange r = shard_range(items, i, shards);
    const std::string where = std::to_string(i) + "/" + std::to_string(shards) + " of " +
                              std::to_string(items) + " items";
    QVERIFY2(r.first == boundary(items, i, shards), where.c_str());
    QVERIFY2(r.first + r.count == boundary(items, i + 1, shards), where.c_str());
    const int64_t small = items / shards;
    QVERIFY2(r.count == small || r.count == small + 1, where.c_str());
}

}  // namespace

class TestShardRange : public QObject {
    Q_OBJECT

  private slots:
    // Every item in exactly one shard, shards in order and contiguous, sizes within one.
    void everyItemInExactlyOneShard() {
        for (int64_t items = 0; items <= 60; ++items) {
            for (int64_t shards = 1; shards <= 25; ++shards) {
                std::vector<int> owners(static_cast<std::size_t>(items), 0);
                int64_t next = 0, smallest = kMax, largest = 0;
                for (int64_t i = 0; i < shards; ++i) {
                    const ShardRange r = shard_range(items, i, shards);
                    QCOMPARE(r.first, next);  // in order, no gap, no overlap
                    QVERIFY(r.count >= 0);
                    for (int64_t k = r.first; k < r.first + r.count; ++k)
                        ++owners[static_cast<std::size_t>(k)];
                    next = r.first + r.count;
                    smallest = std::min(smallest, r.count);
                    largest = std::max(largest, r.count);
                    QCOMPARE(r.first, boundary(items, i, shards));
                }
                QCOMPARE(next, items);
                QVERIFY(largest - smallest <= 1);
                for (const int owner : owners)
                    QCOMPARE(owner, 1);
            }
        }
    }

    // 7 poses in 3 shards, as the CLI test renders them: 0-1, 2-3, 4-6.
    void sevenInThree() {
        QCOMPARE(shard_range(7, 0, 3).first, int64_t(0));
        QCOMPARE(shard_range(7, 0, 3).count, int64_t(2));
        QCOMPARE(shard_range(7, 1, 3).first, int64_t(2));
        QCOMPARE(shard_range(7, 1, 3).count, int64_t(2));
        QCOMPARE(shard_range(7, 2, 3).first, int64_t(4));
        QCOMPARE(shard_range(7, 2, 3).count, int64_t(3));
    }

    // i * items overflows int64 here (1e12 * 1e12), and i * (items % shards) does for more
    // than about 3e9 shards; the split must still be exact.
    void largeCountsDoNotOverflow() {
        const int64_t trillion = 1000000000000;
        for (const int64_t shards : {int64_t(1), int64_t(3), int64_t(7), int64_t(1000003),
                                     int64_t(4000000007), int64_t(999999999989), trillion - 1,
                                     trillion, trillion + 1, int64_t(4000000000000000037), kMax}) {
            for (const int64_t items : {trillion, trillion + 7, kMax, kMax - 1}) {
                for (const int64_t i :
                     {int64_t(0), int64_t(1), shards / 3, shards / 2, shards - 2, shards - 1}) {
                    if (i < 0 || i >= shards) continue;
                    check_shard(items, i, shards);
                    if (QTest::currentTestFailed()) return;
                }
            }
        }
        // The last shard ends at the last item.
        const ShardRange last = shard_range(trillion, 4000000006, 4000000007);
        QCOMPARE(last.first + last.count, trillion);
    }

    void refusesImpossibleSplits() {
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, shard_range(10, 0, 0));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, shard_range(10, 0, -3));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, shard_range(10, -1, 3));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, shard_range(10, 3, 3));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, shard_range(-1, 0, 3));
        // No items is a valid list: every shard is empty.
        QCOMPARE(shard_range(0, 2, 3).count, int64_t(0));
    }

    void parsesShardOfCount() {
        const ShardSpec a = parse_shard("2/3", "--shard");
        QCOMPARE(a.index, int64_t(2));
        QCOMPARE(a.shards, int64_t(3));
        const ShardSpec b = parse_shard("0/1", "--shard");
        QCOMPARE(b.index, int64_t(0));
        QCOMPARE(b.shards, int64_t(1));
        const ShardSpec c = parse_shard("9223372036854775806/9223372036854775807", "--shard");
        QCOMPARE(c.index, kMax - 1);
        QCOMPARE(c.shards, kMax);
    }

    void refusesMalformedShards_data() {
        QTest::addColumn<QString>("text");
        for (const char* text : {"3/3",
                                 "9/8",
                                 "1/0",
                                 "0/0",
                                 "-1/2",
                                 "+1/2",
                                 "1/-2",
                                 "1/+2",
                                 "a/b",
                                 "1/2x",
                                 "x1/2",
                                 "1/2 ",
                                 " 1/2",
                                 "1 /2",
                                 "",
                                 "/",
                                 "1/",
                                 "/2",
                                 "12",
                                 "1//2",
                                 "1/2/3",
                                 "1.0/2",
                                 "0x1/2",
                                 "1e0/2",
                                 "9223372036854775808/9223372036854775809",
                                 "0/99999999999999999999",
                                 "1/2\n"}) {
            // A readable row name: the newline of "1/2\n" as \n.
            const QString shown = QString::fromUtf8(text).replace("\n", "\\n");
            QTest::addRow("'%s'", qPrintable(shown)) << QString::fromUtf8(text);
        }
    }

    void refusesMalformedShards() {
        QFETCH(QString, text);
        const std::string given = text.toStdString();
        try {
            parse_shard(given, "--shard");
            QFAIL("accepted");
        } catch (const InvalidArgument& e) {
            QCOMPARE(QString::fromStdString(e.what()),
                     QString::fromStdString("--shard: expected i/N with 0 <= i < N (shard i of "
                                            "N, counted from 0), got '" +
                                            given + "'"));
        }
    }
};

RADON_TEST_CLASS(TestShardRange);
#include "test_shard_range.moc"
