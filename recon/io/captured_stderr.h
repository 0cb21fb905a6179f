#pragma once

#include <mutex>
#include <string>

// The format libraries under ITK (niftilib, MetaIO) print their complaints straight to stderr,
// often several lines for one problem, while ITK's own exception says only "cannot read". The
// CLI must print exactly one line for a bad file, and that line should carry the library's
// reason, so reads run with stderr captured.
namespace radon::recon::detail {

// Redirects file descriptor 2 into memory for as long as it lives. One capture runs at a time
// in the process (others wait); a thread that prints meanwhile is captured too, and its text
// is passed on when the capture ends without an error. On destruction, captured text goes to
// the real stderr, unless an exception is unwinding (the error replaces it) or take() has
// claimed it. When the redirection cannot be set up, nothing is captured and nothing is lost.
class CapturedStderr {
  public:
    CapturedStderr();
    ~CapturedStderr();
    CapturedStderr(const CapturedStderr&) = delete;
    CapturedStderr& operator=(const CapturedStderr&) = delete;

    // Ends the capture and returns what was printed (at most 64 KiB).
    std::string take();

  private:
    std::string stop(bool keep);

    std::unique_lock<std::recursive_mutex> lock_;
    int saved_fd_ = -1;
    int memory_fd_ = -1;
};

// The reason in a library's complaint as one line: the first line that says something, without
// the markers and function names that niftilib and MetaIO put in front ("** ERROR:
// nifti_convert_nhdr2nim: bad datatype" -> "bad datatype"). Empty when there is none.
std::string library_reason(const std::string& captured);

}  // namespace radon::recon::detail
