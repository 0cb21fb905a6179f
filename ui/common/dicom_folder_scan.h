#pragma once

#include <QList>
#include <QString>

#include <vector>

#include "recon/io/dicom_series.h"

namespace radon::ui {

// A file of a scanned folder that cannot be read, as the app lists it.
struct UnreadableFileRow {
    QString name;    // relative to the scanned folder (subfolders included)
    QString path;    // as recon/io gave it
    QString reason;  // one clause
};

// What a scan of a DICOM folder found, as the app shows it: the series to choose from and the
// files that cannot be read, each with its reason. The widgets show it; the wording lives here
// so that the picker, the notices and the tests agree.
struct DicomFolderScan {
    QString folder;
    std::vector<recon::DicomSeriesSummary> series;
    std::vector<recon::UnreadableDicomFile> unreadable;

    static DicomFolderScan from(const QString& folder, recon::DicomFolderListing listing);

    QList<UnreadableFileRow> unreadableRows() const;
    // "1 file cannot be read and is left out of every series:" (empty when every file reads).
    QString unreadableHeading() const;
    // One "NAME: REASON" line per unreadable file, for a notice's details.
    QString unreadableDetails() const;
};

// The rows of `files`, named relative to `folder`.
QList<UnreadableFileRow> unreadable_rows(const QString& folder,
                                         const std::vector<recon::UnreadableDicomFile>& files);
// One "NAME: REASON" line per file.
QString unreadable_details(const QString& folder,
                           const std::vector<recon::UnreadableDicomFile>& files);

}  // namespace radon::ui
