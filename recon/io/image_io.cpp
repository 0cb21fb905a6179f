#include "recon/io/image_io.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include "itkImage.h"
#include "itkImageFileReader.h"
#include "itkImageFileWriter.h"
#include "itkImageIOBase.h"
#include "itkMetaDataObject.h"

#include "kernels/core/error.h"
#include "recon/io/atomic_file.h"
#include "recon/io/captured_stderr.h"
#include "recon/io/itk_support.h"

namespace radon::recon {

namespace {

using FloatImage = itk::Image<float, 2>;
using FloatStack = itk::Image<float, 3>;
using ByteImage = itk::Image<unsigned char, 2>;
using WordImage = itk::Image<unsigned short, 2>;

// .mhd and .nhdr are read but not written: their pixels live in a second file, which a rename
// cannot swap in together with the header.
const std::vector<std::string> kWritableImages = {".nrrd", ".mha",  ".nii", ".nii.gz",
                                                  ".tif",  ".tiff", ".png"};
const std::vector<std::string> kReadableImages = {".nrrd",   ".nhdr", ".mha",  ".mhd", ".nii",
                                                  ".nii.gz", ".tif",  ".tiff", ".png"};

// An ITK image of the image's size and spacing (a channel axis, when there is one, is 1 apart),
// carrying its metadata; the caller allocates or imports the pixels.
template <class ImageType>
typename ImageType::Pointer make_itk_image(const Image2D& image) {
    auto out = ImageType::New();
    typename ImageType::RegionType region;
    typename ImageType::SpacingType spacing;
    region.SetSize(0, static_cast<itk::SizeValueType>(image.width()));
    region.SetSize(1, static_cast<itk::SizeValueType>(image.height()));
    spacing[0] = image.spacing[0];
    spacing[1] = image.spacing[1];
    typename ImageType::PointType origin;
    origin.Fill(0.0);
    origin[0] = image.origin[0];
    origin[1] = image.origin[1];
    if constexpr (ImageType::ImageDimension == 3) {
        region.SetSize(2, static_cast<itk::SizeValueType>(image.channels()));
        spacing[2] = 1.0;
    }
    out->SetRegions(region);
    out->SetSpacing(spacing);
    out->SetOrigin(origin);
    itk::MetaDataDictionary& dictionary = out->GetMetaDataDictionary();
    for (const auto& [key, value] : image.metadata)
        itk::EncapsulateMetaData<std::string>(dictionary, key, value);
    return out;
}

// The ITK image borrows the pixels instead of copying them: a writer only reads its input.
template <class ImageType>
void write_floats(AtomicFileSet& outputs, const Image2D& image, const std::string& path,
                  const std::string& extension) {
    auto floats = make_itk_image<ImageType>(image);
    floats->GetPixelContainer()->SetImportPointer(
        const_cast<float*>(image.pixels.host_data()),
        static_cast<itk::SizeValueType>(image.pixels.size()), false);
    detail::write_itk_image(outputs, floats.GetPointer(), path, extension, "image");
}

template <class ImageType>
void write_png(AtomicFileSet& outputs, const Image2D& image, const std::string& path,
               const Window& window, int bits) {
    auto levels = make_itk_image<ImageType>(image);
    levels->Allocate();
    auto* out = levels->GetBufferPointer();
    const float* pixels = image.pixels.host_data();
    for (int64_t i = 0; i < image.pixels.size(); ++i)
        out[i] = static_cast<typename ImageType::PixelType>(png_level(pixels[i], window, bits));
    detail::write_itk_image(outputs, levels.GetPointer(), path, ".png", "image");
}

template <class ImageType>
Image2D read_floats(const std::string& path, const std::string& kind) {
    // libtiff and libpng warn on stderr while ITK reads; an error replaces what they said.
    detail::CapturedStderr library_chatter;
    constexpr unsigned dimensions = ImageType::ImageDimension;
    itk::ImageIOBase::Pointer io =
        detail::read_itk_header(path, kind, "pixel", dimensions, kReadableImages);
    for (unsigned i = 0; i < 2; ++i) {
        const double spacing = io->GetSpacing(i);
        if (!std::isfinite(spacing) || spacing <= 0) {
            throw InvalidArgument(path + ": pixel spacing " + std::to_string(spacing) +
                                  " mm, expected a finite value > 0");
        }
    }

    auto reader = itk::ImageFileReader<ImageType>::New();
    reader->SetFileName(path);
    reader->SetImageIO(io);
    try {
        reader->Update();
    } catch (const itk::ExceptionObject& error) {
        throw InvalidArgument(path + ": cannot read the pixel data (truncated or damaged file?): " +
                              detail::itk_reason(error, "", path));
    } catch (const std::bad_alloc&) {
        throw Error(path + ": not enough memory to load the " + kind);
    }
    const ImageType* loaded = reader->GetOutput();
    const auto size = loaded->GetBufferedRegion().GetSize();
    Image2D image = Image2D::allocate(static_cast<int64_t>(size[0]), static_cast<int64_t>(size[1]),
                                      io->GetSpacing(0), io->GetSpacing(1),
                                      dimensions == 3 ? static_cast<int64_t>(size[2]) : 1);
    std::copy_n(loaded->GetBufferPointer(), image.pixels.size(), image.pixels.host_data());
    image.origin[0] = io->GetOrigin(0);
    image.origin[1] = io->GetOrigin(1);
    return image;
}

}  // namespace

unsigned png_level(float value, const Window& window, int bits) {
    const double top = bits == 16 ? 65535.0 : 255.0;
    const double low = window.level - 0.5 * window.width;
    if (!(value > low)) return 0;  // also NaN
    const double scaled = (static_cast<double>(value) - low) / window.width * top;
    if (scaled >= top) return static_cast<unsigned>(top);
    return static_cast<unsigned>(std::floor(scaled + 0.5));
}

Window automatic_window(const Image2D& image) {
    const float* data = image.pixels.host_data();
    std::vector<float> values;
    values.reserve(static_cast<std::size_t>(image.pixels.size()));
    for (int64_t i = 0; i < image.pixels.size(); ++i) {
        if (std::isfinite(data[i])) values.push_back(data[i]);
    }
    Window window;
    if (values.empty()) return window;

    // Percentiles rather than min/max, so that a few hot or dead pixels do not flatten the image.
    const auto last = static_cast<double>(values.size() - 1);
    const auto low_at = values.begin() + static_cast<std::ptrdiff_t>(std::llround(0.005 * last));
    const auto high_at = values.begin() + static_cast<std::ptrdiff_t>(std::llround(0.995 * last));
    std::nth_element(values.begin(), low_at, values.end());
    const double low = *low_at;
    // Everything from low_at on is >= low, so the second search can skip the rest.
    std::nth_element(low_at, high_at, values.end());
    const double high = *high_at;

    window.level = 0.5 * (low + high);
    // A constant image still needs a positive width; scaled with the value so that it survives
    // the addition to the level.
    const double tiny = 1e-6 * std::max(1.0, std::fabs(window.level));
    window.width = std::max(high - low, tiny);
    return window;
}

Window full_range_window(const float* values, int64_t count) {
    float low = std::numeric_limits<float>::infinity(), high = -low;
    for (int64_t i = 0; i < count; ++i) {
        if (std::isfinite(values[i])) {
            low = std::min(low, values[i]);
            high = std::max(high, values[i]);
        }
    }
    if (!(low <= high)) return {};
    const double level = 0.5 * (static_cast<double>(low) + high);
    // As in automatic_window: a width that survives the addition to the level.
    const double tiny = 1e-6 * std::max(1.0, std::fabs(level));
    return {level, std::max(static_cast<double>(high) - low, tiny)};
}

void window_to_bytes(const float* values, int64_t count, const Window& window, unsigned char* out) {
    for (int64_t i = 0; i < count; ++i)
        out[i] = static_cast<unsigned char>(png_level(values[i], window, 8));
}

void write_image(const Image2D& image, const std::string& path, const Window& window,
                 int png_bits) {
    AtomicFileSet outputs;
    write_image(outputs, image, path, window, png_bits);
    outputs.commit();
}

void write_image(AtomicFileSet& outputs, const Image2D& image, const std::string& path,
                 const Window& window, int png_bits) {
    const std::string extension = file_extension(path);
    if (!is_image_extension(extension)) {
        const std::string named =
            extension.empty() ? std::string("a name without extension") : "'" + extension + "'";
        throw InvalidArgument(path + ": cannot write an image to " + named +
                              "; accepted extensions: " + detail::join_extensions(kWritableImages) +
                              " (.mhd is read only: write .mha, which keeps header and pixels in "
                              "one file)");
    }
    if (!image.pixels.bound() || image.width() < 1 || image.height() < 1 || image.channels() < 1) {
        throw InvalidArgument(path + ": the image to write has no pixels");
    }
    for (int i = 0; i < 2; ++i) {
        if (!std::isfinite(image.spacing[i]) || image.spacing[i] <= 0) {
            throw InvalidArgument(path + ": pixel spacing " + std::to_string(image.spacing[i]) +
                                  " mm, expected a finite value > 0");
        }
    }

    if (extension == ".png") {
        if (png_bits != 8 && png_bits != 16) {
            throw InvalidArgument(path + ": PNG bit depth " + std::to_string(png_bits) +
                                  ", expected 8 or 16");
        }
        if (image.channels() != 1) {
            throw InvalidArgument(path + ": a PNG holds one grey image, this one has " +
                                  std::to_string(image.channels()) +
                                  " channels; write each channel to a PNG of its own, or the "
                                  "stack to .nrrd, .mha, .nii or .tif");
        }
        if (!std::isfinite(window.level) || !std::isfinite(window.width) || window.width <= 0) {
            throw InvalidArgument(path + ": window level " + std::to_string(window.level) +
                                  ", width " + std::to_string(window.width) +
                                  ", expected finite values and a width > 0");
        }
        if (png_bits == 16) {
            write_png<WordImage>(outputs, image, path, window, 16);
        } else {
            write_png<ByteImage>(outputs, image, path, window, 8);
        }
        return;
    }
    if (image.channels() == 1) {
        write_floats<FloatImage>(outputs, image, path, extension);
    } else {
        write_floats<FloatStack>(outputs, image, path, extension);
    }
}

Image2D read_image(const std::string& path) {
    return read_floats<FloatImage>(path, "image");
}

Image2D read_image_stack(const std::string& path) {
    return read_floats<FloatStack>(path, "image stack");
}

bool is_image_extension(const std::string& extension) {
    return detail::contains(kWritableImages, extension);
}

std::string image_extensions() {
    return detail::join_extensions(kWritableImages);
}

}  // namespace radon::recon
