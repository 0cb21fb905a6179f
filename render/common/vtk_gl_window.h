#pragma once

#include <QImage>
#include <QOpenGLWindow>

#include <functional>

class vtkGenericOpenGLRenderWindow;
class vtkRenderWindowInteractor;

namespace radon::render {

// The native window VtkView draws its VTK scene in, embedded with
// QWidget::createWindowContainer. A QOpenGLWidget would make Qt compose the whole top-level
// window through OpenGL on every repaint of any widget in it, which on software OpenGL costs
// 100 ms and more per repaint; this window is composed by the window system instead, and the
// widgets around it stay in Qt's raster backing store.
//
// It renders `window` (owned by the caller, which must outlive this window) into its context
// and hands its input events to `input_handler`.
class VtkGlWindow : public QOpenGLWindow {
    Q_OBJECT

  public:
    VtkGlWindow(vtkGenericOpenGLRenderWindow* window, vtkRenderWindowInteractor* interactor);
    ~VtkGlWindow() override;

    // The scene changed: the next frame renders it instead of showing the last one again.
    void request_frame();

    // Renders the scene now and returns the frame; null before the window was first exposed.
    QImage grab_frame();

    double last_render_seconds() const { return last_render_seconds_; }

    // Mouse, wheel, key, enter and leave events; returns whether the event was used.
    std::function<bool(QEvent*)> input_handler;
    // Drag enter, move, leave and drop events: the native window receives them in place of the
    // widgets around it. Returns whether the event was used.
    std::function<bool(QEvent*)> drop_handler;

  signals:
    // After each frame VTK rendered (not when an exposure only showed the last frame again).
    void frame_rendered(double seconds);

  protected:
    void initializeGL() override;
    void resizeGL(int width, int height) override;
    void paintGL() override;
    bool event(QEvent* event) override;

  private:
    QSize device_size() const;
    void prepare_graphics();
    void release_graphics();
    void make_current();
    void update_size();
    // Renders (or, when nothing changed, reuses VTK's last frame) into `framebuffer`.
    void draw_into(unsigned int framebuffer, bool render);

    vtkGenericOpenGLRenderWindow* window_;
    vtkRenderWindowInteractor* interactor_;
    unsigned long make_current_tag_ = 0;
    unsigned long is_current_tag_ = 0;
    QMetaObject::Connection context_destruction_;
    bool gl_ready_ = false;
    bool scene_changed_ = true;
    double last_render_seconds_ = 0;
};

}  // namespace radon::render
