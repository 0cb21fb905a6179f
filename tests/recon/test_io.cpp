#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/core/vec.h"
#include "recon/io/atomic_file.h"
#include "recon/io/image_io.h"
#include "recon/io/volume_io.h"
#include "tests/common/test_registry.h"
#include "tests/recon/recon_test_support.h"

using namespace radon;
using namespace radon::recon;
namespace fs = std::filesystem;

namespace {

VolumeGrid oblique_grid() {
    return test::oblique_test_grid({7, 5, 4});
}

Volume ramp_volume(const VolumeGrid& grid) {
    Volume v = Volume::allocate(grid, VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < v.voxels.size(); ++i) {
        v.voxels[i] = static_cast<float>(i) * 3.25f - 500.5f;
    }
    return v;
}

std::vector<std::string> folder_entries(const QTemporaryDir& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir.path().toStdString())) {
        names.push_back(entry.path().filename().string());
    }
    return names;
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A NRRD file with an attached raw little-endian float payload of `floats` values.
void write_nrrd(const std::string& path, const std::string& header_fields,
                const std::vector<float>& floats) {
    std::string bytes =
        "NRRD0004\ntype: float\nencoding: raw\nendian: little\n" + header_fields + "\n\n";
    bytes.append(reinterpret_cast<const char*>(floats.data()), floats.size() * sizeof(float));
    write_bytes(path, bytes);
}

// The message of the InvalidArgument that `action` throws, or a marker when it throws nothing
// or something else.
std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const InvalidArgument& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("<unexpected exception> ") + e.what();
    }
    return "<no exception>";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

class TestIo : public QObject {
    Q_OBJECT

    // A user-facing error names the file, says what is wrong, and fits on one line (the CLI prints
    // it after "error: " and the GUI in a status bar).
    static void check_message(const std::string& message, const std::string& file,
                              const std::string& problem) {
        QVERIFY2(contains(message, file), message.c_str());
        QVERIFY2(contains(message, problem), message.c_str());
        QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
        QVERIFY2(message.find('\r') == std::string::npos, message.c_str());
    }

  private slots:
    void fileExtension() {
        QCOMPARE(file_extension("a/b/CT.NII.GZ"), std::string(".nii.gz"));
        QCOMPARE(file_extension("scan.nii"), std::string(".nii"));
        QCOMPARE(file_extension("x/y.Nrrd"), std::string(".nrrd"));
        QCOMPARE(file_extension("archive.tar.gz"), std::string(".gz"));
        QCOMPARE(file_extension("dir.d/noext"), std::string());
        QCOMPARE(file_extension(".hidden"), std::string());
        QCOMPARE(file_extension("trailing."), std::string());
    }

    void extensionLists() {
        for (const char* e : {".nii", ".nii.gz", ".nrrd", ".nhdr", ".mha", ".mhd"}) {
            QVERIFY2(is_readable_volume_extension(e), e);
        }
        QVERIFY(!is_readable_volume_extension(".png"));
        QVERIFY(!is_readable_volume_extension(""));
        QVERIFY(!is_readable_volume_extension("nrrd"));
        for (const char* e : {".nii", ".nii.gz", ".nrrd", ".mha"}) {
            QVERIFY2(is_writable_volume_extension(e), e);
        }
        for (const char* e : {".nhdr", ".mhd", ".png", "", "nrrd"}) {
            QVERIFY2(!is_writable_volume_extension(e), e);
        }
        for (const char* e : {".nrrd", ".mha", ".nii", ".nii.gz", ".tif", ".tiff", ".png"}) {
            QVERIFY2(is_image_extension(e), e);
        }
        QVERIFY(!is_image_extension(".mhd"));
        QVERIFY(!is_image_extension(".jpg"));
    }

    void volumeRoundTrip_data() {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<double>("geometry_tolerance");
        QTest::addColumn<double>("direction_tolerance");
        // NRRD and MetaImage print geometry as decimal text at (near) double precision.
        QTest::newRow("nrrd") << ".nrrd" << 1e-12 << 1e-12;
        QTest::newRow("mha") << ".mha" << 1e-12 << 1e-12;
        // NIfTI stores spacing, origin and direction cosines as 32-bit floats: relative error
        // 6e-8, so up to 6e-6 mm at 100 mm, and ~1e-7 on a cosine once ITK has made the matrix
        // orthonormal again (5e-8 measured with ITK 5.2).
        QTest::newRow("nii") << ".nii" << 1e-5 << 1e-6;
        QTest::newRow("nii.gz") << ".nii.gz" << 1e-5 << 1e-6;
        // Upper-case names keep their format: some ITK readers and writers only know lower case.
        QTest::newRow("MHA") << ".MHA" << 1e-12 << 1e-12;
        QTest::newRow("NII.GZ") << ".NII.GZ" << 1e-5 << 1e-6;
    }

