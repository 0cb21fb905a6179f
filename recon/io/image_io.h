#pragma once

#include <cstdint>
#include <string>

#include "recon/image2d.h"

namespace radon::recon {

// Display window for 8-bit output: values level - width/2 .. level + width/2 map to 0..255.
struct Window {
    double level = 0;
    double width = 1;
};

// A window spanning the 0.5th to 99.5th percentile of the finite pixel values.
Window automatic_window(const Image2D& image);

// Maps `count` values to 8-bit grey through `window` (level - width/2 -> 0, level + width/2 ->
// 255, rounded; NaN -> 0): how PNG output and the desktop app's image views show a float image.
void window_to_bytes(const float* values, int64_t count, const Window& window, unsigned char* out);

// Writes a float image with its spacing in the format the extension names: .nrrd, .mha, .nii,
// .nii.gz, .tif, .tiff (32-bit float). ".png" writes an 8-bit image windowed with `window`.
// Atomic: a failure leaves no file behind. .mhd and .nhdr are read but not written, because their
// pixels would live in a second file that a rename cannot swap in together with the header.
// Throws InvalidArgument for any other extension, naming the accepted ones.
void write_image(const Image2D& image, const std::string& path, const Window& window);

// Reads back a float 2D image written by write_image (not PNG).
Image2D read_image(const std::string& path);

// True for the extensions write_image accepts.
bool is_image_extension(const std::string& extension);

}  // namespace radon::recon
