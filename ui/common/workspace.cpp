#include "ui/common/workspace.h"

#include <QSettings>

namespace radon::ui {

Workspace::Workspace(const QString& id, const QString& title, StudioContext& context,
                     QWidget* parent)
    : QMainWindow(parent), id_(id), title_(title), context_(context) {
    setWindowFlags(Qt::Widget);  // a child of the tabs, not a window of its own
    setObjectName("workspace_" + id);
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
}

void Workspace::saveSettings(QSettings& settings) const {
    settings.beginGroup("workspace/" + id_);
    settings.setValue("layout", saveState());
    saveExtraSettings(settings);
    settings.endGroup();
}

void Workspace::restoreSettings(QSettings& settings) {
    settings.beginGroup("workspace/" + id_);
    const QByteArray layout = settings.value("layout").toByteArray();
    if (!layout.isEmpty()) restoreState(layout);
    restoreExtraSettings(settings);
    settings.endGroup();
}

}  // namespace radon::ui