    void volumeRoundTrip() {
        QFETCH(QString, extension);
        QFETCH(double, geometry_tolerance);
        QFETCH(double, direction_tolerance);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const Volume written = ramp_volume(oblique_grid());
        const std::string path = test::path_in(dir, "ct" + extension.toStdString());
        write_volume(written, path);
        QCOMPARE(folder_entries(dir).size(), std::size_t(1));

        const Volume read = read_volume(path);
        QCOMPARE(read.grid.size, written.grid.size);
        QCOMPARE(read.voxels.extents(), written.voxels.extents());
        QVERIFY(read.unit == VoxelUnit::Hounsfield);
        for (int64_t i = 0; i < read.voxels.size(); ++i) {
            if (read.voxels[i] != written.voxels[i]) {
                QFAIL(qPrintable(QString("voxel %1: %2 != %3")
                                     .arg(i)
                                     .arg(read.voxels[i])
                                     .arg(written.voxels[i])));
            }
        }
        for (int i = 0; i < 3; ++i) {
            QVERIFY2(
                std::fabs(read.grid.spacing[i] - written.grid.spacing[i]) <= geometry_tolerance,
                qPrintable(QString("spacing[%1] %2").arg(i).arg(read.grid.spacing[i], 0, 'g', 17)));
            QVERIFY2(
                std::fabs(read.grid.origin[i] - written.grid.origin[i]) <= geometry_tolerance,
                qPrintable(QString("origin[%1] %2").arg(i).arg(read.grid.origin[i], 0, 'g', 17)));
            for (int c = 0; c < 3; ++c) {
                const double error =
                    std::fabs(read.grid.direction.m[i][c] - written.grid.direction.m[i][c]);
                QVERIFY2(
                    error <= direction_tolerance,
                    qPrintable(QString("direction[%1][%2] off by %3").arg(i).arg(c).arg(error)));
            }
        }
    }

