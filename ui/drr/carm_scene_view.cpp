#include "ui/drr/carm_scene_view.h"

#include <QResizeEvent>

#include <algorithm>
#include <array>
#include <cmath>

#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkVolume.h>

#include "recon/volume.h"
#include "render/common/orientation_marker.h"
#include "render/common/volume_scene.h"
#include "render/drr/carm_scene.h"
#include "render/drr/drr_texture.h"

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

// Of the view's half-width and half-height, what a framing keeps free around the scene: room for
// half a label centred on a framed point.
constexpr double kFrameMargin = 0.15;

struct CameraFrame {
    Vec3 position, forward, right, up;
    double tan_half_height = 0, tan_half_width = 0;
};

CameraFrame camera_frame(vtkCamera* camera, double aspect) {
    const double* p = camera->GetPosition();
    const double* f = camera->GetFocalPoint();
    const double* u = camera->GetViewUp();
    CameraFrame c;
    c.position = {p[0], p[1], p[2]};
    c.forward = normalized(Vec3{f[0], f[1], f[2]} - c.position);
    const Vec3 up{u[0], u[1], u[2]};
    c.up = normalized(up - dot(up, c.forward) * c.forward);
    c.right = cross(c.forward, c.up);
    c.tan_half_height = std::tan(deg_to_rad(camera->GetViewAngle()) / 2);
    c.tan_half_width = c.tan_half_height * aspect;
    return c;
}

Vec3 camera_direction(Vec3 central_axis) {
    const Vec3 o = normalized(kOverviewDirection);
    const Vec3 across = o - dot(o, central_axis) * central_axis;
    // Looking along the ray (the overview direction on it): from the patient's left instead.
    if (norm(across) < 0.2) return normalized(cross(central_axis, Vec3{0, 0, 1}));
    return normalized(normalized(across) + kTowardSource * central_axis + 0.35 * Vec3{0, 0, 1});
}

// Drawn over the scene with its camera: the isocenter and the labels, which the slice planes and
// the volume around them would hide.
vtkSmartPointer<vtkRenderer> make_overlay(vtkRenderer* scene, vtkRenderWindow* window) {
    auto overlay = vtkSmartPointer<vtkRenderer>::New();
    overlay->SetLayer(1);
    overlay->SetActiveCamera(scene->GetActiveCamera());
    overlay->InteractiveOff();
    if (window->GetNumberOfLayers() < 2) window->SetNumberOfLayers(2);
    window->AddRenderer(overlay);
    return overlay;
}

}  // namespace

struct CArmSceneView::Impl {
    Impl(vtkRenderer* renderer, vtkRenderWindow* window, vtkRenderWindowInteractor* interactor)
        : overlay(make_overlay(renderer, window)),
          volume(renderer),
          carm(renderer, overlay),
          marker(interactor, renderer) {}

    vtkSmartPointer<vtkRenderer> overlay;
    render::VolumeScene volume;
    render::CArmScene carm;
    render::OrientationMarker marker;
    Vec3 isocenter{0, 0, 0};
    bool has_carm = false;
    // The camera as the last automatic framing left it: while it is so, a resize frames again.
    std::array<double, 10> framed_camera{};
};

namespace {

std::array<double, 10> camera_state(vtkCamera* camera) {
    std::array<double, 10> s{};
    camera->GetPosition(&s[0]);
    camera->GetFocalPoint(&s[3]);
    camera->GetViewUp(&s[6]);
    s[9] = camera->GetViewAngle();
    return s;
}

}  // namespace

CArmSceneView::CArmSceneView(QWidget* parent)
    : render::VtkView(parent),
      impl_(std::make_unique<Impl>(renderer(), render_window(), interactor())) {
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
    keepInView();
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
        impl_->carm.set_label_color(0.95, 0.95, 0.95);
    } else {
        renderer()->SetBackground(0.80, 0.82, 0.86);
        impl_->marker.set_label_color(0.05, 0.05, 0.08);
        impl_->carm.set_label_color(0.05, 0.05, 0.08);
    }
    request_render();
}

void CArmSceneView::resetCamera() {
    vtkCamera* camera = renderer()->GetActiveCamera();
    const Vec3 focus = impl_->isocenter;
    const Vec3 axis = impl_->has_carm ? normalized(impl_->carm.geometry().source - focus)
                                      : Vec3{0, 1, 0};  // AP: the source posterior
    const Vec3 from = focus + 1000.0 * camera_direction(axis);
    camera->SetFocalPoint(focus.x, focus.y, focus.z);
    camera->SetPosition(from.x, from.y, from.z);
    camera->SetViewUp(0, 0, 1);  // superior up
    frame(framedPoints());
    impl_->framed_camera = camera_state(camera);
    request_render();
}

