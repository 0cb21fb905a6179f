// The main window's pose tools as a user finds them: a bad file at start falls back to the
// phantom and says why, the pose dock fits a 1280x720 screen, an exported pose reloads (menu and
// drop) to the identical geometry, Ctrl+Z / Ctrl+Shift+Z undo and redo pose changes, Help lists
// every shortcut, and the DRR's edges name the patient directions of the pose.

#include <QAction>
#include <QApplication>
#include <QDropEvent>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QMimeData>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QUrl>
#include <QtTest>

#include <cmath>
#include <memory>

#include "kernels/geometry/projection_geometry.h"
#include "tests/common/test_registry.h"
#include "tests/gui/main_window_fixture.h"
#include "ui/common/shortcuts_dialog.h"
#include "ui/common/slider_spin_box.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/pose_history.h"
#include "ui/drr/pose_panel.h"
#include "ui/main_window.h"

using radon::ui::DrrFrame;
using radon::ui::DrrParameters;
using radon::ui::DrrSession;
using radon::ui::MainWindow;
using radon::ui::MainWindowOptions;

namespace {

using radon::test::Studio;

void close_error_boxes() {
    for (QWidget* widget : QApplication::topLevelWidgets()) {
        if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible()) box->close();
    }
}

radon::Vec3 json_vec(const QJsonObject& o, const char* key) {
    const QJsonArray a = o.value(key).toArray();
    return {a[0].toDouble(), a[1].toDouble(), a[2].toDouble()};
}

double geometry_difference(const radon::ProjectionGeometry& g, const QJsonObject& record) {
    return std::max({radon::norm(g.source - json_vec(record, "source")),
                     radon::norm(g.first_pixel - json_vec(record, "first_pixel_center")),
                     radon::norm(g.column_step - json_vec(record, "column_step")),
                     radon::norm(g.row_step - json_vec(record, "row_step"))});
}

QJsonObject read_json(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

void send_drop(QWidget* target, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPointF at(target->width() / 2.0, target->height() / 2.0);
    QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    QVERIFY(drop.isAccepted());
}

bool same_pose(const radon::CArmPose& a, const radon::CArmPose& b) {
    return a.primary_deg == b.primary_deg && a.secondary_deg == b.secondary_deg &&
           a.roll_deg == b.roll_deg && a.isocenter_offset.x == b.isocenter_offset.x &&
           a.isocenter_offset.y == b.isocenter_offset.y &&
           a.isocenter_offset.z == b.isocenter_offset.z && a.sad == b.sad && a.sdd == b.sdd;
}

}  // namespace

class TestMainWindowPose : public QObject {
    Q_OBJECT

  private slots:
    void a_bad_file_at_start_falls_back_to_the_phantom_and_says_why() {
        QTemporaryDir dir;
        const QString bad = dir.filePath("BADFILE.nii.gz");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a volume");
        f.close();
        Studio studio(dir, false);
        MainWindow& w = *studio.window;
        QSignalSpy error(&w, &MainWindow::errorShown);
        QSignalSpy loaded(&w, &MainWindow::volumeShown);
        w.openPath(bad);
        QVERIFY(error.wait(30000));
        const QString message = error.at(0).at(0).toString();
        QVERIFY2(message.contains("BADFILE.nii.gz") && message.contains("thorax phantom"),
                 qPrintable(message));
        QVERIFY(loaded.count() > 0 || loaded.wait(60000));
        QVERIFY(loaded.at(0).at(0).toString().contains("thorax phantom"));
        QVERIFY(studio.settle());
        QVERIFY(w.drrView()->hasImage());
        const QString status = w.statusBar()->currentMessage();
        QVERIFY2(status.contains("BADFILE.nii.gz") && status.contains("thorax phantom"),
                 qPrintable(status));
        close_error_boxes();
    }

    void the_pose_dock_fits_1280x720_without_scrolling() {
        QTemporaryDir dir;
        Studio studio(dir);
        MainWindow& w = *studio.window;
        w.resize(1280, 720);
        QVERIFY(studio.ready());
        QTest::qWait(100);
        QCOMPARE(w.size(), QSize(1280, 720));
        auto* scroll = w.findChild<QScrollArea*>("poseScroll");
        QVERIFY(scroll);
        auto* tabs = w.posePanel()->findChild<QTabWidget*>("panelTabs");
        for (int tab = 0; tab < tabs->count(); ++tab) {
            tabs->setCurrentIndex(tab);
            QTest::qWait(20);
            QVERIFY2(scroll->verticalScrollBar()->maximum() == 0,
                     qPrintable(QString("tab %1 scrolls by %2 px")
                                    .arg(tabs->tabText(tab))
                                    .arg(scroll->verticalScrollBar()->maximum())));
        }
        // Both views keep a usable width beside the dock.
        QVERIFY(w.drrView()->width() >= 300);
    }

    void an_exported_pose_reloads_by_menu_and_drop_to_the_identical_geometry() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        DrrParameters p = w.posePanel()->parameters();
        p.pose.primary_deg = 37.4;
        p.pose.secondary_deg = -21.3;
        p.pose.roll_deg = 8.8;
        p.pose.isocenter_offset = {14.2, -9.9, 33.3};
        p.pose.sad = 777.7;
        p.pose.sdd = 1111.1;
        p.detector = {96, 80, 4.1, 3.7, 0, 0};
        w.posePanel()->setParameters(p);
        QVERIFY(studio.settle());
        const DrrParameters exported = w.posePanel()->parameters();
        const QString image = dir.filePath("view.nrrd");
        QVERIFY(w.exportDrr(image));
        const QString record = dir.filePath("view.json");
        const QJsonObject json = read_json(record);
        QVERIFY(geometry_difference(studio.last_frame().geometry, json) < 1e-9);

