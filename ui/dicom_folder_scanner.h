#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>

#include <cstdint>
#include <vector>

#include "recon/io/dicom_series.h"

namespace radon::ui {

// Lists the DICOM series of a folder (recon::list_dicom_series) on a thread of its own: reading
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
    void scanned(const QString& folder, const std::vector<recon::DicomSeriesSummary>& series);
    // recon/io's message, which names the folder.
    void failed(const QString& folder, const QString& message);

  private:
    std::uint64_t generation_ = 0;
    bool busy_ = false;
    std::vector<QPointer<QThread>> threads_;
};

}  // namespace radon::ui
