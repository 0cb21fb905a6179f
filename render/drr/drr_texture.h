#pragma once

#include <cstdint>
#include <memory>

#include "recon/io/image_io.h"

class vtkImageData;
class vtkTexture;

namespace radon::render {

// A DRR shown as an 8-bit grey texture through a display window, mapped to grey levels as the
// DRR view and PNG output map them (recon::window_to_bytes). Updating the image or the window
// rewrites the texture's pixels in place (one upload of width x height bytes on the next frame);
// the texture object, and the actor using it, stay the same.
class DrrTexture {
  public:
    DrrTexture();
    ~DrrTexture();
    DrrTexture(const DrrTexture&) = delete;
    DrrTexture& operator=(const DrrTexture&) = delete;

    // `pixels` is row-major with row 0 first (the top row of the DRR); it is copied. Texture
    // coordinate t = 0 is row 0 and s = 0 is column 0.
    void set_image(const float* pixels, int64_t width, int64_t height);
    // The image and the window it is shown through, mapped to grey once (see set_window).
    void set_image(const float* pixels, int64_t width, int64_t height, recon::Window window);
    int64_t width() const;
    int64_t height() const;

    // Until set_window is called, each image is shown from its minimum (black) to its maximum
    // (white).
    void set_window(recon::Window window);
    void use_automatic_window();
    recon::Window window() const;

    vtkTexture* texture() const;
    // The 8-bit grey pixels shown: width x height, row 0 first.
    vtkImageData* image() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::render
