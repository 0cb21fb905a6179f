#include "recon/io/payload_check.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "itk_zlib.h"

#include "kernels/core/error.h"
#include "recon/io/itk_support.h"

namespace radon::recon::detail {
namespace {

namespace fs = std::filesystem;

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

[[noreturn]] void throw_truncated(const std::string& path, const std::string& data_file,
                                  std::uintmax_t needed, std::uintmax_t present) {
    std::ostringstream msg;
    msg << path << ": " << (data_file.empty() ? "the file" : "its data file " + data_file)
        << " is truncated: the header describes " << needed << " bytes of pixel data, " << present
        << " are present";
    throw InvalidArgument(msg.str());
}

template <class T>
T load(const unsigned char* bytes, bool swap) {
    unsigned char copy[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i)
        copy[i] = bytes[swap ? sizeof(T) - 1 - i : i];
    T value;
    std::memcpy(&value, copy, sizeof(T));
    return value;
}

// Where the voxel data of a single-file NIfTI-1 or NIfTI-2 stream starts and how long it is,
// from its header; false when the header is not one this check understands (header/image
// pairs, Analyze).
bool nifti_data_extent(const unsigned char* h, std::size_t length, std::uintmax_t& offset,
                       std::uintmax_t& bytes) {
    if (length < 348) return false;
    bool swap = false;
    int32_t header_size = load<int32_t>(h, false);
    if (header_size != 348 && header_size != 540) {
        swap = true;
        header_size = load<int32_t>(h, true);
    }
    int64_t dims[8];
    int bitpix = 0;
    double start = 0;
    if (header_size == 348) {
        if (std::memcmp(h + 344, "n+1", 4) != 0) return false;
        for (int i = 0; i < 8; ++i)
            dims[i] = load<int16_t>(h + 40 + 2 * i, swap);
        bitpix = load<int16_t>(h + 72, swap);
        start = load<float>(h + 108, swap);
    } else if (header_size == 540 && length >= 540) {
        if (std::memcmp(h + 4, "n+2", 4) != 0) return false;
        for (int i = 0; i < 8; ++i)
            dims[i] = load<int64_t>(h + 16 + 8 * i, swap);
        bitpix = load<int16_t>(h + 14, swap);
        start = static_cast<double>(load<int64_t>(h + 168, swap));
    } else {
        return false;
    }
    if (dims[0] < 1 || dims[0] > 7 || bitpix <= 0 || !(start >= 0) || start > 1e15) return false;
    double bits = bitpix;
    for (int64_t i = 1; i <= dims[0]; ++i) {
        if (dims[i] < 1) return false;
        bits *= static_cast<double>(dims[i]);
    }
    if (bits > 9e18) return false;  // the size check has already reported absurd headers
    offset = static_cast<std::uintmax_t>(std::max(start, static_cast<double>(header_size)));
    bytes = (static_cast<std::uintmax_t>(bits) + 7) / 8;
    return true;
}

}  // namespace

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
    // Text data, file lists and slice patterns are rare and cannot be measured cheaply.
    if (data_file.empty() || !binary || data_file.find('%') != std::string::npos ||
        data_file.compare(0, 4, "LIST") == 0) {
        return;
    }
    std::uintmax_t needed = raw_bytes;
    if (compressed) {
        if (compressed_size < 0) return;
        needed = static_cast<std::uintmax_t>(compressed_size);
    }
    std::error_code ec;
    if (equals_ignoring_case(data_file, "LOCAL")) {
        const std::uintmax_t size = fs::file_size(path, ec);
        if (ec) return;
        if (size < data_offset + needed) {
            throw_truncated(path, "", needed, size > data_offset ? size - data_offset : 0);
        }
        return;
    }
    fs::path data = data_file;
    if (data.is_relative()) data = fs::path(path).parent_path() / data;
    if (!fs::exists(data, ec)) {
        throw InvalidArgument(path + ": its data file " + data.string() + " is missing");
    }
    const std::uintmax_t size = fs::file_size(data, ec);
    if (ec) return;
    // HeaderSize -1 means "the data is at the end of the file".
    const std::uintmax_t skip =
        header_size > 0 && !compressed ? static_cast<std::uintmax_t>(header_size) : 0;
    if (size < skip + needed) {
        throw_truncated(path, data.string(), needed, size > skip ? size - skip : 0);
    }
}

void check_nifti_payload(const std::string& path) {
    // zlib reads uncompressed files too, so .nii and .nii.gz share this path.
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) return;
    struct Closer {
        gzFile f;
        ~Closer() { gzclose(f); }
    } closer{file};
    unsigned char header[540];
    const int got = gzread(file, header, sizeof(header));
    std::uintmax_t offset = 0;
    std::uintmax_t bytes = 0;
    if (!nifti_data_extent(header, got > 0 ? static_cast<std::size_t>(got) : 0, offset, bytes)) {
        return;
    }
    const std::uintmax_t end = offset + bytes;

    std::error_code ec;
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) return;
    if (gzdirect(file)) {
        if (size < end) throw_truncated(path, "", bytes, size > offset ? size - offset : 0);
        return;
    }
    // A gzip member ends with its uncompressed length modulo 2^32: when it agrees, the stream
    // is whole (a cut stream ends in arbitrary bytes). Otherwise count the bytes to be sure;
    // concatenated members, for one, carry only the last member's length.
    if (size >= 4) {
        std::ifstream raw(path, std::ios::binary);
        raw.seekg(static_cast<std::streamoff>(size - 4));
        unsigned char tail[4] = {0, 0, 0, 0};
        raw.read(reinterpret_cast<char*>(tail), 4);
        const uint32_t stored =
            static_cast<uint32_t>(tail[0]) | (static_cast<uint32_t>(tail[1]) << 8) |
            (static_cast<uint32_t>(tail[2]) << 16) | (static_cast<uint32_t>(tail[3]) << 24);
        if (raw && stored == static_cast<uint32_t>(end & 0xffffffffu)) return;
    }
    std::uintmax_t total = static_cast<std::uintmax_t>(got);
    std::vector<unsigned char> chunk(1 << 20);
    for (;;) {
        const int n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()));
        if (n <= 0) break;
        total += static_cast<std::uintmax_t>(n);
    }
    int code = Z_OK;
    const char* message = gzerror(file, &code);
    if (code != Z_OK && code != Z_BUF_ERROR) {
        throw InvalidArgument(path + ": the compressed data is damaged (" +
                              std::string(message ? message : "zlib error") + ")");
    }
    if (total < end) throw_truncated(path, "", bytes, total > offset ? total - offset : 0);
}

}  // namespace radon::recon::detail
