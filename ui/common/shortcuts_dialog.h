#pragma once

#include <QDialog>
#include <QString>

#include <vector>

class QMenuBar;
class QWidget;

namespace radon::ui {

// One keyboard shortcut of a window: its key sequence as the platform writes it and the menu
// path of its action ("File ▸ Save screenshot ▸ 3D view...").
struct ShortcutEntry {
    QString keys;
    QString action;
};

// Every action reachable from `window`'s menu bar, and every action added to the window itself,
// that has a shortcut, in menu order. Generated, never written by hand, so it cannot go stale.
std::vector<ShortcutEntry> collect_shortcuts(QWidget* window, QMenuBar* menu_bar);

// Help > Keyboard shortcuts: the table of collect_shortcuts, and how the pose sliders take the
// keyboard and the wheel.
class ShortcutsDialog : public QDialog {
    Q_OBJECT

  public:
    ShortcutsDialog(const std::vector<ShortcutEntry>& shortcuts, QWidget* parent = nullptr);
};

}  // namespace radon::ui
