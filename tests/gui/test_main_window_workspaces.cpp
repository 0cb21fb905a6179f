// The main window's workspaces: tabs and the Workspace menu switch between them, each keeps its
// state across switches, the one shown and each one's layout are remembered, --workspace (the
// option) wins over the settings, and every workspace sees the one volume loaded.

#include <QAction>
#include <QDockWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/common/test_registry.h"
#include "tests/gui/main_window_fixture.h"
#include "ui/common/compute_worker.h"
#include "ui/common/workspace.h"
#include "ui/drr/drr_parameters.h"
#include "ui/drr/drr_worker.h"

using radon::test::Studio;
using radon::ui::Workspace;

class TestMainWindowWorkspaces : public QObject {
    Q_OBJECT

  private slots:
    void every_workspace_is_a_tab_and_a_menu_entry() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        auto* tabs = studio.window->findChild<QTabWidget*>("workspaceTabs");
        QVERIFY(tabs);
        const auto& workspaces = studio.window->workspaces();
        QCOMPARE(tabs->count(), static_cast<int>(workspaces.size()));
        QCOMPARE(workspaces.front()->id(), QString("drr"));
        for (Workspace* w : workspaces) {
            QAction* action = studio.window->findChild<QAction*>("actionWorkspace_" + w->id());
            QVERIFY2(action, qPrintable(w->id()));
            action->trigger();
            QCOMPARE(studio.window->currentWorkspace(), w);
            QCOMPARE(tabs->currentWidget(), w);
            QVERIFY(action->isChecked());
        }
        QVERIFY(!studio.window->setCurrentWorkspace("nonesuch"));
    }

    void switching_keeps_the_drr_workspace_as_it_was() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        radon::ui::DrrParameters p = studio.window->posePanel()->parameters();
        p.pose.primary_deg = 30;
        p.pose.secondary_deg = -12;
        studio.window->posePanel()->setParameters(p);
        QVERIFY(studio.settle());
        const auto sequence = studio.window->session().lastPostedSequence();
        for (Workspace* w : studio.window->workspaces()) {
            studio.window->setCurrentWorkspace(w->id());
            QTest::qWait(50);
        }
        studio.window->setCurrentWorkspace("drr");
        QTest::qWait(50);
        const radon::ui::DrrParameters after = studio.window->posePanel()->parameters();
        QCOMPARE(after.pose.primary_deg, 30.0);
        QCOMPARE(after.pose.secondary_deg, -12.0);
        // Coming back shows what was there: nothing is rendered again.
        QCOMPARE(studio.window->session().lastPostedSequence(), sequence);
        QVERIFY(studio.window->lastFullFrame().has_value());
        QCOMPARE(studio.window->lastFullFrame()->request.parameters.pose.primary_deg, 30.0);
    }

    void the_shown_workspace_and_each_layout_are_remembered() {
        QTemporaryDir dir;
        const QString last = [&] {
            Studio studio(dir);
            if (!studio.ready()) return QString();
            auto* dock = studio.window->findChild<QDockWidget*>("poseDock");
            dock->setFloating(false);
            studio.window->workspace("drr")->addDockWidget(Qt::RightDockWidgetArea, dock);
            const QString id = studio.window->workspaces().back()->id();
            studio.window->setCurrentWorkspace(id);
            studio.window->saveSettings();
            return id;
        }();
        QVERIFY(!last.isEmpty());
        Studio again(dir, /*start_with_thorax=*/false);
        QCOMPARE(again.window->currentWorkspace()->id(), last);
        auto* dock = again.window->findChild<QDockWidget*>("poseDock");
        QCOMPARE(again.window->workspace("drr")->dockWidgetArea(dock), Qt::RightDockWidgetArea);

        // The option wins over the settings.
        radon::ui::MainWindowOptions options = radon::test::small_options(dir);
        options.start_with_thorax = false;
        options.workspace = "drr";
        radon::ui::MainWindow chosen(options);
        QCOMPARE(chosen.currentWorkspace()->id(), QString("drr"));
    }

    void every_workspace_sees_the_volume_loaded() {
        QTemporaryDir dir;
        Studio studio(dir);
        QVERIFY(studio.ready());
        const auto& shared = studio.window->context().volume;
        QVERIFY(shared.has_value());
        QCOMPARE(shared->phantom, QString("thorax"));
        QVERIFY(studio.window->context().compute == &studio.window->compute());
        const QString path = radon::test::write_small_volume(dir, "small.nii.gz");
        QVERIFY(studio.open(path));
        QCOMPARE(studio.window->context().volume->description, path);
        QVERIFY(studio.window->context().volume->phantom.isEmpty());
        // DRRs run on the compute worker's thread, as every workspace's jobs do.
        QVERIFY(studio.window->session().worker()->thread() ==
                studio.window->compute().computeThread());
    }
};

RADON_TEST_CLASS(TestMainWindowWorkspaces);
#include "test_main_window_workspaces.moc"
