// Writing DRRs: 16-bit windowed PNG round trips, the geometry in NRRD and MetaImage headers,
// stacks of channels in every float format, and refusals that leave no file behind.

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/geometry/projection_geometry.h"
#include "recon/io/image_io.h"
#include "recon/io/projection_geometry_json.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using namespace radon::recon;
using radon::test::invalid_argument_message;
namespace fs = std::filesystem;

namespace {

std::string in_dir(const QTemporaryDir& dir, const std::string& name) {
    return (fs::path(dir.path().toStdString()) / name).string();
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The header's key/value lines: "key:=value" in NRRD, "key = value" in MetaImage; the header
// ends at the first empty line (NRRD) or at ElementDataFile (MetaImage).
std::map<std::string, std::string> header_fields(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::map<std::string, std::string> fields;
    std::string line;
    while (std::getline(in, line) && !line.empty()) {
        auto at = line.find(":=");
        std::size_t skip = 2;
        if (at == std::string::npos) {
            at = line.find(" = ");
            skip = 3;
        }
        if (at != std::string::npos) fields[line.substr(0, at)] = line.substr(at + skip);
        if (line.rfind("ElementDataFile", 0) == 0) break;
    }
    return fields;
}

std::vector<double> numbers(const std::string& text) {
    std::istringstream in(text);
    std::vector<double> out;
    double v;
    while (in >> v)
        out.push_back(v);
    return out;
}

ProjectionGeometry lao_view() {
    CArmPose pose;
    pose.primary_deg = 30;
    pose.secondary_deg = -12;
    pose.roll_deg = 4;
    Detector d;
    d.width = 9;
    d.height = 7;
    d.delx = 1.5;
    d.dely = 2.0;
    d.principal_u = 3;
    return carm_projection(pose, d, Vec3{10, -20, 5});
}

int files_in(const QTemporaryDir& dir) {
    int n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path().toStdString()))
        ++n;
    return n;
}

}  // namespace

class TestImageWriting : public QObject {
    Q_OBJECT

  private slots:
    void pngLevels() {
        const Window w{100, 200};  // 0 .. 200
        QCOMPARE(png_level(0.0f, w, 16), 0u);
        QCOMPARE(png_level(200.0f, w, 16), 65535u);
        QCOMPARE(png_level(100.0f, w, 16), 32768u);  // 32767.5 rounds up
        QCOMPARE(png_level(100.0f, w, 8), 128u);     // 127.5 rounds up
        QCOMPARE(png_level(-5.0f, w, 16), 0u);
        QCOMPARE(png_level(1e30f, w, 16), 65535u);
        QCOMPARE(png_level(std::numeric_limits<float>::quiet_NaN(), w, 16), 0u);
        QCOMPARE(png_level(std::numeric_limits<float>::infinity(), w, 8), 255u);
    }

    // Every grey level of the 16-bit PNG is the windowed value, and maps back to the float to
    // within half a level of the window.
    void png16RoundTrip() {
        QTemporaryDir dir;
        const int64_t width = 300, height = 5;
        Image2D image = Image2D::allocate(width, height, 0.5, 0.75);
        for (int64_t i = 0; i < image.pixels.size(); ++i)
            image.pixels[i] = -0.3f + 0.0123456f * static_cast<float>(i % 397) +
                              1e-4f * static_cast<float>(i / 397);
        const Window window{2.0, 4.5};  // -0.25 .. 4.25: a few values fall outside
        const std::string path = in_dir(dir, "drr16.png");
        write_image(image, path, window, 16);

        // IHDR: 16 bits per sample, colour type 0 (grey).
        const std::string bytes = read_bytes(path);
        QVERIFY(bytes.size() > 26);
        QCOMPARE(int(uint8_t(bytes[24])), 16);
        QCOMPARE(int(uint8_t(bytes[25])), 0);

        const Image2D read = read_image(path);
        QCOMPARE(read.width(), width);
        QCOMPARE(read.height(), height);
        const double low = window.level - 0.5 * window.width;
        const double half_level = 0.5 * window.width / 65535.0;
        int inside = 0;
        for (int64_t i = 0; i < image.pixels.size(); ++i) {
            const double v = image.pixels[i];
            const double want =
                v <= low ? 0.0
                         : std::min(65535.0, std::floor((v - low) / window.width * 65535.0 + 0.5));
            QCOMPARE(static_cast<double>(read.pixels[i]), want);
            if (v > low && v < low + window.width) {
                ++inside;
                const double back = low + read.pixels[i] / 65535.0 * window.width;
                QVERIFY(std::fabs(back - v) <= half_level * (1 + 1e-9));
            }
        }
        QVERIFY(inside > image.pixels.size() / 2);
    }

