#pragma once

#include <string>
#include <vector>

#include "recon/io/atomic_file.h"
#include "recon/volume.h"

namespace radon::recon {

// Reads a scalar 3D volume (NIfTI .nii/.nii.gz, NRRD .nrrd/.nhdr, MetaImage .mha/.mhd) through
// ITK, any scalar pixel type converted to float, with ITK's origin, spacing and direction; or a
// DICOM folder or file (see read_dicom), where `series` picks one series of a folder by UID or
// description. Values are taken as HU. Throws InvalidArgument with a one-line message naming the
// file and the problem (missing, unreadable, not 3D, bad spacing or direction, non-finite
// voxels, a series choice for a file that is not DICOM, a path or data file that is not a
// regular file). Whatever the format libraries print while reading is held back, and dropped
// when the read fails, so that the error is the only line. `warnings`, when given, receives
// problems that did not stop the load (unreadable files left out of a DICOM folder).
Volume read_volume(const std::string& path, const std::string& series = "",
                   std::vector<std::string>* warnings = nullptr);

// Writes a volume as float in the format its extension names, atomically.
void write_volume(const Volume& volume, const std::string& path);
// The same, as one of the outputs of `outputs`, which replaces them all together on commit().
// The file is verified before it counts as written: a full disk is an Error naming `path`.
void write_volume(AtomicFileSet& outputs, const Volume& volume, const std::string& path);

// True for the extensions read_volume accepts (as file_extension returns them).
bool is_readable_volume_extension(const std::string& extension);

// True for the extensions write_volume accepts: not .nhdr or .mhd, whose voxels live in a second
// file that cannot be renamed into place together with the header, so the write would not be
// atomic. Check an output path with this before doing the work that produces the volume.
bool is_writable_volume_extension(const std::string& extension);

}  // namespace radon::recon
