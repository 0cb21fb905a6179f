#include <QDockWidget>
#include <QGuiApplication>
#include <QMainWindow>
#include <QObject>
#include <QOpenGLContext>
#include <QPointer>
#include <QScreen>
#include <QSignalSpy>
#include <QVBoxLayout>
#include <QWindow>
#include <QtTest>

#include <cmath>
#include <memory>

#include <vtkActor.h>
#include <vtkCallbackCommand.h>
#include <vtkCamera.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkNew.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>
#include <vtkSphereSource.h>

#include "render/common/vtk_gl_window.h"
#include "render/common/vtk_view.h"
#include "tests/common/test_registry.h"
#include "tests/gui/gui_test_support.h"

using radon::render::RenderQuality;
using radon::render::VtkView;
using radon::test::count_pixels_unlike;

namespace {

constexpr QSize kViewSize{320, 240};

// A sphere in the middle of the view, lit, on the view's background.
vtkActor* add_sphere(VtkView& view) {
    vtkNew<vtkSphereSource> sphere;
    sphere->SetRadius(50);
    sphere->SetThetaResolution(32);
    sphere->SetPhiResolution(32);
    vtkNew<vtkPolyDataMapper> mapper;
    mapper->SetInputConnection(sphere->GetOutputPort());
    vtkNew<vtkActor> actor;
    actor->SetMapper(mapper);
    actor->GetProperty()->SetColor(0.9, 0.5, 0.1);
    view.renderer()->AddActor(actor);
    view.renderer()->ResetCamera();
    return actor;  // the renderer holds the reference
}

QColor background_of(const VtkView& view) {
    double rgb[3];
    view.renderer()->GetBackground(rgb);
    return QColor::fromRgbF(static_cast<float>(rgb[0]), static_cast<float>(rgb[1]),
                            static_cast<float>(rgb[2]));
}

struct CameraState {
    double position[3];
    double focal_point[3];
    double view_up[3];
};

CameraState camera_state(const VtkView& view) {
    CameraState s;
    vtkCamera* camera = view.renderer()->GetActiveCamera();
    camera->GetPosition(s.position);
    camera->GetFocalPoint(s.focal_point);
    camera->GetViewUp(s.view_up);
    return s;
}

double distance(const double a[3], const double b[3]) {
    return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
                     (a[2] - b[2]) * (a[2] - b[2]));
}

// Counts the interactor's requests to quit the application (VTK's 'q' and 'e').
struct ExitCounter {
    explicit ExitCounter(vtkRenderWindowInteractor* interactor) : interactor(interactor) {
        command->SetClientData(&count);
        command->SetCallback(
            [](vtkObject*, unsigned long, void* data, void*) { ++*static_cast<int*>(data); });
        tag = interactor->AddObserver(vtkCommand::ExitEvent, command);
    }
    ~ExitCounter() { interactor->RemoveObserver(tag); }
    vtkRenderWindowInteractor* interactor;
    vtkNew<vtkCallbackCommand> command;
    unsigned long tag = 0;
    int count = 0;
};

// The native window the view renders into, which gets the real mouse and key events.
QWindow* embedded_window(const VtkView& view) {
    for (QWindow* window : QGuiApplication::allWindows())
        if (qobject_cast<radon::render::VtkGlWindow*>(window) &&
            window->parent() == view.window()->windowHandle())
            return window;
    return nullptr;
}

// The view inside a plain top-level window, shown and exposed.
struct ShownView {
    ShownView() {
        window.resize(kViewSize);
        auto* layout = new QVBoxLayout(&window);
        layout->setContentsMargins(0, 0, 0, 0);
        view = new VtkView(&window);
        layout->addWidget(view);
        add_sphere(*view);
        window.show();
    }
    bool exposed() { return QTest::qWaitForWindowExposed(&window); }

    QWidget window;
    VtkView* view = nullptr;
};

}  // namespace

class TestVtkView : public QObject {
    Q_OBJECT

