// DICOM folders with damaged files, opened in the app as a user opens them: a half-copied file
// is listed in the series picker with the reason it cannot be read, the series still loads, and
// the window says what it left out; a folder of damaged files only gives an error that names
// each file, and the window keeps what it showed.

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include <cmath>

#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/dicom_fixtures.h"
#include "tests/common/test_registry.h"
#include "tests/gui/main_window_fixture.h"
#include "ui/common/series_picker_dialog.h"
#include "ui/main_window.h"

using radon::test::send_drop;
using radon::test::Studio;
using radon::ui::MainWindow;
using radon::ui::SeriesPickerDialog;

namespace {

// The thorax phantom on a coarse grid, in whole HU (which the int16 files store exactly).
radon::recon::Volume whole_hu(std::array<int64_t, 3> size, radon::Vec3 spacing) {
    radon::recon::Volume hu =
        radon::recon::thorax_phantom().voxelize_hu(radon::centered_grid(size, spacing));
    for (int64_t i = 0; i < hu.voxels.size(); ++i)
        hu.voxels.host_data()[i] = std::round(hu.voxels.host_data()[i]);
    return hu;
}

const std::array<int64_t, 3> kChestSize{40, 40, 12};

void write_chest(const QString& folder) {
    radon::test::CtSeries chest;
    chest.slope = 1;
    chest.description = "Chest";
    chest.series_number = 2;
    radon::test::write_ct_series(whole_hu(kChestSize, {9, 9, 27}), folder.toStdString(), chest);
}

void write_scout(const QString& folder) {
    radon::test::CtSeries scout;
    scout.slope = 1;
    scout.series_uid = radon::test::uid("2");
    scout.description = "Scout";
    scout.series_number = 1;
    scout.file_names = {"b0.dcm", "b1.dcm", "b2.dcm", "b3.dcm"};
    radon::test::write_ct_series(whole_hu({16, 16, 4}, {20, 20, 80}), folder.toStdString(), scout);
}

// A copy of `source` that stops two bytes into its series description, as a copy interrupted
// there leaves it. Returns its size: the byte the reader must say it ends at.
qint64 write_cut_copy(const QString& source, const QString& copy) {
    QFile in(source);
    if (!in.open(QIODevice::ReadOnly)) return -1;
    QByteArray bytes = in.readAll();
    bytes.truncate(bytes.indexOf("Chest") + 2);
    QFile out(copy);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size()) return -1;
    return bytes.size();
}

// The non-blocking message box the window opened with this object name, or null.
QMessageBox* message_box(const QString& name) {
    for (QWidget* widget : QApplication::topLevelWidgets()) {
        if (auto* box = qobject_cast<QMessageBox*>(widget);
            box && box->objectName() == name && box->isVisible())
            return box;
    }
    return nullptr;
}

SeriesPickerDialog* wait_for_picker(MainWindow& window) {
    SeriesPickerDialog* picker = nullptr;
    const bool shown = QTest::qWaitFor([&] {
        picker = window.findChild<SeriesPickerDialog*>();
        return picker && picker->isVisible();
    });
    return shown ? picker : nullptr;
}

// The window's notice after a load that left a file out: the load's line in the status bar and a
// warning box whose details name the file and its reason.
void check_left_out_notice(MainWindow& window, const QSignalSpy& warned, const QString& folder,
                           const QString& cut, qint64 cut_size) {
    QCOMPARE(warned.count(), 1);
    const QString message = warned.at(0).at(0).toString();
    const QString reason = QString("the file ends at byte %1").arg(cut_size);
    QVERIFY2(message.startsWith(folder + ": 1 DICOM file is unreadable: " + cut + ": " + reason),
             qPrintable(message));
    QVERIFY2(message.contains("left out"), qPrintable(message));
    QCOMPARE(window.statusBar()->currentMessage(), message);
    QMessageBox* box = message_box("loadWarningDialog");
    QVERIFY(box);
    QCOMPARE(box->informativeText(), message);
    QVERIFY2(box->detailedText().startsWith(QFileInfo(cut).fileName() + ": " + reason),
             qPrintable(box->detailedText()));
    const QString shots = qEnvironmentVariable("RADON_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        QVERIFY(box->grab().save(QDir(shots).filePath("load_warning_box.png")));
        QVERIFY(window.statusBar()->grab().save(QDir(shots).filePath("load_warning_status.png")));
    }
    box->close();
}

}  // namespace

class TestDicomFolderOpen : public QObject {
    Q_OBJECT

  private slots:
    void the_picker_lists_a_damaged_file_with_its_reason_and_the_series_loads() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const QString folder = dir.filePath("dicom");
        QVERIFY(QDir().mkpath(folder));
        write_chest(folder);
        write_scout(folder);
        const QString cut = folder + "/half_copied.dcm";
        const qint64 cut_size = write_cut_copy(folder + "/slice_000.dcm", cut);
        QVERIFY(cut_size > 0);

        studio.window->openPath(folder);
        SeriesPickerDialog* picker = wait_for_picker(*studio.window);
        QVERIFY(picker);
        QCOMPARE(picker->list()->topLevelItemCount(), 2);  // the series, undisturbed
        QTreeWidget* unreadable = picker->unreadableList();
        QVERIFY(unreadable);
        QVERIFY(unreadable->isVisible());
        QCOMPARE(unreadable->topLevelItemCount(), 1);
        QCOMPARE(unreadable->topLevelItem(0)->text(0), QString("half_copied.dcm"));
        const QString reason = unreadable->topLevelItem(0)->text(1);
        QVERIFY2(reason.startsWith(QString("the file ends at byte %1, inside the data element "
                                           "(0008,103E)")
                                       .arg(cut_size)),
                 qPrintable(reason));
        QCOMPARE(unreadable->topLevelItem(0)->toolTip(0), cut);
        auto* heading = picker->findChild<QLabel*>("unreadableHeading");
        QVERIFY(heading && heading->isVisible());
        QVERIFY2(heading->text().startsWith("1 file cannot be read"), qPrintable(heading->text()));

