// Scaled integer NIfTI (scl_slope/scl_inter) is read as stored and scaled in the volume's own
// memory (recon/io/nifti_stored_values): the voxels must be bit for bit what ITK's reader hands
// out after its own rescaling, and the peak memory of a load about the float volume plus the
// stored values, not the 2.5 times ITK's reader needs.

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "itkImage.h"
#include "itkImageFileReader.h"
#include "itkNiftiImageIO.h"

#include "recon/io/volume_io.h"
#include "tests/common/test_registry.h"
#include "tests/recon/recon_test_support.h"

using namespace radon;
using namespace radon::recon;

namespace {

// A single-file NIfTI-1 with both orientation codes 0 (ITK then takes pixdim as the spacing),
// written field by field from the standard's layout, in either byte order.
struct NiftiFile {
    int16_t datatype = 4;
    int16_t bitpix = 16;
    int64_t nx = 4, ny = 3, nz = 2;
    float slope = 1, inter = 0;
    bool big_endian = false;
};

template <class T>
void put(std::vector<unsigned char>& bytes, std::size_t at, T value, bool swap) {
    unsigned char raw[sizeof(T)];
    std::memcpy(raw, &value, sizeof(T));
    for (std::size_t i = 0; i < sizeof(T); ++i)
        bytes[at + i] = raw[swap ? sizeof(T) - 1 - i : i];
}

// `values` holds the stored values as raw little-endian bytes of the datatype's width.
void write_nifti(const std::string& path, const NiftiFile& f,
                 const std::vector<unsigned char>& values) {
    const bool swap = f.big_endian;
    std::vector<unsigned char> header(352, 0);
    put<int32_t>(header, 0, 348, swap);
    const int16_t dims[8] = {3,
                             static_cast<int16_t>(f.nx),
                             static_cast<int16_t>(f.ny),
                             static_cast<int16_t>(f.nz),
                             1,
                             1,
                             1,
                             1};
    for (int i = 0; i < 8; ++i)
        put<int16_t>(header, 40 + 2 * i, dims[i], swap);
    put<int16_t>(header, 70, f.datatype, swap);
    put<int16_t>(header, 72, f.bitpix, swap);
    const float pixdim[8] = {1, 0.75f, 0.8f, 2.5f, 1, 1, 1, 1};
    for (int i = 0; i < 8; ++i)
        put<float>(header, 76 + 4 * i, pixdim[i], swap);
    put<float>(header, 108, 352.0f, swap);
    put<float>(header, 112, f.slope, swap);
    put<float>(header, 116, f.inter, swap);
    header[123] = 2;  // xyzt_units: mm
    std::memcpy(header.data() + 344, "n+1", 4);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(header.data()),
              static_cast<std::streamsize>(header.size()));
    const std::size_t width = static_cast<std::size_t>(f.bitpix / 8);
    std::vector<unsigned char> data = values;
    if (swap) {
        for (std::size_t v = 0; v + width <= data.size(); v += width)
            std::reverse(data.begin() + static_cast<std::ptrdiff_t>(v),
                         data.begin() + static_cast<std::ptrdiff_t>(v + width));
    }
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    QVERIFY(out.good());
}

template <class T>
std::vector<unsigned char> raw_values(const std::vector<T>& values) {
    std::vector<unsigned char> bytes(values.size() * sizeof(T));
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

// What ITK's own reader makes of the file: its NIfTI reader rescaling into float.
std::vector<float> read_with_itk(const std::string& path) {
    using Image = itk::Image<float, 3>;
    auto reader = itk::ImageFileReader<Image>::New();
    reader->SetImageIO(itk::NiftiImageIO::New());
    reader->SetFileName(path);
    reader->Update();
    const Image* image = reader->GetOutput();
    const auto n = image->GetBufferedRegion().GetNumberOfPixels();
    return std::vector<float>(image->GetBufferPointer(), image->GetBufferPointer() + n);
}

// Bitwise, so that a value rounded once more or less than ITK rounds it counts as different.
int64_t count_different(const float* a, const std::vector<float>& b, QString* first) {
    int64_t different = 0;
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (std::memcmp(&a[i], &b[i], sizeof(float)) != 0 && different++ == 0) {
            *first = QString("voxel %1: %2, ITK reads %3")
                         .arg(i)
                         .arg(a[i], 0, 'g', 9)
                         .arg(b[i], 0, 'g', 9);
        }
    }
    return different;
}

