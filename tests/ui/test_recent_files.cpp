// The recent-files list: newest first, no repeats, at most kMaxEntries, kept in QSettings.

#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/common/test_registry.h"
#include "ui/common/recent_files.h"

using radon::ui::RecentFile;
using radon::ui::RecentFiles;

class TestRecentFiles : public QObject {
    Q_OBJECT

  private slots:
    void newest_first_without_repeats_and_bounded() {
        RecentFiles recent;
        for (int i = 0; i < RecentFiles::kMaxEntries + 3; ++i)
            recent.add({QStringLiteral("/data/ct%1.nii.gz").arg(i), QString()});
        QCOMPARE(recent.entries().size(), qsizetype(RecentFiles::kMaxEntries));
        QCOMPARE(recent.entries().first().path, QString("/data/ct12.nii.gz"));
        QCOMPARE(recent.entries().last().path, QString("/data/ct3.nii.gz"));
        recent.add({"/data/ct5.nii.gz", QString()});
        QCOMPARE(recent.entries().first().path, QString("/data/ct5.nii.gz"));
        QCOMPARE(recent.entries().size(), qsizetype(RecentFiles::kMaxEntries));
        QCOMPARE(recent.entries().count(RecentFile{"/data/ct5.nii.gz", QString()}), qsizetype(1));
        // The same folder with another series is another entry.
        recent.add({"/data/dicom", "1.2.3"});
        recent.add({"/data/dicom", "1.2.4"});
        QCOMPARE(recent.entries().at(0), (RecentFile{"/data/dicom", "1.2.4"}));
        QCOMPARE(recent.entries().at(1), (RecentFile{"/data/dicom", "1.2.3"}));
    }

    void settings_round_trip_and_a_shorter_list_drops_the_old_tail() {
        QTemporaryDir dir;
        QSettings settings(dir.filePath("s.ini"), QSettings::IniFormat);
        RecentFiles recent;
        recent.add({"/a.nrrd", QString()});
        recent.add({"/dicom", "Chest"});
        recent.save(settings);
        RecentFiles read;
        read.load(settings);
        QCOMPARE(read.entries(), recent.entries());
        recent.remove({"/a.nrrd", QString()});
        recent.save(settings);
        read.load(settings);
        QCOMPARE(read.entries().size(), qsizetype(1));
        QCOMPARE(read.entries().first(), (RecentFile{"/dicom", "Chest"}));
    }

    void labels_name_the_file_and_the_series() {
        QCOMPARE(RecentFiles::label({"/data/thorax.nii.gz", QString()}), QString("thorax.nii.gz"));
        QCOMPARE(RecentFiles::label({"/data/CT", "Chest 2.5 mm"}),
                 QString("CT (series Chest 2.5 mm)"));
    }
};

RADON_TEST_CLASS(TestRecentFiles);
#include "test_recent_files.moc"