void CArmSceneView::reset_camera() {
    resetCamera();
}

std::vector<Vec3> CArmSceneView::framedPoints() const {
    std::vector<Vec3> points;
    if (impl_->has_carm) {
        const ProjectionGeometry& g = impl_->carm.geometry();
        const double r = render::CArmScene::kSourceRadiusMm;
        for (int corner = 0; corner < 8; ++corner)
            points.push_back(g.source +
                             Vec3{corner & 1 ? r : -r, corner & 2 ? r : -r, corner & 4 ? r : -r});
        for (const Vec3& p : render::CArmScene::detector_corners(g))
            points.push_back(p);
        points.push_back(impl_->isocenter);
    }
    if (impl_->volume.has_volume()) {
        double b[6];
        impl_->volume.volume_prop()->GetBounds(b);
        for (int corner = 0; corner < 8; ++corner)
            points.push_back({b[corner & 1 ? 1 : 0], b[corner & 2 ? 3 : 2], b[corner & 4 ? 5 : 4]});
    }
    return points;
}

double CArmSceneView::viewAspect() const {
    return width() > 0 && height() > 0 ? static_cast<double>(width()) / height() : 1.0;
}

bool CArmSceneView::inView(const std::vector<Vec3>& points) const {
    const CameraFrame c = camera_frame(renderer()->GetActiveCamera(), viewAspect());
    for (const Vec3& p : points) {
        const Vec3 d = p - c.position;
        const double depth = dot(d, c.forward);
        if (depth <= 0 || std::fabs(dot(d, c.right)) > depth * c.tan_half_width ||
            std::fabs(dot(d, c.up)) > depth * c.tan_half_height)
            return false;
    }
    return true;
}

void CArmSceneView::frame(const std::vector<Vec3>& points) {
    if (points.empty()) return;
    vtkCamera* camera = renderer()->GetActiveCamera();
    const CameraFrame c = camera_frame(camera, viewAspect());
    // Looking at the middle of the points' box along the same direction, from the nearest
    // distance at which every point is inside the view, margins kept: exact for a perspective
    // camera and the view's aspect.
    Vec3 low = points.front(), high = points.front();
    for (const Vec3& p : points)
        for (int axis = 0; axis < 3; ++axis) {
            low[axis] = std::min(low[axis], p[axis]);
            high[axis] = std::max(high[axis], p[axis]);
        }
    const Vec3 center = 0.5 * (low + high);
    const double tan_w = c.tan_half_width * (1 - kFrameMargin);
    const double tan_h = c.tan_half_height * (1 - kFrameMargin);
    double distance = 0, nearest = 0;
    for (const Vec3& p : points) {
        const Vec3 d = p - center;
        const double depth = dot(d, c.forward);  // beyond the centre: positive
        distance = std::max({distance, std::fabs(dot(d, c.right)) / tan_w - depth,
                             std::fabs(dot(d, c.up)) / tan_h - depth});
        nearest = std::max(nearest, -depth);
    }
    // The camera stays in front of every point.
    distance = std::max(distance, 1.05 * nearest + 1);
    const Vec3 from = center - distance * c.forward;
    camera->SetFocalPoint(center.x, center.y, center.z);
    camera->SetPosition(from.x, from.y, from.z);
    renderer()->ResetCameraClippingRange();
}

void CArmSceneView::keepInView() {
    vtkCamera* camera = renderer()->GetActiveCamera();
    if (camera_state(camera) == impl_->framed_camera) {
        // Nobody moved the camera since it was framed: frame the scene again, tightly.
        frame(framedPoints());
        impl_->framed_camera = camera_state(camera);
    } else if (!inView(framedPoints())) {
        frame(framedPoints());
    }
    request_render();
}

void CArmSceneView::resizeEvent(QResizeEvent* event) {
    render::VtkView::resizeEvent(event);
    // The framing depends on the view's aspect (a wide view shows more across than up).
    if (event->size() != event->oldSize()) keepInView();
}

QImage CArmSceneView::fullQualityScreenshot() {
    impl_->volume.set_full_quality(true);
    QImage image = screenshot();
    impl_->volume.set_full_quality(false);
    return image;
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
