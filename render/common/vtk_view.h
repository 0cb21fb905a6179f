#pragma once

#include <QImage>
#include <QSurfaceFormat>
#include <QWidget>

#include <memory>

class QOpenGLContext;
class QWindow;
class vtkGenericOpenGLRenderWindow;
class vtkRenderer;
class vtkRenderWindowInteractor;

namespace radon::render {

// How soon a frame must be ready: Interactive frames may trade quality for speed (a volume
// rendered with coarse samples), Still frames show everything at full quality.
enum class RenderQuality { Interactive, Still };

// A Qt 6 widget hosting a VTK 9 scene: a vtkGenericOpenGLRenderWindow rendering into a native
// OpenGL window embedded in this widget (see VtkGlWindow for why not a QOpenGLWidget), with a
// trackball-camera interactor fed from Qt's mouse, wheel and key events, those of the embedded
// window and those sent to this widget alike (rotate with the left button, pan with the middle or
// Shift+left, zoom with the right button or the wheel, 'r' resets the camera). VTK's other key
// bindings (quit, stereo, wireframe, pick, fly-to, style switches) are not forwarded.
//
// Call set_default_surface_format() before constructing the QApplication.
class VtkView : public QWidget {
    Q_OBJECT

  public:
    explicit VtkView(QWidget* parent = nullptr);
    ~VtkView() override;

    // Requests the OpenGL 3.2 core profile VTK needs for every OpenGL surface of the process.
    static void set_default_surface_format();

    // The embedded window's surface format; set it before the view is first shown.
    QSurfaceFormat format() const;
    void setFormat(const QSurfaceFormat& format);

    // The embedded window's context (null before the view is first shown) and making it
    // current outside rendering, for code that queries OpenGL itself.
    QOpenGLContext* context() const;
    void makeCurrent();
    void doneCurrent();

    vtkRenderer* renderer() const;
    vtkGenericOpenGLRenderWindow* render_window() const;
    vtkRenderWindowInteractor* interactor() const;

    // Schedules a repaint. Interactive keeps the view in its interacting state (see
    // interaction_started) until no Interactive request has come for kSettleMs, then renders
    // once more at full quality: a stream of updates such as a pose slider drag never waits for
    // full-quality frames.
    void request_render(RenderQuality quality = RenderQuality::Still);

    bool interacting() const;

    // While held, the view counts as interacting, as during a mouse drag, without rendering
    // anything: for a stream of updates that arrive more slowly than kSettleMs (DRRs while a
    // pose slider is held). Releasing lets it settle as an Interactive request does.
    void hold_interactive(bool held);

    // Renders the scene now and returns the frame; null before the view was first shown.
    QImage screenshot();

    // What the 'r' key does: VTK's camera reset unless a view knows its scene better.
    virtual void reset_camera();

    // The native window the scene is drawn in (input, exposures and drops arrive there).
    QWindow* embedded_window() const;

    // Time spent in VTK's Render() for the last frame, in seconds (the GPU may still be busy).
    double last_render_seconds() const;

    static constexpr int kSettleMs = 250;

  signals:
    // Emitted when a mouse drag or wheel turn starts moving the camera, or an Interactive render
    // request arrives, and when all of them have settled. Scenes switch to cheap rendering in
    // between; interaction_ended is followed by a full-quality frame.
    void interaction_started();
    void interaction_ended();
    // After each frame VTK rendered (not when an exposure only shows the last one again), with the
    // time Render() took: what a status display or a scheduler of 3D updates should go by.
    void frame_rendered(double seconds);

  protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;

  private:
    // The one path of every input event to VTK, from this widget or the embedded window.
    bool forward_input(QEvent* event, double device_pixel_ratio);
    void set_interacting_source(int source, bool active);
    // Drag and drop on the embedded window, handed to the widgets around the view.
    bool forward_drop(QEvent* event);

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::render
