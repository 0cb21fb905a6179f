#include "recon/io/payload_check.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "NrrdIO.h"
#include "itk_zlib.h"

#include "kernels/core/error.h"
#include "recon/io/inflate_stream.h"
#include "recon/io/itk_support.h"
#include "recon/io/nifti_header.h"
#include "recon/io/regular_file.h"

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
    return path + ": " + (data_file.empty() ? "" : "its data file " + printable(data_file) + ": ");
}

[[noreturn]] void throw_truncated(const std::string& path, const std::string& data_file,
                                  std::uintmax_t needed, std::uintmax_t present) {
    std::ostringstream msg;
    msg << path << ": "
        << (data_file.empty() ? "the file" : "its data file " + printable(data_file))
        << " is truncated: the header describes " << needed << " bytes of pixel data, " << present
        << " are present";
    throw InvalidArgument(msg.str());
}

// The stream's length, or the reason it is damaged, as an InvalidArgument for `path`.
std::uintmax_t inflated_length(const std::string& path, const std::string& data_file,
                               const std::string& file, std::uintmax_t offset,
                               std::uintmax_t input_limit, std::uintmax_t limit, const Sink& sink) {
    const Inflated inflated = inflate_file(file, offset, input_limit, limit, sink);
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
        if (ec)
            throw InvalidArgument(path + ": its data file " + printable(data.string()) +
                                  " is missing");
        total += size;
    }
    return total;
}

// Where a MetaImage's voxels are: the header file itself (LOCAL), or the data file, named
// relative to the header's folder (the header's own path is one already).
fs::path meta_data_path(const std::string& path, const std::string& data_file, bool local) {
    if (local) return fs::path(path);
    const fs::path data(data_file);
    return data.is_relative() ? fs::path(path).parent_path() / data : data;
}

// MetaIO reads text values (BinaryData = False) with operator>> and reports success however few
// it finds, leaving the rest of the volume as it was: the values are counted here, each must be
// a number. Text volumes are small; a LIST or a pattern of text files is not checked.
void check_meta_text(const std::string& path, const std::string& data_file,
                     std::uintmax_t data_offset, double values) {
    if (data_file.empty() || data_file.compare(0, 4, "LIST") == 0 ||
        data_file.find('%') != std::string::npos) {
        return;
    }
    const bool local = equals_ignoring_case(data_file, "LOCAL");
    const fs::path data = meta_data_path(path, data_file, local);
    const std::string label = local ? std::string() : data.string();
    std::error_code ec;
    if (!local && !fs::exists(data, ec)) {
        throw InvalidArgument(path + ": its data file " + printable(data.string()) + " is missing");
    }
    std::ifstream in(data, std::ios::binary);
    if (local) in.seekg(static_cast<std::streamoff>(data_offset));
    std::uintmax_t count = 0;
    std::string token;
    while (static_cast<double>(count) < values && in >> token) {
        double number = 0;
        const char* first = token.data() + (token[0] == '+' ? 1 : 0);
        const auto [end, error] = std::from_chars(first, token.data() + token.size(), number);
        if (error != std::errc() || end != token.data() + token.size()) {
            throw InvalidArgument(where(path, label) + "text value " + std::to_string(count + 1) +
                                  " is '" + printable(token.substr(0, 20)) +
                                  "', expected a number");
        }
        ++count;
    }
    if (static_cast<double>(count) < values) {
        std::ostringstream msg;
        msg << where(path, label) << "the file is truncated: the header describes " << values
            << " values as text (BinaryData = False), " << count << " are present";
        throw InvalidArgument(msg.str());
    }
}

