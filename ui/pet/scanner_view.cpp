#include "ui/pet/scanner_view.h"

#include <QVBoxLayout>

#include <cmath>

#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>

#include "recon/volume.h"
#include "render/common/vtk_view.h"

namespace radon::ui {

struct ScannerView::Impl {
    render::VtkView* view = nullptr;
    std::unique_ptr<render::ScannerScene> scene;
    render::CrystalColouring colouring = render::CrystalColouring::Block;
    vtkNew<vtkCallbackCommand> press, release;
    unsigned long press_tag = 0, release_tag = 0;
    int press_x = 0, press_y = 0;
    bool pressed = false;
};

ScannerView::ScannerView(QWidget* parent) : QWidget(parent), impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    setObjectName("scannerView");
    d.view = new render::VtkView(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d.view);
    d.scene = std::make_unique<render::ScannerScene>(d.view->renderer());

    // The crystals' boxes cost most of a frame on software OpenGL: block boxes while the camera
    // moves.
    connect(d.view, &render::VtkView::interaction_started, this,
            [this] { impl_->scene->set_detail(render::CrystalDetail::Blocks); });
    connect(d.view, &render::VtkView::interaction_ended, this,
            [this] { impl_->scene->set_detail(render::CrystalDetail::Boxes); });

    // A click is a left press and release at (nearly) the same place; anything longer is the
    // trackball's drag. Observed on the interactor, so clicks in the embedded window and on the
    // widget count alike.
    d.press->SetClientData(this);
    d.press->SetCallback([](vtkObject* caller, unsigned long, void* client, void*) {
        auto* self = static_cast<ScannerView*>(client);
        const int* p = static_cast<vtkRenderWindowInteractor*>(caller)->GetEventPosition();
        self->impl_->press_x = p[0];
        self->impl_->press_y = p[1];
        self->impl_->pressed = true;
    });
    d.release->SetClientData(this);
    d.release->SetCallback([](vtkObject* caller, unsigned long, void* client, void*) {
        auto* self = static_cast<ScannerView*>(client);
        Impl& s = *self->impl_;
        if (!s.pressed) return;
        s.pressed = false;
        const int* p = static_cast<vtkRenderWindowInteractor*>(caller)->GetEventPosition();
        const double slop = kClickSlopPixels * self->impl_->view->devicePixelRatioF();
        if (std::abs(p[0] - s.press_x) > slop || std::abs(p[1] - s.press_y) > slop) return;
        emit self->crystalPicked(s.scene->crystal_at_display(p[0], p[1]));
    });
    // Passive: the trackball style grabs the interactor's focus on the press, after which only
    // passive observers hear of the release.
    d.press->PassiveObserverOn();
    d.release->PassiveObserverOn();
    d.press_tag =
        d.view->interactor()->AddObserver(vtkCommand::LeftButtonPressEvent, d.press, 1.0f);
    d.release_tag =
        d.view->interactor()->AddObserver(vtkCommand::LeftButtonReleaseEvent, d.release, 1.0f);
}

ScannerView::~ScannerView() {
    impl_->view->interactor()->RemoveObserver(impl_->press_tag);
    impl_->view->interactor()->RemoveObserver(impl_->release_tag);
}

void ScannerView::setScanner(const pet::ScannerGeometry& scanner) {
    const bool first = impl_->scene->scanner().crystals.empty();
    impl_->scene->set_scanner(scanner, impl_->colouring);
    if (first) {
        resetCamera();
        return;
    }
    // An edited scanner (a new one at every keystroke in the chooser) keeps the direction the
    // user looks from; the camera only moves to fit it.
    impl_->view->renderer()->ResetCamera();
    impl_->view->request_render(render::RenderQuality::Interactive);
}

void ScannerView::setImageGrid(const pet::PetImageGrid& grid) {
    impl_->scene->set_image_grid(grid);
    impl_->view->request_render();
}

void ScannerView::setVolume(const recon::Volume& ct) {
    impl_->scene->set_volume(ct);
    impl_->view->request_render();
}

void ScannerView::setColouring(render::CrystalColouring colouring) {
    impl_->colouring = colouring;
    impl_->scene->set_colouring(colouring);
    impl_->view->request_render(render::RenderQuality::Interactive);
}

void ScannerView::showLors(const std::vector<LorMark>& lors) {
    impl_->scene->set_lors(lors);
    impl_->view->request_render(render::RenderQuality::Interactive);
}

void ScannerView::highlightCrystals(const std::vector<int>& crystal_ids) {
    impl_->scene->set_highlighted_crystals(crystal_ids);
    impl_->view->request_render(render::RenderQuality::Interactive);
}

int ScannerView::crystalAt(const QPoint& widget_point) const {
    const QPoint p = impl_->view->mapFrom(this, widget_point);
    // VTK's display pixels: device pixels, origin at the bottom left (as the event forwarding
    // maps mouse positions).
    const double ratio = impl_->view->devicePixelRatioF();
    const int height = impl_->view->render_window()->GetSize()[1];
    const double x = std::lround(p.x() * ratio);
    const double y = height - std::lround(p.y() * ratio) - 1;
    return impl_->scene->crystal_at_display(x, y);
}

void ScannerView::resetCamera() {
    vtkRenderer* renderer = impl_->view->renderer();
    vtkCamera* camera = renderer->GetActiveCamera();
    const Vec3 centre = impl_->scene->scanner().isocentre_lps;
    // From the feet (-z), a little from the patient's right (-x) and anterior (-y): the rings
    // show as ellipses, patient left on the right of the screen as in radiological views.
    camera->SetFocalPoint(centre.x, centre.y, centre.z);
    camera->SetPosition(centre.x - 0.35, centre.y - 0.3, centre.z - 1);
    camera->SetViewUp(0, -1, 0);
    renderer->ResetCamera();
    renderer->ResetCameraClippingRange();
    impl_->view->request_render();
}

render::VtkView* ScannerView::vtkView() const {
    return impl_->view;
}

render::ScannerScene& ScannerView::scene() const {
    return *impl_->scene;
}

}  // namespace radon::ui