  private slots:
    void renders_the_scene_into_the_widget() {
        ShownView shown;
        QVERIFY(shown.exposed());
        const QImage image = shown.view->screenshot();
        QCOMPARE(image.size(), shown.view->size() * shown.view->devicePixelRatio());
        const int pixels = image.width() * image.height();
        // The sphere covers a good part of the view; the corners show the background, which
        // proves VTK's frame reached the widget (a failed blit leaves black or garbage).
        const int sphere_pixels = count_pixels_unlike(image, background_of(*shown.view));
        QVERIFY2(sphere_pixels > pixels / 10, qPrintable(QString::number(sphere_pixels)));
        QVERIFY2(sphere_pixels < pixels * 9 / 10, qPrintable(QString::number(sphere_pixels)));
        const QImage corner = image.copy(0, 0, 8, 8);
        QCOMPARE(count_pixels_unlike(corner, background_of(*shown.view), 3), 0);
        // Opaque everywhere, background included: Qt composes the widget by its alpha.
        QCOMPARE(image.pixel(0, 0) >> 24, 255u);
        QCOMPARE(image.pixel(image.width() / 2, image.height() / 2) >> 24, 255u);
        QVERIFY(shown.view->last_render_seconds() > 0);
    }

    // Where the widget's format has an alpha channel Qt blends the widget into the window by it;
    // VTK leaves it below 1 on its background and translucent props.
    void frames_are_opaque_even_with_an_alpha_channel() {
        QWidget window;
        window.resize(kViewSize);
        auto* layout = new QVBoxLayout(&window);
        auto* view = new VtkView(&window);
        QSurfaceFormat format = view->format();
        format.setAlphaBufferSize(8);
        view->setFormat(format);
        layout->addWidget(view);
        add_sphere(*view)->GetProperty()->SetOpacity(0.4);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QImage image = view->screenshot();
        QVERIFY(image.hasAlphaChannel());
        int translucent = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x)
                if (qAlpha(image.pixel(x, y)) != 255) ++translucent;
        QCOMPARE(translucent, 0);
    }

    void scales_sizes_and_event_positions_by_the_device_pixel_ratio() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        shown.view->screenshot();
        const double ratio = view.devicePixelRatio();
        // ctest runs this class a second time with QT_SCALE_FACTOR=2.
        if (qEnvironmentVariableIsSet("QT_SCALE_FACTOR"))
            QCOMPARE(ratio, qEnvironmentVariable("QT_SCALE_FACTOR").toDouble());
        const QSize device = view.size() * ratio;
        int* window_size = view.render_window()->GetSize();
        QCOMPARE(window_size[0], device.width());
        QCOMPARE(window_size[1], device.height());

        // Qt's y runs down from the top in logical pixels, VTK's up from the bottom in device
        // pixels.
        const QPoint at(30, 40);
        QTest::mouseClick(&view, Qt::LeftButton, {}, at);
        int* position = view.interactor()->GetEventPosition();
        QCOMPARE(position[0], static_cast<int>(std::lround(at.x() * ratio)));
        QCOMPARE(position[1], device.height() - static_cast<int>(std::lround(at.y() * ratio)) - 1);
    }

    void mouse_drag_rotates_the_camera() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        view.screenshot();
        QSignalSpy started(&view, &VtkView::interaction_started);
        QSignalSpy ended(&view, &VtkView::interaction_ended);
        const CameraState before = camera_state(view);
        const QPoint from(kViewSize.width() / 2, kViewSize.height() / 2);
        QTest::mousePress(&view, Qt::LeftButton, {}, from);
        QCOMPARE(started.count(), 1);
        QVERIFY(view.interacting());
        for (int step = 1; step <= 5; ++step)
            QTest::mouseMove(&view, from + QPoint(12 * step, 4 * step));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, from + QPoint(60, 20));
        QCOMPARE(ended.count(), 1);
        QVERIFY(!view.interacting());
        const CameraState after = camera_state(view);
        // Rotation moves the camera around the focal point: same distance, different place.
        QVERIFY2(distance(before.position, after.position) > 10,
                 qPrintable(QString::number(distance(before.position, after.position))));
        QCOMPARE(distance(before.focal_point, after.focal_point), 0.0);
        QVERIFY(std::fabs(distance(after.position, after.focal_point) -
                          distance(before.position, before.focal_point)) < 1e-6);
        QVERIFY(count_pixels_unlike(view.screenshot(), background_of(view)) > 0);
    }

    void right_drag_and_wheel_zoom() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        view.screenshot();
        vtkCamera* camera = view.renderer()->GetActiveCamera();
        const double start = camera->GetDistance();

        const QPoint from(kViewSize.width() / 2, kViewSize.height() / 2);
        QTest::mousePress(&view, Qt::RightButton, {}, from);
        QTest::mouseMove(&view, from + QPoint(0, -40));
        QTest::mouseRelease(&view, Qt::RightButton, {}, from + QPoint(0, -40));
        const double after_drag = camera->GetDistance();
        QVERIFY2(after_drag < start * 0.95,
                 qPrintable(QString("%1 -> %2").arg(start).arg(after_drag)));

        // A wheel turn has no end: the view counts as interacting until it settles.
        QSignalSpy started(&view, &VtkView::interaction_started);
        QSignalSpy ended(&view, &VtkView::interaction_ended);
        QWheelEvent wheel(QPointF(from), view.mapToGlobal(QPointF(from)), QPoint(), QPoint(0, -240),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        QVERIFY(camera->GetDistance() > after_drag * 1.05);
        QCOMPARE(started.count(), 1);
        QVERIFY(view.interacting());
        QVERIFY(ended.wait(10 * VtkView::kSettleMs));
        QVERIFY(!view.interacting());
    }

    void interactive_requests_settle_into_a_still_frame() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        QSignalSpy started(&view, &VtkView::interaction_started);
        QSignalSpy ended(&view, &VtkView::interaction_ended);
        view.request_render(RenderQuality::Interactive);
        view.request_render(RenderQuality::Interactive);
        QCOMPARE(started.count(), 1);
        QVERIFY(view.interacting());
        view.request_render(RenderQuality::Still);
        QVERIFY(view.interacting());
        QVERIFY(ended.wait(10 * VtkView::kSettleMs));
        QCOMPARE(ended.count(), 1);
        QVERIFY(!view.interacting());
    }

    void keys_that_quit_or_change_the_scene_are_ignored() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        view.setFocus();
        vtkActor* sphere = view.renderer()->GetActors()->GetLastActor();
        view.screenshot();
        // The last event over the sphere: VTK's bindings act on the renderer and prop there.
        QTest::mouseClick(&view, Qt::LeftButton, {},
                          QPoint(kViewSize.width() / 2, kViewSize.height() / 2));
        const CameraState before = camera_state(view);
        ExitCounter exits(view.interactor());
        for (char key : {'q', 'e', '3', 'w', 's', 'p', 'f', 'j', 't', 'm', 'i', 'Q', 'E', 'W'})
            QTest::keyClick(&view, key);
        QTest::qWait(50);
        QCOMPARE(exits.count, 0);
        QVERIFY(view.isVisible());
        QVERIFY(shown.window.isVisible());
        QCOMPARE(sphere->GetProperty()->GetRepresentation(), VTK_SURFACE);
        QCOMPARE(view.render_window()->GetStereoRender(), 0);
        const CameraState after = camera_state(view);
        QCOMPARE(distance(before.position, after.position), 0.0);
        QCOMPARE(distance(before.focal_point, after.focal_point), 0.0);
        QVERIFY(count_pixels_unlike(view.screenshot(), background_of(view)) > 0);
    }

    void r_resets_the_camera() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        view.setFocus();
        view.screenshot();
        const CameraState home = camera_state(view);
        vtkCamera* camera = view.renderer()->GetActiveCamera();
        camera->SetPosition(home.position[0] * 5 + 300, home.position[1] * 5, home.position[2] * 5);
        camera->SetFocalPoint(300, 0, 0);
        QTest::keyClick(&view, 'r');
        const CameraState reset = camera_state(view);
        const double origin[3] = {0, 0, 0};
        QVERIFY2(distance(reset.focal_point, origin) < 1e-6,
                 qPrintable(QString::number(distance(reset.focal_point, origin))));
    }

    // screenshot() renders offscreen; what the window system shows is the embedded window's own
    // frame, blitted into its back buffer and swapped.
    void the_frame_reaches_the_screen() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        QWindow* window = embedded_window(view);
        QVERIFY(window);
        QImage on_screen;
        int sphere_pixels = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            (on_screen = window->screen()->grabWindow(window->winId()).toImage(),
             sphere_pixels = count_pixels_unlike(on_screen, background_of(view)),
             sphere_pixels > on_screen.width() * on_screen.height() / 10),
            5000);
        QVERIFY2(sphere_pixels < on_screen.width() * on_screen.height() * 9 / 10,
                 qPrintable(QString::number(sphere_pixels)));
        QCOMPARE(count_pixels_unlike(on_screen.copy(0, 0, 8, 8), background_of(view), 3), 0);
    }

    // Mouse and key events reach the embedded window, not the widget: they take the same path.
    void input_to_the_embedded_window_reaches_vtk() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        view.screenshot();
        QWindow* window = embedded_window(view);
        QVERIFY(window);
        QCOMPARE(window->size(), view.size());
        const CameraState home = camera_state(view);
        const QPoint from(kViewSize.width() / 2, kViewSize.height() / 2);
        QTest::mousePress(window, Qt::LeftButton, {}, from);
        QVERIFY(view.interacting());
        QTest::mouseMove(window, from + QPoint(30, 10));
        QTest::mouseMove(window, from + QPoint(60, 20));
        QTest::mouseRelease(window, Qt::LeftButton, {}, from + QPoint(60, 20));
        QVERIFY(!view.interacting());
        QVERIFY(distance(home.position, camera_state(view).position) > 10);
        // The click gave the view keyboard focus (once its window is active; xvfb has no window
        // manager to activate it).
        QVERIFY(shown.window.focusWidget() && view.isAncestorOf(shown.window.focusWidget()));

        vtkCamera* camera = view.renderer()->GetActiveCamera();
        camera->SetFocalPoint(300, 0, 0);
        QTest::keyClick(window, 'r');
        const double origin[3] = {0, 0, 0};
        QVERIFY(distance(camera_state(view).focal_point, origin) < 1e-6);
    }

    void survives_moving_into_another_top_level_window() {
        ShownView shown;
        QVERIFY(shown.exposed());
        VtkView& view = *shown.view;
        QVERIFY(count_pixels_unlike(view.screenshot(), background_of(view)) > 0);

        QPointer<QOpenGLContext> old_context = view.context();
        QVERIFY(old_context);
        QSignalSpy destroyed(old_context.data(), &QOpenGLContext::aboutToBeDestroyed);
        QWidget second;
        second.resize(kViewSize + QSize(40, 40));
        auto* layout = new QVBoxLayout(&second);
        layout->addWidget(&view);  // reparents
        second.show();
        QVERIFY(QTest::qWaitForWindowExposed(&second));
        // The embedded window moved with its context: VTK's GL objects stay valid.
        QCOMPARE(destroyed.count(), 0);
        QCOMPARE(view.context(), old_context.data());

        const QImage image = view.screenshot();
        const int pixels = image.width() * image.height();
        const int sphere_pixels = count_pixels_unlike(image, background_of(view));
        QVERIFY2(sphere_pixels > pixels / 20, qPrintable(QString::number(sphere_pixels)));
        QCOMPARE(count_pixels_unlike(image.copy(0, 0, 8, 8), background_of(view), 3), 0);
        QVERIFY(count_pixels_unlike(image, Qt::black, 3) > pixels / 2);

        // And it still interacts.
        const CameraState before = camera_state(view);
        QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(100, 100));
        QTest::mouseMove(&view, QPoint(150, 110));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(150, 110));
        QVERIFY(distance(before.position, camera_state(view).position) > 10);
        layout->removeWidget(&view);
        view.setParent(&shown.window);  // back to its owner before `second` goes
    }

    void survives_a_dock_becoming_floating() {
        QMainWindow main_window;
        main_window.resize(640, 480);
        main_window.setCentralWidget(new QWidget);
        auto* dock = new QDockWidget("3D", &main_window);
        auto* view = new VtkView;
        view->setMinimumSize(kViewSize);
        add_sphere(*view);
        dock->setWidget(view);
        main_window.addDockWidget(Qt::LeftDockWidgetArea, dock);
        main_window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&main_window));
        QVERIFY(count_pixels_unlike(view->screenshot(), background_of(*view)) > 0);

        QSignalSpy destroyed(view->context(), &QOpenGLContext::aboutToBeDestroyed);
        dock->setFloating(true);
        QVERIFY(QTest::qWaitForWindowExposed(dock));
        const QImage floating = view->screenshot();
        QCOMPARE(destroyed.count(), 0);  // the embedded window keeps its context
        QVERIFY(count_pixels_unlike(floating, background_of(*view)) >
                floating.width() * floating.height() / 20);
        QCOMPARE(count_pixels_unlike(floating.copy(0, 0, 8, 8), background_of(*view), 3), 0);

        dock->setFloating(false);
        QTest::qWait(50);
        const QImage docked = view->screenshot();
        QVERIFY(count_pixels_unlike(docked, background_of(*view)) >
                docked.width() * docked.height() / 20);
    }

    void destroying_a_shown_view_releases_cleanly() {
        auto window = std::make_unique<QWidget>();
        window->resize(kViewSize);
        auto* view = new VtkView(window.get());
        view->resize(kViewSize);
        add_sphere(*view);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        view->screenshot();
        vtkRenderer* renderer = view->renderer();
        renderer->Register(nullptr);  // outlives the view, as a scene holding it would
        delete view;
        QVERIFY(renderer->GetActors()->GetNumberOfItems() == 1);
        renderer->UnRegister(nullptr);
        window.reset();
    }
};

RADON_TEST_CLASS(TestVtkView);

#include "test_vtk_view.moc"