void check_meta_payload(const std::string& path, std::uintmax_t raw_bytes) {
    std::ifstream in(path, std::ios::binary);
    bool compressed = false;
    bool binary = true;
    long long compressed_size = -1;
    long long header_size = 0;
    std::string data_file;
    std::uintmax_t data_offset = 0;
    double values = 1;  // DimSize product times ElementNumberOfChannels, for text data
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
            if (key == "DimSize" || key == "ElementNumberOfChannels") {
                std::istringstream numbers(value);
                for (double n = 0; numbers >> n;)
                    values *= n;
            }
        } catch (const std::exception&) {
            return;  // leave odd headers to ITK
        }
        if (key == "ElementDataFile") {
            data_file = value;
            // At the end of the file (no newline after the header), nothing follows it.
            const auto position = in.tellg();
            std::error_code ec;
            data_offset =
                position >= 0 ? static_cast<std::uintmax_t>(position) : fs::file_size(path, ec);
            break;
        }
    }
    // Deflate expands at most 1032 times, so no compressed source smaller than raw_bytes / 1032
    // can fill the volume: such a header is refused before the volume is allocated (a fuzz
    // finding: a 4.9 GB allocation for a 200-byte file). The largest source MetaIO could read
    // is the header file itself or the named data file.
    if (compressed) {
        constexpr std::uintmax_t kMaxDeflateRatio = 1032;
        std::error_code ec;
        std::uintmax_t largest = fs::file_size(path, ec);
        if (ec) largest = 0;
        if (!data_file.empty()) {
            fs::path data = fs::path(data_file);
            if (data.is_relative()) data = fs::path(path).parent_path() / data;
            const std::uintmax_t data_size = fs::file_size(data, ec);
            if (!ec) largest = std::max(largest, data_size);
        }
        if (largest * kMaxDeflateRatio < raw_bytes) {
            throw InvalidArgument(path + ": the header claims " + std::to_string(raw_bytes) +
                                  " bytes of compressed voxels, more than its at most " +
                                  std::to_string(largest) +
                                  " compressed bytes can hold (a damaged header?)");
        }
    }
    if (!binary) return check_meta_text(path, data_file, data_offset, values);
    // Slice patterns are rare and cannot be measured cheaply.
    if (data_file.empty() || data_file.find('%') != std::string::npos) return;
    if (data_file.compare(0, 4, "LIST") == 0) {
        // MetaIO fills what a compressed slice file lacks with nothing and reports success.
        if (compressed) {
            throw InvalidArgument(path +
                                  ": compressed data in a LIST of files is not supported; "
                                  "write the volume as one .mha");
        }
        const std::uintmax_t present = listed_files_size(path, in);
        if (present < raw_bytes) throw_truncated(path, "", raw_bytes, present);
        return;
    }

    std::error_code ec;
    const bool local = equals_ignoring_case(data_file, "LOCAL");
    const fs::path data = meta_data_path(path, data_file, local);
    const std::string label = local ? std::string() : data.string();
    if (!local && !fs::exists(data, ec)) {
        throw InvalidArgument(path + ": its data file " + printable(data.string()) + " is missing");
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
    // MetaIO inflates exactly CompressedDataSize bytes: what follows them does not count.
    const std::uintmax_t present = inflated_length(
        path, label, data.string(), offset,
        compressed_size >= 0 ? static_cast<std::uintmax_t>(compressed_size) : kWholeFile, raw_bytes,
        nullptr);
    if (present < raw_bytes) throw_truncated(path, label, raw_bytes, present);
}

// ---- NIfTI ----------------------------------------------------------------------------------

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
        if (!plausible_voxel_size(spacing)) {
            std::ostringstream msg;
            msg << path << ": spacing along " << axis_name(i - 1) << " is " << spacing
                << " mm in the header (pixdim[" << i << "]), expected a finite value > 0, between "
                << kMinVoxelSize << " and " << kMaxVoxelSize << " mm";
            throw InvalidArgument(msg.str());
        }
    }
}

