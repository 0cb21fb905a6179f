#include "render/vtk_view.h"

#include <QElapsedTimer>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QOpenGLContext>
#include <QSurfaceFormat>
#include <QTimer>
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
#include <vtkOpenGLState.h>
#include <vtkRenderer.h>

#include "render/vtk_event_forwarding.h"

namespace radon::render {

namespace {

// Why the view counts as interacting; it stops when none of them is active.
enum InteractionSource : int {
    kMouseDrag = 1,  // the trackball style is between StartInteraction and EndInteraction
    kSettling = 2,   // an Interactive request or a wheel turn came less than kSettleMs ago
    kHeld = 4,       // hold_interactive(true)
};

QSize device_size(const QWidget& widget) {
    return widget.size() * widget.devicePixelRatio();
}

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

    QMetaObject::Connection context_destruction;
    bool gl_ready = false;
    QTimer settle_timer;
    int interaction_sources = 0;
    QPoint pending_wheel;
    double last_render_seconds = 0;

    template <class F>
    void observe(vtkObject* object, unsigned long event, F&& on_event);

    // VTK asks for its context to be current (at the start of every Render, and when releasing
    // resources). Inside paintGL it already is, with the widget's surface; rebinding through
    // QOpenGLWidget::makeCurrent() would also rebind Qt's framebuffer behind VTK's state cache
    // and give a black image, so the context is made current on its own surface.
    void make_current() {
        QOpenGLContext* context = view.context();
        if (!context) return;
        if (context->surface()) {
            context->makeCurrent(context->surface());
        } else {
            // Outside painting (releasing resources): no VTK state to disturb.
            view.makeCurrent();
        }
    }
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

VtkView::VtkView(QWidget* parent) : QOpenGLWidget(parent), impl_(std::make_unique<Impl>(*this)) {
    Impl& d = *impl_;
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(64, 64);

    // No context exists before initializeGL: a Render() before then would draw into whatever
    // context happens to be current.
    d.window->SetReadyForRendering(false);
    d.window->SetOwnContext(0);
    d.window->SetFrameBlitModeToNoBlit();
    d.window->SetIsDirect(1);
    d.window->SetSupportsOpenGL(1);
    // Core profile contexts refuse glLineWidth above 1; with this VTK draws wide lines itself.
    d.window->SetForceMaximumHardwareLineWidth(1);
    d.window->AddRenderer(d.renderer);
    d.renderer->SetBackground(0.08, 0.09, 0.11);

    d.observe(d.window, vtkCommand::WindowMakeCurrentEvent, [&d](void*) { d.make_current(); });
    d.observe(d.window, vtkCommand::WindowIsCurrentEvent, [&d](void* call_data) {
        *static_cast<bool*>(call_data) =
            d.view.context() && QOpenGLContext::currentContext() == d.view.context();
    });

    d.interactor->SetRenderWindow(d.window);
    d.interactor->SetInteractorStyle(d.style);
    // Rendering happens only in paintGL; the interactor asks for it through RenderEvent.
    d.interactor->EnableRenderOff();
    d.observe(d.interactor, vtkCommand::RenderEvent, [this](void*) { update(); });
    d.observe(d.style, vtkCommand::StartInteractionEvent,
              [this](void*) { set_interacting_source(kMouseDrag, true); });
    d.observe(d.style, vtkCommand::EndInteractionEvent,
              [this](void*) { set_interacting_source(kMouseDrag, false); });
    d.interactor->Initialize();

    d.settle_timer.setSingleShot(true);
    d.settle_timer.setInterval(kSettleMs);
    connect(&d.settle_timer, &QTimer::timeout, this,
            [this] { set_interacting_source(kSettling, false); });
}

VtkView::~VtkView() {
    Impl& d = *impl_;
    // ~QOpenGLWidget destroys the context after this subclass is gone; its aboutToBeDestroyed
    // must not reach release_graphics then, so the resources go now.
    disconnect(d.context_destruction);
    release_graphics();
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

void VtkView::request_render(RenderQuality quality) {
    if (quality == RenderQuality::Interactive) {
        impl_->settle_timer.start();
        set_interacting_source(kSettling, true);
    }
    update();
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
    return grabFramebuffer();
}

double VtkView::last_render_seconds() const {
    return impl_->last_render_seconds;
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
        update();
    }
}

void VtkView::initializeGL() {
    Impl& d = *impl_;
    // Each new context (first show, or a move into another top-level window such as a floating
    // dock) starts empty: VTK must drop its GL objects before the old context goes away.
    disconnect(d.context_destruction);
    d.context_destruction = connect(
        context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] { release_graphics(); },
        Qt::DirectConnection);

