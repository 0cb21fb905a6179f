// Damaged DICOM files, written by ITK's DICOM writer and then cut or patched: GDCM (as Debian
// builds it) aborts the process on most of them, so each must be refused with one line naming
// the file before GDCM sees it, and one damaged file in a folder must not stop the rest loading.

#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kernels/core/error.h"
#include "recon/io/dicom_series.h"
#include "recon/io/volume_io.h"
#include "tests/common/dicom_fixtures.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/recon/recon_test_support.h"

using namespace radon;
using namespace radon::recon;
namespace fs = std::filesystem;

namespace {

// Distinct int16 stored values, so a slice in the wrong place or a wrong value shows.
Volume ct_volume(const VolumeGrid& grid) {
    Volume v = Volume::allocate(grid, VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < v.voxels.size(); ++i)
        v.voxels[i] = static_cast<float>(((i * 37) % 4000 - 1000) * 0.5 - 1024);
    return v;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// One CT slice of 4 x 3 voxels, as ITK writes it.
std::string one_slice(const QTemporaryDir& dir) {
    const Volume truth = ct_volume(centered_grid({4, 3, 1}, {0.7, 0.8, 2.5}));
    fs::create_directories(dir.filePath("source").toStdString());
    test::write_ct_series(truth, dir.filePath("source").toStdString(), test::CtSeries{});
    return read_bytes(dir.filePath("source/slice_000.dcm").toStdString());
}

// Where the (top-level) pixel data element starts: its tag, little endian.
std::size_t pixel_data_offset(const std::string& bytes) {
    return bytes.rfind(std::string("\xe0\x7f\x10\x00", 4));
}

// The file with the value of the DS element `tag` (4 bytes, little endian; explicit or implicit
// VR) replaced by `text`, padded with spaces to the value's length, so that nothing else moves.
std::string with_value(std::string bytes, const std::string& tag, const std::string& text) {
    const std::size_t at = bytes.find(tag);
    if (at == std::string::npos) return {};
    // Explicit VR: "DS" and a 2-byte length; implicit: a 4-byte length. Either way the value
    // starts 8 bytes after the tag, and values this short fit in 2 bytes.
    const std::size_t length_at = bytes.compare(at + 4, 2, "DS") == 0 ? at + 6 : at + 4;
    const std::size_t length = static_cast<unsigned char>(bytes[length_at]) |
                               (static_cast<unsigned char>(bytes[length_at + 1]) << 8);
    if (text.size() > length) return {};
    return bytes.replace(at + 8, length, text + std::string(length - text.size(), ' '));
}

const std::string kRescaleSlopeTag("\x28\x00\x53\x10", 4);
const std::string kRescaleInterceptTag("\x28\x00\x52\x10", 4);

std::string message_of(const std::string& path) {
    return test::invalid_argument_message([&] { read_volume(path); }).toStdString();
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

#define CHECK_CONTAINS(text, part) QVERIFY2(contains(text, part), (text).c_str())

void check_refused(const std::string& message, const std::string& path) {
    QVERIFY2(!message.empty(), ("read without an error: " + path).c_str());
    QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
    QVERIFY2(message.compare(0, path.size() + 2, path + ": ") == 0, message.c_str());
}

}  // namespace

class TestBadInputDicom : public QObject {
    Q_OBJECT

  private slots:
    // The five places a copy can stop, each with the words that say where.
    void cutAtEachOffsetClass_data() {
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("problem");
        QTest::newRow("inside the preamble") << "preamble"
                                             << "inside the 128-byte preamble";
        QTest::newRow("inside the meta header") << "meta"
                                                << "inside its file meta information (group 0002)";
        QTest::newRow("inside an element") << "element"
                                           << "inside the data element (0008,103E)";
        QTest::newRow("before the pixel data") << "before pixels"
                                               << "before its pixel data";
        QTest::newRow("inside the pixel data") << "pixels"
                                               << "its pixel data is cut short";
    }

    void cutAtEachOffsetClass() {
        QFETCH(QString, where);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const std::string bytes = one_slice(dir);
        const std::size_t pixels = pixel_data_offset(bytes);
        QVERIFY(pixels != std::string::npos && pixels > 300);
        std::size_t cut = 0;
        if (where == "preamble") cut = 64;
        if (where == "meta") cut = 140;
        if (where == "element") cut = bytes.find("Thorax 2.5 mm") + 5;
        if (where == "before pixels") cut = pixels;
        if (where == "pixels") cut = pixels + 12 + 7;
        const std::string path = test::path_in(dir, "cut.dcm");
        write_bytes(path, bytes.substr(0, cut));
        const std::string message = message_of(path);
        check_refused(message, path);
        CHECK_CONTAINS(message, problem.toStdString());
        QVERIFY(is_dicom_file(path));
    }

    // Every offset from the first byte to a few bytes into the pixel data: each must be refused
    // in one line (today GDCM aborts the process on most of them).
    void cutAtEveryOffset() {
        QTemporaryDir dir;
        const std::string bytes = one_slice(dir);
        const std::size_t pixels = pixel_data_offset(bytes);
        QVERIFY(pixels != std::string::npos);
        const std::string path = test::path_in(dir, "cut.dcm");
        for (std::size_t cut = 0; cut < pixels + 12 + 16; ++cut) {
            write_bytes(path, bytes.substr(0, cut));
            const std::string message = message_of(path);
            check_refused(message, path);
            QVERIFY2(contains(message, "cut short") || contains(message, "is empty"),
                     message.c_str());
        }
        qInfo("%zu cut points refused, from byte 0 to 16 bytes into the pixel data",
              pixels + 12 + 16);
        // The whole file reads.
        write_bytes(path, bytes);
        QCOMPARE(read_volume(path).grid.size, (std::array<int64_t, 3>{4, 3, 1}));
    }

    // A half-copied file in a folder: listed as unreadable with its reason; the series loads
    // without it (it was the last slice) and the load says so.
    void cutFileInFolderIsLeftOut() {
        QTemporaryDir dir;
        const Volume truth = ct_volume(centered_grid({4, 3, 5}, {0.7, 0.8, 2.5}));
        const std::string folder = dir.filePath("ct").toStdString();
        fs::create_directories(folder);
        test::write_ct_series(truth, folder, test::CtSeries{});
        const std::string cut = folder + "/slice_004.dcm";
        const std::string bytes = read_bytes(cut);
        write_bytes(cut, bytes.substr(0, bytes.find("Thorax 2.5 mm") + 3));
        // A file that is not DICOM at all is passed over, as before.
        write_bytes(folder + "/notes.txt", "exported by hand\n");

        const DicomFolderListing listing = scan_dicom_folder(folder);
        QCOMPARE(listing.series.size(), std::size_t(1));
        QCOMPARE(listing.series[0].files, int64_t(4));
        QCOMPARE(listing.unreadable.size(), std::size_t(1));
        QCOMPARE(listing.unreadable[0].path, cut);
        CHECK_CONTAINS(listing.unreadable[0].reason, "cut short");

        std::vector<std::string> warnings;
        const Volume read = read_volume(folder, "", &warnings);
        QCOMPARE(read.grid.size, (std::array<int64_t, 3>{4, 3, 4}));
        for (int64_t i = 0; i < read.voxels.size(); ++i)
            QCOMPARE(read.voxels[i], truth.voxels[i]);
        QCOMPARE(warnings.size(), std::size_t(1));
        CHECK_CONTAINS(warnings[0], cut);
        QVERIFY(warnings[0].find('\n') == std::string::npos);
    }

    // When the cut file leaves a gap, the error names it as the likely missing slice.
    void cutFileInTheMiddleIsNamed() {
        QTemporaryDir dir;
        const Volume truth = ct_volume(centered_grid({4, 3, 5}, {0.7, 0.8, 2.5}));
        const std::string folder = dir.filePath("ct").toStdString();
        fs::create_directories(folder);
        test::write_ct_series(truth, folder, test::CtSeries{});
        const std::string cut = folder + "/slice_002.dcm";
        write_bytes(cut, read_bytes(cut).substr(0, 700));
        const std::string message = message_of(folder);
        check_refused(message, folder);
        CHECK_CONTAINS(message, "1 DICOM file is unreadable: " + cut);
    }

    // A folder of damaged files only: one line, with the first reason.
    void onlyDamagedFiles() {
        QTemporaryDir dir;
        const std::string bytes = one_slice(dir);
        const std::string folder = dir.filePath("ct").toStdString();
        fs::create_directory(folder);
        write_bytes(folder + "/a.dcm", bytes.substr(0, 150));
        write_bytes(folder + "/b.dcm", bytes.substr(0, 90));
        const std::string message = message_of(folder);
        check_refused(message, folder);
        CHECK_CONTAINS(message, "no readable DICOM images");
        CHECK_CONTAINS(message, "2 DICOM files are unreadable, the first " + folder + "/a.dcm");
        const std::string listed =
            test::invalid_argument_message([&] { scan_dicom_folder(folder); }).toStdString();
        CHECK_CONTAINS(listed, "no readable DICOM images");
        // The message names the first; the exception carries each, for a caller that lists them.
        try {
            scan_dicom_folder(folder);
            QFAIL("a folder of damaged files was scanned without an error");
        } catch (const UnreadableDicomFolder& e) {
            QCOMPARE(e.unreadable.size(), std::size_t(2));
            QCOMPARE(e.unreadable[0].path, folder + "/a.dcm");
            QCOMPARE(e.unreadable[1].path, folder + "/b.dcm");
            CHECK_CONTAINS(e.unreadable[0].reason, "the file ends at byte 150");
            CHECK_CONTAINS(e.unreadable[1].reason, "the file ends at byte 90");
        }
    }

    void badRescale_data() {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("problem");
        QTest::newRow("slope 0") << "slope"
                                 << "0"
                                 << "the rescale slope (0028,1053) is '0', expected a number "
                                    "other than 0";
        QTest::newRow("slope not a number")
            << "slope"
            << "ab"
            << "the rescale slope (0028,1053) is 'ab', expected a number other than 0";
        QTest::newRow("intercept not a number")
            << "intercept"
            << "x1"
            << "the rescale intercept (0028,1052) is 'x1', expected a number";
    }

    // GDCM multiplies by whatever slope it finds: 0 made every voxel the intercept.
    void badRescale() {
        QFETCH(QString, tag);
        QFETCH(QString, value);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        const std::string patched =
            with_value(one_slice(dir), tag == "slope" ? kRescaleSlopeTag : kRescaleInterceptTag,
                       value.toStdString());
        QVERIFY(!patched.empty());
        const std::string path = test::path_in(dir, "patched.dcm");
        write_bytes(path, patched);
        const std::string message = message_of(path);
        check_refused(message, path);
        CHECK_CONTAINS(message, problem.toStdString());

        // In a folder, such a file is unreadable and the others load.
        const Volume truth = ct_volume(centered_grid({4, 3, 3}, {0.7, 0.8, 2.5}));
        const std::string folder = dir.filePath("ct").toStdString();
        fs::create_directories(folder);
        test::write_ct_series(truth, folder, test::CtSeries{});
        const std::string last = folder + "/slice_002.dcm";
        write_bytes(last, with_value(read_bytes(last),
                                     tag == "slope" ? kRescaleSlopeTag : kRescaleInterceptTag,
                                     value.toStdString()));
        const DicomFolderListing listing = scan_dicom_folder(folder);
        QCOMPARE(listing.unreadable.size(), std::size_t(1));
        QCOMPARE(listing.unreadable[0].path, last);
        CHECK_CONTAINS(listing.unreadable[0].reason, problem.toStdString());
        QCOMPARE(read_volume(folder).grid.size, (std::array<int64_t, 3>{4, 3, 2}));
    }

    // Not regular files are never DICOM, and are not opened to find out.
    void pipesAndDevicesAreNotDicom() {
        QTemporaryDir dir;
        const std::string fifo = test::path_in(dir, "pipe.dcm");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        QVERIFY(!is_dicom_file(fifo));
        QVERIFY(!is_dicom_file("/dev/zero"));
        const std::string message = message_of(fifo);
        check_refused(message, fifo);
        CHECK_CONTAINS(message, "is a named pipe (FIFO), expected a regular file");
        // A folder holding a pipe lists nothing and does not block.
        const std::string folder_message = message_of(dir.path().toStdString());
        CHECK_CONTAINS(folder_message, "no DICOM images found");
    }

    // Other encodings a valid file may use, as ITK writes them into the multi-frame file: the
    // walk must accept what GDCM reads.
    void validFilesPass() {
        QTemporaryDir dir;
        const Volume truth = ct_volume(centered_grid({4, 3, 3}, {0.7, 0.8, 2.5}));
        const std::string file = test::path_in(dir, "multiframe.dcm");
        test::write_multiframe_ct(truth, file, 0.5, -1024);
        const Volume read = read_volume(file);
        QCOMPARE(read.grid.size, (std::array<int64_t, 3>{4, 3, 3}));
        // Cut inside its nested functional group sequences.
        const std::string bytes = read_bytes(file);
        const std::size_t pixels = pixel_data_offset(bytes);
        for (std::size_t cut = pixels / 2; cut < pixels; cut += 7) {
            const std::string path = test::path_in(dir, "cut.dcm");
            write_bytes(path, bytes.substr(0, cut));
            const std::string message = message_of(path);
            check_refused(message, path);
            QVERIFY2(contains(message, "cut short"), message.c_str());
        }
    }
};

RADON_TEST_CLASS(TestBadInputDicom);
#include "test_bad_input_dicom.moc"
