#include "recon/io/volume_io.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <new>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "itkImage.h"
#include "itkImageFileWriter.h"

#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/captured_stderr.h"
#include "recon/io/dicom_series.h"
#include "recon/io/itk_support.h"
#include "recon/io/nifti_stored_values.h"
#include "recon/io/payload_check.h"

namespace radon::recon {

namespace {

const std::vector<std::string> kReadableVolumes = {".nii",  ".nii.gz", ".nrrd",
                                                   ".nhdr", ".mha",    ".mhd"};
// .nhdr and .mhd keep their voxels in a second file, which a rename cannot swap in together with
// the header.
const std::vector<std::string> kWritableVolumes = {".nrrd", ".mha", ".nii", ".nii.gz"};

void reject_non_finite(const std::string& path, const Array<float>& voxels) {
    const float* data = voxels.host_data();
    const int64_t n = voxels.size();
    int64_t bad = 0;
    int64_t first = -1;
    for (int64_t i = 0; i < n; ++i) {
        if (!std::isfinite(data[i])) {
            if (bad == 0) first = i;
            ++bad;
        }
    }
    if (bad == 0) return;
    const auto& e = voxels.extents();
    throw InvalidArgument(
        detail::non_finite_message(path, "voxel", bad, first, {e[0], e[1], e[2]}));
}

}  // namespace

Volume read_volume(const std::string& path, const std::string& series,
                   std::vector<std::string>* warnings) {
    // Held back until the whole read has succeeded: a library may print before a check further
    // down refuses the file, and the error must then be the only line.
    detail::CapturedStderr library_chatter;
    std::error_code ec;
    const bool folder = std::filesystem::is_directory(path, ec);
    if (folder || (!is_readable_volume_extension(file_extension(path)) && is_dicom_file(path))) {
        Volume volume = read_dicom(path, series, warnings);
        reject_non_finite(path, volume.voxels);
        return volume;
    }
    if (!series.empty()) {
        throw InvalidArgument(path + ": a series ('" + series +
                              "') can only be chosen in a DICOM folder or file");
    }
    itk::ImageIOBase::Pointer io =
        detail::read_itk_header(path, "volume", "voxel", 3, kReadableVolumes);

    VolumeGrid grid;
    for (unsigned i = 0; i < 3; ++i) {
        grid.size[i] = static_cast<int64_t>(io->GetDimensions(i));
        grid.spacing[i] = io->GetSpacing(i);
        grid.origin[i] = io->GetOrigin(i);
        const std::vector<double> axis = io->GetDirection(i);
        for (unsigned r = 0; r < 3; ++r)
            grid.direction.m[r][i] = r < axis.size() ? axis[r] : 0.0;
    }
    grid.validate(path);
    // Values no scanner writes, from damaged headers: ray steps vanish or overflow.
    const char axes[] = "xyz";
    for (unsigned i = 0; i < 3; ++i) {
        std::ostringstream msg;
        if (!detail::plausible_voxel_size(grid.spacing[i])) {
            msg << path << ": spacing along " << axes[i] << " is " << grid.spacing[i]
                << " mm, expected between " << detail::kMinVoxelSize << " and "
                << detail::kMaxVoxelSize << " mm (a damaged header?)";
            throw InvalidArgument(msg.str());
        }
        if (!detail::plausible_coordinate(grid.origin[i])) {
            msg << path << ": origin " << axes[i] << " is " << grid.origin[i]
                << " mm, expected within +-" << detail::kMaxCoordinate << " mm (a damaged header?)";
            throw InvalidArgument(msg.str());
        }
    }

    Volume volume;
    try {
        volume = Volume::allocate(grid, VoxelUnit::Hounsfield);
        detail::CapturedStderr library_output;
        try {
            // Straight into the volume's memory: no ITK image and no copy of it, and scaled
            // integers scaled there rather than in a float copy of ITK's.
            const detail::NiftiScaling scaling = detail::read_stored_nifti_values(io, path);
            const auto count = static_cast<std::size_t>(grid.voxel_count());
            detail::read_pixels_as_float(io, path, volume.voxels.host_data(), count,
                                         static_cast<std::size_t>(grid.size[0] * grid.size[1]));
            detail::apply_nifti_scaling(scaling, volume.voxels.host_data(), count);
        } catch (const itk::ExceptionObject& error) {
            // A damaged stream behind a trailer that vouched for it fails only now: name it.
            detail::check_payload(path, io->GetNameOfClass(),
                                  grid.voxel_count() * io->GetComponentSize(), "voxel", 3, true);
            const std::string said = detail::library_reason(library_output.take());
            throw InvalidArgument(path +
                                  ": cannot read the voxel data (truncated or damaged file?): " +
                                  (said.empty() ? detail::itk_reason(error, "", path) : said));
        }
    } catch (const InvalidArgument&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error(path + ": not enough memory to load the volume");
    } catch (const std::exception& error) {
        // MetaIO, for one, throws std::length_error on some damaged headers.
        throw InvalidArgument(path + ": cannot read the voxel data (damaged file?): " +
                              detail::printable(error.what()));
    }
    reject_non_finite(path, volume.voxels);
    return volume;
}

void write_volume(const Volume& volume, const std::string& path) {
    AtomicFileSet outputs;
    write_volume(outputs, volume, path);
    outputs.commit();
}

void write_volume(AtomicFileSet& outputs, const Volume& volume, const std::string& path) {
    const std::string extension = file_extension(path);
    if (!is_writable_volume_extension(extension)) {
        const std::string named =
            extension.empty() ? std::string("a name without extension") : "'" + extension + "'";
        throw InvalidArgument(
            path + ": cannot write a volume to " + named +
            "; accepted extensions: " + detail::join_extensions(kWritableVolumes) +
            " (.nhdr and .mhd are read only: their separate data file cannot "
            "be replaced atomically)");
    }
    const VolumeGrid& grid = volume.grid;
    grid.validate(path);
    const Extents expected{grid.size[0], grid.size[1], grid.size[2]};
    if (volume.voxels.extents() != expected) {
        throw InvalidArgument(path + ": the voxel array does not match the volume's grid size");
    }

    auto image = detail::borrowed_itk_image(volume);
    detail::write_itk_image(outputs, image.GetPointer(), path, extension, "volume");
}

bool is_readable_volume_extension(const std::string& extension) {
    return detail::contains(kReadableVolumes, extension);
}

bool is_writable_volume_extension(const std::string& extension) {
    return detail::contains(kWritableVolumes, extension);
}

}  // namespace radon::recon
