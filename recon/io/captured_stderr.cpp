#include "recon/io/captured_stderr.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>

#include "recon/io/itk_support.h"

namespace radon::recon::detail {
namespace {

std::recursive_mutex& capture_mutex() {
    static std::recursive_mutex mutex;
    return mutex;
}

void flush_streams() {
    std::cerr.flush();
    std::fflush(stderr);
}

void write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n <= 0) return;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

CapturedStderr::CapturedStderr() : lock_(capture_mutex()) {
    flush_streams();
    memory_fd_ = ::memfd_create("radon-stderr", MFD_CLOEXEC);
    if (memory_fd_ < 0) return;
    saved_fd_ = ::dup(STDERR_FILENO);
    if (saved_fd_ < 0 || ::dup2(memory_fd_, STDERR_FILENO) < 0) {
        if (saved_fd_ >= 0) ::close(saved_fd_);
        ::close(memory_fd_);
        saved_fd_ = memory_fd_ = -1;
    }
}

CapturedStderr::~CapturedStderr() {
    const std::string text = stop(std::uncaught_exceptions() == 0);
    (void)text;
}

std::string CapturedStderr::take() {
    return stop(false);
}

// Restores fd 2, then returns the captured text; with `keep`, writes it all to the real stderr
// instead.
std::string CapturedStderr::stop(bool keep) {
    if (saved_fd_ < 0) return {};
    flush_streams();
    ::dup2(saved_fd_, STDERR_FILENO);
    ::close(saved_fd_);
    saved_fd_ = -1;

    std::string text;
    char buffer[4096];
    ::lseek(memory_fd_, 0, SEEK_SET);
    for (;;) {
        const ssize_t n = ::read(memory_fd_, buffer, sizeof(buffer));
        if (n <= 0) break;
        if (keep) {
            write_all(STDERR_FILENO, buffer, static_cast<std::size_t>(n));
        } else if (text.size() < 65536) {
            text.append(buffer, static_cast<std::size_t>(n));
        }
    }
    ::close(memory_fd_);
    memory_fd_ = -1;
    return keep ? std::string() : text;
}

std::string library_reason(const std::string& captured) {
    std::istringstream lines(captured);
    std::string line;
    while (std::getline(lines, line)) {
        line = trimmed(line);
        // niftilib: "** ERROR: function: reason" or "** ERROR (function): reason".
        for (const char* marker : {"** ERROR", "** WARNING", "** NIFTI", "**"}) {
            if (starts_with(line, marker)) {
                line = trimmed(line.substr(std::string(marker).size()));
                break;
            }
        }
        if (starts_with(line, "(")) {
            const auto close = line.find("):");
            if (close != std::string::npos) line = trimmed(line.substr(close + 2));
        }
        if (starts_with(line, ":")) line = trimmed(line.substr(1));
        // "function: reason" -> "reason", when the first word is an identifier.
        const auto colon = line.find(": ");
        if (colon != std::string::npos && line.find(' ') > colon) {
            line = trimmed(line.substr(colon + 2));
        }
        if (!line.empty()) {
            const std::size_t max_length = 200;
            return printable(line.size() > max_length ? line.substr(0, max_length - 3) + "..."
                                                      : line);
        }
    }
    return {};
}

}  // namespace radon::recon::detail
