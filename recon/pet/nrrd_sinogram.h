#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/pet/sinogram_descriptor.h"
#include "recon/io/atomic_file.h"
#include "recon/pet/scanner_json.h"

namespace radon::recon {

// Sinograms as NRRD (one .nrrd file: a text header and raw little-endian float32 data), for
// tools that read NRRD (3D Slicer, pynrrd, ITK): the axes in the sinogram's own memory order,
// fastest first, with their names as NRRD labels ("radial", "view", "plane", "tof"), and
// everything needed to read the file back exactly as NRRD key/value pairs ("radon_..."): the
// scanner's JSON description, the scanner centre in the LPS world, span, maximum ring
// difference, view mashing, radial bins, axis order and the TOF binning in mm.
//
// `scanner` must be the description `sinogram` was built from (its JSON is embedded).
void write_nrrd_sinogram(AtomicFileSet& outputs, const std::string& path,
                         const ScannerDescription& scanner, const pet::SinogramDescriptor& sinogram,
                         const float* data, int64_t count);

struct NrrdSinogram {
    ScannerDescription scanner;
    pet::SinogramDescriptor descriptor;
    std::vector<float> data;  // in the descriptor's axis order
};

// Reads a sinogram NRRD written as above (raw or gzip encoding). The descriptor is rebuilt from
// the embedded scanner and sinogram keys and checked against the file's sizes and labels: a file
// whose sizes do not fit its scanner, a missing key, a type other than float, or a data part of
// the wrong length is refused with InvalidArgument naming the file, the field and what was
// expected.
NrrdSinogram read_nrrd_sinogram(const std::string& path);

// The same, converted to `sinogram`'s axis order; the file's scanner and sinogram must match
// `sinogram` (crystals, segments, sizes, TOF bins), or InvalidArgument says which differs.
std::vector<float> read_nrrd_sinogram(const std::string& path,
                                      const pet::SinogramDescriptor& sinogram);

}  // namespace radon::recon
