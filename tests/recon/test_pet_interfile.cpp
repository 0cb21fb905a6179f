#include <QDir>
#include <QFile>
#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <random>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "recon/pet/interfile_sinogram.h"
#include "recon/pet/scanner_json.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using radon::test::invalid_argument_message;

using namespace radon;
using namespace radon::recon;

namespace {

pet::SinogramDescriptor demo_sinogram(int span, int mashing, const char* order, int tof_bins) {
    const ScannerDescription demo = scanner_preset("demo");
    pet::SinogramSpec spec;
    spec.span = span;
    spec.view_mashing = mashing;
    spec.axis_order = order;
    spec.tof = demo.scanner.tof;
    spec.tof.bins = tof_bins;
    return pet::SinogramDescriptor(demo.scanner, spec);
}

std::vector<float> random_sinogram(int64_t n) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-5, 100);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& x : v)
        x = u(rng);
    return v;
}

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
};

RADON_TEST_CLASS(TestPetInterfile);
#include "test_pet_interfile.moc"
