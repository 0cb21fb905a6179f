// The 3D view inside the main window: its camera keeps the source, the detector and the volume in
// view at every C-arm preset, after a reset and at a wide window's aspect; a file dropped onto it
// opens; a modal dialog does not blank it.

#include <QDialog>
#include <QGuiApplication>
#include <QLabel>
#include <QScreen>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTimer>
#include <QVBoxLayout>
#include <QtTest>

#include <array>
#include <cmath>
#include <vector>

#include <vtkCamera.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>

#include "kernels/geometry/carm_pose.h"
#include "render/common/vtk_view.h"
#include "render/drr/carm_scene.h"
#include "tests/common/test_registry.h"
#include "tests/gui/gui_test_support.h"
#include "tests/gui/main_window_fixture.h"
#include "ui/drr/carm_scene_view.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/pose_panel.h"
#include "ui/main_window.h"

using radon::CArmPreset;
using radon::Vec3;
using radon::test::Studio;
using radon::ui::CArmSceneView;
using radon::ui::MainWindow;

namespace {

// What must stay in view, from the geometry the 3D view was given and the volume's grid (not from
// the view's own list): the source sphere's box, the detector's corners and the corner voxels.
std::vector<Vec3> expected_in_view(MainWindow& w) {
    std::vector<Vec3> points;
    const radon::ProjectionGeometry& g = w.sceneView()->carmScene().geometry();
    const double r = radon::render::CArmScene::kSourceRadiusMm;
    for (int corner = 0; corner < 8; ++corner)
        points.push_back(g.source +
                         Vec3{corner & 1 ? r : -r, corner & 2 ? r : -r, corner & 4 ? r : -r});
    for (const Vec3& p : radon::render::CArmScene::detector_corners(g))
        points.push_back(p);
    const radon::VolumeGrid& grid = w.session().volume()->hu.grid;
    for (int corner = 0; corner < 8; ++corner)
        points.push_back(grid.index_to_world({corner & 1 ? grid.size[0] - 1.0 : 0.0,
                                              corner & 2 ? grid.size[1] - 1.0 : 0.0,
                                              corner & 4 ? grid.size[2] - 1.0 : 0.0}));
    return points;
}

// Empty when VTK's camera projects every point inside the renderer's viewport; otherwise the
// points outside, with where they fall.
QString outside_the_view(CArmSceneView& view, const std::vector<Vec3>& points) {
    vtkRenderer* renderer = view.renderer();
    const int* size = renderer->GetSize();
    QString outside;
    for (const Vec3& p : points) {
        renderer->SetWorldPoint(p.x, p.y, p.z, 1);
        renderer->WorldToDisplay();
        double d[3];
        renderer->GetDisplayPoint(d);
        if (d[0] < 0 || d[0] > size[0] || d[1] < 0 || d[1] > size[1] || d[2] < 0 || d[2] > 1)
            outside += QString(" (%1, %2, %3) at display (%4, %5) of %6x%7;")
                           .arg(p.x)
                           .arg(p.y)
                           .arg(p.z)
                           .arg(d[0])
                           .arg(d[1])
                           .arg(size[0])
                           .arg(size[1]);
    }
    return outside;
}

// Waits until the 3D view holds the newest DRR's C-arm and VTK's window has the view's size.
bool scene_caught_up(Studio& studio) {
    CArmSceneView& view = *studio.window->sceneView();
    return QTest::qWaitFor(
        [&] {
            const QSize device = view.size() * view.devicePixelRatio();
            const int* size = view.renderer()->GetRenderWindow()->GetSize();
            return radon::norm(view.carmScene().geometry().source -
                               studio.last_frame().geometry.source) < 1e-6 &&
                   size[0] == device.width() && size[1] == device.height();
        },
        20000);
}

const CArmPreset kPresets[] = {CArmPreset::AP, CArmPreset::PA, CArmPreset::LatLeft,
                               CArmPreset::LatRight};

}  // namespace

class TestSceneViewInWindow : public QObject {
    Q_OBJECT