// ITK 5.2 turns the qform and sform into direction cosines, and compares them, with a
// single-precision SVD that aborts the process (vnl assert_finite) on a NaN, including the NaN
// a zero or denormal column becomes when normalised, and that never converges once an offset
// nears the float limit. So the forms the header declares are checked before ITK sees them.
void check_nifti_orientation(const std::string& path, const NiftiHeader& header) {
    auto fail = [&](const std::string& what) {
        std::ostringstream msg;
        msg << path << ": " << what;
        throw InvalidArgument(msg.str());
    };
    auto check_offset = [&](double offset, const char* field) {
        if (!plausible_coordinate(offset)) {
            std::ostringstream msg;
            msg << "the origin in " << field << " is " << offset << " mm, expected a finite value "
                << "within +-" << kMaxCoordinate << " mm";
            fail(msg.str());
        }
    };
    if (header.qform_code > 0) {
        double norm2 = 0;
        for (int i = 0; i < 3; ++i) {
            if (!std::isfinite(header.quatern[i])) {
                fail("the qform quaternion (quatern_b/c/d) holds a value that is not finite");
            }
            check_offset(header.qoffset[i], "qoffset_x/y/z");
            norm2 += header.quatern[i] * header.quatern[i];
        }
        if (norm2 > 1.0 + 1e-4) {
            std::ostringstream msg;
            msg << "the qform quaternion (quatern_b, quatern_c, quatern_d) = (" << header.quatern[0]
                << ", " << header.quatern[1] << ", " << header.quatern[2]
                << ") is longer than 1, expected the vector part of a unit quaternion";
            fail(msg.str());
        }
    }
    if (header.sform_code > 0) {
        for (int c = 0; c < 3; ++c) {
            double norm2 = 0;
            for (int r = 0; r < 3; ++r) {
                if (!std::isfinite(header.srow[r][c])) {
                    fail("the sform (srow_x/y/z) holds a value that is not finite");
                }
                norm2 += header.srow[r][c] * header.srow[r][c];
            }
            if (!plausible_voxel_size(std::sqrt(norm2))) {
                std::ostringstream msg;
                msg << "the sform's column " << c << " (srow_x/y/z[" << c << "]) has length "
                    << std::sqrt(norm2) << " mm, expected a voxel size between " << kMinVoxelSize
                    << " and " << kMaxVoxelSize << " mm";
                fail(msg.str());
            }
        }
        for (int r = 0; r < 3; ++r)
            check_offset(header.srow[r][3], "srow_x/y/z[3]");
    }
}

void check_nifti_header(const std::string& path) {
    NiftiStart start;
    if (!read_nifti_start(path, start)) return;
    if (start.length < 348) {
        std::ostringstream msg;
        msg << path << ": the header is cut short: " << start.length
            << " bytes, a NIfTI header needs at least 348";
        throw InvalidArgument(msg.str());
    }
    const NiftiHeader header = parse_nifti_header(path, start.bytes, start.length);
    check_nifti_geometry(path, header);
    check_nifti_orientation(path, header);
}

void check_nifti_payload(const std::string& path, std::uintmax_t raw_bytes,
                         const std::string& element, bool thorough) {
    NiftiStart start;
    if (!read_nifti_start(path, start)) return;
    const bool plain = start.plain;
    const NiftiHeader header = parse_nifti_header(path, start.bytes, start.length);

    // The payload is what niftilib reads: the voxels in the type on disk (datatype, whatever
    // bitpix says). ITK reports the type it hands out instead, float for scaled integers
    // (scl_slope/scl_inter), so its size is only a fallback for a datatype unknown here.
    const auto offset = static_cast<std::uintmax_t>(
        std::max(header.data_start, static_cast<double>(header.header_size)));
    const std::uintmax_t stored_size = nifti_datatype_size(header.datatype);
    std::uintmax_t length = raw_bytes;
    if (stored_size > 0) {
        length = stored_size;
        for (int64_t i = 1; i <= header.dims[0]; ++i)
            length *= static_cast<std::uintmax_t>(header.dims[i]);
    }
    const std::uintmax_t end = offset + length;

    // niftilib also sets NaN and infinite float voxels to 0 as it reads them, so float data is
    // scanned here, from the file.
    const bool floats = header.datatype == 16 || header.datatype == 64;
    NonFiniteCount non_finite(header.datatype == 64 ? 8 : 4, header.swap);
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
        present = inflated_length(path, "", path, 0, kWholeFile, end, floats ? scan : Sink());
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
            inflated_length(path, label, data_path, offset, kWholeFile, skip + bytes, {});
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
    // A space direction of "none", or of NaN values, leaves ITK to make up a 1 mm spacing and
    // an axis direction without a word.
    if (h.nio->seen[nrrdField_space_directions]) {
        for (unsigned i = 0; i < h.nrrd->dim; ++i) {
            for (unsigned j = 0; j < h.nrrd->spaceDim; ++j) {
                if (!std::isfinite(h.nrrd->axis[i].spaceDirection[j])) {
                    throw InvalidArgument(path + ": the space direction of axis " + axis_name(i) +
                                          " is none or not finite in the header ('space "
                                          "directions'), expected a vector of finite numbers "
                                          "(its length is the spacing)");
                }
            }
        }
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
            if (ec)
                throw InvalidArgument(path + ": its data file " + printable(data) + " is missing");
            present += size;
        }
        if (present < bytes) throw_truncated(path, "", bytes, present);
    }
}

