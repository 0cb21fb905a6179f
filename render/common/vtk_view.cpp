#include "render/common/vtk_view.h"

#include <QCoreApplication>
#include <QDropEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPointer>
#include <QTimer>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <type_traits>
#include <utility>
#include <vector>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkNew.h>
#include <vtkRenderer.h>

#include "render/common/vtk_event_forwarding.h"
#include "render/common/vtk_gl_window.h"

namespace radon::render {

namespace {

// Why the view counts as interacting; it stops when none of them is active.
enum InteractionSource : int {
    kMouseDrag = 1,  // the trackball style is between StartInteraction and EndInteraction
    kSettling = 2,   // an Interactive request or a wheel turn came less than kSettleMs ago
    kHeld = 4,       // hold_interactive(true)
};

}  // namespace

struct VtkView::Impl {
    explicit Impl(VtkView& view) : view(view) {}

    VtkView& view;
    vtkNew<vtkGenericOpenGLRenderWindow> window;
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkGenericRenderWindowInteractor> interactor;
    vtkNew<vtkInteractorStyleTrackballCamera> style;

    // Observer tags, removed in ~VtkView: VTK objects may outlive the widget (a scene or widget
    // still holding the renderer or interactor) and must not call back into it.
    std::vector<std::pair<vtkObject*, unsigned long>> observers;

    // Created in the constructor and owned by `container`; deleted first in ~VtkView, while
    // the VTK objects it renders still exist.
    VtkGlWindow* gl = nullptr;
    QPointer<QWidget> container;
    QTimer settle_timer;
    int interaction_sources = 0;
    QPoint pending_wheel;

    template <class F>
    void observe(vtkObject* object, unsigned long event, F&& on_event);
};

template <class F>
void VtkView::Impl::observe(vtkObject* object, unsigned long event, F&& on_event) {
    vtkNew<vtkCallbackCommand> command;
    struct Holder {
        std::decay_t<F> f;
    };
    auto* holder = new Holder{std::forward<F>(on_event)};
    command->SetClientData(holder);
    command->SetClientDataDeleteCallback([](void* data) { delete static_cast<Holder*>(data); });
    command->SetCallback([](vtkObject*, unsigned long, void* client_data, void* call_data) {
        static_cast<Holder*>(client_data)->f(call_data);
    });
    observers.emplace_back(object, object->AddObserver(event, command));
}

void VtkView::set_default_surface_format() {
    QSurfaceFormat format = QSurfaceFormat::defaultFormat();
    format.setRenderableType(QSurfaceFormat::OpenGL);
    format.setVersion(3, 2);
    format.setProfile(QSurfaceFormat::CoreProfile);
    QSurfaceFormat::setDefaultFormat(format);
}

VtkView::VtkView(QWidget* parent) : QWidget(parent), impl_(std::make_unique<Impl>(*this)) {
    Impl& d = *impl_;
    setMinimumSize(64, 64);

    // No context exists before the embedded window is first exposed: a Render() before then
    // would draw into whatever context happens to be current.
    d.window->SetReadyForRendering(false);
    d.window->SetOwnContext(0);
    d.window->SetFrameBlitModeToNoBlit();
    d.window->SetIsDirect(1);
    d.window->SetSupportsOpenGL(1);
    // Core profile contexts refuse glLineWidth above 1; with this VTK draws wide lines itself.
    d.window->SetForceMaximumHardwareLineWidth(1);
    // No multisampling: on software OpenGL it doubled the time of a coarse volume frame (0.09
    // against 0.15-0.17 s in Render(), 0.1 against 0.28 s a frame on screen, a 900 x 900 view);
    // lines lose their smoothing.
    d.window->SetMultiSamples(0);
    d.window->AddRenderer(d.renderer);
    d.renderer->SetBackground(0.08, 0.09, 0.11);

    d.interactor->SetRenderWindow(d.window);
    d.interactor->SetInteractorStyle(d.style);
    // Rendering happens only when the embedded window paints; the interactor asks for it
    // through RenderEvent.
    d.interactor->EnableRenderOff();
    d.observe(d.interactor, vtkCommand::RenderEvent, [&d](void*) {
        if (d.gl) d.gl->request_frame();
    });
    d.observe(d.style, vtkCommand::StartInteractionEvent,
              [this](void*) { set_interacting_source(kMouseDrag, true); });
    d.observe(d.style, vtkCommand::EndInteractionEvent,
              [this](void*) { set_interacting_source(kMouseDrag, false); });
    d.interactor->Initialize();

    d.gl = new VtkGlWindow(d.window, d.interactor);
    d.gl->input_handler = [this](QEvent* event) {
        // A click in the embedded window gives the view keyboard focus, as in a widget.
        if (event->type() == QEvent::MouseButtonPress && impl_->container &&
            !impl_->container->hasFocus())
            impl_->container->setFocus(Qt::MouseFocusReason);
        return forward_input(event, impl_->gl->devicePixelRatio());
    };
    d.gl->drop_handler = [this](QEvent* event) { return forward_drop(event); };
    connect(d.gl, &VtkGlWindow::frame_rendered, this, &VtkView::frame_rendered);
    d.container = QWidget::createWindowContainer(d.gl, this);
    d.container->setFocusPolicy(Qt::StrongFocus);
    setFocusProxy(d.container);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d.container);

    d.settle_timer.setSingleShot(true);
    d.settle_timer.setInterval(kSettleMs);
    connect(&d.settle_timer, &QTimer::timeout, this,
            [this] { set_interacting_source(kSettling, false); });
}

VtkView::~VtkView() {
    Impl& d = *impl_;
    // The window releases VTK's GL objects as it goes, which needs the render window alive.
    delete d.container;
    d.gl = nullptr;
    for (const auto& [object, tag] : d.observers)
        object->RemoveObserver(tag);
}

