#include "recon/ct/geometry_text_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "kernels/core/error.h"
#include "recon/io/regular_file.h"

namespace radon::recon {

namespace {
constexpr std::uintmax_t kMaxGeometryFileBytes = std::uintmax_t{256} << 20;
}

std::string read_geometry_text(const std::string& path) {
    detail::require_regular_file(path, path + ": ");
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw InvalidArgument(path + ": no such file");
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec) throw InvalidArgument(path + ": cannot be read: " + ec.message());
    if (size > kMaxGeometryFileBytes) {
        throw InvalidArgument(path + ": is larger than " +
                              std::to_string(kMaxGeometryFileBytes >> 20) +
                              " MiB, the most a geometry file may have (not a geometry file?)");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InvalidArgument(path + ": cannot be opened: " + std::strerror(errno));
    std::string text(static_cast<std::size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<std::uintmax_t>(in.gcount()) != size)
        throw InvalidArgument(path + ": cannot be read to its end");
    if (text.rfind("\xFF\xFE", 0) == 0 || text.rfind("\xFE\xFF", 0) == 0)
        throw InvalidArgument(path + ": is UTF-16 (or UTF-32) text; save it as UTF-8 or ASCII");
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    const std::size_t nul = text.find('\0');
    if (nul != std::string::npos) {
        throw InvalidArgument(path + " line " + std::to_string(line_of(text, nul)) +
                              ": holds a NUL byte (binary data?); expected a text file");
    }
    return text;
}

int line_of(const std::string& text, std::size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(
                   text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

}  // namespace radon::recon