// A data file name with a '%' is a pattern, "NAME%03d.raw FIRST LAST STEP [SLICE_DIMENSIONS]",
// in MetaImage (ElementDataFile) and NRRD ("data file") alike. MetaIO expands it without checks
// (a step or slice dimension of 0 divides by zero: SIGFPE), and NrrdIO counts the names one by
// one (two billion take seconds), so the pattern is checked here first.
// A printf format with exactly one integer conversion ("slice%03d.raw"), as both libraries
// pass the name to sprintf with one int, into a buffer of a few hundred bytes.
bool one_integer_conversion(const std::string& format) {
    if (format.size() > 200) return false;
    int conversions = 0;
    for (std::size_t i = 0; i < format.size(); ++i) {
        const auto c = static_cast<unsigned char>(format[i]);
        if (c < 0x21 || c > 0x7e) return false;
        if (c != '%') continue;
        if (i + 1 < format.size() && format[i + 1] == '%') {
            ++i;
            continue;
        }
        std::size_t j = i + 1;
        while (j < format.size() && j - i <= 3 &&
               std::isdigit(static_cast<unsigned char>(format[j])))
            ++j;
        if (j >= format.size() || (format[j] != 'd' && format[j] != 'i' && format[j] != 'u')) {
            return false;
        }
        ++conversions;
        i = j;
    }
    return conversions == 1;
}

void check_data_file_pattern(const std::string& path, const std::string& field,
                             const std::string& value) {
    if (value.find('%') == std::string::npos) return;
    std::istringstream tokens(value);
    std::vector<std::string> words;
    for (std::string word; tokens >> word;)
        words.push_back(word);
    long long numbers[3] = {0, 0, 0};
    bool valid = (words.size() == 4 || words.size() == 5) && one_integer_conversion(words[0]);
    for (std::size_t i = 1; valid && i < 4; ++i) {
        char* end = nullptr;
        numbers[i - 1] = std::strtoll(words[i].c_str(), &end, 10);
        valid = end == words[i].c_str() + words[i].size();
    }
    const long long first = numbers[0], last = numbers[1], step = numbers[2];
    const long long max_files = 100000;
    // In floating point: the difference of two 64-bit integers may not fit in one.
    const double files = step == 0 ? -1.0
                                   : (static_cast<double>(last) - static_cast<double>(first)) /
                                         static_cast<double>(step);
    valid = valid && files >= 0 && files < max_files;
    // The optional slice dimensions: MetaIO divides by them too.
    if (valid && words.size() == 5) {
        char* end = nullptr;
        const long long slice_dimensions = std::strtoll(words[4].c_str(), &end, 10);
        valid = end == words[4].c_str() + words[4].size() && slice_dimensions >= 1 &&
                slice_dimensions <= 16;
    }
    if (!valid) {
        throw InvalidArgument(path + ": the header field " + field + " holds '" +
                              printable(value.substr(0, 60)) +
                              "', expected a file pattern 'NAME%03d.raw FIRST LAST STEP "
                              "[SLICE_DIMENSIONS]' with one integer conversion and a step that "
                              "is not 0, naming at most " +
                              std::to_string(max_files) + " files");
    }
}

// Every file a header names for its data must be a regular file: a named pipe blocks the reader
// forever, /dev/zero reads as an endless run of valid zeros, and a folder reads as anything.
// Names are relative to the header's folder, as both libraries take them.
void require_regular_data_file(const std::string& path, const std::string& name) {
    fs::path data = name;
    if (data.is_relative()) data = fs::path(path).parent_path() / data;
    require_regular_file(data.string(), path + ": its data file " + printable(data.string()) + " ");
}

// A data file field: one name or a pattern (checked by check_data_file_pattern first), whose
// files are checked one by one; LOCAL and LIST name none themselves.
void require_regular_data_files(const std::string& path, const std::string& value) {
    if (value.compare(0, 4, "LIST") == 0 || equals_ignoring_case(value, "LOCAL")) return;
    if (value.find('%') == std::string::npos) return require_regular_data_file(path, value);
    std::istringstream tokens(value);
    std::string format;
    long long first = 0, last = 0, step = 0;
    if (!(tokens >> format >> first >> last >> step) || step == 0) return;
    for (long long i = first; step > 0 ? i <= last : i >= last; i += step) {
        char name[512];
        std::snprintf(name, sizeof(name), format.c_str(), static_cast<int>(i));
        require_regular_data_file(path, name);
    }
}

