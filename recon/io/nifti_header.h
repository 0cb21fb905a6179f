#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

// The fields of a single-file NIfTI header that Radon Studio reads itself, beside ITK: to check
// what niftilib would silently change (payload_check) and to read scaled integers without ITK's
// float copy (nifti_stored_values).
namespace radon::recon::detail {

struct NiftiHeader {
    int64_t dims[8] = {};
    double pixdim[8] = {};
    int datatype = 0;
    double data_start = 0;
    int32_t header_size = 0;
    bool swap = false;
    int qform_code = 0, sform_code = 0;
    double quatern[3] = {};  // b, c, d
    double qoffset[3] = {};
    double srow[3][4] = {};
    double scl_slope = 0, scl_inter = 0;  // as stored, before niftilib's clean-up
};

// Up to 540 bytes from the start of a .nii or .nii.gz, decompressed.
struct NiftiStart {
    unsigned char bytes[540] = {};
    std::size_t length = 0;
    bool plain = true;  // not gzip-compressed
};

// False when the file cannot be opened; throws InvalidArgument when its gzip stream is damaged.
bool read_nifti_start(const std::string& path, NiftiStart& start);

// The fields of a single-file NIfTI-1 or NIfTI-2 header, in the byte order niftilib picks
// (dim[0] between 1 and 7). Throws InvalidArgument when the file is not a single-file NIfTI,
// because then neither its layout nor its payload is what these fields describe.
NiftiHeader parse_nifti_header(const std::string& path, const unsigned char* h, std::size_t length);

// Bytes per voxel of a NIfTI datatype code as niftilib stores it; 0 for a code it does not know.
std::uintmax_t nifti_datatype_size(int datatype);

}  // namespace radon::recon::detail