  private slots:
    void camera_keeps_source_detector_and_volume_in_view_data() {
        QTest::addColumn<QSize>("window_size");
        QTest::newRow("1280x720") << QSize(1280, 720);
        QTest::newRow("1600x1000") << QSize(1600, 1000);
    }
    void camera_keeps_source_detector_and_volume_in_view() {
        QFETCH(QSize, window_size);
        QTemporaryDir dir;
        Studio studio(dir);
        studio.window->resize(window_size);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        CArmSceneView& view = *w.sceneView();
        for (const CArmPreset preset : kPresets) {
            w.posePanel()->applyPreset(preset);
            QVERIFY(studio.settle());
            QVERIFY(scene_caught_up(studio));
            const QString at_preset = outside_the_view(view, expected_in_view(w));
            QVERIFY2(at_preset.isEmpty(),
                     qPrintable(QString(radon::to_string(preset)) + ":" + at_preset));
            view.resetCamera();
            const QString after_reset = outside_the_view(view, expected_in_view(w));
            QVERIFY2(after_reset.isEmpty(),
                     qPrintable(QString(radon::to_string(preset)) + " after reset:" + after_reset));
        }

        // A camera the user turned and zoomed into is moved back only as far as a new pose
        // needs: the source comes into view again.
        vtkCamera* camera = view.renderer()->GetActiveCamera();
        camera->Azimuth(50);
        camera->Dolly(3);
        w.posePanel()->applyPreset(CArmPreset::PA);
        QVERIFY(studio.settle());
        QVERIFY(scene_caught_up(studio));
        const QString turned = outside_the_view(view, expected_in_view(w));
        QVERIFY2(turned.isEmpty(), qPrintable("turned camera at PA:" + turned));

        // 'r' in the view is the same reset.
        camera->Dolly(4);
        QVERIFY(!outside_the_view(view, expected_in_view(w)).isEmpty());
        QTest::keyClick(view.embedded_window(), Qt::Key_R);
        const QString after_key = outside_the_view(view, expected_in_view(w));
        QVERIFY2(after_key.isEmpty(), qPrintable("after 'r':" + after_key));
    }

    void a_file_dropped_on_the_3d_view_opens() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const QString path = radon::test::write_small_volume(dir, "dropped_on_3d.nrrd");
        QSignalSpy loaded(studio.window.get(), &MainWindow::volumeShown);
        QWindow* native = studio.window->sceneView()->embedded_window();
        QVERIFY(native);
        radon::test::send_drop(native, path);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(loaded.at(0).at(0).toString(), path);
        QCOMPARE(studio.window->session().volume()->hu.grid.size,
                 (std::array<int64_t, 3>{48, 40, 30}));
    }

    // What is on the screen where the 3D view is (the X server's pixels, not a re-render), with
    // a modal dialog open over the middle of the 3D view and the pose changing behind it.
    void a_modal_dialog_leaves_the_3d_view_drawn() {
        QTemporaryDir dir;
        Studio studio(dir);
        studio.window->resize(1280, 720);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        CArmSceneView& view = *w.sceneView();
        QVERIFY(scene_caught_up(studio));
        QTRY_VERIFY_WITH_TIMEOUT(!view.interacting(), 20000);
        QTest::qWait(200);
        const QRect on_screen(view.mapToGlobal(QPoint(0, 0)), view.size());
        QScreen* screen = QGuiApplication::primaryScreen();
        const QImage before =
            screen
                ->grabWindow(0, on_screen.x(), on_screen.y(), on_screen.width(), on_screen.height())
                .toImage();
        const QColor background = before.pixelColor(2, 2);
        const int drawn_before = radon::test::count_pixels_unlike(before, background);
        QVERIFY2(drawn_before > before.width() * before.height() / 50,
                 qPrintable(QString::number(drawn_before)));

        QDialog dialog(&w);
        dialog.setModal(true);
        auto* layout = new QVBoxLayout(&dialog);
        layout->addWidget(new QLabel("A modal dialog over the DRR view"));
        dialog.resize(300, 120);
        dialog.move(view.mapToGlobal(QPoint(view.width() / 2 - 150, view.height() / 2 - 60)));
        // As the app opens its dialogs: exec() runs an event loop of its own.
        QImage during;
        // A pose change while the dialog is up: the 3D view redraws behind it.
        QTimer::singleShot(300, &dialog, [&] {
            QSlider* slider = w.posePanel()->findChild<QSlider*>();
            slider->setValue(slider->value() + 5);
        });
        QTimer::singleShot(4000, &dialog, [&] {
            during = screen
                         ->grabWindow(0, on_screen.x(), on_screen.y(), on_screen.width(),
                                      on_screen.height())
                         .toImage();
            dialog.accept();
        });
        dialog.exec();
        const int drawn_during = radon::test::count_pixels_unlike(during, background);
        QVERIFY2(drawn_during > drawn_before * 9 / 10,
                 qPrintable(QString("%1 pixels drawn before the dialog, %2 with it open")
                                .arg(drawn_before)
                                .arg(drawn_during)));
    }
};

RADON_TEST_CLASS(TestSceneViewInWindow);

#include "test_scene_view_in_window.moc"
