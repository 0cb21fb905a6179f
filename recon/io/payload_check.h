#pragma once

#include <cstdint>
#include <string>

// MetaImage and NIfTI readers fill a short file's missing voxels with zeros or leftovers and
// report success (ITK 5.2), so their payload is measured against the header before reading.
// Both functions return quietly when the header is one they cannot measure cheaply, leaving it
// to ITK, and throw InvalidArgument naming the file when the data is missing, cut short or
// damaged.
namespace radon::recon::detail {

// `raw_bytes` is the uncompressed payload the header describes (elements x component size),
// which ITK has already parsed; only the data file layout is read here.
void check_meta_payload(const std::string& path, std::uintmax_t raw_bytes);

// Handles .nii and .nii.gz alike.
void check_nifti_payload(const std::string& path);

}  // namespace radon::recon::detail
