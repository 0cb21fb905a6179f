// ITK includes are fine here: only recon/io .cpp files include this header, never another header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "itkImage.h"
#include "itkImageFileWriter.h"
#include "itkImageIOBase.h"
#include "itkMacro.h"
#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/captured_stderr.h"
#include "recon/io/printable_text.h"
#include "recon/io/written_image_check.h"
#include "recon/volume.h"

// The ITK glue that volume and image I/O share, so that both report the same problems in the
// same words and pick the same ITK classes for an extension.
namespace radon::recon::detail {

// Makes ITK's format readers available to ImageIOFactory; cheap to call before every read.
void register_itk_image_io();

// A one-line reason for a user, from ITK's multi-line description. `temp_path`, when not empty,
// is the temporary file of an atomic write and is shown as `path`, the name the user gave.
std::string itk_reason(const itk::ExceptionObject& error, const std::string& temp_path,
                       const std::string& path);

// The ImageIO for a lower-case extension as file_extension returns it; null when none fits.
itk::ImageIOBase::Pointer make_itk_io(const std::string& extension);

// Opens `path` and reads its header, checking everything that can be checked before the pixels
// are read: the file, its format (one of `readable`), one value per element, `dimensions`
// dimensions, a size that fits in memory and a payload as long as the header says. `kind`
// ("volume") and `element` ("voxel") name things in the messages. Throws InvalidArgument.
itk::ImageIOBase::Pointer read_itk_header(const std::string& path, const std::string& kind,
                                          const std::string& element, unsigned dimensions,
                                          const std::vector<std::string>& readable);

// Checks, before anything is allocated, that `shape` (elements along each dimension, as a header
// claims it) is not empty, fits the 32-bit element indices of the projectors, and that
// `bytes_per_element` times its element count (the peak while loading) fits this machine's
// memory. Returns the element count; throws InvalidArgument naming `path`.
uint64_t check_loadable_size(const std::string& path, const std::vector<uint64_t>& shape,
                             const std::string& element, double bytes_per_element);

// Makes the next Read of `io` (its header already read) cover every pixel.
void select_whole_image(itk::ImageIOBase* io);

// Reads all pixels of `io` (its header already read; one value per pixel, `count` of them) into
// `out` as float, in at most the memory of `out` plus the reader's own buffers: the stored values
// are read into the end of `out` and converted plane by plane (`plane` values) towards its start,
// where each converted plane ends before the next stored one begins. Stored values wider than a
// float need a separate buffer. Throws itk::ExceptionObject from the reader, InvalidArgument
// naming `path` when the reader's size disagrees with `count`.
void read_pixels_as_float(itk::ImageIOBase* io, const std::string& path, float* out,
                          std::size_t count, std::size_t plane);

// For messages that list the accepted extensions, so that they never drift from the lists.
std::string join_extensions(const std::vector<std::string>& extensions);

bool contains(const std::vector<std::string>& list, const std::string& item);

// Also strips '\r', '\n' and NUL, so that headers and messages written with Windows line ends,
// and DICOM strings padded to even length, compare equal.
std::string trimmed(const std::string& s);

bool equals_ignoring_case(const std::string& a, const std::string& b);

// Writes `image` to a temporary file of `outputs` for `path` with the ImageIO its extension names,
// and verifies what landed (verify_written_image): ITK does not report a short write. PNG is
// written in memory first (see MemoryFile) and copied with checked writes. `what` ("image",
// "volume") names the object in the one-line error.
template <class ImageType>
void write_itk_image(AtomicFileSet& outputs, const ImageType* image, const std::string& path,
                     const std::string& extension, const char* what) {
    outputs.add(path, [&](const std::string& temp) {
        const bool png = extension == ".png";
        std::optional<MemoryFile> memory;
        if (png) memory.emplace();
        auto writer = itk::ImageFileWriter<ImageType>::New();
        writer->SetFileName(png ? memory->path() : temp);
        writer->SetImageIO(make_itk_io(extension));
        writer->SetInput(image);
        std::string said;
        {
            // niftilib and MetaIO print their complaints (a short write among them) to stderr.
            CapturedStderr library_output;
            try {
                writer->Update();
            } catch (const itk::ExceptionObject& error) {
                said = library_reason(library_output.take());
                // A full disk is by far the commonest cause, and the one a user can act on.
                std::string why =
                    disk_full_reason(path, image->GetBufferedRegion().GetNumberOfPixels() *
                                               sizeof(typename ImageType::PixelType));
                if (why.empty()) why = said.empty() ? itk_reason(error, temp, path) : said;
                throw Error(path + ": cannot write the " + what + ": " + printable(why) +
                            "; the previous file is unchanged");
            }
            said = library_reason(library_output.take());
        }
        if (png) {
            const std::string bytes = memory->bytes();
            write_file_checked(temp, {{bytes.data(), bytes.size()}}, path);
        }
        const auto size = image->GetBufferedRegion().GetSize();
        std::vector<uint64_t> shape(size.begin(), size.end());
        verify_written_image(temp, path, extension, what, shape,
                             sizeof(typename ImageType::PixelType), image->GetBufferPointer(),
                             said);
    });
}

// An ITK image that borrows the voxels of `volume` instead of copying them, for writers, which
// only read their input. `volume` must outlive the image.
itk::Image<float, 3>::Pointer borrowed_itk_image(const Volume& volume);

}  // namespace radon::recon::detail
