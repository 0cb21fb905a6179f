#pragma once

#include <QDialog>
#include <QString>

#include <vector>

#include "recon/io/dicom_series.h"

class QDialogButtonBox;
class QTreeWidget;

namespace radon::ui {

// Asks which series of a DICOM folder to open: one row per series (number, description,
// modality, size, spacing, files), those that cannot load as a regular grid greyed out with the
// reason. A double click or OK accepts the selected series.
class SeriesPickerDialog : public QDialog {
    Q_OBJECT

  public:
    SeriesPickerDialog(const QString& folder, std::vector<recon::DicomSeriesSummary> series,
                       QWidget* parent = nullptr);

    // The UID of the selected series (empty when none is).
    QString selectedUid() const;
    void selectUid(const QString& uid);
    QTreeWidget* list() const { return list_; }

  private:
    void refreshOk();

    std::vector<recon::DicomSeriesSummary> series_;
    QTreeWidget* list_;
    QDialogButtonBox* buttons_;
};

}  // namespace radon::ui