    const QSize size = device_size(*this);
    d.window->SetSize(size.width(), size.height());
    d.window->SetReadyForRendering(true);
    d.window->SetMapped(1);
    d.window->InitializeFromCurrentContext();
    d.interactor->UpdateSize(size.width(), size.height());
    d.gl_ready = true;
}

void VtkView::resizeGL(int, int) {
    Impl& d = *impl_;
    const QSize size = device_size(*this);
    d.window->SetSize(size.width(), size.height());
    d.interactor->UpdateSize(size.width(), size.height());
    // VTK sizes text in points at its DPI; 72 makes one point one device pixel at ratio 1.
    d.window->SetDPI(static_cast<int>(72 * devicePixelRatio() + 0.5));
}

void VtkView::paintGL() {
    Impl& d = *impl_;
    if (!d.gl_ready) return;
    const QSize size = device_size(*this);
    if (size.isEmpty()) return;
    int* window_size = d.window->GetSize();
    if (window_size[0] != size.width() || window_size[1] != size.height()) {
        d.window->SetSize(size.width(), size.height());
        d.interactor->UpdateSize(size.width(), size.height());
    }

    // Qt and VTK share the context: VTK's state cache must start from what Qt left, VTK expects
    // LEQUAL where Qt leaves LESS, and Qt gets its own state back afterwards.
    vtkOpenGLState* state = d.window->GetState();
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL);

    QElapsedTimer timer;
    timer.start();
    d.window->Render();
    d.last_render_seconds = static_cast<double>(timer.nsecsElapsed()) * 1e-9;

    // VTK rendered into its own framebuffer (NoBlit): copy it into the widget's.
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, defaultFramebufferObject());
    unsigned int draw_buffer = GL_COLOR_ATTACHMENT0;
    state->vtkglDrawBuffers(1, &draw_buffer);
    d.window->BlitDisplayFramebuffer(0, 0, 0, size.width(), size.height(), 0, 0, size.width(),
                                     size.height(), GL_COLOR_BUFFER_BIT, GL_NEAREST);
    // Qt blends the widget's framebuffer into the window by its alpha, which VTK leaves below 1
    // where translucent props (the volume) were drawn: make the frame opaque.
    state->vtkglColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    state->vtkglClearColor(0, 0, 0, 1);
    state->vtkglClear(GL_COLOR_BUFFER_BIT);
    state->Pop();
    emit frame_rendered(d.last_render_seconds);
}

void VtkView::release_graphics() {
    Impl& d = *impl_;
    if (!d.gl_ready) return;
    d.gl_ready = false;
    makeCurrent();
    d.window->Finalize();
    d.window->SetReadyForRendering(false);
    doneCurrent();
}

void VtkView::mousePressEvent(QMouseEvent* event) {
    if (forward_mouse_event(impl_->interactor, *event, devicePixelRatio())) event->accept();
}
void VtkView::mouseReleaseEvent(QMouseEvent* event) {
    if (forward_mouse_event(impl_->interactor, *event, devicePixelRatio())) event->accept();
}
void VtkView::mouseDoubleClickEvent(QMouseEvent* event) {
    if (forward_mouse_event(impl_->interactor, *event, devicePixelRatio())) event->accept();
}
void VtkView::mouseMoveEvent(QMouseEvent* event) {
    if (forward_mouse_event(impl_->interactor, *event, devicePixelRatio())) event->accept();
}

void VtkView::wheelEvent(QWheelEvent* event) {
    // A wheel turn has no end event: it counts as interacting until it has settled.
    request_render(RenderQuality::Interactive);
    forward_wheel_event(impl_->interactor, *event, devicePixelRatio(), impl_->pending_wheel);
    event->accept();
}

void VtkView::keyPressEvent(QKeyEvent* event) {
    if (forward_key_event(impl_->interactor, *event)) {
        event->accept();
    } else {
        QOpenGLWidget::keyPressEvent(event);
    }
}
void VtkView::keyReleaseEvent(QKeyEvent* event) {
    if (forward_key_event(impl_->interactor, *event)) {
        event->accept();
    } else {
        QOpenGLWidget::keyReleaseEvent(event);
    }
}

void VtkView::enterEvent(QEnterEvent* event) {
    set_event_position(impl_->interactor, event->position(), event->modifiers(),
                       devicePixelRatio());
    impl_->interactor->EnterEvent();
    QOpenGLWidget::enterEvent(event);
}
void VtkView::leaveEvent(QEvent* event) {
    impl_->interactor->LeaveEvent();
    QOpenGLWidget::leaveEvent(event);
}

}  // namespace radon::render
