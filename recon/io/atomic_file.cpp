#include "recon/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
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

fs::path folder_of(const fs::path& path) {
    return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

std::string system_reason(int error) {
    return std::strerror(error);
}

// fsync reports EINVAL (or EROFS) for files and folders that cannot be synchronised at all, such
// as some special file systems: there is nothing to wait for then. Every other error means the
// data may not be on the disk.
bool sync_unsupported(int error) {
    return error == EINVAL || error == EROFS || error == ENOTSUP || error == EOPNOTSUPP;
}

// Waits until the file or folder at `path` is on the disk; the error text when it is not.
std::string sync_to_disk(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return system_reason(errno);
    std::string reason;
    if (::fsync(fd) != 0 && !sync_unsupported(errno)) reason = system_reason(errno);
    if (::close(fd) != 0 && reason.empty() && errno != EINTR) reason = system_reason(errno);
    return reason;
}

fs::path unused_name(const fs::path& folder, const std::string& prefix, const std::string& tail) {
    std::error_code ec;
    fs::path candidate;
    do {
        candidate = folder / (prefix + random_suffix() + tail);
    } while (fs::exists(fs::symlink_status(candidate, ec)));
    return candidate;
}

void remove_quietly(const std::string& path) {
    if (!path.empty()) ::unlink(path.c_str());
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

void write_file_checked(const std::string& path, const std::vector<ByteSpan>& parts,
                        const std::string& shown_path) {
    const auto fail = [&](int error) {
        throw Error(shown_path + ": could not write the file: " + system_reason(error));
    };
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) fail(errno);
    for (const ByteSpan& part : parts) {
        std::size_t done = 0;
        while (done < part.size) {
            const ssize_t n = ::write(fd, part.data + done, part.size - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                // write() returning 0 for a non-empty request happens only on a full device.
                const int error = n == 0 ? ENOSPC : errno;
                ::close(fd);
                fail(error);
            }
            done += static_cast<std::size_t>(n);
        }
    }
    if (::fsync(fd) != 0 && !sync_unsupported(errno)) {
        const int error = errno;
        ::close(fd);
        fail(error);
    }
    // Some network file systems report a failed write only here.
    if (::close(fd) != 0 && errno != EINTR) fail(errno);
}

std::string disk_full_reason(const std::string& path, std::uintmax_t needed) {
    std::error_code ec;
    const fs::path folder = folder_of(fs::path(path));
    const fs::space_info space = fs::space(folder, ec);
    if (ec || space.available >= needed) return {};
    return "no space left on the device (" + std::to_string(space.available) + " bytes free in " +
           folder.string() + ")";
}

AtomicFileSet::~AtomicFileSet() {
    discard();
}

void AtomicFileSet::discard() {
    for (const Staged& s : staged_)
        remove_quietly(s.temp);
    staged_.clear();
}

std::vector<std::string> AtomicFileSet::targets() const {
    std::vector<std::string> out;
    for (const Staged& s : staged_)
        out.push_back(s.target);
    return out;
}

void AtomicFileSet::add(const std::string& path,
                        const std::function<void(const std::string&)>& write) {
    const fs::path target(path);
    const fs::path folder = folder_of(target);
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) {
        throw InvalidArgument(path + ": the folder " + folder.string() + " does not exist");
    }
    if (fs::is_directory(target, ec)) {
        throw InvalidArgument(path + ": is a folder, expected a file name");
    }
    const auto same = std::find_if(staged_.begin(), staged_.end(),
                                   [&](const Staged& s) { return s.target == path; });
    if (same != staged_.end()) {
        remove_quietly(same->temp);
        staged_.erase(same);
    }

    // The temporary name ends in the target's extension, so that writers which pick their format
    // or compression from the name do the same as for the target. It is lower-cased: some
    // writers only know lower-case extensions (MetaImage, given ".MHA", writes a header and a
    // separate data file; NIfTI refuses ".NII").
    const std::string name = target.filename().string();
    const std::string ext = file_extension(path);
    const std::string stem = name.substr(0, name.size() - ext.size());
    const std::string temp = unused_name(folder, "." + stem + ".tmp-", ext).string();
    try {
        write(temp);
        if (!fs::is_regular_file(temp, ec)) {
            throw Error(path + ": the writer reported success but produced no file");
        }
        // So that a crash right after the rename cannot leave a renamed but empty file behind,
        // and so that a file system that reports a failed write only now is heard.
        const std::string reason = sync_to_disk(temp);
        if (!reason.empty()) throw Error(path + ": could not flush the file to disk: " + reason);
    } catch (...) {
        remove_quietly(temp);
        throw;
    }
    staged_.push_back({path, temp});
}

