#include "recon/io/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <random>
#include <system_error>

#include "kernels/core/error.h"

namespace fs = std::filesystem;

namespace radon::recon {

namespace {

std::string to_lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string random_suffix() {
    // Uniqueness only has to hold within one folder and only while the write is in flight.
    static thread_local std::mt19937_64 engine{std::random_device{}()};
    const uint64_t value = engine();
    static const char digits[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 12; ++i)
        s += digits[(value >> (4 * i)) & 0xf];
    return s;
}

// Flushes the temporary file to disk before it replaces the target, so that a crash right after
// the rename cannot leave a renamed but empty file behind. Failure here is not fatal: the data
// has been written, and some file systems do not support fsync.
void flush_to_disk(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

}  // namespace

std::string file_extension(const std::string& path) {
    const std::string name = to_lower(fs::path(path).filename().string());
    // A gzipped NIfTI is one format, not a .gz wrapper around an unknown one.
    const std::string nii_gz = ".nii.gz";
    if (name.size() > nii_gz.size() &&
        name.compare(name.size() - nii_gz.size(), nii_gz.size(), nii_gz) == 0) {
        return nii_gz;
    }
    const std::string ext = fs::path(name).extension().string();
    return ext == "." ? std::string() : ext;
}

void write_atomically(const std::string& path,
                      const std::function<void(const std::string&)>& write) {
    const fs::path target(path);
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        throw InvalidArgument(path + ": the folder " + folder.string() + " does not exist");
    }
    if (fs::is_directory(target, ec)) {
        throw InvalidArgument(path + ": is a folder, expected a file name");
    }

    // The temporary name ends in the target's extension, so that writers which pick their format
    // or compression from the name do the same as for the target. It is lower-cased: some
    // writers only know lower-case extensions (MetaImage, given ".MHA", writes a header and a
    // separate data file; NIfTI refuses ".NII").
    const std::string name = target.filename().string();
    const std::string ext = file_extension(path);
    const std::string stem = name.substr(0, name.size() - ext.size());

    fs::path temp;
    do {
        temp = folder / ("." + stem + ".tmp-" + random_suffix() + ext);
    } while (fs::exists(temp, ec));

    try {
        write(temp.string());
        if (!fs::is_regular_file(temp, ec)) {
            throw Error(path + ": the writer reported success but produced no file");
        }
        flush_to_disk(temp);
        fs::rename(temp, target, ec);
        if (ec) throw Error(path + ": could not replace the file: " + ec.message());
    } catch (...) {
        std::error_code ignored;
        fs::remove(temp, ignored);
        throw;
    }
}

}  // namespace radon::recon
