#include "recon/io/payload_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "NrrdIO.h"
#include "itk_zlib.h"

#include "kernels/core/error.h"
#include "recon/io/inflate_stream.h"
#include "recon/io/itk_support.h"

namespace radon::recon::detail {
namespace {

namespace fs = std::filesystem;

using Sink = std::function<void(const unsigned char*, std::size_t)>;

std::string axis_name(int64_t i) {
    return i < 3 ? std::string(1, "xyz"[i]) : "axis " + std::to_string(i);
}

bool equals_ignoring_case(const std::string& a, const char* b) {
    const std::size_t n = std::strlen(b);
    if (a.size() != n) return false;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// "PATH: " for data in the file itself, "PATH: its data file DATA " for a detached one.
std::string where(const std::string& path, const std::string& data_file) {
    return path + ": " + (data_file.empty() ? "" : "its data file " + data_file + ": ");
}

[[noreturn]] void throw_truncated(const std::string& path, const std::string& data_file,
                                  std::uintmax_t needed, std::uintmax_t present) {
    std::ostringstream msg;
    msg << path << ": " << (data_file.empty() ? "the file" : "its data file " + data_file)
        << " is truncated: the header describes " << needed << " bytes of pixel data, " << present
        << " are present";
    throw InvalidArgument(msg.str());
}

[[noreturn]] void throw_damaged(const std::string& path, const std::string& data_file,
                                const std::string& reason) {
    throw InvalidArgument(where(path, data_file) + "the compressed data is damaged (" + reason +
                          ")");
}

// The stream's length, or the reason it is damaged, as an InvalidArgument for `path`.
std::uintmax_t inflated_length(const std::string& path, const std::string& data_file,
                               const std::string& file, std::uintmax_t offset, std::uintmax_t limit,
                               const Sink& sink) {
    const Inflated inflated = inflate_file(file, offset, limit, sink);
    if (!inflated.damage.empty()) throw_damaged(path, data_file, inflated.damage);
    return inflated.bytes;
}

// The last four bytes of a gzip member hold its uncompressed length modulo 2^32: when they agree
// with the header, the stream is whole (a cut stream ends in arbitrary bytes).
bool gzip_trailer_agrees(const std::string& file, std::uintmax_t length) {
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec || size < 4) return false;
    std::ifstream raw(file, std::ios::binary);
    raw.seekg(static_cast<std::streamoff>(size - 4));
    unsigned char tail[4] = {0, 0, 0, 0};
    raw.read(reinterpret_cast<char*>(tail), 4);
    const uint32_t stored = static_cast<uint32_t>(tail[0]) | (static_cast<uint32_t>(tail[1]) << 8) |
                            (static_cast<uint32_t>(tail[2]) << 16) |
                            (static_cast<uint32_t>(tail[3]) << 24);
    return raw && stored == static_cast<uint32_t>(length & 0xffffffffu);
}

// Counts the NaN and infinite values of a float32 or float64 stream handed in pieces of any
// length.
class NonFiniteCount {
  public:
    NonFiniteCount(std::size_t value_size, bool swap) : size_(value_size), swap_(swap) {}

    void feed(const unsigned char* data, std::size_t n) {
        while (n > 0) {
            const std::size_t take = std::min(n, size_ - pending_);
            std::memcpy(value_ + pending_, data, take);
            pending_ += take;
            data += take;
            n -= take;
            if (pending_ == size_) {
                if (!finite_value()) {
                    if (count == 0) first = index_;
                    ++count;
                }
                ++index_;
                pending_ = 0;
            }
        }
    }

    int64_t count = 0;
    int64_t first = -1;

