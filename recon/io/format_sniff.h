#pragma once

#include <string>

// ITK picks a reader by file name, so a NRRD saved as "ct.nii" fails with "not recognised as a
// NIfTI file", which sends the user looking for damage that is not there. Looking at the first
// bytes names what the file really holds.
namespace radon::recon::detail {

// The format the first bytes of `path` announce: "NIfTI", "NRRD", "MetaImage", "gzip",
// "PNG", "TIFF" or "DICOM"; empty when unreadable or not one of these.
std::string format_by_content(const std::string& path);

// The format a lower-case extension (as file_extension returns it) names; empty when unknown.
std::string format_by_extension(const std::string& extension);

// True when a file named with `extension` may hold `content` (a format_by_content result):
// .nii.gz holds gzip, and so may .nii (ITK decompresses either).
bool content_fits_extension(const std::string& content, const std::string& extension);

}  // namespace radon::recon::detail
