#pragma once

#include <string>

#include "recon/io/image_io.h"
#include "recon/io/projection_geometry_json.h"
#include "ui/common/volume_loader.h"
#include "ui/drr/drr_frame.h"

namespace radon::ui {

// Writes the DRR of `frame`, rendered from `volume`, to `path` in the format its extension names
// (recon::write_image: .png, .tif, .tiff, .nrrd, .mha, .nii, .nii.gz), with the geometry record
// `radon drr` writes for the same pose: NAME.json next to the image (recon::drr_record_path) and,
// in NRRD and MetaImage headers, the same record as key/values. A PNG shows `png_window` (the
// window the DRR view shows). Returns the record's path. Throws the errors of recon/io
// (an unknown extension, a folder that cannot be written, ...), whose messages name the file.
std::string export_drr(const DrrFrame& frame, const LoadedVolume& volume, const std::string& path,
                       const recon::Window& png_window);

// The record of `frame` as `radon drr` fills it for a C-arm pose, the default HU conversion and
// the frame's output (--output-kind, --i0, --invert).
recon::DrrRecord drr_record_of(const DrrFrame& frame, const LoadedVolume& volume);

}  // namespace radon::ui
