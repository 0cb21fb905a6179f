#include "render/drr_texture.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkTexture.h>

#include "kernels/core/error.h"

namespace radon::render {

namespace {

// The range of the finite values of an image; a window of width 1 around the value when the
// image is constant, so that it still shows (mid-grey).
WindowLevel full_range_window(const std::vector<float>& pixels) {
    float lo = std::numeric_limits<float>::infinity();
    float hi = -lo;
    for (float v : pixels) {
        if (!std::isfinite(v)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    if (!(lo <= hi)) return {};
    if (hi == lo) return {lo, 1.0};
    return {0.5 * (double(lo) + double(hi)), double(hi) - double(lo)};
}

}  // namespace

struct DrrTexture::Impl {
    vtkNew<vtkImageData> image;
    vtkNew<vtkTexture> texture;
    std::vector<float> pixels;  // the DRR as given, windowed again when the window changes
    int64_t width = 0, height = 0;
    bool automatic_window = true;
    WindowLevel window;

    void update_grey() {
        if (automatic_window) window = full_range_window(pixels);
        auto* grey = static_cast<unsigned char*>(image->GetScalarPointer());
        const auto count = static_cast<std::size_t>(width * height);
        for (std::size_t i = 0; i < count; ++i)
            grey[i] = static_cast<unsigned char>(std::lround(255.0 * window.grey(pixels[i])));
        image->Modified();
    }
};

DrrTexture::DrrTexture() : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    // A 1 x 1 mid-grey image until a DRR arrives, so the detector shows as a plain panel.
    d.image->SetDimensions(1, 1, 1);
    d.image->AllocateScalars(VTK_UNSIGNED_CHAR, 1);
    *static_cast<unsigned char*>(d.image->GetScalarPointer()) = 128;
    d.texture->SetInputData(d.image);
    d.texture->InterpolateOn();
    d.texture->EdgeClampOn();
    // The grey values are final: no lookup table between them and the screen.
    d.texture->SetColorModeToDirectScalars();
}

DrrTexture::~DrrTexture() = default;

void DrrTexture::set_image(const float* pixels, int64_t width, int64_t height) {
    if (width < 1 || height < 1 || !pixels)
        throw InvalidArgument("DRR texture: the image must have at least one pixel");
    Impl& d = *impl_;
    if (width != d.width || height != d.height) {
        d.image->SetDimensions(static_cast<int>(width), static_cast<int>(height), 1);
        d.image->AllocateScalars(VTK_UNSIGNED_CHAR, 1);
        d.width = width;
        d.height = height;
    }
    d.pixels.assign(pixels, pixels + width * height);
    d.update_grey();
}

int64_t DrrTexture::width() const {
    return impl_->width;
}
int64_t DrrTexture::height() const {
    return impl_->height;
}

void DrrTexture::set_window(WindowLevel window) {
    if (!(window.width > 0) || !std::isfinite(window.width) || !std::isfinite(window.level))
        throw InvalidArgument("DRR texture: the window width must be finite and positive");
    impl_->automatic_window = false;
    impl_->window = window;
    if (!impl_->pixels.empty()) impl_->update_grey();
}

void DrrTexture::use_automatic_window() {
    impl_->automatic_window = true;
    if (!impl_->pixels.empty()) impl_->update_grey();
}

WindowLevel DrrTexture::window() const {
    return impl_->window;
}

vtkTexture* DrrTexture::texture() const {
    return impl_->texture;
}

vtkImageData* DrrTexture::image() const {
    return impl_->image;
}

}  // namespace radon::render
