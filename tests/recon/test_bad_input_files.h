#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

// Volume files written byte by byte from a description of what their header should say, so that
// the bad-input tests can write exactly the damage they mean (a negative size, a singular
// direction, a complex pixel type) in every format, which no correct writer would produce.
namespace radon::test {

enum class FilePixel { Float, Short, Complex, Rgb };

struct VolumeFileSpec {
    std::vector<int64_t> sizes = {5, 4, 3};  // one per dimension
    std::vector<double> spacing = {0.5, 0.75, 2.0};
    // Row-major 3x3 whose columns are the world directions of the index axes; none: identity,
    // written as spacing only.
    std::optional<std::vector<double>> direction;
    std::vector<double> origin = {0, 0, 0};  // written with the direction only
    FilePixel pixel = FilePixel::Float;
    // The pixel bytes as stored (little-endian). The default spec holds a ramp of 60 floats.
    std::string payload;

    VolumeFileSpec();
};

// Little-endian bytes of `values`.
std::string float_bytes(const std::vector<float>& values);

// The product of the sizes as the number of values a file holds (components included).
int64_t value_count(const VolumeFileSpec& spec);

// NRRD header text ending in the blank line; `encoding` raw or gzip; `data_file` empty for
// attached data.
std::string nrrd_header(const VolumeFileSpec& spec, const std::string& encoding = "raw",
                        const std::string& data_file = "");

// MetaImage header text; `data_file` LOCAL for attached data. `compressed_size` >= 0 writes
// CompressedData = True with that CompressedDataSize.
std::string meta_header(const VolumeFileSpec& spec, const std::string& data_file = "LOCAL",
                        int64_t compressed_size = -1);

// A single-file NIfTI-1 (.nii): the 348-byte header, 4 extension bytes, the payload. Sizes must
// fit the format's 16-bit fields.
std::string nifti_file(const VolumeFileSpec& spec);

// `bytes` in a gzip wrapper (.nii.gz, NRRD's gzip encoding), through the gzip program.
std::string gzipped(const std::string& bytes);

// `bytes` in a zlib wrapper (MetaImage's CompressedData).
std::string zlib_compressed(const std::string& bytes);

}  // namespace radon::test
