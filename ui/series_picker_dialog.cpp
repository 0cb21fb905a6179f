#include "ui/series_picker_dialog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <utility>

namespace radon::ui {
namespace {

enum Column { kNumber, kDescription, kModality, kSize, kSpacing, kFiles, kProblem, kColumns };
constexpr int kUidRole = Qt::UserRole;

QString size_text(const recon::DicomSeriesSummary& s) {
    return QStringLiteral("%1 x %2 x %3").arg(s.size[0]).arg(s.size[1]).arg(s.size[2]);
}

QString spacing_text(const recon::DicomSeriesSummary& s) {
    return QStringLiteral("%1 x %2 x %3 mm")
        .arg(s.spacing.x, 0, 'g', 4)
        .arg(s.spacing.y, 0, 'g', 4)
        .arg(s.spacing.z, 0, 'g', 4);
}

}  // namespace

SeriesPickerDialog::SeriesPickerDialog(const QString& folder,
                                       std::vector<recon::DicomSeriesSummary> series,
                                       QWidget* parent)
    : QDialog(parent), series_(std::move(series)) {
    setObjectName("seriesPicker");
    setWindowTitle(tr("Choose a DICOM series"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("%1 holds %2 series. Open which one?")
                                 .arg(folder)
                                 .arg(static_cast<qlonglong>(series_.size())),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    list_ = new QTreeWidget(this);
    list_->setRootIsDecorated(false);
    list_->setColumnCount(kColumns);
    list_->setHeaderLabels({tr("No."), tr("Description"), tr("Modality"), tr("Size"), tr("Spacing"),
                            tr("Files"), tr("Cannot load because")});
    for (const recon::DicomSeriesSummary& s : series_) {
        auto* item = new QTreeWidgetItem(list_);
        item->setText(kNumber, QString::number(s.number));
        item->setText(kDescription, QString::fromStdString(s.description));
        item->setText(kModality, QString::fromStdString(s.modality));
        item->setText(kSize, size_text(s));
        item->setText(kSpacing, spacing_text(s));
        item->setText(kFiles, QString::number(s.files));
        item->setText(kProblem, QString::fromStdString(s.problem));
        item->setData(kNumber, kUidRole, QString::fromStdString(s.uid));
        item->setToolTip(kDescription, tr("Series UID %1").arg(QString::fromStdString(s.uid)));
        // A series that cannot load stays listed, so the user sees why it is not offered.
        if (!s.problem.empty()) item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
    }
    for (int c = 0; c < kColumns; ++c)
        list_->resizeColumnToContents(c);
    layout->addWidget(list_, 1);

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(list_, &QTreeWidget::itemSelectionChanged, this, &SeriesPickerDialog::refreshOk);
    connect(list_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        if (item->flags() & Qt::ItemIsEnabled) accept();
    });

    // The first series that loads is preselected.
    for (int i = 0; i < list_->topLevelItemCount(); ++i) {
        if (list_->topLevelItem(i)->flags() & Qt::ItemIsEnabled) {
            list_->setCurrentItem(list_->topLevelItem(i));
            break;
        }
    }
    refreshOk();
    resize(760, 320);
}

QString SeriesPickerDialog::selectedUid() const {
    const QList<QTreeWidgetItem*> selected = list_->selectedItems();
    if (selected.isEmpty()) return {};
    return selected.first()->data(kNumber, kUidRole).toString();
}

void SeriesPickerDialog::selectUid(const QString& uid) {
    for (int i = 0; i < list_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = list_->topLevelItem(i);
        if (item->data(kNumber, kUidRole).toString() == uid) list_->setCurrentItem(item);
    }
}

void SeriesPickerDialog::refreshOk() {
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(!selectedUid().isEmpty());
}

}  // namespace radon::ui
