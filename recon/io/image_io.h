#pragma once

#include <cstdint>
#include <string>

#include "recon/image2d.h"
#include "recon/io/atomic_file.h"

namespace radon::recon {

// Display window for PNG output: values level - width/2 .. level + width/2 map to black .. white
// (0..255 in 8 bits, 0..65535 in 16 bits).
struct Window {
    double level = 0;
    double width = 1;
};

// For a window a user gives: throws InvalidArgument ("WHAT: ...") unless `window` is a range of
// values a pixel can hold: a finite level, a width > 0, and both ends, level -/+ width / 2,
// within the range of a 32-bit float (+-3.4e38). Pixels are floats, so an end beyond that range
// is no value any image has, and near the double limit the end overflows to infinity.
void check_window(const Window& window, const std::string& what);

// A window spanning the 0.5th to 99.5th percentile of the finite pixel values (of every channel).
Window automatic_window(const Image2D& image);

// A window from the smallest to the largest finite value of `count` values; a constant image gets
// a tiny positive width (it shows mid-grey), no finite value the default window.
Window full_range_window(const float* values, int64_t count);

// The grey level of `value` in a PNG of `bits` (8 or 16) bits windowed with `window`: linear
// inside the window, rounded half up, clamped outside it; NaN is black.
unsigned png_level(float value, const Window& window, int bits);

// Maps `count` values to 8-bit grey levels with png_level: how PNG output and the desktop app's
// image views show a float image.
void window_to_bytes(const float* values, int64_t count, const Window& window, unsigned char* out);

// Writes a float image with its spacing in the format the extension names: .nrrd, .mha, .nii,
// .nii.gz, .tif, .tiff (32-bit float; a stack of channels becomes a 3D image, or a multi-page
// TIFF, of width x height x channels). NRRD and MetaImage headers also carry image.metadata as
// key/value fields. ".png" writes one channel as an 8- or 16-bit (`png_bits`) grey image
// windowed with `window`. Atomic: a failure leaves no file behind. .mhd and .nhdr are read but
// not written, because their pixels would live in a second file that a rename cannot swap in
// together with the header. Throws InvalidArgument for any other extension (naming the accepted
// ones), a PNG of several channels, or png_bits other than 8 or 16.
void write_image(const Image2D& image, const std::string& path, const Window& window,
                 int png_bits = 8);
// The same, as one of the outputs of `outputs`, which replaces them all together on commit().
// The file is verified before it counts as written: a full disk is an Error naming `path`.
void write_image(AtomicFileSet& outputs, const Image2D& image, const std::string& path,
                 const Window& window, int png_bits = 8);

// Reads back a float 2D image written by write_image (PNG grey levels come back as floats).
Image2D read_image(const std::string& path);

// Reads back a stack of channels (a 3D image) written by write_image; channels are along the
// third axis.
Image2D read_image_stack(const std::string& path);

// True for the extensions write_image accepts.
bool is_image_extension(const std::string& extension);
// Those extensions, for messages (".nrrd, .mha, ...").
std::string image_extensions();

}  // namespace radon::recon
