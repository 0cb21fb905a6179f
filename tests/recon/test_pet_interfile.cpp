#include <QDir>
#include <QFile>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <random>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "recon/pet/interfile_sinogram.h"
#include "recon/pet/scanner_json.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/recon/pet_sinogram_test_support.h"

using radon::test::demo_sinogram;
using radon::test::invalid_argument_message;
using radon::test::random_sinogram;

using namespace radon;
using namespace radon::recon;

namespace {

std::vector<float> raw_floats(const std::string& path) {
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    std::vector<float> v(static_cast<std::size_t>(in.tellg()) / sizeof(float));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
    return v;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

class TestPetInterfile : public QObject {
    Q_OBJECT

  private slots:
    void round_trip_in_any_axis_order() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        struct Case {
            int span, mashing;
            const char* order;
            int tof;
        };
        for (const Case c : {Case{1, 1, "PVR", 1}, Case{3, 2, "RVP", 1}, Case{3, 1, "VRPT", 7},
                             Case{1, 4, "TPRV", 7}}) {
            const pet::SinogramDescriptor d = demo_sinogram(c.span, c.mashing, c.order, c.tof);
            const std::vector<float> data = random_sinogram(d.bins());
            const std::string path = dir.filePath("sino.hs").toStdString();
            write_interfile_sinogram(path, d, data);
            QCOMPARE(read_interfile_sinogram(path, d), data);
        }
    }

    void data_file_is_in_stirs_segment_axial_view_tangential_order() {
        QTemporaryDir dir;
        const pet::SinogramDescriptor d = demo_sinogram(3, 2, "RVP", 7);
        const std::vector<float> data = random_sinogram(d.bins());
        const std::string path = dir.filePath("s.hs").toStdString();
        write_interfile_sinogram(path, d, data);
        const std::vector<float> raw = raw_floats(dir.filePath("s.s").toStdString());
        QCOMPARE(static_cast<int64_t>(raw.size()), d.bins());
        // STIR's layout written out here: TOF bin, then segments 0, -1, +1 one after the other,
        // each [axial][view][tangential].
        int64_t pos = 0;
        for (int k = 0; k < d.tof_bins(); ++k)
            for (const pet::Segment& s : d.segments())
                for (int a = 0; a < s.planes; ++a)
                    for (int v = 0; v < d.views(); ++v)
                        for (int t = 0; t < d.radial_bins(); ++t, ++pos) {
                            pet::SinogramBin bin;
                            bin.tof = k;
                            bin.plane = s.first_plane + a;
                            bin.view = v;
                            bin.radial = t;
                            QCOMPARE(raw[static_cast<std::size_t>(pos)],
                                     data[static_cast<std::size_t>(d.offset(bin))]);
                        }
        const std::string header = read_text(path);
        for (const char* line :
             {"!number format := float", "number of dimensions := 5",
              "matrix axis label [5] := timing positions", "!matrix size [5] := 7",
              "!matrix size [4] := 3", "!matrix size [3] := {7,3,3}",
              "minimum ring difference per segment := {-1,-3,2}",
              "maximum ring difference per segment := {1,-2,3}", "Number of rings := 4",
              "Number of detectors per ring := 64", "Inner ring diameter (cm) := 30",
              "Average depth of interaction (cm) := 0.5", "Distance between rings (cm) := 0.42",
              "Maximum number of (unmashed) TOF time bins := 7",
              "Size of unmashed TOF time bins (ps) := 200", "TOF timing resolution (ps) := 300",
              "name of data file := s.s"})
            QVERIFY2(header.find(line) != std::string::npos, line);
    }

    void mismatched_sinograms_are_refused() {
        QTemporaryDir dir;
        const pet::SinogramDescriptor d = demo_sinogram(3, 1, "PVR", 1);
        const std::string path = dir.filePath("s.hs").toStdString();
        write_interfile_sinogram(path, d, random_sinogram(d.bins()));
        // Another span: the segments differ.
        QString m = invalid_argument_message(
            [&] { read_interfile_sinogram(path, demo_sinogram(1, 1, "PVR", 1)); });
        QVERIFY2(m.startsWith(QString::fromStdString(path)) && m.contains("matrix size [4]") &&
                     m.contains("expected 7"),
                 qPrintable(m));
        // Another scanner.
        const ScannerDescription mct = scanner_preset("siemens_biograph_mct");
        m = invalid_argument_message(
            [&] { read_interfile_sinogram(path, pet::SinogramDescriptor(mct.scanner, {})); });
        QVERIFY2(m.contains("Number of rings") && m.contains("is 4") && m.contains("expected 55"),
                 qPrintable(m));
        // TOF expected, none in the file.
        m = invalid_argument_message(
            [&] { read_interfile_sinogram(path, demo_sinogram(3, 1, "PVR", 7)); });
        QVERIFY2(m.contains("number of dimensions") && m.contains("expected 5"), qPrintable(m));
        // A data file cut short.
        const QString data = dir.filePath("s.s");
        QFile f(data);
        QVERIFY(f.resize(f.size() - 4));
        m = invalid_argument_message([&] { read_interfile_sinogram(path, d); });
        QVERIFY2(m.contains("holds") && m.contains("expected " + QString::number(d.bins() * 4)),
                 qPrintable(m));
    }

    void wrong_value_count_writes_nothing() {
        QTemporaryDir dir;
        const pet::SinogramDescriptor d = demo_sinogram(1, 1, "RVP", 1);
        const std::string path = dir.filePath("none.hs").toStdString();
        const QString m = invalid_argument_message(
            [&] { write_interfile_sinogram(path, d, std::vector<float>(10)); });
        QVERIFY2(
            m.contains("10 sinogram values") && m.contains("expected " + QString::number(d.bins())),
            qPrintable(m));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 0);
    }