// The process's resident set now and its peak since the last reset, from /proc (bytes).
bool resident_bytes(double* now, double* peak) {
    std::ifstream status("/proc/self/status");
    std::string line;
    bool got_now = false, got_peak = false;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            *now = 1024.0 * std::stod(line.substr(6));
            got_now = true;
        } else if (line.rfind("VmHWM:", 0) == 0) {
            *peak = 1024.0 * std::stod(line.substr(6));
            got_peak = true;
        }
    }
    return got_now && got_peak;
}

}  // namespace

class TestNiftiScaledRead : public QObject {
    Q_OBJECT

  private slots:
    // The scaled fixtures of an independent writer (nibabel): int16 slope 1 intercept -1024,
    // gzip-compressed, and uint8 slope 5 intercept -1000.
    void fixtures_read_as_itk_reads_them_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("int16") << "nifti_int16_scaled_flipped.nii.gz";
        QTest::newRow("uint8") << "nifti_uint8_scaled.nii";
    }
    void fixtures_read_as_itk_reads_them() {
        QFETCH(QString, name);
        const std::string path = std::string(RADON_EXTERNAL_FIXTURES) + "/" + name.toStdString();
        const Volume volume = read_volume(path);
        const std::vector<float> itk = read_with_itk(path);
        QCOMPARE(static_cast<std::size_t>(volume.voxels.size()), itk.size());
        QString first;
        QVERIFY2(count_different(volume.voxels.host_data(), itk, &first) == 0, qPrintable(first));
    }

    // Every integer datatype, slopes and intercepts that are not whole, values whose float
    // conversion rounds (beyond 2^24), a slope of 0 (niftilib's "no scaling", which ITK turns
    // into 1) and a big-endian file.
    void every_integer_type_reads_as_itk_reads_it_data() {
        QTest::addColumn<int>("datatype");
        QTest::addColumn<float>("slope");
        QTest::addColumn<float>("inter");
        QTest::addColumn<bool>("big_endian");
        QTest::newRow("uint8") << 2 << 0.37f << -1024.3f << false;
        QTest::newRow("int8") << 256 << -2.5f << 17.125f << false;
        QTest::newRow("int16") << 4 << 0.1f << -1024.0f << false;
        QTest::newRow("int16 big-endian") << 4 << 1.0f << -1024.0f << true;
        QTest::newRow("uint16") << 512 << 0.33f << -1000.0f << false;
        QTest::newRow("int32") << 8 << 0.001f << 3.5f << false;
        QTest::newRow("uint32 big-endian") << 768 << 1.0f << -7.0f << true;
        QTest::newRow("int64") << 1024 << 1e-6f << 0.0f << false;
        QTest::newRow("slope 0, intercept only") << 4 << 0.0f << -1024.0f << false;
    }
    void every_integer_type_reads_as_itk_reads_it() {
        QFETCH(int, datatype);
        QFETCH(float, slope);
        QFETCH(float, inter);
        QFETCH(bool, big_endian);
        NiftiFile f;
        f.datatype = static_cast<int16_t>(datatype);
        f.slope = slope;
        f.inter = inter;
        f.big_endian = big_endian;
        const int64_t n = f.nx * f.ny * f.nz;
        // Spread over the type's range, its ends included.
        auto spread = [&](auto lowest, auto highest) {
            using T = decltype(lowest);
            std::vector<T> v(static_cast<std::size_t>(n));
            const long double lo = lowest, hi = highest;
            for (int64_t i = 0; i < n; ++i)
                v[static_cast<std::size_t>(i)] =
                    static_cast<T>(lo + (hi - lo) * static_cast<long double>(i) / (n - 1));
            v[1] = static_cast<T>(highest - 1);
            return raw_values(v);
        };
        std::vector<unsigned char> values;
        switch (datatype) {
            case 2:
                f.bitpix = 8;
                values = spread(uint8_t(0), uint8_t(255));
                break;
            case 256:
                f.bitpix = 8;
                values = spread(int8_t(-128), int8_t(127));
                break;
            case 4:
                f.bitpix = 16;
                values = spread(int16_t(-32768), int16_t(32767));
                break;
            case 512:
                f.bitpix = 16;
                values = spread(uint16_t(0), uint16_t(65535));
                break;
            case 8:
                f.bitpix = 32;
                values = spread(std::numeric_limits<int32_t>::min(), int32_t(2147483647));
                break;
            case 768:
                f.bitpix = 32;
                values = spread(uint32_t(0), uint32_t(4294967295u));
                break;
            case 1024:
                f.bitpix = 64;
                values = spread(int64_t(-(int64_t(1) << 40)), int64_t(int64_t(1) << 40));
                break;
        }
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "scaled.nii");
        write_nifti(path, f, values);
        const Volume volume = read_volume(path);
        const std::vector<float> itk = read_with_itk(path);
        QCOMPARE(static_cast<std::size_t>(volume.voxels.size()), itk.size());
        QString first;
        QVERIFY2(count_different(volume.voxels.host_data(), itk, &first) == 0, qPrintable(first));
    }

    // The peak resident memory of loading an int16 volume (41 MB stored, 82 MB as float) stays
    // within 1.6 times the float volume: the float volume, niftilib's copy of the stored values
    // and small buffers. ITK's own reader peaks at 2.5 times (its float copy besides both).
    // Every buffer is larger than glibc's largest mmap threshold (32 MiB), so it is mapped and
    // counted when touched, never served from memory this process already holds.
    void peak_memory_is_float_volume_plus_stored_values() {
        std::ofstream reset("/proc/self/clear_refs");
        if (!reset) QSKIP("/proc/self/clear_refs cannot be written here: the peak cannot be reset");
        NiftiFile f;
        f.nx = 320;
        f.ny = 320;
        f.nz = 200;
        f.slope = 1;
        f.inter = -1024;
        const int64_t n = f.nx * f.ny * f.nz;
        std::vector<unsigned char> values;
        {
            std::vector<int16_t> v(static_cast<std::size_t>(n));
            for (int64_t i = 0; i < n; ++i)
                v[static_cast<std::size_t>(i)] = static_cast<int16_t>(i % 4000);
            values = raw_values(v);
        }
        QTemporaryDir dir;
        const std::string path = test::path_in(dir, "large.nii");
        write_nifti(path, f, values);
        values.clear();
        values.shrink_to_fit();

        double before = 0, peak = 0;
        QVERIFY(resident_bytes(&before, &peak));
        reset << "5" << std::flush;  // resets VmHWM to the current resident set
        if (!reset) QSKIP("the kernel refused to reset the peak resident set (clear_refs 5)");
        const Volume volume = read_volume(path);
        double now = 0;
        QVERIFY(resident_bytes(&now, &peak));
        const double float_bytes = 4.0 * static_cast<double>(n);
        const double grown = peak - before;
        QVERIFY(volume.voxels.host_data()[1] == -1023.0f);
        QVERIFY2(grown >= float_bytes, qPrintable(QString("the peak grew by %1 MB, less than the "
                                                          "%2 MB float volume: not measured")
                                                      .arg(grown / 1e6)
                                                      .arg(float_bytes / 1e6)));
        QVERIFY2(grown <= 1.6 * float_bytes,
                 qPrintable(QString("the peak grew by %1 MB = %2 times the %3 MB float volume, "
                                    "expected at most 1.6")
                                .arg(grown / 1e6)
                                .arg(grown / float_bytes)
                                .arg(float_bytes / 1e6)));
    }
};

RADON_TEST_CLASS(TestNiftiScaledRead);
#include "test_nifti_scaled_read.moc"
