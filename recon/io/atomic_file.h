#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace radon::recon {

// The outputs of one command, replaced all together or not at all. Each add() writes the new
// content of a file to a temporary file in the same folder (with the same extension, so
// format-sniffing writers still work); commit() renames every temporary onto its target. Until
// then no target is touched: a failure in any add() or in commit() removes every temporary and
// leaves every previous file as it was, byte for byte (see commit() for the one exception).
//
// Writers do not always report a full disk (ITK's do not), so `write` must either throw or leave
// a file it has verified; the set then checks that the temporary is a regular file and flushes it
// to disk, with every error of fsync reported.
class AtomicFileSet {
  public:
    AtomicFileSet() = default;
    ~AtomicFileSet();
    AtomicFileSet(const AtomicFileSet&) = delete;
    AtomicFileSet& operator=(const AtomicFileSet&) = delete;

    // `write` receives the temporary path. Throws InvalidArgument when the folder of `path` does
    // not exist or `path` is a folder; whatever `write` throws propagates, its temporary removed.
    // A path added twice keeps the later content.
    void add(const std::string& path, const std::function<void(const std::string&)>& write);

    // add() with `text` as the file's bytes, written through checked system calls (a short write,
    // a full disk or a failed close is an Error naming `path` and the system's reason).
    void add_text(const std::string& path, const std::string& text);

    // Renames the temporaries onto their targets, then flushes the folders. When there are
    // several, every existing target is first kept under a second name (a hard link), so that a
    // rename failing halfway puts the earlier ones back; where the file system has no hard links
    // that file cannot be restored, and the error says so. Throws Error naming the file.
    void commit();

    // The targets added so far, in order.
    std::vector<std::string> targets() const;

  private:
    struct Staged {
        std::string target;
        std::string temp;
    };
    void discard();
    std::vector<Staged> staged_;
};

// One file written all or nothing: an AtomicFileSet of one file.
void write_atomically(const std::string& path,
                      const std::function<void(const std::string&)>& write);

// A run of bytes to write, borrowed.
struct ByteSpan {
    const char* data;
    std::size_t size;
};

// Writes `parts` one after the other to `path` (a new or truncated file) with checked write,
// fsync and close: an Error naming `shown_path` with the system's reason on any failure. For the
// temporaries of an AtomicFileSet, whose names users never see.
void write_file_checked(const std::string& path, const std::vector<ByteSpan>& parts,
                        const std::string& shown_path);

// A message tail for a write that came out short: "no space left on the device (N bytes free in
// FOLDER)" when the folder of `path` has less than `needed` bytes free, else empty.
std::string disk_full_reason(const std::string& path, std::uintmax_t needed);

// Lower-case extension including the dot; ".nii.gz" for gzipped NIfTI. Empty when none.
std::string file_extension(const std::string& path);

}  // namespace radon::recon