        const QString shots = qEnvironmentVariable("RADON_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(picker->grab().save(QDir(shots).filePath("series_picker_unreadable.png")));

        picker->selectUid(QString::fromStdString(radon::test::uid("1")));
        QSignalSpy loaded(studio.window.get(), &MainWindow::volumeShown);
        QSignalSpy warned(studio.window.get(), &MainWindow::warningShown);
        picker->accept();
        QVERIFY(loaded.wait(60000));
        QCOMPARE(studio.window->session().volume()->hu.grid.size, kChestSize);
        check_left_out_notice(*studio.window, warned, folder, cut, cut_size);
    }

    void a_dropped_folder_of_one_series_loads_and_says_what_it_left_out() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const QString folder = dir.filePath("chest");
        QVERIFY(QDir().mkpath(folder));
        write_chest(folder);
        const QString cut = folder + "/half_copied.dcm";
        const qint64 cut_size = write_cut_copy(folder + "/slice_000.dcm", cut);
        QVERIFY(cut_size > 0);

        QSignalSpy loaded(studio.window.get(), &MainWindow::volumeShown);
        QSignalSpy warned(studio.window.get(), &MainWindow::warningShown);
        send_drop(studio.window.get(), folder);
        QVERIFY(loaded.wait(60000));
        QVERIFY(!studio.window->findChild<SeriesPickerDialog*>());  // one series: no question
        QCOMPARE(studio.window->session().volume()->hu.grid.size, kChestSize);
        check_left_out_notice(*studio.window, warned, folder, cut, cut_size);
    }

    void a_folder_of_damaged_files_only_gives_an_error_naming_each() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const QString before = studio.window->session().volume()->description;
        const QString source = dir.filePath("source");
        QVERIFY(QDir().mkpath(source));
        write_chest(source);
        const QString folder = dir.filePath("damaged");
        QVERIFY(QDir().mkpath(folder));
        const QStringList names = {"a.dcm", "b.dcm"};
        QList<qint64> sizes;
        for (const QString& name : names) {
            sizes << write_cut_copy(source + "/slice_000.dcm", folder + "/" + name);
            QVERIFY(sizes.last() > 0);
        }

        QSignalSpy error(studio.window.get(), &MainWindow::errorShown);
        QSignalSpy loaded(studio.window.get(), &MainWindow::volumeShown);
        QSignalSpy warned(studio.window.get(), &MainWindow::warningShown);
        send_drop(studio.window.get(), folder);
        QVERIFY(error.wait(30000));
        const QString message = error.at(0).at(0).toString();
        QVERIFY2(message.startsWith(folder + ": no readable DICOM images"), qPrintable(message));
        QMessageBox* box = message_box("errorDialog");
        QVERIFY(box);
        // Every file with its reason, not only the first the message names.
        QStringList expected;
        for (int i = 0; i < names.size(); ++i)
            expected << names[i] + ": the file ends at byte " + QString::number(sizes[i]);
        const QStringList details = box->detailedText().split('\n');
        QCOMPARE(details.size(), names.size());
        for (int i = 0; i < names.size(); ++i)
            QVERIFY2(details[i].startsWith(expected[i]), qPrintable(details[i]));
        box->close();
        // Nothing else happens: no picker, no load, the volume on screen stays.
        QTest::qWait(200);
        QVERIFY(!studio.window->findChild<SeriesPickerDialog*>());
        QCOMPARE(loaded.count(), 0);
        QCOMPARE(warned.count(), 0);
        QCOMPARE(studio.window->session().volume()->description, before);
    }

    // Given at start, with nothing on screen yet: the error, then the phantom rather than an
    // empty window.
    void a_folder_of_damaged_files_at_start_falls_back_to_the_phantom() {
        QTemporaryDir dir;
        Studio studio(dir, false);
        const QString source = dir.filePath("source");
        QVERIFY(QDir().mkpath(source));
        write_chest(source);
        const QString folder = dir.filePath("damaged");
        QVERIFY(QDir().mkpath(folder));
        const qint64 size = write_cut_copy(source + "/slice_000.dcm", folder + "/only.dcm");
        QVERIFY(size > 0);

        QSignalSpy error(studio.window.get(), &MainWindow::errorShown);
        QSignalSpy loaded(studio.window.get(), &MainWindow::volumeShown);
        studio.window->openPath(folder);
        QVERIFY(error.wait(30000));
        QVERIFY2(error.at(0).at(0).toString().contains("Showing the built-in thorax phantom"),
                 qPrintable(error.at(0).at(0).toString()));
        QMessageBox* box = message_box("errorDialog");
        QVERIFY(box);
        QVERIFY2(
            box->detailedText().startsWith(QString("only.dcm: the file ends at byte %1").arg(size)),
            qPrintable(box->detailedText()));
        box->close();
        QVERIFY(loaded.count() > 0 || loaded.wait(60000));
        QVERIFY(loaded.at(0).at(0).toString().contains("thorax phantom"));
    }
};

RADON_TEST_CLASS(TestDicomFolderOpen);

#include "test_dicom_folder_open.moc"