// NrrdIO formats its messages about data files into fixed buffers with an unchecked sprintf: a
// listed name of 91 characters overflowed the heap (a fuzz finding). Data files sit next to
// their header, so their names are short.
constexpr std::size_t kMaxNrrdDataFileName = 64;

void check_nrrd_data_file_name(const std::string& path, const std::string& name) {
    if (name.size() > kMaxNrrdDataFileName) {
        throw InvalidArgument(path + ": a data file name in its header is " +
                              std::to_string(name.size()) + " characters long, expected at most " +
                              std::to_string(kMaxNrrdDataFileName));
    }
}

// The "data file" field of a NRRD header, the only one NrrdIO acts on before it has checked it
// (empty, too long, or a pattern that names too many files), and after "data file: LIST" the
// names that follow, one per line.
void check_nrrd_header(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    bool listing = false;
    for (int lines = 0; lines < 10000 && std::getline(in, line); ++lines) {
        line = trimmed(line);
        if (listing) {
            if (!line.empty()) {
                check_nrrd_data_file_name(path, line);
                require_regular_data_file(path, line);
            }
            continue;
        }
        if (line.empty()) return;  // the blank line before attached data
        const auto colon = line.find(':');
        if (line[0] == '#' || colon == std::string::npos) continue;
        const std::string key = line.substr(0, colon);
        const std::string value = trimmed(line.substr(colon + 1));
        if (key == "data file" || key == "datafile") {
            // NrrdIO reads past the end of an empty name.
            if (value.empty()) {
                throw InvalidArgument(path + ": the header field '" + key + "' is empty");
            }
            check_nrrd_data_file_name(path, value);
            check_data_file_pattern(path, "'" + key + "'", value);
            require_regular_data_files(path, value);
            listing = value.compare(0, 4, "LIST") == 0;
        }
    }
}

// MetaIO stops at the first number it cannot read and then reports whichever required field it
// has not reached yet ("ElementType required" for an unreadable DimSize), and it sizes its
// arrays by NDims unchecked: NDims = -1 has it read four billion numbers. A key on a line of its
// own takes its value from the next '=' anywhere below, so such lines are refused too, and the
// number fields are read here first, line by line as MetaIO writes them, up to ElementDataFile.
constexpr std::size_t kMaxMetaKey = 64;

// The fields MetaIO's image reader declares (metaObject.cxx and metaImage.cxx, ITK 5.2).
bool is_metaio_field(const std::string& key) {
    static const char* const fields[] = {"Comment",
                                         "AcquisitionDate",
                                         "FormTypeName",
                                         "ObjectType",
                                         "ObjectSubType",
                                         "NDims",
                                         "Name",
                                         "ID",
                                         "ParentID",
                                         "CompressedData",
                                         "CompressedDataSize",
                                         "BinaryData",
                                         "BinaryDataByteOrderMSB",
                                         "ElementByteOrderMSB",
                                         "Color",
                                         "Position",
                                         "Origin",
                                         "Offset",
                                         "TransformMatrix",
                                         "Rotation",
                                         "Orientation",
                                         "CenterOfRotation",
                                         "AnatomicalOrientation",
                                         "ElementSpacing",
                                         "DimSize",
                                         "HeaderSize",
                                         "HeaderSizesPerDataFile",
                                         "Modality",
                                         "SequenceID",
                                         "ElementMin",
                                         "ElementMax",
                                         "ElementNumberOfChannels",
                                         "ElementSize",
                                         "ElementType",
                                         "ElementDataFile",
                                         "DistanceUnits",
                                         "ParentName"};
    return std::find_if(std::begin(fields), std::end(fields),
                        [&](const char* f) { return key == f; }) != std::end(fields);
}

