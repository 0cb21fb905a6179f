// Writing outputs all or nothing: every writer's file is verified before it replaces the previous
// one (a full disk is an error, never a truncated file), and the outputs of one command are
// replaced together or not at all.

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

#include "kernels/geometry/volume_grid.h"
#include "recon/io/atomic_file.h"
#include "recon/io/image_io.h"
#include "recon/io/volume_io.h"
#include "tests/common/small_file_system.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/recon/recon_test_support.h"

using namespace radon;
using namespace radon::recon;
using radon::test::path_in;
using radon::test::thrown_message;
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

QStringList files_in(const QString& folder) {
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System, QDir::Name);
}

// Noise does not compress: a gzip or PNG of it is as large as its pixels.
Image2D noise_image(int64_t width, int64_t height, float scale) {
    Image2D image = Image2D::allocate(width, height, 0.5, 0.5);
    std::mt19937 engine(7);
    std::uniform_real_distribution<float> value(0.0f, scale);
    for (int64_t i = 0; i < image.pixels.size(); ++i)
        image.pixels[i] = value(engine);
    return image;
}

Volume small_volume(float value) {
    Volume v = Volume::allocate(centered_grid({6, 5, 4}, {1, 1, 2}), VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < v.voxels.size(); ++i)
        v.voxels[i] = value + static_cast<float>(i);
    return v;
}

}  // namespace

class TestAtomicOutputs : public QObject {
    Q_OBJECT

  private slots:
    // The outputs staged before a failing one never replace their previous files.
    void failureAfterFirstOutputKeepsEveryPreviousFile() {
        QTemporaryDir dir;
        const std::string text = path_in(dir, "a.json");
        const std::string volume = path_in(dir, "b.mha");
        const std::string image = path_in(dir, "c.png");
        write_volume(small_volume(0), volume);
        write_bytes(text, "{\"old\": true}\n");
        write_bytes(image, "previous image bytes");
        const std::string old_volume = read_bytes(volume);
        const QStringList before = files_in(dir.path());

        const QString message = thrown_message<std::runtime_error>([&] {
            AtomicFileSet outputs;
            outputs.add_text(text, "{\"new\": true}\n");
            write_volume(outputs, small_volume(100), volume);
            outputs.add(image, [](const std::string&) {
                throw std::runtime_error("injected failure of the third output");
            });
            outputs.commit();
        });
        QVERIFY2(message.contains("injected"), qPrintable(message));
        QCOMPARE(read_bytes(text), std::string("{\"old\": true}\n"));
        QCOMPARE(read_bytes(volume), old_volume);
        QCOMPARE(read_bytes(image), std::string("previous image bytes"));
        QCOMPARE(files_in(dir.path()), before);
    }

    // A rename that fails halfway through commit() puts back the files it already replaced.
    void renameFailureRestoresEarlierOutputs() {
        QTemporaryDir dir;
        const std::string first = path_in(dir, "first.json");
        const std::string second = path_in(dir, "second.json");
        const std::string blocked = path_in(dir, "third.json");
        write_bytes(first, "first, previous");
        // `second` did not exist before: after the failure it must not exist either.

        const QString message = thrown_message<Error>([&] {
            AtomicFileSet outputs;
            outputs.add_text(first, "first, new");
            outputs.add_text(second, "second, new");
            outputs.add(blocked, [&](const std::string& temp) {
                write_bytes(temp, "third, new");
                // Something takes the name meanwhile: a folder that a file cannot replace.
                fs::create_directory(blocked);
                write_bytes(blocked + "/inside", "x");
            });
            outputs.commit();
        });
        QVERIFY2(message.startsWith(QString::fromStdString(blocked) + ": could not replace"),
                 qPrintable(message));
        QVERIFY2(message.contains("put back"), qPrintable(message));
        QCOMPARE(read_bytes(first), std::string("first, previous"));
        QVERIFY(!fs::exists(second));
        // No temporary and no kept copy of a previous file is left.
        QCOMPARE(files_in(dir.path()), QStringList{"first.json"});
    }

    void committedOutputsReplaceTogether() {
        QTemporaryDir dir;
        const std::string a = path_in(dir, "a.txt"), b = path_in(dir, "b.txt");
        write_bytes(a, "old a");
        AtomicFileSet outputs;
        outputs.add_text(a, "new a");
        outputs.add_text(b, "new b");
        QCOMPARE(read_bytes(a), std::string("old a"));
        QVERIFY(!fs::exists(b));
        outputs.commit();
        QCOMPARE(read_bytes(a), std::string("new a"));
        QCOMPARE(read_bytes(b), std::string("new b"));
        QCOMPARE(files_in(dir.path()), (QStringList{"a.txt", "b.txt"}));
    }

    // /dev/full fails every write with ENOSPC, as a full disk does.
    void checkedWriteReportsFullDevice() {
        if (!fs::exists("/dev/full")) QSKIP("no /dev/full on this system");
        const QString message = thrown_message<Error>([] {
            write_file_checked("/dev/full", {{"abc", 3}}, "out.json");
        });
        QVERIFY2(message.startsWith("out.json: could not write the file: "), qPrintable(message));
        QVERIFY2(message.contains("No space left on device"), qPrintable(message));
    }

    // Every format on a real file system that fills up: ITK's writers leave a truncated file and
    // report success; the write must fail, naming the file, and leave the previous file as it was.
    void fullDiskIsNoticed_data() {
        QTest::addColumn<QString>("name");
        for (const char* name :
             {"out.mha", "out.nii", "out.nii.gz", "out.nrrd", "out.tif", "out.png", "out.json"}) {
            QTest::newRow(name) << name;
        }
    }

    void fullDiskIsNoticed() {
        QFETCH(QString, name);
        QTemporaryDir dir;
        test::SmallFileSystem disk(dir.filePath("disk"), 64);
        if (!disk.mounted()) QSKIP(qPrintable(disk.reason()));
        const std::string path = disk.path(name).toStdString();
        const bool text = name.endsWith(".json");
        const bool png = name.endsWith(".png");
        const Window window{0.5, 1.0};
        // A small previous file, then one that does not fit: 256 KiB of noise (16-bit PNG: 128).
        if (text) {
            write_drr_text(path, std::string(100, 'p'));
        } else {
            write_image(noise_image(8, 8, png ? 1.0f : 100.0f), path, window, png ? 16 : 8);
        }
        const std::string previous = read_bytes(path);
        QVERIFY(!previous.empty());

        const QString message = thrown_message<Error>([&] {
            if (text) {
                write_drr_text(path, std::string(256 << 10, 'n'));
            } else {
                write_image(noise_image(256, 256, png ? 1.0f : 100.0f), path, window, png ? 16 : 8);
            }
        });
        QVERIFY2(message.startsWith(QString::fromStdString(path) + ": "), qPrintable(message));
        QVERIFY2(message.contains("no space left", Qt::CaseInsensitive), qPrintable(message));
        QVERIFY2(!message.contains(".tmp-"), qPrintable(message));
        QCOMPARE(read_bytes(path), previous);
        QCOMPARE(files_in(disk.path("")), QStringList{name});
    }

  private:
    static void write_drr_text(const std::string& path, const std::string& text) {
        AtomicFileSet outputs;
        outputs.add_text(path, text);
        outputs.commit();
    }
};

RADON_TEST_CLASS(TestAtomicOutputs);
#include "test_atomic_outputs.moc"