    void header_alone_rebuilds_the_sinogram() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("s.hs").toStdString();
        // A preset named in the header: its own geometry comes back.
        const pet::SinogramDescriptor d = demo_sinogram(3, 2, "RVP", 7);
        const std::vector<float> data = random_sinogram(d.bins());
        write_interfile_sinogram(path, d, data);
        const InterfileSinogram back = read_interfile_sinogram(path);
        QCOMPARE(back.descriptor.spec().axis_order, std::string("TPVR"));
        QCOMPARE(back.descriptor.spec().span, 3);
        QCOMPARE(back.descriptor.spec().view_mashing, 2);
        QCOMPARE(back.descriptor.views(), d.views());
        QCOMPARE(back.descriptor.planes(), d.planes());
        QCOMPARE(back.descriptor.tof_bins(), 7);
        QCOMPARE(back.descriptor.scanner().crystals[5].centre.x, d.scanner().crystals[5].centre.x);
        for (int64_t off = 0; off < d.bins(); off += 5)
            QCOMPARE(back.data[static_cast<std::size_t>(back.descriptor.offset(d.bin_at(off)))],
                     data[static_cast<std::size_t>(off)]);

        // A scanner that is not a preset: a cylinder from the scanner block, same sizes.
        std::string header = read_text(path);
        const auto at = header.find("Scanner type := Demo");
        QVERIFY(at != std::string::npos);
        header.replace(at, 20, "Scanner type := Elsewhere");
        std::ofstream(path) << header;
        const InterfileSinogram other = read_interfile_sinogram(path);
        QCOMPARE(other.descriptor.scanner().name, std::string("Elsewhere"));
        QCOMPARE(other.descriptor.bins(), d.bins());
        QVERIFY(std::fabs(other.descriptor.scanner().inner_radius_mm - 150) < 1e-9);

        // Sizes that do not fit the scanner: 7 views do not divide its 32.
        const auto views = header.find("!matrix size [2] := 16");
        QVERIFY(views != std::string::npos);
        header.replace(views, 22, "!matrix size [2] := 7");
        std::ofstream(path) << header;
        const QString m = invalid_argument_message([&] { read_interfile_sinogram(path); });
        QVERIFY2(m.contains("matrix size [2]") && m.contains("is 7") && m.contains("divisor"),
                 qPrintable(m));
    }
};

RADON_TEST_CLASS(TestPetInterfile);
#include "test_pet_interfile.moc"
