// The desktop app's main window as a user drives it: it starts with a DRR of the thorax phantom
// at AP, opens volumes by drag-and-drop, by the Open dialog and from DICOM folders (asking which
// series), shows errors without stopping, exports the DRR exactly as `radon drr` writes it,
// remembers its settings, answers its shortcuts, puts each new DRR into the 3D view and looks at
// each preset with the orientation marker's labels apart.

#include <QAction>
#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>
#include <QtTest>

#include <cmath>
#include <memory>

#include <vtkCamera.h>
#include <vtkImageSlice.h>
#include <vtkMatrix4x4.h>
#include <vtkRenderer.h>

#include "recon/io/image_io.h"
#include "recon/io/volume_io.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "render/common/volume_scene.h"
#include "render/drr/carm_scene.h"
#include "render/drr/drr_texture.h"
#include "tests/common/dicom_fixtures.h"
#include "tests/common/test_registry.h"
#include "tests/gui/gui_test_support.h"
#include "tests/gui/main_window_fixture.h"
#include "tests/ui/ui_test_support.h"
#include "ui/common/series_picker_dialog.h"
#include "ui/common/slider_spin_box.h"
#include "ui/drr/carm_scene_view.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/pose_panel.h"
#include "ui/main_window.h"

using radon::recon::Image2D;
using radon::test::kSmallSize;
using radon::test::send_drop;
using radon::test::small_options;
using radon::test::Studio;
using radon::test::write_small_volume;
using radon::ui::DrrFrame;
using radon::ui::DrrParameters;
using radon::ui::DrrSession;
using radon::ui::MainWindow;
using radon::ui::MainWindowOptions;
using radon::ui::StudioView;

namespace {

QString write_garbage(const QTemporaryDir& dir, const QString& name) {
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly);
    f.write("this is not a volume\n");
    return path;
}

// The error box the window opened (it does not block), or null.
QMessageBox* error_box() {
    for (QWidget* widget : QApplication::topLevelWidgets()) {
        if (auto* box = qobject_cast<QMessageBox*>(widget);
            box && box->objectName() == "errorDialog" && box->isVisible())
            return box;
    }
    return nullptr;
}

bool same_pixels(const Image2D& a, const Image2D& b) {
    return a.pixels.extents() == b.pixels.extents() &&
           std::memcmp(a.pixels.host_data(), b.pixels.host_data(), a.pixels.bytes()) == 0;
}

// The top-level keys whose values differ, for a readable failure.
QString differing_keys(const QJsonDocument& a, const QJsonDocument& b) {
    QStringList keys;
    const QJsonObject x = a.object(), y = b.object();
    for (const QString& key : x.keys() + y.keys()) {
        if (x.value(key) != y.value(key) && !keys.contains(key))
            keys << key + ": " +
                        QJsonDocument(QJsonObject{{key, x.value(key)}})
                            .toJson(QJsonDocument::Compact) +
                        " vs " +
                        QJsonDocument(QJsonObject{{key, y.value(key)}})
                            .toJson(QJsonDocument::Compact);
    }
    return keys.join("\n");
}

// The "radon_..." key/value lines of an NRRD header.
QStringList nrrd_radon_fields(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    QStringList fields;
    for (QByteArray line = f.readLine(); !line.trimmed().isEmpty(); line = f.readLine()) {
        if (line.startsWith("radon_")) fields << QString::fromUtf8(line.trimmed());
    }
    return fields;
}

