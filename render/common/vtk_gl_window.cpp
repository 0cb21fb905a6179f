#include "render/common/vtk_gl_window.h"

#include <QElapsedTimer>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QOpenGLFramebufferObject>
#include <QPlatformSurfaceEvent>

#include <cmath>
#include <memory>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkOpenGLState.h>
#include <vtkRenderWindowInteractor.h>

namespace radon::render {

VtkGlWindow::VtkGlWindow(vtkGenericOpenGLRenderWindow* window,
                         vtkRenderWindowInteractor* interactor)
    : QOpenGLWindow(QOpenGLWindow::NoPartialUpdate), window_(window), interactor_(interactor) {
    vtkNew<vtkCallbackCommand> make_current;
    make_current->SetClientData(this);
    make_current->SetCallback([](vtkObject*, unsigned long, void* self, void*) {
        static_cast<VtkGlWindow*>(self)->make_current();
    });
    make_current_tag_ = window_->AddObserver(vtkCommand::WindowMakeCurrentEvent, make_current);

    vtkNew<vtkCallbackCommand> is_current;
    is_current->SetClientData(this);
    is_current->SetCallback([](vtkObject*, unsigned long, void* self, void* call_data) {
        QOpenGLContext* context = static_cast<VtkGlWindow*>(self)->context();
        *static_cast<bool*>(call_data) = context && QOpenGLContext::currentContext() == context;
    });
    is_current_tag_ = window_->AddObserver(vtkCommand::WindowIsCurrentEvent, is_current);
}

VtkGlWindow::~VtkGlWindow() {
    // ~QOpenGLWindow destroys the context after this subclass is gone; its aboutToBeDestroyed
    // must not reach release_graphics then, so the resources go now.
    disconnect(context_destruction_);
    release_graphics();
    window_->RemoveObserver(make_current_tag_);
    window_->RemoveObserver(is_current_tag_);
}

void VtkGlWindow::request_frame() {
    scene_changed_ = true;
    update();
}

QSize VtkGlWindow::device_size() const {
    return size() * devicePixelRatio();
}

// VTK asks for its context to be current at the start of every Render and when releasing
// resources. It is made current on the surface it already has (this window while painting, an
// offscreen surface while releasing without one): QOpenGLWindow::makeCurrent() would also bind
// Qt's framebuffer behind VTK's state cache where Qt uses one.
void VtkGlWindow::make_current() {
    QOpenGLContext* gl = context();
    if (!gl) return;
    QSurface* surface = gl->surface();
    gl->makeCurrent(surface ? surface : this);
}

void VtkGlWindow::update_size() {
    const QSize size = device_size();
    int* window_size = window_->GetSize();
    if (window_size[0] != size.width() || window_size[1] != size.height()) {
        window_->SetSize(size.width(), size.height());
        interactor_->UpdateSize(size.width(), size.height());
        scene_changed_ = true;
    }
    // VTK sizes text in points at its DPI; 72 makes one point one device pixel at ratio 1.
    window_->SetDPI(static_cast<int>(std::lround(72 * devicePixelRatio())));
}

void VtkGlWindow::prepare_graphics() {
    // A context that goes away (the application quitting) takes VTK's GL objects with it: VTK
    // must drop them first.
    disconnect(context_destruction_);
    context_destruction_ = connect(
        context(), &QOpenGLContext::aboutToBeDestroyed, this, [this] { release_graphics(); },
        Qt::DirectConnection);
    update_size();
    window_->SetReadyForRendering(true);
    window_->SetMapped(1);
    window_->InitializeFromCurrentContext();
    gl_ready_ = true;
    scene_changed_ = true;
}

void VtkGlWindow::release_graphics() {
    if (!gl_ready_) return;
    gl_ready_ = false;
    scene_changed_ = true;
    QOpenGLContext* gl = context();
    // Without a native surface (already destroyed) the context still needs one to be current.
    std::unique_ptr<QOffscreenSurface> offscreen;
    if (gl && handle()) {
        gl->makeCurrent(this);
    } else if (gl) {
        offscreen = std::make_unique<QOffscreenSurface>();
        offscreen->setFormat(gl->format());
        offscreen->create();
        gl->makeCurrent(offscreen.get());
    }
    window_->Finalize();
    window_->SetReadyForRendering(false);
    if (gl) gl->doneCurrent();
}

void VtkGlWindow::initializeGL() {
    prepare_graphics();
}

void VtkGlWindow::resizeGL(int, int) {
    update_size();
}

void VtkGlWindow::paintGL() {
    // The context outlives a destroyed native surface (released then); a new one starts empty.
    if (!gl_ready_) prepare_graphics();
    draw_into(defaultFramebufferObject(), scene_changed_);
}

QImage VtkGlWindow::grab_frame() {
    if (!isValid() || !handle()) return {};
    makeCurrent();
    if (!gl_ready_) prepare_graphics();
    const QSize size = device_size();
    if (size.isEmpty()) return {};
    QOpenGLFramebufferObject target(size);
    draw_into(target.handle(), true);
    QImage image = target.toImage();
    if (!format().hasAlpha()) image = image.convertToFormat(QImage::Format_RGB32);
    image.setDevicePixelRatio(devicePixelRatio());
    doneCurrent();
    return image;
}

void VtkGlWindow::draw_into(unsigned int framebuffer, bool render) {
    update_size();
    render = render || scene_changed_;
    int* size = window_->GetSize();
    if (size[0] <= 0 || size[1] <= 0) return;

    // Qt and VTK share the context: VTK's state cache must start from what Qt left, VTK expects
    // LEQUAL where Qt leaves LESS, and Qt gets its own state back afterwards.
    vtkOpenGLState* state = window_->GetState();
    state->Reset();
    state->Push();
    state->vtkglDepthFunc(GL_LEQUAL);

    // An exposure with nothing changed shows VTK's last frame again: a volume frame costs
    // 0.1 s and more on software OpenGL.
    if (render) {
        QElapsedTimer timer;
        timer.start();
        window_->Render();
        last_render_seconds_ = static_cast<double>(timer.nsecsElapsed()) * 1e-9;
        scene_changed_ = false;
    }

    // VTK rendered into its own framebuffer (NoBlit): copy it into the target.
    state->vtkglBindFramebuffer(GL_DRAW_FRAMEBUFFER, framebuffer);
    unsigned int draw_buffer = framebuffer == 0 ? GL_BACK_LEFT : GL_COLOR_ATTACHMENT0;
    state->vtkglDrawBuffers(1, &draw_buffer);
    window_->BlitDisplayFramebuffer(0, 0, 0, size[0], size[1], 0, 0, size[0], size[1],
                                    GL_COLOR_BUFFER_BIT, GL_NEAREST);
    // VTK leaves alpha below 1 where translucent props (the volume) were drawn; a window or
    // screenshot with an alpha channel would show them see-through: make the frame opaque.
    state->vtkglColorMask(GL_FALSE, GL_FALSE, GL_FALSE, GL_TRUE);
    state->vtkglClearColor(0, 0, 0, 1);
    state->vtkglClear(GL_COLOR_BUFFER_BIT);
    state->Pop();
    if (render) emit frame_rendered(last_render_seconds_);
}

bool VtkGlWindow::event(QEvent* event) {
    switch (event->type()) {
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonRelease:
        case QEvent::MouseButtonDblClick:
        case QEvent::MouseMove:
        case QEvent::Wheel:
        case QEvent::KeyPress:
        case QEvent::KeyRelease:
        case QEvent::Enter:
        case QEvent::Leave:
            if (input_handler && input_handler(event)) {
                event->accept();
                return true;
            }
            break;
        case QEvent::DragEnter:
        case QEvent::DragMove:
        case QEvent::DragLeave:
        case QEvent::Drop:
            if (drop_handler && drop_handler(event)) return true;
            break;
        case QEvent::PlatformSurface:
            // The context stays, the surface goes (QWindowContainer destroys it before deleting
            // this window): VTK's GL objects go while the surface can still be made current.
            if (static_cast<QPlatformSurfaceEvent*>(event)->surfaceEventType() ==
                QPlatformSurfaceEvent::SurfaceAboutToBeDestroyed)
                release_graphics();
            break;
        default:
            break;
    }
    return QOpenGLWindow::event(event);
}

}  // namespace radon::render