        for (const bool by_drop : {false, true}) {
            w.posePanel()->applyPreset(radon::CArmPreset::LatRight);
            DrrParameters other = w.posePanel()->parameters();
            other.detector = {128, 128, 3.2, 3.2, 0, 0};
            w.posePanel()->setParameters(other);
            QVERIFY(studio.settle());
            if (by_drop) {
                send_drop(&w, record);
            } else {
                QVERIFY(w.loadPose(record));
            }
            QVERIFY(studio.settle());
            const DrrParameters loaded = studio.last_frame().request.parameters;
            QVERIFY(same_pose(loaded.pose, exported.pose));
            QCOMPARE(loaded.detector.width, exported.detector.width);
            QCOMPARE(loaded.detector.delx, exported.detector.delx);
            QCOMPARE(loaded.detector.dely, exported.detector.dely);
            const double moved = geometry_difference(studio.last_frame().geometry, json);
            QVERIFY2(moved < 1e-9, qPrintable(QString::number(moved)));
            // One undo step back to the pose before.
            w.poseHistory()->stack()->undo();
            QVERIFY(studio.settle());
            QCOMPARE(studio.last_frame().request.parameters.pose.primary_deg, -90.0);
        }
        // Save pose writes the same record as the export, byte for byte.
        w.posePanel()->setParameters(exported);
        QVERIFY(studio.settle());
        QVERIFY(w.savePose(dir.filePath("saved.json")));
        QCOMPARE(read_json(dir.filePath("saved.json")), json);
    }

    void ctrl_z_undoes_and_ctrl_shift_z_redoes_a_pose_change() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        const DrrParameters start = w.posePanel()->parameters();
        QTest::keyClick(&w, Qt::Key_2, Qt::ControlModifier);  // PA
        QVERIFY(studio.settle());
        // Typed into a field, which keeps the keyboard focus.
        QDoubleSpinBox* secondary = studio.window->posePanel()
                                        ->findChild<radon::ui::SliderSpinBox*>("secondary")
                                        ->spinBox();
        secondary->setFocus();
        secondary->setValue(15.5);
        QVERIFY(studio.settle());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(studio.settle());
        QCOMPARE(studio.last_frame().request.parameters.pose.secondary_deg, 0.0);
        QCOMPARE(studio.last_frame().request.parameters.pose.primary_deg, 180.0);
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(studio.settle());
        QVERIFY(same_pose(studio.last_frame().request.parameters.pose, start.pose));
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(studio.settle());
        QCOMPARE(studio.last_frame().request.parameters.pose.secondary_deg, 15.5);
        QCOMPARE(studio.last_frame().request.parameters.pose.primary_deg, 180.0);
    }

    void help_lists_every_action_with_a_shortcut() {
        QTemporaryDir dir;
        Studio studio(dir);
        MainWindow& w = *studio.window;
        w.findChild<QAction*>("actionShortcuts")->trigger();
        auto* dialog = w.findChild<radon::ui::ShortcutsDialog*>("shortcutsDialog");
        QVERIFY(dialog);
        auto* table = dialog->findChild<QTableWidget*>("shortcutsTable");
        QStringList rows;
        for (int row = 0; row < table->rowCount(); ++row)
            rows << table->item(row, 0)->text() + " | " + table->item(row, 1)->text();
        // Every action of the window that has a shortcut and sits in a menu is listed.
        int expected = 0;
        for (QAction* action : w.findChildren<QAction*>()) {
            if (action->shortcut().isEmpty() || action->associatedObjects().isEmpty()) continue;
            ++expected;
            const QString keys = action->shortcut().toString(QKeySequence::NativeText);
            QString text = action->text();
            text.remove('&');
            QVERIFY2(!rows.filter(keys).filter(text).isEmpty(),
                     qPrintable(keys + " " + text + " not in\n" + rows.join('\n')));
        }
        QCOMPARE(table->rowCount(), expected);
        QVERIFY(rows.filter(QString::fromUtf8("Edit \u25b8 Undo")).size() == 1);
        QVERIFY(rows.filter("Ctrl+Shift+Z").size() == 1);
        QVERIFY(rows.filter("Load pose").size() == 1);
        dialog->close();
    }

    void keep_field_of_view_and_hold_window_are_remembered() {
        QTemporaryDir dir;
        {
            Studio studio(dir);
            QVERIFY(studio.window->posePanel()->keepsFieldOfView());  // the default
            QVERIFY(!studio.window->drrView()->holdsWindow());
            studio.window->posePanel()->setKeepFieldOfView(false);
            studio.window->findChild<QAction*>("actionHoldWindow")->trigger();
            QVERIFY(studio.window->drrView()->holdsWindow());
            studio.window->saveSettings();
        }
        Studio again(dir);
        QVERIFY(!again.window->posePanel()->keepsFieldOfView());
        QVERIFY(again.window->drrView()->holdsWindow());
        QVERIFY(again.window->findChild<QAction*>("actionHoldWindow")->isChecked());
    }

    void the_drr_names_the_patient_directions_of_the_pose() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        MainWindow& w = *studio.window;
        QCOMPARE(w.drrView()->edgeLetters().left, QString("R"));  // AP: read like a radiograph
        QCOMPARE(w.drrView()->edgeLetters().top, QString("S"));
        w.posePanel()->applyPreset(radon::CArmPreset::PA);
        QVERIFY(studio.settle());
        QCOMPARE(w.drrView()->edgeLetters().left, QString("L"));
        QVERIFY(w.drrView()->scaleBarLabel().contains(QString::fromUtf8("(\u00d71.20)")));
    }
};

RADON_TEST_CLASS(TestMainWindowPose);

#include "test_main_window_pose.moc"