    void integerVoxelsBecomeFloat() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "short.nrrd");
        const int16_t values[8] = {-1024, -1000, 0, 1, 40, 1000, 3071, 32767};
        std::string bytes =
            "NRRD0004\ntype: short\nencoding: raw\nendian: little\ndimension: 3\nsizes: 2 2 2\n"
            "spacings: 0.5 0.5 2\n\n";
        bytes.append(reinterpret_cast<const char*>(values), sizeof(values));
        write_bytes(path, bytes);
        const Volume v = read_volume(path);
        for (int i = 0; i < 8; ++i)
            QCOMPARE(v.voxels[i], static_cast<float>(values[i]));
        QCOMPARE(v.grid.spacing[2], 2.0);
    }

    void imageRoundTrip_data() {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<double>("spacing_tolerance");
        QTest::newRow("nrrd") << ".nrrd" << 1e-12;
        QTest::newRow("mha") << ".mha" << 1e-12;
        // NIfTI keeps pixdim as 32-bit floats.
        QTest::newRow("nii") << ".nii" << 1e-6;
        // TIFF keeps spacing as a float resolution (pixels per unit length), inverted on read.
        QTest::newRow("tif") << ".tif" << 1e-6;
        QTest::newRow("tiff") << ".tiff" << 1e-6;
    }

    void imageRoundTrip() {
        QFETCH(QString, extension);
        QFETCH(double, spacing_tolerance);
        QTemporaryDir dir;
        Image2D image = Image2D::allocate(13, 6, 0.388, 0.61);
        for (int64_t i = 0; i < image.pixels.size(); ++i) {
            image.pixels[i] = std::ldexp(static_cast<float>(i), -3) - 2.0f;
        }
        const std::string path = test::path_in(dir, "drr" + extension.toStdString());
        write_image(image, path, Window{});
        const Image2D read = read_image(path);
        QCOMPARE(read.width(), image.width());
        QCOMPARE(read.height(), image.height());
        for (int64_t i = 0; i < image.pixels.size(); ++i)
            QCOMPARE(read.pixels[i], image.pixels[i]);
        for (int i = 0; i < 2; ++i) {
            QVERIFY2(std::fabs(read.spacing[i] - image.spacing[i]) <= spacing_tolerance,
                     qPrintable(QString::number(read.spacing[i], 'g', 17)));
        }
    }

    void pngIsWindowed() {
        QTemporaryDir dir;
        const float nan = std::numeric_limits<float>::quiet_NaN();
        const float inf = std::numeric_limits<float>::infinity();
        const std::vector<float> row = {-10, 0, 25, 50, 75, 100, 110, nan, inf, -inf, 10};
        // Window [0, 100]: linear between, clamped outside, NaN black; 127.5 rounds up.
        const std::vector<int> expected = {0, 0, 64, 128, 191, 255, 255, 0, 255, 0, 26};
        const int64_t width = static_cast<int64_t>(row.size());
        const int64_t height = 3;
        Image2D image = Image2D::allocate(width, height, 1.0, 1.0);
        for (int64_t y = 0; y < height; ++y) {
            for (int64_t x = 0; x < width; ++x)
                image.pixels[y * width + x] = row[x];
        }
        const std::string path = test::path_in(dir, "drr.png");
        write_image(image, path, Window{50, 100});

        // IHDR: width and height (big-endian), 8 bits per sample, colour type 0 (grey).
        const std::string bytes = read_bytes(path);
        QVERIFY(bytes.size() > 26);
        QCOMPARE(bytes.substr(1, 3), std::string("PNG"));
        auto be32 = [&](std::size_t at) {
            return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
                   (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
        };
        QCOMPARE(be32(16), uint32_t(width));
        QCOMPARE(be32(20), uint32_t(height));
        QCOMPARE(int(uint8_t(bytes[24])), 8);
        QCOMPARE(int(uint8_t(bytes[25])), 0);

        // ITK reads the 8-bit samples back exactly as floats.
        const Image2D read = read_image(path);
        QCOMPARE(read.width(), width);
        QCOMPARE(read.height(), height);
        for (int64_t y = 0; y < height; ++y) {
            for (int64_t x = 0; x < width; ++x) {
                QCOMPARE(read.pixels[y * width + x], float(expected[x]));
            }
        }
    }

    void automaticWindow() {
        Image2D ramp = Image2D::allocate(1000, 1, 1, 1);
        for (int i = 0; i < 1000; ++i)
            ramp.pixels[i] = float((i * 617) % 1000);  // shuffled
        ramp.pixels[3] = std::numeric_limits<float>::quiet_NaN();
        ramp.pixels[4] = std::numeric_limits<float>::infinity();
        // 998 finite values, here 0..999 less two: the percentiles sit near 5 and 994.
        const Window w = automatic_window(ramp);
        const double low = w.level - w.width / 2, high = w.level + w.width / 2;
        QVERIFY2(low >= 4 && low <= 7, qPrintable(QString::number(low)));
        QVERIFY2(high >= 992 && high <= 995, qPrintable(QString::number(high)));

        Image2D constant = Image2D::allocate(4, 4, 1, 1);
        for (int i = 0; i < 16; ++i)
            constant.pixels[i] = 1500.0f;
        const Window c = automatic_window(constant);
        QCOMPARE(c.level, 1500.0);
        QVERIFY(c.width > 0);
        QVERIFY(c.level + c.width / 2 > c.level);  // not lost in rounding
    }

    void atomicWriteSuccessReplaces() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "ct.nii.gz");
        write_bytes(path, "old");
        std::string seen;
        write_atomically(path, [&](const std::string& temp) {
            seen = temp;
            write_bytes(temp, "new");
        });
        QCOMPARE(read_bytes(path), std::string("new"));
        QCOMPARE(folder_entries(dir), std::vector<std::string>{"ct.nii.gz"});
        const std::string name = fs::path(seen).filename().string();
        QVERIFY2(name.rfind(".ct.tmp-", 0) == 0, name.c_str());
        QVERIFY2(file_extension(seen) == ".nii.gz", name.c_str());
        QCOMPARE(fs::path(seen).parent_path(), fs::path(path).parent_path());
    }

    void atomicWriteFailureLeavesNothing() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "ct.nrrd");
        auto failing = [](const std::string& temp) {
            write_bytes(temp, "partial");
            throw InvalidArgument("writer failed");
        };
        QCOMPARE(error_of([&] { write_atomically(path, failing); }), std::string("writer failed"));
        QVERIFY(folder_entries(dir).empty());

        write_bytes(path, "old content");
        QCOMPARE(error_of([&] { write_atomically(path, failing); }), std::string("writer failed"));
        QCOMPARE(read_bytes(path), std::string("old content"));
        QCOMPARE(folder_entries(dir), std::vector<std::string>{"ct.nrrd"});
    }

    void atomicWriteMissingFolder() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "absent/ct.nrrd");
        const std::string message =
            error_of([&] { write_volume(ramp_volume(oblique_grid()), path); });
        check_message(message, "absent", "does not exist");
        QVERIFY(folder_entries(dir).empty());
    }

    void errorMissingFile() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "absent.nrrd");
        check_message(error_of([&] { read_volume(path); }), path, "no such file");
        check_message(error_of([&] { read_image(path); }), path, "no such file");
    }

    void errorGarbageNrrd() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "garbage.nrrd");
        std::string bytes;
        for (int i = 0; i < 4096; ++i)
            bytes += char((i * 7919 + 13) & 0xff);
        write_bytes(path, bytes);
        check_message(error_of([&] { read_volume(path); }), path, "not a readable .nrrd file");
    }

    void errorUnknownFormat() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "notes.txt");
        write_bytes(path, "just some text\n");
        const std::string message = error_of([&] { read_volume(path); });
        check_message(message, path, "not a volume format");
        QVERIFY2(contains(message, ".nii.gz"), message.c_str());
    }

    // ITK 5.2's MetaImage and NIfTI readers return a short file's missing voxels as zeros or
    // leftovers without an error, so read_volume measures the payload first.
    void errorTruncated_data() {
        QTest::addColumn<QString>("extension");
        QTest::newRow("mha") << ".mha";
        QTest::newRow("nrrd") << ".nrrd";
        QTest::newRow("nii") << ".nii";
        QTest::newRow("nii.gz") << ".nii.gz";
    }

    void errorTruncated() {
        QFETCH(QString, extension);
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "cut" + extension.toStdString());
        Volume v = Volume::allocate(centered_grid({64, 64, 64}, {1, 1, 1}), VoxelUnit::Hounsfield);
        for (int64_t i = 0; i < v.voxels.size(); ++i)
            v.voxels[i] = float(i % 1000);
        write_volume(v, path);
        fs::resize_file(path, fs::file_size(path) / 2);
        check_message(error_of([&] { read_volume(path); }), path, "truncated");
    }

    // A gzip stream of several members (as concatenating gzip files gives) is valid, though its
    // trailer holds only the last member's length.
    void multiMemberGzipIsWhole() {
        QTemporaryDir dir;
        const std::string plain = test::path_in(dir, "ct.nii");
        const Volume written = ramp_volume(oblique_grid());
        write_volume(written, plain);
        const std::string bytes = read_bytes(plain);
        const std::string halves[2] = {bytes.substr(0, bytes.size() / 2),
                                       bytes.substr(bytes.size() / 2)};
        std::string gzipped;
        for (const std::string& half : halves) {
            QProcess gzip;
            gzip.start("gzip", {"-c", "-n"});
            QVERIFY2(gzip.waitForStarted(), "gzip is needed for this test");
            gzip.write(half.data(), static_cast<qint64>(half.size()));
            gzip.closeWriteChannel();
            QVERIFY(gzip.waitForFinished());
            QCOMPARE(gzip.exitCode(), 0);
            gzipped += gzip.readAllStandardOutput().toStdString();
        }
        const std::string path = test::path_in(dir, "ct.nii.gz");
        write_bytes(path, gzipped);
        const Volume read = read_volume(path);
        QCOMPARE(read.voxels.extents(), written.voxels.extents());
        for (int64_t i = 0; i < read.voxels.size(); ++i)
            QCOMPARE(read.voxels[i], written.voxels[i]);

        write_bytes(path, gzipped.substr(0, gzipped.size() - 100));
        check_message(error_of([&] { read_volume(path); }), path, "truncated");
    }

    void metaImageWithSeparateData() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "ct.mhd");
        const std::string raw = test::path_in(dir, "ct.raw");
        write_bytes(
            path,
            "ObjectType = Image\nNDims = 3\nBinaryData = True\n"
            "BinaryDataByteOrderMSB = False\nCompressedData = False\nDimSize = 3 2 2\n"
            "ElementSpacing = 0.5 0.5 1\nElementType = MET_SHORT\nElementDataFile = ct.raw\n");
        std::string payload;
        for (int16_t i = 0; i < 12; ++i) {
            const int16_t value = static_cast<int16_t>(100 * i - 1000);
            payload.append(reinterpret_cast<const char*>(&value), sizeof(value));
        }
        write_bytes(raw, payload);
        const Volume v = read_volume(path);
        QCOMPARE(v.voxels[11], 100.0f * 11 - 1000.0f);

        write_bytes(raw, payload.substr(0, 20));
        std::string message = error_of([&] { read_volume(path); });
        check_message(message, path, "truncated");
        QVERIFY2(contains(message, "ct.raw"), message.c_str());

        fs::remove(raw);
        message = error_of([&] { read_volume(path); });
        check_message(message, path, "missing");
        QVERIFY2(contains(message, "ct.raw"), message.c_str());
    }

    void error2DGivenToReadVolume() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "drr.nrrd");
        write_image(Image2D::allocate(8, 4, 1, 1), path, Window{});
        check_message(error_of([&] { read_volume(path); }), path, "2D");
    }

    void error3DGivenToReadImage() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "ct.mha");
        write_volume(ramp_volume(oblique_grid()), path);
        check_message(error_of([&] { read_image(path); }), path, "3D");
    }

    void error4D() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "series.nrrd");
        write_nrrd(path, "dimension: 4\nsizes: 2 2 2 3", std::vector<float>(24, 1.0f));
        check_message(error_of([&] { read_volume(path); }), path, "4D");
    }

    void errorZeroSpacing() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "flat.nrrd");
        write_nrrd(path, "dimension: 3\nsizes: 2 2 2\nspacings: 1 0 1",
                   std::vector<float>(8, 1.0f));
        check_message(error_of([&] { read_volume(path); }), path, "spacing");
    }

    // MetaImage hands a zero spacing through to us, so the grid check has to catch it.
    void errorZeroSpacingMetaImage() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "flat.mha");
        std::string bytes =
            "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n"
            "CompressedData = False\nDimSize = 2 2 2\nElementSpacing = 1 0 1\n"
            "ElementType = MET_FLOAT\nElementDataFile = LOCAL\n";
        bytes.append(8 * sizeof(float), '\0');
        write_bytes(path, bytes);
        check_message(error_of([&] { read_volume(path); }), path, "spacing along y is 0");
    }

    void errorSkewedDirection() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "skewed.nrrd");
        write_nrrd(path,
                   "dimension: 3\nsizes: 2 2 2\nspace: left-posterior-superior\n"
                   "space directions: (1,0,0) (1,1,0) (0,0,1)\nspace origin: (0,0,0)",
                   std::vector<float>(8, 1.0f));
        check_message(error_of([&] { read_volume(path); }), path, "orthonormal");
    }

    void errorNonFiniteVoxels() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "nan.nrrd");
        Volume v = ramp_volume(oblique_grid());
        const auto at = [&](int64_t i, int64_t j, int64_t k) { return i + 7 * (j + 5 * k); };
        v.voxels[at(1, 2, 3)] = std::numeric_limits<float>::quiet_NaN();
        v.voxels[at(6, 4, 3)] = std::numeric_limits<float>::infinity();
        write_volume(v, path);
        const std::string message = error_of([&] { read_volume(path); });
        check_message(message, path, "not finite");
        QVERIFY2(contains(message, "2 voxels"), message.c_str());
        QVERIFY2(contains(message, "(1, 2, 3)"), message.c_str());
    }

    void errorAbsurdSize() {
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "huge.nrrd");
        // The header claims 4e15 bytes of floats; only 8 values follow. Reading must stop at the
        // header: an attempt to allocate would end in bad_alloc, not in this message.
        write_nrrd(path, "dimension: 3\nsizes: 100000 100000 100000", std::vector<float>(8, 0.0f));
        check_message(error_of([&] { read_volume(path); }), path, "voxels");
    }

    void errorUnknownExtensionOnWrite() {
        QTemporaryDir dir;
        const std::string volume_path = test::path_in(dir, "ct.xyz");
        std::string message =
            error_of([&] { write_volume(ramp_volume(oblique_grid()), volume_path); });
        check_message(message, volume_path, "accepted extensions");
        QVERIFY2(contains(message, ".nii.gz"), message.c_str());

        // MetaImage's two-file form cannot be swapped in atomically.
        const std::string mhd_path = test::path_in(dir, "ct.mhd");
        message = error_of([&] { write_volume(ramp_volume(oblique_grid()), mhd_path); });
        check_message(message, mhd_path, ".mha");

        const std::string image_path = test::path_in(dir, "drr.jpg");
        message =
            error_of([&] { write_image(Image2D::allocate(4, 4, 1, 1), image_path, Window{}); });
        check_message(message, image_path, "accepted extensions");
        QVERIFY2(contains(message, ".png"), message.c_str());
        QVERIFY(folder_entries(dir).empty());
    }
};

RADON_TEST_CLASS(TestIo);
#include "test_io.moc"
