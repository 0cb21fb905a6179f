#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/pet/sinogram_descriptor.h"
#include "recon/io/atomic_file.h"

namespace radon::recon {

// Sinograms as Interfile projection data (a text header .hs and raw little-endian float32 data
// .s), with the keys STIR reads: number format, matrix sizes and axis labels, the ring
// differences of each segment, the scanner block (rings, detectors per ring, inner ring diameter,
// average DOI, ring spacing, bin size, view offset) and the TOF keys; plus "radon ..." keys that
// make the file read back exactly (axis order, view mashing, TOF in mm).
//
// On disk the data are in STIR's Segment_AxialPos_View_TangPos order: segments 0, -1, +1, ...,
// each by axial position, view, tangential position (fastest); with TOF, each TOF bin a whole
// sinogram (TOF slowest). That is the descriptor's axis order "PVR" ("TPVR" with TOF): data in
// any other order is transposed on write and on read.
//
// The header's data file is the header's name with ".s" for ".hs", in the same folder.
std::string interfile_sinogram_data_path(const std::string& header_path);
std::string interfile_sinogram_header(const pet::SinogramDescriptor& sinogram,
                                      const std::string& data_file_name);

// `data` holds sinogram.bins() floats in the descriptor's axis order. Both files are written
// through `outputs` (replaced together on commit) or atomically on their own.
void write_interfile_sinogram(AtomicFileSet& outputs, const std::string& header_path,
                              const pet::SinogramDescriptor& sinogram, const float* data,
                              int64_t count);
void write_interfile_sinogram(const std::string& header_path,
                              const pet::SinogramDescriptor& sinogram,
                              const std::vector<float>& data);

// Reads a sinogram that must match `sinogram` (scanner, segments, sizes, TOF bins), into its axis
// order. A header that does not match, a data file of the wrong size, a number format other than
// little-endian float32: InvalidArgument naming the file, the key, what it holds and what was
// expected.
std::vector<float> read_interfile_sinogram(const std::string& header_path,
                                           const pet::SinogramDescriptor& sinogram);

}  // namespace radon::recon