    void pngBitDepthsAndChannels() {
        QTemporaryDir dir;
        Image2D image = Image2D::allocate(4, 4, 1, 1);
        std::fill(image.pixels.host_data(), image.pixels.host_data() + 16, 1.0f);
        QString m = invalid_argument_message(
            [&] { write_image(image, in_dir(dir, "x.png"), Window{}, 12); });
        QVERIFY2(m.contains("x.png") && m.contains("8 or 16"), qPrintable(m));

        Image2D stack = Image2D::allocate(4, 4, 1, 1, 3);
        m = invalid_argument_message(
            [&] { write_image(stack, in_dir(dir, "stack.png"), Window{}, 8); });
        QVERIFY2(m.contains("stack.png") && m.contains("3 channels"), qPrintable(m));
        QCOMPARE(files_in(dir), 0);  // nothing written, not even a temporary file
    }

    // A stack of channels survives every float format with its spacing and values.
    void stackRoundTrip_data() {
        QTest::addColumn<QString>("extension");
        for (const char* ext : {".nrrd", ".mha", ".nii", ".nii.gz", ".tif"})
            QTest::newRow(ext) << QString(ext);
    }

    void stackRoundTrip() {
        QFETCH(QString, extension);
        QTemporaryDir dir;
        Image2D stack = Image2D::allocate(11, 6, 0.4, 0.9, 3);
        for (int64_t i = 0; i < stack.pixels.size(); ++i)
            stack.pixels[i] = std::ldexp(static_cast<float>(i), -4) - 3.0f;
        const std::string path = in_dir(dir, "stack" + extension.toStdString());
        write_image(stack, path, Window{});
        const Image2D read = read_image_stack(path);
        QCOMPARE(read.width(), int64_t(11));
        QCOMPARE(read.height(), int64_t(6));
        QCOMPARE(read.channels(), int64_t(3));
        for (int64_t i = 0; i < stack.pixels.size(); ++i)
            QCOMPARE(read.pixels[i], stack.pixels[i]);
        QVERIFY(std::fabs(read.spacing[0] - 0.4) < 1e-6);
        QVERIFY(std::fabs(read.spacing[1] - 0.9) < 1e-6);
        // A channel view is the plane it names.
        const Image2D second = stack.channel(1);
        QCOMPARE(second.channels(), int64_t(1));
        QCOMPARE(second.pixels[0], stack.pixels[66]);
    }

    // NRRD and MetaImage headers carry the projection matrix and the source; the matrix read
    // back from the header maps every pixel centre onto its own (column, row).
    void geometryInHeaders_data() {
        QTest::addColumn<QString>("extension");
        QTest::newRow("nrrd") << ".nrrd";
        QTest::newRow("mha") << ".mha";
    }

    void geometryInHeaders() {
        QFETCH(QString, extension);
        QTemporaryDir dir;
        DrrRecord record;
        record.geometry = lao_view();
        record.output.kind = DrrOutputKind::Transmission;
        record.output.i0 = 1e5f;
        record.channel_labels = {0, 4, 17};
        const ProjectionGeometry& g = record.geometry;
        Image2D image = Image2D::allocate(g.width, g.height, 1.5, 2.0, 3);
        std::fill(image.pixels.host_data(), image.pixels.host_data() + image.pixels.size(), 0.5f);
        image.metadata = drr_record_metadata(record);
        const std::string path = in_dir(dir, "view" + extension.toStdString());
        write_image(image, path, Window{});

        const auto fields = header_fields(path);
        QVERIFY2(fields.count("radon_projection_matrix"), read_bytes(path).substr(0, 600).c_str());
        const std::vector<double> p = numbers(fields.at("radon_projection_matrix"));
        QCOMPARE(p.size(), std::size_t(12));
        for (double col : {0.0, 8.0, 3.0})
            for (double row : {0.0, 6.0, 2.0}) {
                const Vec3 x = g.pixel_center(col, row);
                double h[3];
                for (int r = 0; r < 3; ++r)
                    h[r] = p[4 * r] * x.x + p[4 * r + 1] * x.y + p[4 * r + 2] * x.z + p[4 * r + 3];
                QVERIFY(h[2] > 0);
                QVERIFY(std::fabs(h[0] / h[2] - col) < 1e-9);
                QVERIFY(std::fabs(h[1] / h[2] - row) < 1e-9);
            }
        const std::vector<double> source = numbers(fields.at("radon_source_mm"));
        QCOMPARE(source.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(source[i], g.source[i]);  // written with 17 digits: exact
        QCOMPARE(fields.at("radon_channel_labels"), std::string("0 4 17"));
        QVERIFY(fields.at("radon_values").find("I0 = 100000") != std::string::npos);
        // The pixels are still where they were.
        const Image2D read = read_image_stack(path);
        QCOMPARE(read.pixels[read.pixels.size() - 1], 0.5f);
    }
};

RADON_TEST_CLASS(TestImageWriting);
#include "test_image_writing.moc"
