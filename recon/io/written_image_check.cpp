#include "recon/io/written_image_check.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "itkImageIOBase.h"
#include "itkImageIORegion.h"

#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/captured_stderr.h"
#include "recon/io/itk_support.h"
#include "recon/io/payload_check.h"

namespace radon::recon::detail {

namespace {

std::string with_path(std::string text, const std::string& temp, const std::string& path) {
    for (const std::string& name : {std::filesystem::absolute(temp).string(), temp}) {
        for (auto at = text.find(name); at != std::string::npos;
             at = text.find(name, at + path.size()))
            text.replace(at, name.size(), path);
    }
    return printable(text);
}

}  // namespace

void verify_written_image(const std::string& temp, const std::string& path,
                          const std::string& extension, const std::string& what,
                          const std::vector<uint64_t>& shape, std::size_t value_size,
                          const void* values, const std::string& library_said) {
    uint64_t count = 1;
    for (const uint64_t n : shape)
        count *= n;
    const uint64_t payload = count * value_size;
    const auto fail = [&](const std::string& reason) {
        // A full disk is by far the commonest cause, and the one a user can act on.
        std::string why = disk_full_reason(path, payload);
        if (why.empty()) why = library_said.empty() ? reason : library_said;
        throw Error(path + ": the " + what + " was not written completely: " +
                    with_path(why, temp, path) + "; the previous file is unchanged");
    };

    itk::ImageIOBase::Pointer io = make_itk_io(extension);
    if (!io) throw Error(path + ": no ITK writer for '" + extension + "'");
    CapturedStderr library_output;
    try {
        io->SetFileName(temp);
        io->ReadImageInformation();
    } catch (const itk::ExceptionObject& error) {
        const std::string said = library_reason(library_output.take());
        fail(said.empty() ? itk_reason(error, temp, path) : said);
    } catch (const std::exception& error) {
        fail(error.what());
    }
    uint64_t found = io->GetNumberOfComponents();
    for (unsigned i = 0; i < io->GetNumberOfDimensions(); ++i)
        found *= io->GetDimensions(i);
    if (found != count || io->GetComponentSize() != value_size) {
        fail("its header describes " + std::to_string(found) + " values of " +
             std::to_string(io->GetComponentSize()) + " bytes, expected " + std::to_string(count) +
             " of " + std::to_string(value_size));
    }

    const std::string reader = io->GetNameOfClass();
    if (reader == "NrrdImageIO" || reader == "MetaImageIO" || reader == "NiftiImageIO") {
        try {
            // Absolute: the payload check resolves data file names against the file's folder.
            check_payload(std::filesystem::absolute(temp).string(), reader, payload, "pixel",
                          io->GetNumberOfDimensions(), true);
        } catch (const InvalidArgument& error) {
            fail(error.what());
        }
        return;
    }
    select_whole_image(io);
    std::vector<char> stored(payload);
    try {
        io->Read(stored.data());
    } catch (const itk::ExceptionObject& error) {
        const std::string said = library_reason(library_output.take());
        fail(said.empty() ? itk_reason(error, temp, path) : said);
    }
    if (std::memcmp(stored.data(), values, stored.size()) != 0) {
        fail("the file read back differs from the " + what);
    }
}

MemoryFile::MemoryFile() : fd_(::memfd_create("radon-output", MFD_CLOEXEC)) {
    if (fd_ < 0)
        throw Error(std::string("cannot create a file in memory: ") + std::strerror(errno));
}

MemoryFile::~MemoryFile() {
    ::close(fd_);
}

std::string MemoryFile::path() const {
    return "/proc/self/fd/" + std::to_string(fd_);
}

std::string MemoryFile::bytes() const {
    std::string out;
    char buffer[1 << 16];
    for (off_t at = 0;;) {
        const ssize_t n = ::pread(fd_, buffer, sizeof buffer, at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw Error(std::string("cannot read a file in memory: ") + std::strerror(errno));
        if (n == 0) return out;
        out.append(buffer, static_cast<std::size_t>(n));
        at += n;
    }
}

}  // namespace radon::recon::detail
