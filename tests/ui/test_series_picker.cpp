// The series picker and the scan it shows, without reading any file: unreadable files are named
// relative to the folder (subfolders kept), each with its reason, under a heading that counts
// them; a folder without unreadable files shows no such list.

#include <QLabel>
#include <QTreeWidget>
#include <QtTest>

#include "tests/common/test_registry.h"
#include "ui/common/dicom_folder_scan.h"
#include "ui/common/series_picker_dialog.h"

using radon::ui::DicomFolderScan;
using radon::ui::SeriesPickerDialog;

namespace {

DicomFolderScan two_series(const QString& folder) {
    DicomFolderScan scan;
    scan.folder = folder;
    for (int i = 1; i <= 2; ++i) {
        radon::recon::DicomSeriesSummary s;
        s.uid = "1.2.3." + std::to_string(i);
        s.description = i == 1 ? "Chest" : "Scout";
        s.number = i;
        s.files = 10;
        s.size = {64, 64, 10};
        s.spacing = {0.7, 0.7, 2.5};
        scan.series.push_back(s);
    }
    return scan;
}

}  // namespace

class TestSeriesPicker : public QObject {
    Q_OBJECT

  private slots:
    void unreadable_files_are_listed_with_their_reasons() {
        DicomFolderScan scan = two_series("/data/study");
        scan.unreadable = {{"/data/study/a/cut.dcm", "the file ends at byte 518"},
                           {"/data/study/slope.dcm", "its rescale slope (0028,1053) is 0"}};
        SeriesPickerDialog picker(scan);
        picker.show();
        QCOMPARE(picker.list()->topLevelItemCount(), 2);
        QTreeWidget* list = picker.unreadableList();
        QVERIFY(list && list->isVisible());
        QCOMPARE(list->topLevelItemCount(), 2);
        QCOMPARE(list->topLevelItem(0)->text(0), QString("a/cut.dcm"));
        QCOMPARE(list->topLevelItem(0)->text(1), QString("the file ends at byte 518"));
        QCOMPARE(list->topLevelItem(0)->toolTip(0), QString("/data/study/a/cut.dcm"));
        QCOMPARE(list->topLevelItem(1)->text(0), QString("slope.dcm"));
        QCOMPARE(list->topLevelItem(1)->text(1), QString("its rescale slope (0028,1053) is 0"));
        // Nothing to choose among them: the series stays the selection.
        QCOMPARE(list->selectionMode(), QAbstractItemView::NoSelection);
        QCOMPARE(picker.selectedUid(), QString("1.2.3.1"));
        auto* heading = picker.findChild<QLabel*>("unreadableHeading");
        QVERIFY(heading);
        QCOMPARE(heading->text(),
                 QString("2 files cannot be read and are left out of every series:"));
        QCOMPARE(scan.unreadableDetails(),
                 QString("a/cut.dcm: the file ends at byte 518\n"
                         "slope.dcm: its rescale slope (0028,1053) is 0"));
    }

    void a_folder_that_reads_whole_shows_no_unreadable_list() {
        const DicomFolderScan scan = two_series("/data/study");
        SeriesPickerDialog picker(scan);
        picker.show();
        QVERIFY(!picker.unreadableList());
        QVERIFY(!picker.findChild<QLabel*>("unreadableHeading"));
        QVERIFY(scan.unreadableHeading().isEmpty());
        QVERIFY(scan.unreadableDetails().isEmpty());
    }
};

RADON_TEST_CLASS(TestSeriesPicker);

#include "test_series_picker.moc"
