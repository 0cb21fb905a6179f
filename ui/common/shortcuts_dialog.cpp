#include "ui/common/shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace radon::ui {
namespace {

QString without_mnemonic(QString text) {
    // "&&" is a literal ampersand; a single "&" marks the mnemonic.
    text.replace(QLatin1String("&&"), QLatin1String("\x01"));
    text.remove('&');
    text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
    return text;
}

QString keys_of(const QAction* action) {
    QStringList keys;
    for (const QKeySequence& sequence : action->shortcuts())
        keys << sequence.toString(QKeySequence::NativeText);
    return keys.join(QStringLiteral(", "));
}

void collect(const QList<QAction*>& actions, const QString& path, std::vector<ShortcutEntry>& out) {
    for (const QAction* action : actions) {
        if (action->isSeparator()) continue;
        const QString name = without_mnemonic(action->text());
        const QString here = path.isEmpty() ? name : path + QStringLiteral(" \u25b8 ") + name;
        if (QMenu* menu = action->menu()) {
            collect(menu->actions(), here, out);
        } else if (!action->shortcuts().isEmpty()) {
            out.push_back({keys_of(action), here});
        }
    }
}

}  // namespace

std::vector<ShortcutEntry> collect_shortcuts(QWidget* window, QMenuBar* menu_bar) {
    std::vector<ShortcutEntry> out;
    if (menu_bar) collect(menu_bar->actions(), QString(), out);
    if (window) collect(window->actions(), QString(), out);
    return out;
}

ShortcutsDialog::ShortcutsDialog(const std::vector<ShortcutEntry>& shortcuts, QWidget* parent)
    : QDialog(parent) {
    setObjectName("shortcutsDialog");
    setWindowTitle(tr("Keyboard shortcuts"));
    auto* table = new QTableWidget(static_cast<int>(shortcuts.size()), 2, this);
    table->setObjectName("shortcutsTable");
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action")});
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    int row = 0;
    for (const ShortcutEntry& entry : shortcuts) {
        table->setItem(row, 0, new QTableWidgetItem(entry.keys));
        table->setItem(row, 1, new QTableWidgetItem(entry.action));
        ++row;
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);

    auto* sliders = new QLabel(
        tr("Pose sliders and fields: arrow keys and the wheel move by 1° or 1 mm; with Shift "
           "or Ctrl held, by 0.1° or 0.1 mm. Page Up/Down: 10. A drag is one undo step."),
        this);
    sliders->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(sliders);
    layout->addWidget(buttons);
    resize(600, 640);
}

}  // namespace radon::ui
