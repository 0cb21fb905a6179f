#include "render/drr/drr_texture.h"

#include <cmath>
#include <vector>

#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkTexture.h>

#include "kernels/core/error.h"

namespace radon::render {

namespace {

void check_window(const recon::Window& window) {
    if (!(window.width > 0) || !std::isfinite(window.width) || !std::isfinite(window.level))
        throw InvalidArgument("DRR texture: the window width must be finite and positive");
}

}  // namespace

struct DrrTexture::Impl {
    vtkNew<vtkImageData> image;
    vtkNew<vtkTexture> texture;
    std::vector<float> pixels;  // the DRR as given, windowed again when the window changes
    int64_t width = 0, height = 0;
    bool automatic_window = true;
    recon::Window window;

    void update_grey() {
        const auto count = static_cast<int64_t>(pixels.size());
        if (automatic_window) window = recon::full_range_window(pixels.data(), count);
        recon::window_to_bytes(pixels.data(), count, window,
                               static_cast<unsigned char*>(image->GetScalarPointer()));
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

void DrrTexture::set_image(const float* pixels, int64_t width, int64_t height,
                           recon::Window window) {
    check_window(window);
    impl_->automatic_window = false;
    impl_->window = window;
    set_image(pixels, width, height);
}

void DrrTexture::set_window(recon::Window window) {
    check_window(window);
    impl_->automatic_window = false;
    impl_->window = window;
    if (!impl_->pixels.empty()) impl_->update_grey();
}

void DrrTexture::use_automatic_window() {
    impl_->automatic_window = true;
    if (!impl_->pixels.empty()) impl_->update_grey();
}

recon::Window DrrTexture::window() const {
    return impl_->window;
}

vtkTexture* DrrTexture::texture() const {
    return impl_->texture;
}

vtkImageData* DrrTexture::image() const {
    return impl_->image;
}

}  // namespace radon::render