  private:
    bool finite_value() const {
        unsigned char bytes[8];
        for (std::size_t i = 0; i < size_; ++i)
            bytes[i] = value_[swap_ ? size_ - 1 - i : i];
        if (size_ == 4) {
            uint32_t bits;
            std::memcpy(&bits, bytes, 4);
            return (bits & 0x7f800000u) != 0x7f800000u;
        }
        uint64_t bits;
        std::memcpy(&bits, bytes, 8);
        return (bits & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
    }

    std::size_t size_;
    bool swap_;
    unsigned char value_[8] = {};
    std::size_t pending_ = 0;
    int64_t index_ = 0;
};

// ---- MetaImage ------------------------------------------------------------------------------

// Sums the sizes of the files a "LIST" ElementDataFile names, one per line after it.
std::uintmax_t listed_files_size(const std::string& path, std::istream& in) {
    std::uintmax_t total = 0;
    std::string line;
    for (int files = 0; files < 100000 && std::getline(in, line); ++files) {
        line = trimmed(line);
        if (line.empty()) continue;
        fs::path data = line;
        if (data.is_relative()) data = fs::path(path).parent_path() / data;
        std::error_code ec;
        const std::uintmax_t size = fs::file_size(data, ec);
        if (ec) throw InvalidArgument(path + ": its data file " + data.string() + " is missing");
        total += size;
    }
    return total;
}

void check_meta_payload(const std::string& path, std::uintmax_t raw_bytes) {
    std::ifstream in(path, std::ios::binary);
    bool compressed = false;
    bool binary = true;
    long long compressed_size = -1;
    long long header_size = 0;
    std::string data_file;
    std::uintmax_t data_offset = 0;
    std::string line;
    // The header is a few dozen "Key = Value" lines and ends with ElementDataFile.
    for (int lines = 0; lines < 1000 && std::getline(in, line); ++lines) {
        const auto equals = line.find('=');
        if (equals == std::string::npos) continue;
        const std::string key = trimmed(line.substr(0, equals));
        const std::string value = trimmed(line.substr(equals + 1));
        try {
            if (key == "CompressedData") compressed = equals_ignoring_case(value, "true");
            if (key == "BinaryData") binary = equals_ignoring_case(value, "true");
            if (key == "CompressedDataSize") compressed_size = std::stoll(value);
            if (key == "HeaderSize") header_size = std::stoll(value);
        } catch (const std::exception&) {
            return;  // leave odd headers to ITK
        }
        if (key == "ElementDataFile") {
            data_file = value;
            const auto position = in.tellg();
            if (position < 0) return;  // the header runs to the end of the file: ITK will say so
            data_offset = static_cast<std::uintmax_t>(position);
            break;
        }
    }
    // Text data and slice patterns are rare and cannot be measured cheaply.
    if (data_file.empty() || !binary || data_file.find('%') != std::string::npos) return;
    if (data_file.compare(0, 4, "LIST") == 0) {
        if (compressed) return;
        const std::uintmax_t present = listed_files_size(path, in);
        if (present < raw_bytes) throw_truncated(path, "", raw_bytes, present);
        return;
    }

    std::error_code ec;
    const bool local = equals_ignoring_case(data_file, "LOCAL");
    fs::path data = local ? fs::path(path) : fs::path(data_file);
    if (data.is_relative()) data = fs::path(path).parent_path() / data;
    const std::string label = local ? std::string() : data.string();
    if (!local && !fs::exists(data, ec)) {
        throw InvalidArgument(path + ": its data file " + data.string() + " is missing");
    }
    const std::uintmax_t size = fs::file_size(data, ec);
    if (ec) return;
    // HeaderSize -1 means "the data is at the end of the file"; it is not used with compression.
    std::uintmax_t offset = local ? data_offset : 0;
    if (!local && header_size > 0 && !compressed) offset = static_cast<std::uintmax_t>(header_size);

    if (!compressed) {
        if (size < offset + raw_bytes) {
            throw_truncated(path, label, raw_bytes, size > offset ? size - offset : 0);
        }
        return;
    }
    if (compressed_size >= 0 && size < offset + static_cast<std::uintmax_t>(compressed_size)) {
        throw_truncated(path, label, static_cast<std::uintmax_t>(compressed_size),
                        size > offset ? size - offset : 0);
    }
    // MetaIO prints "Uncompress failed" and carries on with garbage, so the stream is checked
    // in full here; zlib streams carry no length to trust instead.
    const std::uintmax_t present =
        inflated_length(path, label, data.string(), offset, raw_bytes, nullptr);
    if (present < raw_bytes) throw_truncated(path, label, raw_bytes, present);
}

// ---- NIfTI ----------------------------------------------------------------------------------

template <class T>
T load(const unsigned char* bytes, bool swap) {
    unsigned char copy[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i)
        copy[i] = bytes[swap ? sizeof(T) - 1 - i : i];
    T value;
    std::memcpy(&value, copy, sizeof(T));
    return value;
}

struct NiftiHeader {
    int64_t dims[8] = {};
    double pixdim[8] = {};
    int datatype = 0;
    int bitpix = 0;
    double data_start = 0;
    int32_t header_size = 0;
    bool swap = false;
};

// The fields of a single-file NIfTI-1 or NIfTI-2 header this check needs; false when the header
// is not one it understands (header/image pairs, Analyze).
bool parse_nifti_header(const unsigned char* h, std::size_t length, NiftiHeader& out) {
    if (length < 348) return false;
    out.header_size = load<int32_t>(h, false);
    if (out.header_size != 348 && out.header_size != 540) {
        out.swap = true;
        out.header_size = load<int32_t>(h, true);
    }
    const bool swap = out.swap;
    if (out.header_size == 348) {
        if (std::memcmp(h + 344, "n+1", 4) != 0) return false;
        for (int i = 0; i < 8; ++i) {
            out.dims[i] = load<int16_t>(h + 40 + 2 * i, swap);
            out.pixdim[i] = load<float>(h + 76 + 4 * i, swap);
        }
        out.datatype = load<int16_t>(h + 70, swap);
        out.bitpix = load<int16_t>(h + 72, swap);
        out.data_start = load<float>(h + 108, swap);
    } else if (out.header_size == 540 && length >= 540) {
        if (std::memcmp(h + 4, "n+2", 4) != 0) return false;
        for (int i = 0; i < 8; ++i) {
            out.dims[i] = load<int64_t>(h + 16 + 8 * i, swap);
            out.pixdim[i] = load<double>(h + 104 + 8 * i, swap);
        }
        out.datatype = load<int16_t>(h + 12, swap);
        out.bitpix = load<int16_t>(h + 14, swap);
        out.data_start = static_cast<double>(load<int64_t>(h + 168, swap));
    } else {
        return false;
    }
    return out.dims[0] >= 1 && out.dims[0] <= 7 && out.bitpix > 0 && out.data_start >= 0 &&
           out.data_start <= 1e15;
}

// niftilib replaces sizes below 1 and zero or non-finite spacings with 1 without a word, which
// would hand on a different volume than the file describes.
void check_nifti_geometry(const std::string& path, const NiftiHeader& header) {
    for (int64_t i = 1; i <= header.dims[0]; ++i) {
        if (header.dims[i] < 1) {
            std::ostringstream msg;
            msg << path << ": size along " << axis_name(i - 1) << " is " << header.dims[i]
                << " in the header (dim[" << i << "]), expected at least 1";
            throw InvalidArgument(msg.str());
        }
    }
    for (int64_t i = 1; i <= std::min<int64_t>(header.dims[0], 3); ++i) {
        const double spacing = header.pixdim[i];
        if (spacing == 0 || !std::isfinite(spacing)) {
            std::ostringstream msg;
            msg << path << ": spacing along " << axis_name(i - 1) << " is " << spacing
                << " mm in the header (pixdim[" << i << "]), expected a finite value > 0";
            throw InvalidArgument(msg.str());
        }
    }
}

void check_nifti_payload(const std::string& path, const std::string& element, bool thorough) {
    unsigned char bytes[540];
    int got = 0;
    bool plain = true;
    {
        // zlib reads uncompressed files too, so .nii and .nii.gz share this path.
        gzFile file = gzopen(path.c_str(), "rb");
        if (!file) return;
        got = gzread(file, bytes, sizeof(bytes));
        plain = gzdirect(file) != 0;
        gzclose(file);
    }
    NiftiHeader header;
    if (!parse_nifti_header(bytes, got > 0 ? static_cast<std::size_t>(got) : 0, header)) return;
    check_nifti_geometry(path, header);

    double bits = header.bitpix;
    for (int64_t i = 1; i <= header.dims[0]; ++i)
        bits *= static_cast<double>(header.dims[i]);
    if (bits > 9e18) return;  // the size check has already reported absurd headers
    const auto offset = static_cast<std::uintmax_t>(
        std::max(header.data_start, static_cast<double>(header.header_size)));
    const std::uintmax_t length = (static_cast<std::uintmax_t>(bits) + 7) / 8;
    const std::uintmax_t end = offset + length;

    // niftilib also sets NaN and infinite float voxels to 0 as it reads them, so float data is
    // scanned here, from the file.
    const bool floats = (header.datatype == 16 && header.bitpix == 32) ||
                        (header.datatype == 64 && header.bitpix == 64);
    NonFiniteCount non_finite(static_cast<std::size_t>(header.bitpix / 8), header.swap);
    std::uintmax_t position = 0;
    const Sink scan = [&](const unsigned char* data, std::size_t n) {
        const std::uintmax_t from = std::max(position, offset);
        if (from < position + n) non_finite.feed(data + (from - position), position + n - from);
        position += n;
    };

    std::uintmax_t present = 0;
    if (plain) {
        std::error_code ec;
        const std::uintmax_t size = fs::file_size(path, ec);
        if (ec) return;
        if (size < end) throw_truncated(path, "", length, size > offset ? size - offset : 0);
        if (floats) {
            std::ifstream in(path, std::ios::binary);
            std::vector<unsigned char> chunk(1 << 20);
            while (position < end) {
                in.read(reinterpret_cast<char*>(chunk.data()),
                        static_cast<std::streamsize>(chunk.size()));
                if (in.gcount() <= 0) break;
                const auto n = std::min<std::uintmax_t>(static_cast<std::uintmax_t>(in.gcount()),
                                                        end - position);
                scan(chunk.data(), static_cast<std::size_t>(n));
            }
        }
        present = size;
    } else {
        if (!floats && !thorough && gzip_trailer_agrees(path, end)) return;
        present = inflated_length(path, "", path, 0, end, floats ? scan : Sink());
    }
    if (present < end) throw_truncated(path, "", length, present > offset ? present - offset : 0);
    if (non_finite.count > 0) {
        const int64_t nz = header.dims[0] >= 3 ? header.dims[3] : 1;
        throw InvalidArgument(non_finite_message(path, element, non_finite.count, non_finite.first,
                                                 {header.dims[1], header.dims[2], nz}));
    }
}

// ---- NRRD -----------------------------------------------------------------------------------

// Frees what NrrdIO allocated for a header-only load, including the data file it keeps open.
struct NrrdHeader {
    Nrrd* nrrd = nrrdNew();
    NrrdIoState* nio = nrrdIoStateNew();
    NrrdHeader() = default;
    NrrdHeader(const NrrdHeader&) = delete;
    NrrdHeader& operator=(const NrrdHeader&) = delete;
    ~NrrdHeader() {
        if (nio && nio->dataFile) std::fclose(nio->dataFile);
        if (nio) nio->dataFile = nullptr;
        nrrdIoStateNix(nio);
        nrrdNix(nrrd);
    }
};

// The data file of a detached header as a user would find it: relative to the header's folder.
std::string nrrd_data_file(const std::string& path, const char* name) {
    fs::path data = name ? name : "";
    if (data.is_relative()) data = fs::path(path).parent_path() / data;
    return data.string();
}

// Compares what the data file holds from its current position with what the header describes,
// for each encoding whose size can be bounded.
void check_nrrd_data(const std::string& path, const std::string& label, const NrrdHeader& h,
                     std::uintmax_t bytes, bool thorough) {
    FILE* file = h.nio->dataFile;
    const long position = std::ftell(file);
    struct stat info {};
    if (position < 0 || fstat(fileno(file), &info) != 0) return;
    const auto offset = static_cast<std::uintmax_t>(position);
    const auto size = static_cast<std::uintmax_t>(info.st_size);
    const std::uintmax_t available = size > offset ? size - offset : 0;
    const NrrdEncoding* encoding = h.nio->encoding;
    const std::uintmax_t values = nrrdElementNumber(h.nrrd);

    if (encoding == nrrdEncodingRaw) {
        if (available < bytes) throw_truncated(path, label, bytes, available);
    } else if (encoding == nrrdEncodingHex || encoding == nrrdEncodingAscii) {
        // Two hex digits per byte; at least one character and one separator per text value.
        const std::uintmax_t least = encoding == nrrdEncodingHex ? 2 * bytes : 2 * values - 1;
        if (available < least) {
            std::ostringstream msg;
            msg << where(path, label) << "the file is truncated: the header describes " << values
                << " values as " << encoding->name << " text, which need at least " << least
                << " characters, " << available << " are present";
            throw InvalidArgument(msg.str());
        }
    } else if (encoding == nrrdEncodingGzip) {
        // Bytes are skipped inside the decompressed stream.
        const auto skip = static_cast<std::uintmax_t>(std::max(0L, h.nio->byteSkip));
        const std::string data_path = label.empty() ? path : label;
        if (!thorough && gzip_trailer_agrees(data_path, skip + bytes)) return;
        const std::uintmax_t present =
            inflated_length(path, label, data_path, offset, skip + bytes, {});
        if (present < skip + bytes) {
            throw_truncated(path, label, bytes, present > skip ? present - skip : 0);
        }
    }
}

void check_nrrd_payload(const std::string& path, unsigned dimensions, bool thorough) {
    NrrdHeader h;
    if (!h.nrrd || !h.nio) return;
    nrrdIoStateSet(h.nio, nrrdIoStateSkipData, AIR_TRUE);
    nrrdIoStateSet(h.nio, nrrdIoStateKeepNrrdDataFileOpen, AIR_TRUE);
    if (nrrdLoad(h.nrrd, path.c_str(), h.nio) != 0) {
        std::free(biffGetDone(NRRD));
        return;  // ITK has read this header; if it cannot read the data, it will say so
    }
    // NRRD writes an unknown spacing as "nan"; ITK then makes it 1 mm without a word.
    if (h.nio->seen[nrrdField_spacings] && h.nrrd->dim == dimensions) {
        for (unsigned i = 0; i < h.nrrd->dim; ++i) {
            const double spacing = h.nrrd->axis[i].spacing;
            if (!std::isfinite(spacing)) {
                std::ostringstream msg;
                msg << path << ": spacing along " << axis_name(i) << " is " << spacing
                    << " mm in the header (spacings), expected a finite value > 0";
                throw InvalidArgument(msg.str());
            }
        }
    }
    const std::uintmax_t bytes = nrrdElementNumber(h.nrrd) * nrrdElementSize(h.nrrd);
    const unsigned files = _nrrdDataFNNumber(h.nio);
    if (h.nio->dataFile && files == 1) {
        const bool attached = h.nio->dataFNArr->len == 0 && !h.nio->dataFNFormat;
        const std::string label = attached ? std::string() : nrrd_data_file(path, h.nio->dataFN[0]);
        check_nrrd_data(path, label, h, bytes, thorough);
        return;
    }
    // Several raw data files (a "LIST"): together they must hold the whole payload. Name
    // patterns ("slice%03d.raw 1 100 1") are left to ITK, after the memory check.
    if (h.nio->encoding == nrrdEncodingRaw && h.nio->dataFNArr->len == files && files > 1) {
        std::uintmax_t present = 0;
        for (unsigned i = 0; i < files; ++i) {
            std::error_code ec;
            const std::string data = nrrd_data_file(path, h.nio->dataFN[i]);
            const std::uintmax_t size = fs::file_size(data, ec);
            if (ec) throw InvalidArgument(path + ": its data file " + data + " is missing");
            present += size;
        }
        if (present < bytes) throw_truncated(path, "", bytes, present);
    }
}

// ---- Headers ITK turned down -----------------------------------------------------------------

void diagnose_nifti_header(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char magic[2] = {0, 0};
    in.read(reinterpret_cast<char*>(magic), 2);
    std::uintmax_t length = 0;
    if (in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
        length = inflated_length(path, "", path, 0, 348, {});
    } else {
        std::error_code ec;
        length = fs::file_size(path, ec);
        if (ec) return;
    }
    if (length < 348) {
        std::ostringstream msg;
        msg << path << ": the header is cut short: " << length
            << " bytes, a NIfTI header needs at least 348";
        throw InvalidArgument(msg.str());
    }
}

// MetaIO stops at the first number it cannot read and then reports whichever required field it
// has not reached yet, so the field at fault is found here.
void diagnose_meta_header(const std::string& path) {
    static const char* const numeric[] = {"NDims",
                                          "DimSize",
                                          "ElementSpacing",
                                          "ElementSize",
                                          "Offset",
                                          "Origin",
                                          "Position",
                                          "TransformMatrix",
                                          "Rotation",
                                          "Orientation",
                                          "CenterOfRotation",
                                          "HeaderSize",
                                          "CompressedDataSize",
                                          "ElementNumberOfChannels",
                                          "ElementMin",
                                          "ElementMax"};
    std::ifstream in(path, std::ios::binary);
    std::string line;
    for (int lines = 0; lines < 1000 && std::getline(in, line); ++lines) {
        const auto equals = line.find('=');
        if (equals == std::string::npos) continue;
        const std::string key = trimmed(line.substr(0, equals));
        const std::string value = trimmed(line.substr(equals + 1));
        if (key == "ElementDataFile") return;
        if (std::find(std::begin(numeric), std::end(numeric), key) == std::end(numeric)) continue;
        std::istringstream tokens(value);
        std::string token;
        int count = 0;
        while (tokens >> token) {
            ++count;
            char* end = nullptr;
            const double number = std::strtod(token.c_str(), &end);
            if (end != token.c_str() + token.size() || !std::isfinite(number)) {
                throw InvalidArgument(path + ": the header field " + key + " holds '" + token +
                                      "', expected a finite number");
            }
        }
        if (count == 0) {
            throw InvalidArgument(path + ": the header field " + key + " is empty");
        }
    }
}

}  // namespace

void diagnose_unreadable_header(const std::string& path, const std::string& format) {
    if (format == "NIfTI") diagnose_nifti_header(path);
    if (format == "MetaImage") diagnose_meta_header(path);
}

void check_payload(const std::string& path, const std::string& reader, std::uintmax_t raw_bytes,
                   const std::string& element, unsigned dimensions, bool thorough) {
    if (reader == "MetaImageIO") check_meta_payload(path, raw_bytes);
    if (reader == "NiftiImageIO") check_nifti_payload(path, element, thorough);
    if (reader == "NrrdImageIO") check_nrrd_payload(path, dimensions, thorough);
}

std::string non_finite_message(const std::string& path, const std::string& element, int64_t count,
                               int64_t first, const std::array<int64_t, 3>& extents) {
    std::ostringstream msg;
    msg << path << ": " << count << " " << element << (count == 1 ? " is" : "s are")
        << " not finite (NaN or infinite), the first at index (" << first % extents[0] << ", "
        << (first / extents[0]) % extents[1] << ", " << first / (extents[0] * extents[1])
        << "); projections need finite values";
    return msg.str();
}

}  // namespace radon::recon::detail
