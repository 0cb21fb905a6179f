#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/pet/sinogram_descriptor.h"
#include "recon/io/atomic_file.h"
#include "recon/pet/scanner_json.h"

namespace radon::recon {

// A sinogram file in the format its name says: Interfile (.hs header + .s data, for STIR) or
// NRRD (.nrrd, labelled axes, scanner and descriptor in the header). Anything else is refused
// with InvalidArgument naming the path and the two extensions.
void require_sinogram_extension(const std::string& path);

// The files a sinogram at `path` occupies ("A.hs and A.s", or "A.nrrd"), for messages.
std::string sinogram_files_text(const std::string& path);

// `data` holds sinogram.bins() floats in the descriptor's axis order; `scanner` is the
// description the sinogram was built from.
void write_sinogram(AtomicFileSet& outputs, const std::string& path,
                    const ScannerDescription& scanner, const pet::SinogramDescriptor& sinogram,
                    const std::vector<float>& data);

// Reads a sinogram that must match `sinogram`, into its axis order (see the two formats' readers
// for what is checked).
std::vector<float> read_sinogram(const std::string& path, const pet::SinogramDescriptor& sinogram);

}  // namespace radon::recon
