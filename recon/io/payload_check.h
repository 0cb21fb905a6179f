#pragma once

#include <array>
#include <cstdint>
#include <string>

// What ITK does not check about the pixel data before it allocates the image and reads:
// - MetaImage and NIfTI readers fill a short file's missing voxels with zeros or leftovers and
//   report success (ITK 5.2); NRRD allocates the whole image before it finds the data short,
//   so a header that claims 4 GB in a 100-byte file costs 4 GB.
// - MetaIO reports damaged compressed data on stderr and returns the garbage as pixels.
// - niftilib silently turns sizes below 1 and zero or NaN spacings into 1, and NaN or infinite
//   float voxels into 0.
// So the payload is measured against the header first, from the file alone, before ITK reads
// it. Headers these checks cannot measure cheaply are left to ITK; whatever is found missing,
// cut short or damaged throws InvalidArgument naming the file.
namespace radon::recon::detail {

// `reader` is the ITK ImageIO class name ("NrrdImageIO", "MetaImageIO", "NiftiImageIO"; others
// are not checked); `raw_bytes` the uncompressed payload that ITK parsed from the header
// (elements x component size); `element` ("voxel", "pixel") and `dimensions` describe what is
// being read. With `thorough`, compressed payloads are decompressed in full even where the gzip
// trailer already vouches for their length: for explaining a read that has failed.
void check_payload(const std::string& path, const std::string& reader, std::uintmax_t raw_bytes,
                   const std::string& element, unsigned dimensions, bool thorough);

// "PATH: the compressed data is damaged (REASON)", or "PATH: its data file DATA: ..." for the
// stream of a detached data file: the one wording for a damaged stream, whoever finds it.
[[noreturn]] void throw_damaged(const std::string& path, const std::string& data_file,
                                const std::string& reason);

// A voxel edge (mm) outside this range comes from a damaged header, not from a scanner; beyond it
// ITK's orientation code divides by zero or overflows in single precision, and ray steps vanish.
constexpr double kMinVoxelSize = 1e-6, kMaxVoxelSize = 1e6;
bool plausible_voxel_size(double size);

// The same for a coordinate of the origin: ITK's single-precision orientation code stops
// converging near the float limit (3e38), so origins are held far below it.
constexpr double kMaxCoordinate = 1e9;  // mm
bool plausible_coordinate(double coordinate);

// Called before ITK parses the header of a file whose extension names `format` ("NIfTI", ...):
// refuses header fields that crash or hang ITK's parsers, that they would silently change, or
// that they report in misleading words. NIfTI: a header cut short, no single-file magic, sizes
// below 1, zero, NaN or absurd spacings, a qform or sform that is not finite or has a degenerate
// column. MetaImage: number fields that are not numbers, NDims outside 1 to 10. Both MetaImage
// and NRRD: data file patterns with a step of 0 or more than 100000 files.
void check_header(const std::string& path, const std::string& format);

// "PATH: N voxels are not finite (NaN or infinite), the first at index (i, j, k); ...", for
// `count` non-finite elements of an image of `extents` (x fastest), the first at linear index
// `first`.
std::string non_finite_message(const std::string& path, const std::string& element, int64_t count,
                               int64_t first, const std::array<int64_t, 3>& extents);

}  // namespace radon::recon::detail
