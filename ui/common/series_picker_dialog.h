#pragma once

#include <QDialog>
#include <QString>

#include <vector>

#include "ui/common/dicom_folder_scan.h"

class QDialogButtonBox;
class QTreeWidget;
class QVBoxLayout;

namespace radon::ui {

// Asks which series of a DICOM folder to open: one row per series (number, description,
// modality, size, spacing, files), those that cannot load as a regular grid greyed out with the
// reason. A double click or OK accepts the selected series. Files of the folder that cannot be
// read are listed below, each with its reason: they are left out of whichever series opens.
class SeriesPickerDialog : public QDialog {
    Q_OBJECT

  public:
    explicit SeriesPickerDialog(DicomFolderScan scan, QWidget* parent = nullptr);

    // The UID of the selected series (empty when none is).
    QString selectedUid() const;
    void selectUid(const QString& uid);
    QTreeWidget* list() const { return list_; }
    // The unreadable files (name relative to the folder, reason); null when every file reads.
    QTreeWidget* unreadableList() const { return unreadable_; }

  private:
    void addUnreadableList(QVBoxLayout& layout);
    void refreshOk();

    DicomFolderScan scan_;
    QTreeWidget* list_;
    QTreeWidget* unreadable_ = nullptr;
    QDialogButtonBox* buttons_;
};

}  // namespace radon::ui
