#include "recon/io/regular_file.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "kernels/core/error.h"

namespace radon::recon::detail {

namespace fs = std::filesystem;

std::string non_regular_kind(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    switch (status.type()) {
        case fs::file_type::regular:
        case fs::file_type::not_found:
        case fs::file_type::none:
            return {};
        case fs::file_type::directory:
            return "a folder";
        case fs::file_type::fifo:
            return "a named pipe (FIFO)";
        case fs::file_type::character:
            return "a character device";
        case fs::file_type::block:
            return "a block device";
        case fs::file_type::socket:
            return "a socket";
        default:
            // Unknown, or a status that cannot be read (a link into a folder without access).
            return ec ? std::string() : "not a regular file";
    }
}

void require_regular_file(const std::string& path, const std::string& subject) {
    const std::string kind = non_regular_kind(path);
    if (!kind.empty()) throw InvalidArgument(subject + "is " + kind + ", expected a regular file");
}

}  // namespace radon::recon::detail