vtkRenderer* VtkView::renderer() const {
    return impl_->renderer;
}
vtkGenericOpenGLRenderWindow* VtkView::render_window() const {
    return impl_->window;
}
vtkRenderWindowInteractor* VtkView::interactor() const {
    return impl_->interactor;
}

QSurfaceFormat VtkView::format() const {
    return impl_->gl ? impl_->gl->format() : QSurfaceFormat::defaultFormat();
}
void VtkView::setFormat(const QSurfaceFormat& format) {
    if (impl_->gl) impl_->gl->setFormat(format);
}

QOpenGLContext* VtkView::context() const {
    return impl_->gl ? impl_->gl->context() : nullptr;
}
void VtkView::makeCurrent() {
    if (impl_->gl) impl_->gl->makeCurrent();
}
void VtkView::doneCurrent() {
    if (impl_->gl) impl_->gl->doneCurrent();
}

void VtkView::request_render(RenderQuality quality) {
    if (quality == RenderQuality::Interactive) {
        impl_->settle_timer.start();
        set_interacting_source(kSettling, true);
    }
    if (impl_->gl) impl_->gl->request_frame();
}

void VtkView::hold_interactive(bool held) {
    if (!held && (impl_->interaction_sources & kHeld)) {
        impl_->settle_timer.start();
        set_interacting_source(kSettling, true);
    }
    set_interacting_source(kHeld, held);
}

bool VtkView::interacting() const {
    return impl_->interaction_sources != 0;
}

QImage VtkView::screenshot() {
    return impl_->gl ? impl_->gl->grab_frame() : QImage();
}

QWindow* VtkView::embedded_window() const {
    return impl_->gl;
}

double VtkView::last_render_seconds() const {
    return impl_->gl ? impl_->gl->last_render_seconds() : 0.0;
}

void VtkView::set_interacting_source(int source, bool active) {
    Impl& d = *impl_;
    const bool was_interacting = d.interaction_sources != 0;
    d.interaction_sources =
        active ? (d.interaction_sources | source) : (d.interaction_sources & ~source);
    const bool is_interacting = d.interaction_sources != 0;
    if (is_interacting && !was_interacting) emit interaction_started();
    if (was_interacting && !is_interacting) {
        emit interaction_ended();
        if (d.gl) d.gl->request_frame();
    }
}

void VtkView::reset_camera() {
    renderer()->ResetCamera();
    request_render();
}

bool VtkView::forward_input(QEvent* event, double device_pixel_ratio) {
    Impl& d = *impl_;
    // 'r' is the view's own reset, not VTK's (which fits all props by their bounding sphere).
    if (event->type() == QEvent::KeyPress || event->type() == QEvent::KeyRelease) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_R && !(key->modifiers() & ~Qt::KeypadModifier)) {
            if (event->type() == QEvent::KeyPress) reset_camera();
            return true;
        }
    }
    // A wheel turn has no end event: it counts as interacting until it has settled.
    if (event->type() == QEvent::Wheel) request_render(RenderQuality::Interactive);
    return forward_event(d.interactor, *event, device_pixel_ratio, d.pending_wheel);
}

bool VtkView::forward_drop(QEvent* event) {
    // Where a drop on the view would go were the view not a native window of its own: the
    // nearest widget from here up that accepts drops (the main window opens dropped files).
    QWidget* target = this;
    while (target && !target->acceptDrops())
        target = target->parentWidget();
    if (!target) return false;
    switch (event->type()) {
        case QEvent::DragEnter:
        case QEvent::Drop: {
            auto* drop = static_cast<QDropEvent*>(event);
            const QPointF at = mapTo(target, drop->position().toPoint());
            if (event->type() == QEvent::DragEnter) {
                QDragEnterEvent copy(at.toPoint(), drop->possibleActions(), drop->mimeData(),
                                     drop->buttons(), drop->modifiers());
                QCoreApplication::sendEvent(target, &copy);
                drop->setDropAction(copy.dropAction());
                drop->setAccepted(copy.isAccepted());
            } else {
                QDropEvent copy(at, drop->possibleActions(), drop->mimeData(), drop->buttons(),
                                drop->modifiers());
                QCoreApplication::sendEvent(target, &copy);
                drop->setDropAction(copy.dropAction());
                drop->setAccepted(copy.isAccepted());
            }
            return true;
        }
        case QEvent::DragMove:  // accepted as the enter was
        case QEvent::DragLeave:
            return true;
        default:
            return false;
    }
}

void VtkView::mousePressEvent(QMouseEvent* event) {
    if (forward_input(event, devicePixelRatio())) event->accept();
}
void VtkView::mouseReleaseEvent(QMouseEvent* event) {
    if (forward_input(event, devicePixelRatio())) event->accept();
}
void VtkView::mouseDoubleClickEvent(QMouseEvent* event) {
    if (forward_input(event, devicePixelRatio())) event->accept();
}
void VtkView::mouseMoveEvent(QMouseEvent* event) {
    if (forward_input(event, devicePixelRatio())) event->accept();
}
void VtkView::wheelEvent(QWheelEvent* event) {
    forward_input(event, devicePixelRatio());
    event->accept();
}

void VtkView::keyPressEvent(QKeyEvent* event) {
    if (forward_input(event, devicePixelRatio())) {
        event->accept();
    } else {
        QWidget::keyPressEvent(event);
    }
}
void VtkView::keyReleaseEvent(QKeyEvent* event) {
    if (forward_input(event, devicePixelRatio())) {
        event->accept();
    } else {
        QWidget::keyReleaseEvent(event);
    }
}

}  // namespace radon::render
