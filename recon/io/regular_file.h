#pragma once

#include <string>

// Readers open the files a user or a header names, and a name can lead to a named pipe (whose
// open or read blocks until some other process writes), a device (/dev/zero never ends, and
// reads as valid-looking zeros) or a folder. Only regular files hold volumes, so every file is
// checked before anything opens it.
namespace radon::recon::detail {

// Empty for a regular file (after following links) or a missing one; otherwise what the path is
// instead, for a message: "a folder", "a named pipe (FIFO)", "a character device", ...
std::string non_regular_kind(const std::string& path);

// Throws InvalidArgument "`subject` is KIND, expected a regular file" unless `path` is a regular
// file or missing (missing files are reported by whoever reads them, in their own words).
// `subject` starts the message: "PATH: " for the file itself, "PATH: its data file DATA " for a
// file its header names.
void require_regular_file(const std::string& path, const std::string& subject);

}  // namespace radon::recon::detail