QJsonDocument read_json(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll());
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

  private slots:
    void starts_with_a_drr_on_screen_at_ap() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const DrrFrame frame = studio.last_frame();
        QVERIFY(!frame.request.preview);
        QCOMPARE(frame.request.parameters.pose.primary_deg, 0.0);
        QCOMPARE(frame.request.parameters.pose.secondary_deg, 0.0);
        QCOMPARE(frame.request.parameters.pose.roll_deg, 0.0);
        QCOMPARE(frame.image.width(), int64_t(128));
        QVERIFY(studio.window->windowTitle().contains("thorax phantom"));

        // The DRR view shows it: the lungs (dark) and the spine (bright) make a picture with many
        // grey levels, not a blank.
        MainWindow& w = *studio.window;
        QVERIFY(same_pixels(w.drrView()->image(), frame.image));
        const QImage drr = w.grabView(StudioView::Drr);
        QVERIFY(radon::test::count_pixels_unlike(drr, QColor(20, 20, 22)) >
                drr.width() * drr.height() / 4);

        // The 3D view has the volume and the DRR on the detector.
        QVERIFY(w.sceneView()->hasVolume());
        QVERIFY(QTest::qWaitFor(
            [&] { return w.sceneView()->carmScene().drr().width() == frame.image.width(); }));
        const QImage scene = w.grabView(StudioView::Scene3D);
        QCOMPARE(scene.size(), w.sceneView()->size() * w.sceneView()->devicePixelRatio());
        QVERIFY(radon::test::count_pixels_unlike(scene, QColor(20, 23, 28)) > 1000);
    }

    void a_new_drr_moves_the_carm_and_goes_onto_the_detector() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        studio.slider("primary")->setValue(300);  // LAO 30
        QVERIFY(studio.settle());
        const DrrFrame frame = studio.last_frame();
        QCOMPARE(frame.request.parameters.pose.primary_deg, 30.0);
        radon::render::CArmScene& carm = w.sceneView()->carmScene();
        QVERIFY(QTest::qWaitFor(
            [&] { return radon::norm(carm.geometry().source - frame.geometry.source) < 1e-9; }));
        QCOMPARE(carm.drr().width(), frame.image.width());
        // The detector shows the DRR through the DRR view's window.
        const radon::recon::Window shown = w.drrView()->window();
        QCOMPARE(carm.drr().window().level, shown.level);
        QCOMPARE(carm.drr().window().width, shown.width);
        w.drrView()->setWindow(shown.level + 0.5, shown.width * 2);
        QVERIFY(QTest::qWaitFor([&] { return carm.drr().window().width == shown.width * 2; }));
    }

    void opening_by_drag_and_drop_loads_the_file() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const QString path = write_small_volume(dir, "dropped.nii.gz");
        QSignalSpy loaded(studio.window.get(), &MainWindow::volumeShown);
        send_drop(studio.window.get(), path);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(loaded.at(0).at(0).toString(), path);
        QVERIFY(studio.settle());
        QCOMPARE(studio.window->session().volume()->hu.grid.size,
                 (std::array<int64_t, 3>{48, 40, 30}));
        QCOMPARE(studio.window->recentFiles().entries().first().path, path);
        QCOMPARE(studio.window->studioSettings().last_folder, dir.path());
        // A drop onto one of the views reaches the window too.
        const QString second = write_small_volume(dir, "second.nrrd");
        QSignalSpy again(studio.window.get(), &MainWindow::volumeShown);
        send_drop(studio.window->drrView(), second);
        QVERIFY(again.wait(60000));
        QCOMPARE(again.at(0).at(0).toString(), second);
    }

    void opening_by_the_open_dialog_loads_the_file() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const QString path = write_small_volume(dir, "chosen.mha");
        // Answers the Open dialog once it is up (Qt's own dialog: there is no native one here) by
        // typing the file's path, as a user may; gives up (failing rather than hanging) after 10 s.
        bool answered = false;
        int ticks = 0;
        QTimer answer;
        QObject::connect(&answer, &QTimer::timeout, [&] {
            auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            auto* name = dialog->findChild<QLineEdit*>("fileNameEdit");
            if (!name || ++ticks > 200) {
                dialog->reject();
                return;
            }
            name->setText(path);
            answered = true;
            static_cast<QDialog*>(dialog)->accept();  // QFileDialog hides accept()
        });
        answer.start(50);
        QSignalSpy loaded(studio.window.get(), &MainWindow::volumeShown);
        studio.window->findChild<QAction*>("actionOpen")->trigger();
        answer.stop();
        QVERIFY(answered);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(loaded.at(0).at(0).toString(), path);
        QVERIFY(studio.settle());
        QCOMPARE(studio.window->session().volume()->hu.grid.size[0], int64_t(48));
    }

    void a_dicom_folder_of_two_series_asks_which_one() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const QString folder = dir.filePath("dicom");
        QVERIFY(QDir().mkpath(folder));
        // Whole HU, which the int16 files store exactly.
        radon::recon::Volume chest = radon::recon::thorax_phantom().voxelize_hu(
            radon::centered_grid({40, 40, 12}, {9, 9, 27}));
        for (int64_t i = 0; i < chest.voxels.size(); ++i)
            chest.voxels.host_data()[i] = std::round(chest.voxels.host_data()[i]);
        radon::test::CtSeries a;
        a.slope = 1;
        a.description = "Chest";
        a.series_number = 2;
        radon::test::write_ct_series(chest, folder.toStdString(), a);
        radon::recon::Volume scout = radon::recon::thorax_phantom().voxelize_hu(
            radon::centered_grid({16, 16, 4}, {20, 20, 80}));
        for (int64_t i = 0; i < scout.voxels.size(); ++i)
            scout.voxels.host_data()[i] = std::round(scout.voxels.host_data()[i]);
        radon::test::CtSeries b;
        b.slope = 1;
        b.series_uid = radon::test::uid("2");
        b.description = "Scout";
        b.series_number = 1;
        b.file_names = {"b0.dcm", "b1.dcm", "b2.dcm", "b3.dcm"};
        radon::test::write_ct_series(scout, folder.toStdString(), b);

        studio.window->openPath(folder);
        radon::ui::SeriesPickerDialog* picker = nullptr;
        QVERIFY(QTest::qWaitFor([&] {
            picker = studio.window->findChild<radon::ui::SeriesPickerDialog*>();
            return picker && picker->isVisible();
        }));
        QCOMPARE(picker->list()->topLevelItemCount(), 2);
        QCOMPARE(picker->selectedUid(), QString::fromStdString(b.series_uid));  // number 1 first
        picker->selectUid(QString::fromStdString(a.series_uid));
        QSignalSpy loaded(studio.window.get(), &MainWindow::volumeShown);
        picker->accept();
        QVERIFY(loaded.wait(60000));
        QVERIFY(loaded.at(0).at(0).toString().contains(QString::fromStdString(a.series_uid)));
        QCOMPARE(studio.window->session().volume()->hu.grid.size,
                 (std::array<int64_t, 3>{40, 40, 12}));
        const radon::ui::RecentFile recent = studio.window->recentFiles().entries().first();
        QCOMPARE(recent.path, folder);
        QCOMPARE(recent.series, QString::fromStdString(a.series_uid));
    }

    void a_bad_file_shows_the_error_and_the_app_keeps_working() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        const auto volume_before = w.session().volume()->description;
        const QString garbage = write_garbage(dir, "garbage.nrrd");
        const QString missing = dir.filePath("missing.nii.gz");
        const QString empty_folder = dir.filePath("empty");
        QVERIFY(QDir().mkpath(empty_folder));
        for (const QString& path : {garbage, missing, empty_folder}) {
            QSignalSpy error(&w, &MainWindow::errorShown);
            send_drop(&w, path);
            QVERIFY(error.wait(30000));
            const QString message = error.at(0).at(0).toString();
            qInfo("%s", qPrintable(message));
            QVERIFY2(message.contains(QFileInfo(path).fileName()), qPrintable(message));
            // The message box is up, not blocking, and says the same.
            QMessageBox* box = error_box();
            QVERIFY(box);
            QCOMPARE(box->text(), message);
            box->close();
            QVERIFY(QTest::qWaitFor([] { return error_box() == nullptr; }));
        }
        QCOMPARE(w.session().volume()->description, volume_before);
        QVERIFY(w.recentFiles().entries().isEmpty());
        // Still rendering.
        studio.slider("roll")->setValue(150);
        QVERIFY(studio.settle());
        QCOMPARE(studio.last_frame().request.parameters.pose.roll_deg, 15.0);
        // An export to a format that does not exist is an error too, and writes nothing.
        QSignalSpy error(&w, &MainWindow::errorShown);
        QVERIFY(!w.exportDrr(dir.filePath("drr.jpeg")));
        QCOMPARE(error.count(), 1);
        QVERIFY(error.at(0).at(0).toString().contains("drr.jpeg"));
        QVERIFY(!QFile::exists(dir.filePath("drr.jpeg")));
        error_box()->close();
    }

    void a_long_load_shows_progress_and_can_be_cancelled() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        QSignalSpy cancelled(&w.session(), &DrrSession::loadCancelled);
        QSignalSpy loaded(&w, &MainWindow::volumeShown);
        // Cancelled at once, while it is surely running: how long a load takes depends on the
        // machine. The dialog exists from the start and shows itself after kProgressDelayMs.
        w.session().loadThoraxPhantom({256, 256, 133}, {1.40625, 1.40625, 2.5});
        auto* progress = w.findChild<QProgressDialog*>("loadProgress");
        QVERIFY(progress);
        QVERIFY2(progress->labelText().contains("thorax phantom, 256x256x133"),
                 qPrintable(progress->labelText()));
        QVERIFY(progress->minimumDuration() > 0);  // quick loads show no dialog
        auto* cancel = progress->findChild<QPushButton*>();
        QVERIFY(cancel);
        cancel->click();
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(QTest::qWaitFor([&] { return !w.findChild<QProgressDialog*>("loadProgress"); }));
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(w.session().volume()->hu.grid.size, kSmallSize);
    }

    void the_exported_drr_equals_the_cli_output_for_the_same_pose() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        // The line integral, then transmission with I0 = 1000 counts, inverted (I0 - I).
        for (const bool transmission : {false, true}) {
            DrrParameters p = w.posePanel()->parameters();
            radon::test::set_oblique_parity_view(p);
            if (transmission) {
                p.output.kind = radon::DrrOutputKind::Transmission;
                p.output.i0 = 1000;
                p.output.invert = 1;
            }
            w.posePanel()->setParameters(p);
            QVERIFY(studio.settle());
            QCOMPARE(studio.last_frame().request.parameters.output.invert, transmission ? 1 : 0);

            const QString name = transmission ? "transmission_" : "line_";
            const QString gui = dir.filePath(name + "gui.nrrd");
            QVERIFY(w.exportDrr(gui));
            QVERIFY(w.exportDrr(dir.filePath(name + "gui.png")));
            QVERIFY(w.exportDrr(dir.filePath(name + "gui.tif")));

            const QString cli = dir.filePath(name + "cli.nrrd");
            QStringList args = radon::test::cli_drr_arguments(p);
            args << "-o" << cli << "-o" << dir.filePath(name + "cli.png");
            const QString failed = radon::test::run_radon(RADON_CLI_PATH, args);
            QVERIFY2(failed.isEmpty(), qPrintable(failed));

            const Image2D from_cli = radon::recon::read_image(cli.toStdString());
            const Image2D from_gui = radon::recon::read_image(gui.toStdString());
            QVERIFY2(same_pixels(from_gui, from_cli), "the exported DRR differs from radon drr's");
            QVERIFY(same_pixels(from_gui, studio.last_frame().image));
            QCOMPARE(from_gui.spacing[0], 3.0);
            QCOMPARE(from_gui.spacing[1], 2.5);
            QVERIFY(same_pixels(
                radon::recon::read_image(dir.filePath(name + "gui.tif").toStdString()), from_cli));
            // PNG: both windowed with the automatic window of the same image.
            QVERIFY(same_pixels(
                radon::recon::read_image(dir.filePath(name + "gui.png").toStdString()),
                radon::recon::read_image(dir.filePath(name + "cli.png").toStdString())));
            // The geometry record is the one radon drr writes, field for field, the output
            // included.
            const QJsonDocument gui_json = read_json(dir.filePath(name + "gui.json"));
            const QJsonDocument cli_json = read_json(dir.filePath(name + "cli.json"));
            QVERIFY(!gui_json.isNull());
            QVERIFY2(gui_json == cli_json, qPrintable(differing_keys(gui_json, cli_json)));
            // And the NRRD headers carry the same record as key/values.
            const QStringList gui_keys = nrrd_radon_fields(gui), cli_keys = nrrd_radon_fields(cli);
            QVERIFY(gui_keys.size() >= 5);
            QVERIFY(gui_keys.filter("radon_projection_matrix:=").size() == 1);
            QCOMPARE(gui_keys, cli_keys);
            if (transmission) {
                QVERIFY2(
                    QString::fromUtf8(QJsonDocument(gui_json).toJson()).contains("transmission"),
                    "the record should say the values are transmission");
            }
        }
    }

    void settings_round_trip() {
        QTemporaryDir dir;
        const QString volume = write_small_volume(dir, "remembered.nii.gz");
        {
            Studio studio(dir);
            QVERIFY(studio.ready());
            MainWindow& w = *studio.window;
            QVERIFY(studio.open(volume));
            w.setStudioPalette(radon::ui::StudioPalette::Light);
            w.setVolumePreset(radon::render::CtVolumePreset::Lung);
            w.setDrrWindowPreset(radon::ui::WindowPreset::Bone);
            w.findChild<QAction*>("actionShowSlices")->setChecked(false);
            radon::DrrOutput output;
            output.kind = radon::DrrOutputKind::Log;
            output.i0 = 2e4f;
            output.invert = 1;
            w.posePanel()->setOutputChoice(output);
            w.resize(1100, 720);
            QTest::qWait(50);
            w.close();  // saves
        }
        QSettings raw(dir.filePath("radonstudio.ini"), QSettings::IniFormat);
        QCOMPARE(raw.value("view/palette").toString(), QString("light"));

        Studio again(dir, false);
        QVERIFY(QTest::qWaitForWindowExposed(again.window.get()));
        MainWindow& w = *again.window;
        QCOMPARE(w.studioPalette(), radon::ui::StudioPalette::Light);
        QCOMPARE(QApplication::palette().color(QPalette::Window).lightness() > 128, true);
        QCOMPARE(w.sceneView()->volumePreset(), radon::render::CtVolumePreset::Lung);
        QCOMPARE(w.drrView()->windowPreset(), std::optional(radon::ui::WindowPreset::Bone));
        QVERIFY(!w.findChild<QAction*>("actionShowSlices")->isChecked());
        QVERIFY(!w.sceneView()->volumeScene().slice(0)->GetVisibility());
        const DrrParameters remembered = w.posePanel()->parameters();
        QVERIFY(remembered.output.kind == radon::DrrOutputKind::Log);
        QCOMPARE(remembered.output.i0, 2e4f);
        QCOMPARE(remembered.output.invert, 1);
        QCOMPARE(w.size(), QSize(1100, 720));
        QCOMPARE(w.recentFiles().entries().size(), qsizetype(1));
        QCOMPARE(w.recentFiles().entries().first().path, volume);
        QCOMPARE(w.studioSettings().last_folder, dir.path());
        // The recent-files menu opens it again.
        QList<QAction*> entries = w.recentMenu()->actions();
        QVERIFY(entries.first()->text().contains("remembered.nii.gz"));
        QSignalSpy loaded(&w, &MainWindow::volumeShown);
        entries.first()->trigger();
        QVERIFY(loaded.wait(60000));
        QCOMPARE(loaded.at(0).at(0).toString(), volume);
        w.setStudioPalette(radon::ui::StudioPalette::Dark);  // the next tests' palette
    }

    void shortcuts_set_the_presets() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        struct Case {
            Qt::Key key;
            double primary;
        };
        for (const Case c : {Case{Qt::Key_3, 90}, Case{Qt::Key_2, 180}, Case{Qt::Key_4, -90}}) {
            QTest::keyClick(&w, c.key, Qt::ControlModifier);
            QVERIFY(studio.settle());
            QCOMPARE(std::fabs(studio.last_frame().request.parameters.pose.primary_deg),
                     std::fabs(c.primary));
        }
        studio.slider("secondary")->setValue(200);
        QVERIFY(studio.settle());
        QTest::keyClick(&w, Qt::Key_0, Qt::ControlModifier);  // reset pose
        QVERIFY(studio.settle());
        QCOMPARE(studio.last_frame().request.parameters.pose.primary_deg, 0.0);
        QCOMPARE(studio.last_frame().request.parameters.pose.secondary_deg, 0.0);
        QTest::keyClick(&w, Qt::Key_3, Qt::AltModifier);  // lung rendering
        QCOMPARE(w.sceneView()->volumePreset(), radon::render::CtVolumePreset::Lung);
    }

    void the_orientation_marker_labels_stay_apart_at_every_preset() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        for (const radon::CArmPreset preset :
             {radon::CArmPreset::AP, radon::CArmPreset::PA, radon::CArmPreset::LatLeft,
              radon::CArmPreset::LatRight}) {
            w.posePanel()->applyPreset(preset);
            QVERIFY(studio.settle());
            // The 3D view takes the new C-arm after the DRR view has shown its frame.
            const radon::Vec3 source = studio.last_frame().geometry.source;
            QTRY_VERIFY(radon::norm(w.sceneView()->carmScene().geometry().source - source) < 1e-6);
            w.sceneView()->resetCamera();
            // The marker turns with this camera and labels each axis at its tip: where the tips
            // fall on the screen, in axis lengths (x right, y up).
            vtkMatrix4x4* view =
                w.sceneView()->renderer()->GetActiveCamera()->GetViewTransformMatrix();
            QPointF tips[3];
            for (int axis = 0; axis < 3; ++axis)
                tips[axis] = QPointF(view->GetElement(0, axis), view->GetElement(1, axis));
            const char* names = "LPS";
            for (int a = 0; a < 3; ++a) {
                for (int b = a + 1; b < 3; ++b) {
                    const QPointF d = tips[a] - tips[b];
                    const double apart = std::hypot(d.x(), d.y());
                    QVERIFY2(
                        apart > 0.4,
                        qPrintable(QString("%1: the %2 and %3 labels are %4 axis lengths apart")
                                       .arg(radon::to_string(preset))
                                       .arg(names[a])
                                       .arg(names[b])
                                       .arg(apart)));
                }
            }
        }
    }

    void screenshots_of_each_view_are_written() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        for (const auto& [view, name] :
             {std::pair{StudioView::Scene3D, "3d.png"}, std::pair{StudioView::Drr, "drr.png"},
              std::pair{StudioView::Window, "window.png"}}) {
            const QString path = dir.filePath(name);
            QVERIFY(w.saveScreenshot(view, path));
            const QImage image(path);
            QVERIFY(!image.isNull());
            QVERIFY(radon::test::count_pixels_unlike(image, image.pixelColor(0, 0)) > 1000);
        }
        QCOMPARE(QImage(dir.filePath("window.png")).size(), w.size() * w.devicePixelRatio());
        QSignalSpy error(&w, &MainWindow::errorShown);
        QVERIFY(!w.saveScreenshot(StudioView::Drr, dir.filePath("no/such/folder/drr.png")));
        QCOMPARE(error.count(), 1);
        error_box()->close();
    }
};

RADON_TEST_CLASS(TestMainWindow);

#include "test_main_window.moc"
