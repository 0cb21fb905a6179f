#include <QObject>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include "itk_zlib.h"
#include "kernels/core/error.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "recon/pet/interfile_sinogram.h"
#include "recon/pet/nrrd_sinogram.h"
#include "recon/pet/scanner_json.h"
#include "recon/pet/sinogram_file.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/recon/pet_sinogram_test_support.h"

using radon::test::demo_sinogram;
using radon::test::invalid_argument_message;
using radon::test::random_sinogram;

using namespace radon;
using namespace radon::recon;

namespace {

void write(const std::string& path, const ScannerDescription& scanner,
           const pet::SinogramDescriptor& d, const std::vector<float>& data) {
    AtomicFileSet outputs;
    write_sinogram(outputs, path, scanner, d, data);
    outputs.commit();
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// The header (up to and including the blank line) and the data part of a written file.
std::pair<std::string, std::string> split(const std::string& file) {
    const std::size_t end = file.find("\n\n");
    return {file.substr(0, end + 2), file.substr(end + 2)};
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

}  // namespace

class TestPetNrrdSinogram : public QObject {
    Q_OBJECT

  private slots:
    // What a NRRD reader that knows nothing of Radon Studio needs: sizes fastest first and the
    // axis names as labels, in the sinogram's memory order; the raw floats follow the header.
    void header_describes_the_memory_layout() {
        QTemporaryDir dir;
        const ScannerDescription demo = scanner_preset("demo");
        const pet::SinogramDescriptor d = demo_sinogram(demo, 3, 1, "VRPT", 5);
        const std::vector<float> data = random_sinogram(d.bins(), 11);
        const std::string path = dir.filePath("s.nrrd").toStdString();
        write(path, demo, d, data);
        const auto [header, payload] = split(read_text(path));
        QVERIFY(header.rfind("NRRD0004\n", 0) == 0);
        std::ostringstream sizes;
        sizes << "sizes: " << d.tof_bins() << " " << d.planes() << " " << d.radial_bins() << " "
              << d.views() << "\n";
        QVERIFY2(header.find(sizes.str()) != std::string::npos, header.c_str());
        QVERIFY(header.find("labels: \"tof\" \"plane\" \"radial\" \"view\"\n") !=
                std::string::npos);
        QVERIFY(header.find("type: float\n") != std::string::npos);
        QVERIFY(header.find("endian: little\n") != std::string::npos);
        QCOMPARE(payload.size(), data.size() * sizeof(float));
        QVERIFY(std::memcmp(payload.data(), data.data(), payload.size()) == 0);
    }

    void round_trip_in_any_axis_order() {
        QTemporaryDir dir;
        ScannerDescription demo = scanner_preset("demo");
        demo.scanner.isocentre_lps = {12.5, -40.25, 300};
        struct Case {
            int span, mashing;
            const char* order;
            int tof;
        };
        for (const Case c : {Case{1, 1, "PVR", 1}, Case{3, 2, "RVP", 1}, Case{3, 1, "VRPT", 7},
                             Case{1, 4, "TPRV", 7}}) {
            const pet::SinogramDescriptor d =
                demo_sinogram(demo, c.span, c.mashing, c.order, c.tof);
            const std::vector<float> data = random_sinogram(d.bins(), 11);
            const std::string path = dir.filePath("s.nrrd").toStdString();
            write(path, demo, d, data);
            const NrrdSinogram back = read_nrrd_sinogram(path);
            QCOMPARE(back.descriptor.description(), d.description());
            QCOMPARE(back.descriptor.spec().axis_order, d.spec().axis_order);
            QCOMPARE(back.descriptor.tof_bins(), d.tof_bins());
            QCOMPARE(back.descriptor.spec().tof.bin_width_mm, d.spec().tof.bin_width_mm);
            QCOMPARE(back.descriptor.spec().tof.fwhm_mm, d.spec().tof.fwhm_mm);
            QCOMPARE(back.descriptor.scanner().isocentre_lps.z, 300.0);
            QCOMPARE(back.descriptor.scanner().isocentre_lps.y, -40.25);
            QVERIFY(back.data == data);
            QVERIFY(read_nrrd_sinogram(path, d) == data);
        }
    }

    // A sinogram written in one axis order and read in another holds each bin's value where the
    // other order puts that bin; the Interfile writer and reader (a separate transposition
    // through STIR's order) agree with it bin for bin.
    void reads_into_another_axis_order_as_interfile_does() {
        QTemporaryDir dir;
        const ScannerDescription demo = scanner_preset("demo");
        const pet::SinogramDescriptor written = demo_sinogram(demo, 3, 2, "RVPT", 5);
        const pet::SinogramDescriptor wanted = demo_sinogram(demo, 3, 2, "TVPR", 5);
        const std::vector<float> data = random_sinogram(written.bins(), 11);
        const std::string nrrd = dir.filePath("s.nrrd").toStdString();
        const std::string hs = dir.filePath("s.hs").toStdString();
        write(nrrd, demo, written, data);
        write(hs, demo, written, data);
        const std::vector<float> a = read_sinogram(nrrd, wanted);
        QVERIFY(a == read_sinogram(hs, wanted));
        for (int64_t off = 0; off < written.bins(); off += 97)
            QCOMPARE(a[static_cast<std::size_t>(wanted.offset(written.bin_at(off)))],
                     data[static_cast<std::size_t>(off)]);
    }

    void reads_gzip_encoding() {
        QTemporaryDir dir;
        const ScannerDescription demo = scanner_preset("demo");
        const pet::SinogramDescriptor d = demo_sinogram(demo, 1, 1, "PVR", 1);
        const std::vector<float> data = random_sinogram(d.bins(), 11);
        const std::string path = dir.filePath("s.nrrd").toStdString();
        write(path, demo, d, data);
        const auto [header, payload] = split(read_text(path));
        uLongf size = compressBound(static_cast<uLong>(payload.size()));
        std::string packed(size, '\0');
        QCOMPARE(compress2(reinterpret_cast<Bytef*>(&packed[0]), &size,
                           reinterpret_cast<const Bytef*>(payload.data()),
                           static_cast<uLong>(payload.size()), 6),
                 Z_OK);
        packed.resize(size);
        write_text(path, replaced(header, "encoding: raw", "encoding: gzip") + packed);
        QVERIFY(read_nrrd_sinogram(path, d) == data);
        // Cut short: refused, with the count it found.
        write_text(path, replaced(header, "encoding: raw", "encoding: gzip") +
                             packed.substr(0, packed.size() / 2));
        QVERIFY(invalid_argument_message([&] {
                    read_nrrd_sinogram(path);
                }).contains("expected " + QString::number(d.bins() * 4)));
    }

    void refuses_files_that_do_not_fit() {
        QTemporaryDir dir;
        const ScannerDescription demo = scanner_preset("demo");
        const pet::SinogramDescriptor d = demo_sinogram(demo, 3, 1, "PVR", 1);
        const std::vector<float> data = random_sinogram(d.bins(), 11);
        const std::string path = dir.filePath("s.nrrd").toStdString();
        write(path, demo, d, data);
        const auto [header, payload] = split(read_text(path));
        const std::string bad = dir.filePath("bad.nrrd").toStdString();
        const QString file = QString::fromStdString(bad);

        // Sizes that do not match the scanner and sinogram its keys describe.
        std::ostringstream sizes;
        sizes << "sizes: " << d.radial_bins() << " " << d.views() << " " << d.planes();
        std::ostringstream other;
        other << "sizes: " << d.radial_bins() << " " << d.views() << " " << d.planes() + 2;
        write_text(bad, replaced(header, sizes.str(), other.str()) + payload);
        QString m = invalid_argument_message([&] { read_nrrd_sinogram(bad); });
        QVERIFY2(m.startsWith(file) && m.contains("'sizes'"), qPrintable(m));

        // A span the scanner cannot have.
        write_text(bad, replaced(header, "radon_span:=3", "radon_span:=4") + payload);
        m = invalid_argument_message([&] { read_nrrd_sinogram(bad); });
        QVERIFY2(m.startsWith(file) && m.contains("span"), qPrintable(m));

        // Data cut short, a missing key, another number type, a scanner field out of range.
        write_text(bad, header + payload.substr(0, payload.size() - 4));
        m = invalid_argument_message([&] { read_nrrd_sinogram(bad); });
        QVERIFY2(m.contains(QString::number(d.bins() * 4)), qPrintable(m));
        write_text(bad, replaced(header, "radon_view_mashing:=1\n", "") + payload);
        m = invalid_argument_message([&] { read_nrrd_sinogram(bad); });
        QVERIFY2(m.contains("radon_view_mashing"), qPrintable(m));
        write_text(bad, replaced(header, "type: float", "type: double") + payload);
        m = invalid_argument_message([&] { read_nrrd_sinogram(bad); });
        QVERIFY2(m.contains("'type'") && m.contains("float"), qPrintable(m));

        // Read as the sinogram of another scanner or span: named.
        const ScannerDescription dmi = scanner_preset("ge_discovery_mi_4ring");
        pet::SinogramSpec spec;
        const pet::SinogramDescriptor dmi_sinogram(dmi.scanner, spec);
        m = invalid_argument_message([&] { read_nrrd_sinogram(path, dmi_sinogram); });
        QVERIFY2(m.contains("scanner"), qPrintable(m));
        m = invalid_argument_message(
            [&] { read_nrrd_sinogram(path, demo_sinogram(demo, 1, 1, "PVR", 1)); });
        QVERIFY2(m.contains("sinogram") && m.contains("span"), qPrintable(m));
        QVERIFY(invalid_argument_message([&] {
                    read_sinogram(dir.filePath("s.txt").toStdString(), d);
                }).contains(".nrrd"));
    }
};

RADON_TEST_CLASS(TestPetNrrdSinogram);
#include "test_pet_nrrd_sinogram.moc"
