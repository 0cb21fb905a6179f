#include "recon/io/format_sniff.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>

namespace radon::recon::detail {
namespace {

uint32_t read_u32(const unsigned char* p, bool big_endian) {
    return big_endian ? (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) |
                            uint32_t(p[3])
                      : (uint32_t(p[3]) << 24) | (uint32_t(p[2]) << 16) | (uint32_t(p[1]) << 8) |
                            uint32_t(p[0]);
}

bool is_nifti(const unsigned char* h, std::size_t n) {
    if (n >= 348) {
        const bool one = read_u32(h, false) == 348 || read_u32(h, true) == 348;
        if (one && (std::memcmp(h + 344, "n+1", 4) == 0 || std::memcmp(h + 344, "ni1", 4) == 0)) {
            return true;
        }
    }
    if (n >= 540) {
        const bool two = read_u32(h, false) == 540 || read_u32(h, true) == 540;
        if (two && (std::memcmp(h + 4, "n+2", 4) == 0 || std::memcmp(h + 4, "ni2", 4) == 0)) {
            return true;
        }
    }
    return false;
}

// MetaImage headers are "Key = Value" text lines; NDims is required in every one.
bool is_metaimage(const std::string& text) {
    const auto key = text.find("NDims");
    if (key == std::string::npos) return false;
    for (std::size_t i = 0; i < key; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x09 || (c > 0x0d && c < 0x20) || c > 0x7e) return false;
    }
    const auto equals = text.find_first_not_of(" \t", key + 5);
    return equals != std::string::npos && text[equals] == '=';
}

}  // namespace

std::string format_by_content(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string head(1024, '\0');
    in.read(&head[0], static_cast<std::streamsize>(head.size()));
    const std::size_t n = static_cast<std::size_t>(in.gcount());
    head.resize(n);
    const auto* h = reinterpret_cast<const unsigned char*>(head.data());
    if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) return "gzip";
    if (n >= 7 && head.compare(0, 7, "NRRD000") == 0) return "NRRD";
    if (n >= 8 && std::memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0) return "PNG";
    if (n >= 4 && (std::memcmp(h, "II*\0", 4) == 0 || std::memcmp(h, "MM\0*", 4) == 0)) {
        return "TIFF";
    }
    if (n >= 132 && std::memcmp(h + 128, "DICM", 4) == 0) return "DICOM";
    if (is_nifti(h, n)) return "NIfTI";
    if (is_metaimage(head)) return "MetaImage";
    return {};
}

std::string format_by_extension(const std::string& extension) {
    if (extension == ".nii" || extension == ".nii.gz") return "NIfTI";
    if (extension == ".nrrd" || extension == ".nhdr") return "NRRD";
    if (extension == ".mha" || extension == ".mhd") return "MetaImage";
    if (extension == ".png") return "PNG";
    if (extension == ".tif" || extension == ".tiff") return "TIFF";
    if (extension == ".dcm") return "DICOM";
    return {};
}

bool content_fits_extension(const std::string& content, const std::string& extension) {
    const std::string named = format_by_extension(extension);
    if (content.empty() || named.empty()) return true;
    if (content == "gzip") return named == "NIfTI";
    return content == named;
}

}  // namespace radon::recon::detail