void check_meta_header(const std::string& path) {
    // `per_dimension`: how many values per dimension MetaIO reads (NDims, or NDims^2 for a
    // matrix); it reads exactly that many, taking missing ones from the lines below.
    struct NumberField {
        const char* key;
        bool whole;
        double least, most;
        int per_dimension;  // 0: one value, 1: NDims values, 2: NDims x NDims values
    };
    const double any = std::numeric_limits<double>::infinity();
    static const NumberField numbers[] = {
        {"NDims", true, 1, 10, 0},  // MetaIO's own limit
        {"DimSize", true, 1, any, 1},
        {"HeaderSize", true, -1, any, 0},  // -1: the data is at the end of the file
        {"CompressedDataSize", true, 1, any, 0},
        {"ElementNumberOfChannels", true, 1, any, 0},
        {"ElementSpacing", false, -any, any, 1},
        {"ElementSize", false, -any, any, 1},
        {"Offset", false, -any, any, 1},
        {"Origin", false, -any, any, 1},
        {"Position", false, -any, any, 1},
        {"TransformMatrix", false, -any, any, 2},
        {"Rotation", false, -any, any, 2},
        {"Orientation", false, -any, any, 2},
        {"CenterOfRotation", false, -any, any, 1},
        {"ElementMin", false, -any, any, 0},
        {"ElementMax", false, -any, any, 0},
    };
    int dimensions = 0;
    std::vector<std::string> seen;
    // MetaIO reads any value starting with 'T' as true; this check must agree with it.
    static const char* const flags[] = {"BinaryData", "BinaryDataByteOrderMSB",
                                        "ElementByteOrderMSB", "CompressedData"};
    bool compressed = false;
    bool compressed_size = false;
    std::ifstream in(path, std::ios::binary);
    std::string line;
    for (int lines = 1; lines <= 1000 && std::getline(in, line); ++lines) {
        // MetaIO reads the header as C strings, which end at a NUL where this check would not.
        if (line.find('\0') != std::string::npos) {
            throw InvalidArgument(path + ": header line " + std::to_string(lines) +
                                  " holds a NUL byte (binary data inside the header?)");
        }
        const auto equals = line.find('=');
        // MetaIO copies each key into a fixed 255-byte field name with strcpy (a fuzz finding:
        // a long key aborted the process); MetaImage keys are short words.
        const std::string key_text = trimmed(line.substr(0, equals));
        if (key_text.size() > kMaxMetaKey) {
            throw InvalidArgument(path + ": header line " + std::to_string(lines) + " ('" +
                                  printable(key_text.substr(0, 40)) + "...') has a key of " +
                                  std::to_string(key_text.size()) +
                                  " characters, expected a MetaImage field name of at most " +
                                  std::to_string(kMaxMetaKey));
        }
        if (equals == std::string::npos) {
            if (trimmed(line).empty()) continue;
            if (in.eof()) break;  // the file ends inside this line
            const std::string shown = printable(trimmed(line).substr(0, 40));
            throw InvalidArgument(path + ": header line " + std::to_string(lines) + " ('" + shown +
                                  "') is not a 'Key = Value' line");
        }
        const std::string key = trimmed(line.substr(0, equals));
        const std::string value = trimmed(line.substr(equals + 1));
        // MetaIO copies the values of its own fields, all but the data file name, into 255-byte
        // strings unchecked; fields it does not know it skips.
        const std::size_t max_value = 200;
        if (is_metaio_field(key) && key != "ElementDataFile" &&
            line.size() - equals - 1 > max_value) {
            throw InvalidArgument(path + ": the header field " + printable(key.substr(0, 40)) +
                                  " holds " + std::to_string(line.size() - equals - 1) +
                                  " characters, expected at most " + std::to_string(max_value));
        }
        if (key == "ElementDataFile") {
            if (compressed && !compressed_size) {
                throw InvalidArgument(path +
                                      ": the header says CompressedData = True but gives "
                                      "no CompressedDataSize");
            }
            // MetaIO stops a name at a NUL byte and then reads another file than the one the
            // size checks measured (a fuzz finding: a 5 GB allocation for a 500-byte file).
            if (std::any_of(value.begin(), value.end(),
                            [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
                throw InvalidArgument(path + ": the header field ElementDataFile holds '" +
                                      printable(value.substr(0, 40)) +
                                      "', expected a file name without control characters");
            }
            // MetaIO hands back whatever its buffer held for an empty name.
            if (value.empty()) {
                throw InvalidArgument(path + ": the header field ElementDataFile is empty");
            }
            // MetaIO takes any name that starts with LIST for a list, "LIST 2D" for slices.
            if (value.compare(0, 4, "LIST") == 0 && value != "LIST") {
                std::istringstream words(value.substr(4));
                std::string slices, rest;
                words >> slices >> rest;
                const bool valid = rest.empty() && slices.size() == 2 && slices[1] == 'D' &&
                                   slices[0] >= '1' && slices[0] < '1' + dimensions;
                if (!valid) {
                    throw InvalidArgument(path + ": the header field ElementDataFile holds '" +
                                          printable(value.substr(0, 60)) +
                                          "', expected LIST or LIST followed by the slice "
                                          "dimensions (LIST 2D)");
                }
            }
            check_data_file_pattern(path, "ElementDataFile", value);
            require_regular_data_files(path, value);
            // A LIST names its files on the lines that follow.
            for (int files = 0;
                 value.compare(0, 4, "LIST") == 0 && files < 100000 && std::getline(in, line);
                 ++files) {
                const std::string name = trimmed(line);
                if (!name.empty()) require_regular_data_file(path, name);
            }
            return;
        }
        if (std::find_if(std::begin(flags), std::end(flags),
                         [&](const char* f) { return key == f; }) != std::end(flags)) {
            if (!equals_ignoring_case(value, "true") && !equals_ignoring_case(value, "false")) {
                throw InvalidArgument(path + ": the header field " + key + " holds '" +
                                      printable(value.substr(0, 40)) + "', expected True or False");
            }
            if (key == "CompressedData") compressed = equals_ignoring_case(value, "true");
            continue;
        }
        const auto field = std::find_if(std::begin(numbers), std::end(numbers),
                                        [&](const NumberField& f) { return key == f.key; });
        if (field == std::end(numbers)) continue;
        // A second NDims would leave the arrays read under the first one short.
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
            throw InvalidArgument(path + ": the header field " + key + " appears twice");
        }
        seen.push_back(key);
        if (field->per_dimension > 0 && dimensions == 0) {
            throw InvalidArgument(path + ": the header field " + key +
                                  " comes before NDims, which gives its length");
        }
        compressed_size = compressed_size || key == "CompressedDataSize";
        std::istringstream tokens(value);
        std::string token;
        int count = 0;
        while (tokens >> token) {
            ++count;
            char* end = nullptr;
            const double number = std::strtod(token.c_str(), &end);
            if (end != token.c_str() + token.size() || !std::isfinite(number) ||
                (field->whole && number != std::floor(number))) {
                throw InvalidArgument(path + ": the header field " + key + " holds '" +
                                      printable(token) + "', expected a " +
                                      (field->whole ? "whole number" : "finite number"));
            }
            if (key == "DimSize" && number < 1) {
                throw InvalidArgument(path + ": size along " + axis_name(count - 1) + " is " +
                                      token + " in the header (DimSize), expected at least 1");
            }
            if (number < field->least || number > field->most) {
                std::ostringstream msg;
                msg << path << ": the header field " << key << " holds " << token << ", expected "
                    << field->least;
                if (field->most < any) {
                    msg << " to " << field->most;
                } else {
                    msg << " or more";
                }
                throw InvalidArgument(msg.str());
            }
        }
        if (count == 0) {
            throw InvalidArgument(path + ": the header field " + key + " is empty");
        }
        if (key == "NDims") dimensions = static_cast<int>(std::strtol(value.c_str(), nullptr, 10));
        const int expected = field->per_dimension == 0   ? 1
                             : field->per_dimension == 1 ? dimensions
                                                         : dimensions * dimensions;
        if (count != expected) {
            throw InvalidArgument(path + ": the header field " + key + " holds " +
                                  std::to_string(count) + " values, expected " +
                                  std::to_string(expected) +
                                  " for NDims = " + std::to_string(dimensions));
        }
    }
    throw InvalidArgument(path + ": the header is cut short: it ends before ElementDataFile");
}

}  // namespace

void throw_damaged(const std::string& path, const std::string& data_file,
                   const std::string& reason) {
    throw InvalidArgument(where(path, data_file) + "the compressed data is damaged (" + reason +
                          ")");
}

bool plausible_voxel_size(double size) {
    return std::isfinite(size) && std::fabs(size) >= kMinVoxelSize &&
           std::fabs(size) <= kMaxVoxelSize;
}

bool plausible_coordinate(double coordinate) {
    return std::isfinite(coordinate) && std::fabs(coordinate) <= kMaxCoordinate;
}

void check_header(const std::string& path, const std::string& format) {
    if (format == "NIfTI") check_nifti_header(path);
    if (format == "MetaImage") check_meta_header(path);
    if (format == "NRRD") check_nrrd_header(path);
}

void check_payload(const std::string& path, const std::string& reader, std::uintmax_t raw_bytes,
                   const std::string& element, unsigned dimensions, bool thorough) {
    if (reader == "MetaImageIO") check_meta_payload(path, raw_bytes);
    if (reader == "NiftiImageIO") check_nifti_payload(path, raw_bytes, element, thorough);
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
