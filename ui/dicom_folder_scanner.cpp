#include "ui/dicom_folder_scanner.h"
#include "ui/tracked_threads.h"

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
        try {
            auto series = recon::list_dicom_series(folder.toStdString());
            report([this, folder, series] { emit scanned(folder, series); });
        } catch (const std::exception& e) {
            const QString message = QString::fromStdString(e.what());
            report([this, folder, message] { emit failed(folder, message); });
        }
    });
    start_tracked(threads_, thread);
}

}  // namespace radon::ui
