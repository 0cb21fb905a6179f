#include "ui/common/dicom_folder_scan.h"

#include <QCoreApplication>
#include <QDir>
#include <QStringList>

#include <utility>

namespace radon::ui {

DicomFolderScan DicomFolderScan::from(const QString& folder, recon::DicomFolderListing listing) {
    DicomFolderScan scan;
    scan.folder = folder;
    scan.series = std::move(listing.series);
    scan.unreadable = std::move(listing.unreadable);
    return scan;
}

QList<UnreadableFileRow> DicomFolderScan::unreadableRows() const {
    return unreadable_rows(folder, unreadable);
}

QString DicomFolderScan::unreadableHeading() const {
    if (unreadable.empty()) return {};
    // Qt's plural forms need a translation file; this wording is English-only anyway.
    return unreadable.size() == 1
               ? QCoreApplication::translate("DicomFolderScan",
                                             "1 file cannot be read and is left out of every "
                                             "series:")
               : QCoreApplication::translate("DicomFolderScan",
                                             "%1 files cannot be read and are left out of every "
                                             "series:")
                     .arg(static_cast<qulonglong>(unreadable.size()));
}

QString DicomFolderScan::unreadableDetails() const {
    return unreadable_details(folder, unreadable);
}

QList<UnreadableFileRow> unreadable_rows(const QString& folder,
                                         const std::vector<recon::UnreadableDicomFile>& files) {
    const QDir base(folder);
    QList<UnreadableFileRow> rows;
    for (const recon::UnreadableDicomFile& file : files) {
        UnreadableFileRow row;
        row.path = QString::fromStdString(file.path);
        row.name = folder.isEmpty() ? row.path : base.relativeFilePath(row.path);
        row.reason = QString::fromStdString(file.reason);
        rows << row;
    }
    return rows;
}

QString unreadable_details(const QString& folder,
                           const std::vector<recon::UnreadableDicomFile>& files) {
    QStringList lines;
    for (const UnreadableFileRow& row : unreadable_rows(folder, files))
        lines << row.name + ": " + row.reason;
    return lines.join('\n');
}

}  // namespace radon::ui
