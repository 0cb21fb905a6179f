#include "tests/recon/test_bad_input_files.h"

#include <QByteArray>
#include <QProcess>

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace radon::test {
namespace {

int components(FilePixel pixel) {
    switch (pixel) {
        case FilePixel::Complex:
            return 2;
        case FilePixel::Rgb:
            return 3;
        default:
            return 1;
    }
}

template <class T>
void put(std::string& bytes, std::size_t at, T value) {
    std::memcpy(&bytes[at], &value, sizeof(T));
}

std::string joined(const std::vector<int64_t>& values) {
    std::ostringstream out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out << (i ? " " : "") << values[i];
    return out.str();
}

std::string joined(const std::vector<double>& values) {
    std::ostringstream out;
    out.precision(17);
    for (std::size_t i = 0; i < values.size(); ++i)
        out << (i ? " " : "") << values[i];
    return out.str();
}

double direction_at(const VolumeFileSpec& spec, int row, int column) {
    return (*spec.direction)[static_cast<std::size_t>(3 * row + column)];
}

}  // namespace

VolumeFileSpec::VolumeFileSpec() {
    std::vector<float> ramp(60);
    for (std::size_t i = 0; i < ramp.size(); ++i)
        ramp[i] = static_cast<float>(i) * 10.0f - 300.0f;
    payload = float_bytes(ramp);
}

std::string float_bytes(const std::vector<float>& values) {
    return std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

int64_t value_count(const VolumeFileSpec& spec) {
    int64_t count = components(spec.pixel);
    for (int64_t size : spec.sizes)
        count *= size;
    return count;
}

std::string nrrd_header(const VolumeFileSpec& spec, const std::string& encoding,
                        const std::string& data_file) {
    const bool has_components = components(spec.pixel) > 1;
    std::ostringstream h;
    h << "NRRD0004\n";
    h << "type: "
      << (spec.pixel == FilePixel::Short ? "short"
          : spec.pixel == FilePixel::Rgb ? "uchar"
                                         : "float")
      << "\n";
    h << "dimension: " << spec.sizes.size() + (has_components ? 1 : 0) << "\n";
    h << "sizes: " << (has_components ? std::to_string(components(spec.pixel)) + " " : "")
      << joined(spec.sizes) << "\n";
    if (has_components) {
        h << "kinds: " << (spec.pixel == FilePixel::Complex ? "complex" : "RGB-color");
        for (std::size_t i = 0; i < spec.sizes.size(); ++i)
            h << " domain";
        h << "\n";
    }
    if (spec.direction) {
        h << "space: left-posterior-superior\nspace directions:" << (has_components ? " none" : "");
        for (int c = 0; c < 3; ++c) {
            std::ostringstream v;
            v.precision(17);
            v << " (" << direction_at(spec, 0, c) * spec.spacing[c] << ","
              << direction_at(spec, 1, c) * spec.spacing[c] << ","
              << direction_at(spec, 2, c) * spec.spacing[c] << ")";
            h << v.str();
        }
        std::ostringstream o;
        o.precision(17);
        o << "(" << spec.origin[0] << "," << spec.origin[1] << "," << spec.origin[2] << ")";
        h << "\nspace origin: " << o.str() << "\n";
    } else {
        h << "spacings: " << (has_components ? "nan " : "") << joined(spec.spacing) << "\n";
    }
    h << "encoding: " << encoding << "\nendian: little\n";
    if (!data_file.empty()) h << "data file: " << data_file << "\n";
    h << "\n";
    return h.str();
}

std::string meta_header(const VolumeFileSpec& spec, const std::string& data_file,
                        int64_t compressed_size) {
    std::ostringstream h;
    h << "ObjectType = Image\nNDims = " << spec.sizes.size() << "\n";
    h << "BinaryData = True\nBinaryDataByteOrderMSB = False\n";
    if (compressed_size >= 0) {
        h << "CompressedData = True\nCompressedDataSize = " << compressed_size << "\n";
    } else {
        h << "CompressedData = False\n";
    }
    if (spec.direction) {
        std::vector<double> matrix;
        for (int c = 0; c < 3; ++c) {
            for (int r = 0; r < 3; ++r)
                matrix.push_back(direction_at(spec, r, c));
        }
        h << "TransformMatrix = " << joined(matrix) << "\n";
    }
    std::vector<double> offset(spec.sizes.size(), 0.0);
    if (spec.direction)
        std::copy_n(spec.origin.begin(), std::min<std::size_t>(3, offset.size()), offset.begin());
    h << "Offset = " << joined(offset) << "\n";
    h << "ElementSpacing = " << joined(spec.spacing) << "\n";
    h << "DimSize = " << joined(spec.sizes) << "\n";
    if (components(spec.pixel) > 1) {
        h << "ElementNumberOfChannels = " << components(spec.pixel) << "\n";
    }
    h << "ElementType = "
      << (spec.pixel == FilePixel::Short ? "MET_SHORT"
          : spec.pixel == FilePixel::Rgb ? "MET_UCHAR"
                                         : "MET_FLOAT")
      << "\n";
    h << "ElementDataFile = " << data_file << "\n";
    return h.str();
}

std::string nifti_file(const VolumeFileSpec& spec) {
    std::string bytes(352, '\0');
    put<int32_t>(bytes, 0, 348);
    put<int16_t>(bytes, 40, static_cast<int16_t>(spec.sizes.size()));
    for (std::size_t i = 0; i < spec.sizes.size() && i < 7; ++i) {
        put<int16_t>(bytes, 42 + 2 * i, static_cast<int16_t>(spec.sizes[i]));
    }
    for (std::size_t i = spec.sizes.size(); i < 7; ++i)
        put<int16_t>(bytes, 42 + 2 * i, 1);
    int16_t datatype = 16, bitpix = 32;  // float32
    if (spec.pixel == FilePixel::Short) datatype = 4, bitpix = 16;
    if (spec.pixel == FilePixel::Complex) datatype = 32, bitpix = 64;
    if (spec.pixel == FilePixel::Rgb) datatype = 128, bitpix = 24;
    put<int16_t>(bytes, 70, datatype);
    put<int16_t>(bytes, 72, bitpix);
    put<float>(bytes, 76, 1.0f);  // qfac
    for (std::size_t i = 0; i < spec.spacing.size() && i < 7; ++i) {
        put<float>(bytes, 80 + 4 * i, static_cast<float>(spec.spacing[i]));
    }
    put<float>(bytes, 108, 352.0f);  // vox_offset
    bytes[123] = 2;                  // millimetres
    if (spec.direction) {
        put<int16_t>(bytes, 254, 1);  // sform_code: scanner coordinates
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) {
                put<float>(bytes, 280 + 16 * r + 4 * c,
                           static_cast<float>(direction_at(spec, r, c) * spec.spacing[c]));
            }
            put<float>(bytes, 280 + 16 * r + 12, static_cast<float>(spec.origin[r]));
        }
    }
    std::memcpy(&bytes[344], "n+1", 4);
    return bytes + spec.payload;
}

std::string gzipped(const std::string& bytes) {
    QProcess gzip;
    gzip.start("gzip", {"-c", "-n"});
    if (!gzip.waitForStarted()) throw std::runtime_error("the gzip program is needed");
    gzip.write(bytes.data(), static_cast<qint64>(bytes.size()));
    gzip.closeWriteChannel();
    if (!gzip.waitForFinished() || gzip.exitCode() != 0) throw std::runtime_error("gzip failed");
    return gzip.readAllStandardOutput().toStdString();
}

std::string zlib_compressed(const std::string& bytes) {
    // qCompress prefixes the zlib stream with its uncompressed length (4 bytes, big-endian).
    const QByteArray packed =
        qCompress(QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())));
    return packed.mid(4).toStdString();
}

}  // namespace radon::test
