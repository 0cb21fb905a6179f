#include "ui/carm_scene_view.h"

#include <vtkCamera.h>
#include <vtkRenderer.h>

#include "recon/volume.h"
#include "render/carm_scene.h"
#include "render/drr_texture.h"
#include "render/orientation_marker.h"
#include "render/volume_scene.h"

namespace radon::ui {
namespace {

// Where the default camera looks from, seen from the isocenter: the patient's left, anterior and
// a little superior (LPS). The part of it across the C-arm's central ray is used, so that the
// source and the detector are seen from the side, one on either side of the volume.
constexpr Vec3 kOverviewDirection{0.7, -0.6, 0.35};
// The camera then turns by about 35 degrees towards the source, off the side-on direction.
// Exactly side-on, a frontal or lateral pose has the camera look along a patient axis from above:
// that axis points straight up or down the screen, and at LAT-L and LAT-R the orientation marker
// drew P on top of S. From the source's side the DRR on the detector faces the camera.
constexpr double kTowardSource = 0.7;  // tan of the turn

Vec3 camera_direction(Vec3 central_axis) {
    const Vec3 o = normalized(kOverviewDirection);
    const Vec3 across = o - dot(o, central_axis) * central_axis;
    // Looking along the ray (the overview direction on it): from the patient's left instead.
    if (norm(across) < 0.2) return normalized(cross(central_axis, Vec3{0, 0, 1}));
    return normalized(normalized(across) + kTowardSource * central_axis + 0.35 * Vec3{0, 0, 1});
}

}  // namespace

struct CArmSceneView::Impl {
    explicit Impl(vtkRenderer* renderer, vtkRenderWindowInteractor* interactor)
        : volume(renderer), carm(renderer), marker(interactor, renderer) {}

    render::VolumeScene volume;
    render::CArmScene carm;
    render::OrientationMarker marker;
    Vec3 isocenter{0, 0, 0};
    bool has_carm = false;
};

CArmSceneView::CArmSceneView(QWidget* parent)
    : render::VtkView(parent), impl_(std::make_unique<Impl>(renderer(), interactor())) {
    setObjectName("sceneView");
    // Coarse volume frames while the camera or the pose moves, one full frame after.
    connect(this, &VtkView::interaction_started, this,
            [this] { impl_->volume.set_interactive(true); });
    connect(this, &VtkView::interaction_ended, this,
            [this] { impl_->volume.set_interactive(false); });
    setDarkBackground(true);
}

CArmSceneView::~CArmSceneView() = default;

void CArmSceneView::setVolume(const recon::Volume& hu) {
    impl_->volume.set_volume(hu);
    impl_->volume.set_slice_point(impl_->isocenter);
    resetCamera();
}

bool CArmSceneView::hasVolume() const {
    return impl_->volume.has_volume();
}

void CArmSceneView::setCArm(const ProjectionGeometry& geometry, Vec3 isocenter) {
    impl_->isocenter = isocenter;
    impl_->has_carm = true;
    impl_->carm.set_geometry(geometry, isocenter);
    impl_->volume.set_slice_point(isocenter);
    request_render(render::RenderQuality::Interactive);
}

void CArmSceneView::setDrr(const recon::Image2D& image, const recon::Window& window) {
    impl_->carm.drr().set_image(image.pixels.host_data(), image.width(), image.height(), window);
    request_render(render::RenderQuality::Interactive);
}

void CArmSceneView::setDrrWindow(const recon::Window& window) {
    impl_->carm.drr().set_window(window);
    request_render(render::RenderQuality::Interactive);
}

void CArmSceneView::setVolumePreset(render::CtVolumePreset preset) {
    impl_->volume.set_preset(preset);
    request_render();
}

render::CtVolumePreset CArmSceneView::volumePreset() const {
    return impl_->volume.preset();
}

void CArmSceneView::setVolumeVisible(bool visible) {
    impl_->volume.set_volume_visible(visible);
    request_render();
}

void CArmSceneView::setSlicesVisible(bool visible) {
    impl_->volume.set_slices_visible(visible);
    request_render();
}

void CArmSceneView::setDarkBackground(bool dark) {
    if (dark) {
        renderer()->SetBackground(0.08, 0.09, 0.11);
        impl_->marker.set_label_color(0.95, 0.95, 0.95);
    } else {
        renderer()->SetBackground(0.80, 0.82, 0.86);
        impl_->marker.set_label_color(0.05, 0.05, 0.08);
    }
    request_render();
}

void CArmSceneView::resetCamera() {
    vtkRenderer* r = renderer();
    vtkCamera* camera = r->GetActiveCamera();
    const Vec3 focus = impl_->isocenter;
    const Vec3 axis = impl_->has_carm ? normalized(impl_->carm.geometry().source - focus)
                                      : Vec3{0, 1, 0};  // AP: the source posterior
    const Vec3 from = focus + 1000.0 * camera_direction(axis);
    camera->SetFocalPoint(focus.x, focus.y, focus.z);
    camera->SetPosition(from.x, from.y, from.z);
    camera->SetViewUp(0, 0, 1);  // superior up
    // Fits every visible prop: the volume, the source and the detector.
    r->ResetCamera();
    r->ResetCameraClippingRange();
    request_render();
}

render::VolumeScene& CArmSceneView::volumeScene() {
    return impl_->volume;
}
render::CArmScene& CArmSceneView::carmScene() {
    return impl_->carm;
}
render::OrientationMarker& CArmSceneView::orientationMarker() {
    return impl_->marker;
}

}  // namespace radon::ui
