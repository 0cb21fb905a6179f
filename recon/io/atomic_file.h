#pragma once

#include <functional>
#include <string>

namespace radon::recon {

// Writes `path` all or nothing: `write` receives a temporary path in the same folder (with the
// same extension, so format-sniffing writers still work) and the file is renamed onto `path`
// only when `write` returns. On any exception the temporary file is removed and the exception
// propagates; an existing file at `path` is left untouched.
void write_atomically(const std::string& path,
                      const std::function<void(const std::string&)>& write);

// Lower-case extension including the dot; ".nii.gz" for gzipped NIfTI. Empty when none.
std::string file_extension(const std::string& path);

}  // namespace radon::recon
