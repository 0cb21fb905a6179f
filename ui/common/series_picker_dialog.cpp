#include "ui/common/series_picker_dialog.h"

#include <QDialogButtonBox>
#include <QFont>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <utility>

namespace radon::ui {
namespace {

enum Column { kNumber, kDescription, kModality, kSize, kSpacing, kFiles, kProblem, kColumns };
enum UnreadableColumn { kUnreadableFile, kUnreadableReason, kUnreadableColumns };
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

SeriesPickerDialog::SeriesPickerDialog(DicomFolderScan scan, QWidget* parent)
    : QDialog(parent), scan_(std::move(scan)) {
    setObjectName("seriesPicker");
    setWindowTitle(tr("Choose a DICOM series"));
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(tr("%1 holds %2 series. Open which one?")
                                 .arg(scan_.folder)
                                 .arg(static_cast<qlonglong>(scan_.series.size())),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    list_ = new QTreeWidget(this);
    list_->setObjectName("seriesList");
    list_->setRootIsDecorated(false);
    list_->setColumnCount(kColumns);
    list_->setHeaderLabels({tr("No."), tr("Description"), tr("Modality"), tr("Size"), tr("Spacing"),
                            tr("Files"), tr("Cannot load because")});
    for (const recon::DicomSeriesSummary& s : scan_.series) {
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
    layout->addWidget(list_, 2);
    addUnreadableList(*layout);

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
    resize(860, unreadable_ ? 440 : 320);
}

void SeriesPickerDialog::addUnreadableList(QVBoxLayout& layout) {
    const QList<UnreadableFileRow> rows = scan_.unreadableRows();
    if (rows.isEmpty()) return;
    auto* heading = new QLabel(scan_.unreadableHeading(), this);
    heading->setObjectName("unreadableHeading");
    heading->setWordWrap(true);
    QFont bold = heading->font();
    bold.setBold(true);
    heading->setFont(bold);
    layout.addWidget(heading);

    unreadable_ = new QTreeWidget(this);
    unreadable_->setObjectName("unreadableFiles");
    unreadable_->setRootIsDecorated(false);
    // Nothing to choose here: the rows only say what is left out.
    unreadable_->setSelectionMode(QAbstractItemView::NoSelection);
    unreadable_->setFocusPolicy(Qt::NoFocus);
    unreadable_->setColumnCount(kUnreadableColumns);
    unreadable_->setHeaderLabels({tr("File"), tr("Cannot be read because")});
    // Reasons run long (where the file ends, in which element): wrapped, never cut short.
    unreadable_->setWordWrap(true);
    unreadable_->setTextElideMode(Qt::ElideNone);
    const QIcon warning = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (const UnreadableFileRow& row : rows) {
        auto* item = new QTreeWidgetItem(unreadable_);
        item->setIcon(kUnreadableFile, warning);
        item->setText(kUnreadableFile, row.name);
        item->setText(kUnreadableReason, row.reason);
        item->setToolTip(kUnreadableFile, row.path);
        item->setToolTip(kUnreadableReason, row.reason);
    }
    unreadable_->resizeColumnToContents(kUnreadableFile);
    heading->setBuddy(unreadable_);
    layout.addWidget(unreadable_, 1);
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
