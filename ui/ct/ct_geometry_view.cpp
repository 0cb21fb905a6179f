#include "ui/ct/ct_geometry_view.h"

#include <vtkCamera.h>
#include <vtkRenderer.h>

#include "recon/volume.h"
#include "render/common/orientation_marker.h"
#include "render/common/volume_scene.h"
#include "render/ct/ct_scan_scene.h"

namespace radon::ui {
namespace {

// The patient's left, anterior and a little superior (LPS), as the DRR workspace's overview.
constexpr Vec3 kOverviewDirection{0.7, -0.6, 0.35};

}  // namespace

struct CtGeometryView::Impl {
    Impl(vtkRenderer* renderer, vtkRenderWindowInteractor* interactor)
        : volume(renderer), scan(renderer), marker(interactor, renderer) {}
    render::VolumeScene volume;
    render::CtScanScene scan;
    render::OrientationMarker marker;
    bool has_scan = false;
};

CtGeometryView::CtGeometryView(QWidget* parent)
    : render::VtkView(parent), impl_(std::make_unique<Impl>(renderer(), interactor())) {
    setObjectName("ctGeometryView");
    connect(this, &VtkView::interaction_started, this,
            [this] { impl_->volume.set_interactive(true); });
    connect(this, &VtkView::interaction_ended, this,
            [this] { impl_->volume.set_interactive(false); });
    renderer()->SetBackground(0.08, 0.09, 0.11);
    impl_->marker.set_label_color(0.95, 0.95, 0.95);
}

CtGeometryView::~CtGeometryView() = default;

void CtGeometryView::setVolume(const recon::Volume& hu) {
    impl_->volume.set_volume(hu);
    resetCamera();
}

bool CtGeometryView::hasVolume() const {
    return impl_->volume.has_volume();
}

void CtGeometryView::setScan(const CtGeometry& geometry, int64_t current_view, Vec3 isocenter) {
    impl_->scan.set_geometry(geometry, current_view);
    impl_->volume.set_slice_point(isocenter);
    impl_->has_scan = true;
    resetCamera();
}

void CtGeometryView::setCurrentView(int64_t view) {
    impl_->scan.set_current_view(view);
    request_render(render::RenderQuality::Interactive);
}

void CtGeometryView::resetCamera() {
    vtkCamera* camera = renderer()->GetActiveCamera();
    const Vec3 d = normalized(kOverviewDirection);
    camera->SetFocalPoint(0, 0, 0);
    camera->SetPosition(d.x, d.y, d.z);
    camera->SetViewUp(0, 0, 1);
    renderer()->ResetCamera();
    camera->Zoom(1.15);
    renderer()->ResetCameraClippingRange();
    request_render();
}

void CtGeometryView::reset_camera() {
    resetCamera();
}

render::CtScanScene& CtGeometryView::scanScene() {
    return impl_->scan;
}

render::VolumeScene& CtGeometryView::volumeScene() {
    return impl_->volume;
}

}  // namespace radon::ui
