#include "recon/io/nifti_header.h"

#include <cstring>
#include <sstream>
#include <string>

#include "itk_zlib.h"

#include "kernels/core/error.h"
#include "recon/io/payload_check.h"

namespace radon::recon::detail {

namespace {

template <class T>
T load(const unsigned char* bytes, bool swap) {
    unsigned char copy[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i)
        copy[i] = bytes[swap ? sizeof(T) - 1 - i : i];
    T value;
    std::memcpy(&value, copy, sizeof(T));
    return value;
}

}  // namespace

bool read_nifti_start(const std::string& path, NiftiStart& start) {
    // zlib reads uncompressed files too, so .nii and .nii.gz share this path.
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) return false;
    const int got = gzread(file, start.bytes, sizeof(start.bytes));
    start.plain = gzdirect(file) != 0;
    int code = Z_OK;
    const std::string message = got < 0 ? gzerror(file, &code) : "";
    gzclose(file);
    if (got < 0) throw_damaged(path, "", message);
    start.length = static_cast<std::size_t>(got);
    return true;
}

NiftiHeader parse_nifti_header(const std::string& path, const unsigned char* h,
                               std::size_t length) {
    NiftiHeader out;
    const bool two = length >= 540 && std::memcmp(h + 4, "n+2", 4) == 0;
    if (!two && !(length >= 348 && std::memcmp(h + 344, "n+1", 4) == 0)) {
        throw InvalidArgument(path +
                              ": not a single-file NIfTI: the magic \"n+1\" (or \"n+2\") "
                              "is missing (an Analyze header, or a damaged one)");
    }
    out.header_size = two ? 540 : 348;
    const unsigned char* dim = h + (two ? 16 : 40);
    const int64_t dim0 = two ? load<int64_t>(dim, false) : load<int16_t>(dim, false);
    out.swap = dim0 < 1 || dim0 > 7;
    const bool swap = out.swap;
    for (int i = 0; i < 8; ++i) {
        out.dims[i] = two ? load<int64_t>(dim + 8 * i, swap) : load<int16_t>(dim + 2 * i, swap);
        out.pixdim[i] =
            two ? load<double>(h + 104 + 8 * i, swap) : load<float>(h + 76 + 4 * i, swap);
    }
    out.datatype = load<int16_t>(h + (two ? 12 : 70), swap);
    out.data_start =
        two ? static_cast<double>(load<int64_t>(h + 168, swap)) : load<float>(h + 108, swap);
    out.scl_slope = two ? load<double>(h + 176, swap) : load<float>(h + 112, swap);
    out.scl_inter = two ? load<double>(h + 184, swap) : load<float>(h + 116, swap);
    out.qform_code = two ? load<int32_t>(h + 344, swap) : load<int16_t>(h + 252, swap);
    out.sform_code = two ? load<int32_t>(h + 348, swap) : load<int16_t>(h + 254, swap);
    for (int i = 0; i < 3; ++i) {
        out.quatern[i] =
            two ? load<double>(h + 352 + 8 * i, swap) : load<float>(h + 256 + 4 * i, swap);
        out.qoffset[i] =
            two ? load<double>(h + 376 + 8 * i, swap) : load<float>(h + 268 + 4 * i, swap);
        for (int j = 0; j < 4; ++j) {
            out.srow[i][j] = two ? load<double>(h + 400 + 32 * i + 8 * j, swap)
                                 : load<float>(h + 280 + 16 * i + 4 * j, swap);
        }
    }
    if (out.dims[0] < 1 || out.dims[0] > 7) {
        std::ostringstream msg;
        msg << path << ": the header gives " << dim0
            << " dimensions (dim[0]), expected 1 to 7 (in either byte order)";
        throw InvalidArgument(msg.str());
    }
    if (!(out.data_start >= 0) || out.data_start > 1e15) {
        std::ostringstream msg;
        msg << path << ": the header puts the voxel data at byte " << out.data_start
            << " (vox_offset), expected a position in the file";
        throw InvalidArgument(msg.str());
    }
    return out;
}

std::uintmax_t nifti_datatype_size(int datatype) {
    switch (datatype) {
        case 2:    // uint8
        case 256:  // int8
            return 1;
        case 4:    // int16
        case 512:  // uint16
            return 2;
        case 128:  // rgb24
            return 3;
        case 8:     // int32
        case 16:    // float32
        case 768:   // uint32
        case 2304:  // rgba32
            return 4;
        case 32:    // complex64
        case 64:    // float64
        case 1024:  // int64
        case 1280:  // uint64
            return 8;
        case 1536:  // float128
        case 1792:  // complex128
            return 16;
        case 2048:  // complex256
            return 32;
        default:
            return 0;
    }
}

}  // namespace radon::recon::detail