void AtomicFileSet::add_text(const std::string& path, const std::string& text) {
    add(path, [&](const std::string& temp) {
        write_file_checked(temp, {{text.data(), text.size()}}, path);
    });
}

void AtomicFileSet::commit() {
    struct Backup {
        bool existed = false;
        std::string path;  // empty when none could be made
    };
    std::vector<Backup> backups(staged_.size());
    const auto drop_backups = [&] {
        for (const Backup& b : backups)
            remove_quietly(b.path);
    };
    // One rename replaces one file atomically; only several need a way back.
    if (staged_.size() > 1) {
        for (std::size_t i = 0; i < staged_.size(); ++i) {
            const fs::path target(staged_[i].target);
            struct stat info {};
            if (::lstat(target.c_str(), &info) != 0) continue;
            backups[i].existed = true;
            const fs::path backup =
                unused_name(folder_of(target), "." + target.filename().string() + ".bak-", "");
            if (::link(target.c_str(), backup.c_str()) == 0) {
                backups[i].path = backup.string();
                continue;
            }
            const int error = errno;
            // File systems without hard links (FAT, some network shares): go ahead, and say so
            // should a rename fail. Anything else (a full folder) stops before a file is touched.
            if (error == EPERM || error == ENOTSUP || error == EOPNOTSUPP || error == EXDEV ||
                error == EMLINK || error == ENOSYS) {
                continue;
            }
            drop_backups();
            discard();
            throw Error(target.string() + ": could not keep the previous file while replacing " +
                        "the outputs: " + system_reason(error) + "; no output was changed");
        }
    }

    for (std::size_t i = 0; i < staged_.size(); ++i) {
        if (::rename(staged_[i].temp.c_str(), staged_[i].target.c_str()) == 0) {
            staged_[i].temp.clear();
            continue;
        }
        const int error = errno;
        std::string lost;
        for (std::size_t j = 0; j < i; ++j) {
            const std::string& target = staged_[j].target;
            if (!backups[j].path.empty()) {
                if (::rename(backups[j].path.c_str(), target.c_str()) == 0) {
                    backups[j].path.clear();
                    continue;
                }
            } else if (!backups[j].existed) {
                if (::unlink(target.c_str()) == 0) continue;
            }
            lost += (lost.empty() ? "" : ", ") + target;
        }
        const std::string failed = staged_[i].target;
        drop_backups();
        discard();
        throw Error(failed + ": could not replace the file: " + system_reason(error) +
                    (i == 0 ? std::string()
                     : lost.empty()
                         ? std::string("; the outputs written before it were put back")
                         : "; could not put back the previous " + lost + " (now the new one)"));
    }
    drop_backups();

    // The renames are on the disk only once their folders are.
    std::set<std::string> folders;
    for (const Staged& s : staged_)
        folders.insert(folder_of(fs::path(s.target)).string());
    staged_.clear();
    for (const std::string& folder : folders) {
        const std::string reason = sync_to_disk(folder);
        if (!reason.empty()) {
            throw Error(folder +
                        ": could not flush the folder to disk after writing into it: " + reason);
        }
    }
}

void write_atomically(const std::string& path,
                      const std::function<void(const std::string&)>& write) {
    AtomicFileSet set;
    set.add(path, write);
    set.commit();
}

}  // namespace radon::recon
