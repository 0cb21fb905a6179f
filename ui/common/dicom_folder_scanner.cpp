#include "ui/common/dicom_folder_scanner.h"
#include "ui/common/tracked_threads.h"

#include <QMetaObject>

#include <algorithm>
#include <exception>
#include <functional>

namespace radon::ui {

DicomFolderScanner::DicomFolderScanner(QObject* parent) : QObject(parent) {}

DicomFolderScanner::~DicomFolderScanner() {
    ++generation_;  // nothing is reported any more
    for (const auto& thread : threads_) {
        if (thread) thread->wait();
    }
}

void DicomFolderScanner::scan(const QString& folder) {
    const std::uint64_t generation = ++generation_;
    busy_ = true;
    QThread* thread = QThread::create([this, generation, folder] {
        // Back on the scanner's thread, where a newer scan may have superseded this one.
        auto report = [this, generation](std::function<void()> emit_outcome) {
            QMetaObject::invokeMethod(
                this,
                [this, generation, emit_outcome] {
                    if (generation != generation_) return;
                    busy_ = false;
                    emit_outcome();
                },
                Qt::QueuedConnection);
        };
        DicomFolderScan scan;
        scan.folder = folder;
        try {
            scan = DicomFolderScan::from(folder, recon::scan_dicom_folder(folder.toStdString()));
            report([this, scan] { emit scanned(scan); });
        } catch (const recon::UnreadableDicomFolder& e) {
            scan.unreadable = e.unreadable;
            const QString message = QString::fromStdString(e.what());
            report([this, scan, message] { emit failed(scan, message); });
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what());
            report([this, scan, message] { emit failed(scan, message); });
        }
    });
    start_tracked(threads_, thread);
}

}  // namespace radon::ui
