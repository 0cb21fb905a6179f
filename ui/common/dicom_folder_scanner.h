#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

#include <cstdint>
#include <vector>

#include "ui/common/dicom_folder_scan.h"

namespace radon::ui {

// Lists the DICOM series of a folder and the files it cannot read (recon::scan_dicom_folder) on a
// thread of its own: reading
// the headers of a few hundred files takes long enough to freeze a window. A new scan supersedes
// the one before it: only the newest scan's outcome is reported, on the scanner's thread.
class DicomFolderScanner : public QObject {
    Q_OBJECT

  public:
    explicit DicomFolderScanner(QObject* parent = nullptr);
    // Waits for the scanning threads to end.
    ~DicomFolderScanner() override;

    void scan(const QString& folder);
    bool busy() const { return busy_; }

  signals:
    void scanned(const radon::ui::DicomFolderScan& scan);
    // recon/io's message, which names the folder. When the folder holds DICOM files but none that
    // reads, `scan.unreadable` lists them all (the message names only the first).
    void failed(const radon::ui::DicomFolderScan& scan, const QString& message);

  private:
    std::uint64_t generation_ = 0;
    bool busy_ = false;
    std::vector<QPointer<QThread>> threads_;
};

}  // namespace radon::ui
