// ITK includes are fine here: only recon/io .cpp files include this header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// ITK's writers do not report a short write: on a full disk MetaIO and niftilib leave a truncated
// file and return success. So every image file is checked after it is written, before it may
// replace the user's file.
namespace radon::recon::detail {

// Checks that `temp` (the temporary file of `path`, written by ITK in the format `extension`
// names) holds an image of `shape` (elements along each dimension) with values of `value_size`
// bytes: the header is read back and must describe as many values; for NRRD, MetaImage and NIfTI
// the payload is measured against it (compressed data inflated in full, its checksum checked);
// TIFF and PNG, which cannot be measured so, are read back and compared with `values` byte for
// byte. `library_said` is what the format library printed while writing, the likeliest reason
// when the file is short. Throws Error naming `path` and `what` ("image", "volume").
void verify_written_image(const std::string& temp, const std::string& path,
                          const std::string& extension, const std::string& what,
                          const std::vector<uint64_t>& shape, std::size_t value_size,
                          const void* values, const std::string& library_said);

// A file in memory with a path that writers can open by name (/proc/self/fd/N): for ITK's PNG
// writer, which frees memory twice and aborts the process when a write fails (ITK 5.2), so it
// writes where a write cannot fail and the bytes go to disk through checked writes.
class MemoryFile {
  public:
    MemoryFile();  // throws Error when the system has no memory files
    ~MemoryFile();
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;

    std::string path() const;
    std::string bytes() const;

  private:
    int fd_ = -1;
};

}  // namespace radon::recon::detail
