// Undo and redo of pose changes: each settled change is one step, a slider drag is one step
// however many previews it rendered, and undo puts back exactly the pose and detector before.

#include <QCheckBox>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QtTest>

#include "tests/common/test_registry.h"
#include "ui/common/slider_spin_box.h"
#include "ui/drr/pose_history.h"
#include "ui/drr/pose_panel.h"

using radon::ui::DrrParameters;
using radon::ui::PoseHistory;
using radon::ui::PosePanel;
using radon::ui::PoseState;
using radon::ui::SliderSpinBox;

class TestPoseHistory : public QObject {
    Q_OBJECT

  private slots:
    void undo_restores_the_exact_prior_pose_and_redo_the_next() {
        PosePanel panel;
        PoseHistory history(&panel);
        QUndoStack& stack = *history.stack();
        // An oblique start with an offset and a non-square panel.
        DrrParameters start = panel.parameters();
        start.pose.primary_deg = 33.3;
        start.pose.secondary_deg = -12.7;
        start.pose.roll_deg = 5.1;
        start.pose.isocenter_offset = {12.3, -4.5, 60.1};
        start.pose.sad = 812.4;
        start.pose.sdd = 1101.9;
        start.detector.width = 300;
        start.detector.height = 200;
        start.detector.delx = 1.3;
        start.detector.dely = 0.9;
        panel.setParameters(start);
        history.restart();
        QCOMPARE(stack.count(), 0);
        const PoseState before = PoseState::of(panel.parameters());

        panel.applyPreset(radon::CArmPreset::LatLeft);
        panel.findChild<SliderSpinBox*>("offsetZ")->setValue(-100);
        panel.findChild<QSpinBox*>("detectorWidth")->setValue(600);  // keeps the field of view
        QCOMPARE(stack.count(), 3);
        const PoseState last = PoseState::of(panel.parameters());
        QCOMPARE(last.detector.width, int64_t(600));
        QCOMPARE(last.detector.delx, 0.65);

        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        stack.undo();              // the pixel count and the spacing that followed it, together
        QCOMPARE(spy.count(), 1);  // one render
        QVERIFY(PoseState::of(panel.parameters()).detector.width == 300);
        QCOMPARE(panel.parameters().detector.delx, 1.3);
        stack.undo();
        stack.undo();
        QVERIFY(PoseState::of(panel.parameters()) == before);
        QVERIFY(!stack.canUndo());
        stack.redo();
        stack.redo();
        stack.redo();
        QVERIFY(PoseState::of(panel.parameters()) == last);
        QVERIFY(!stack.canRedo());
    }

    void a_slider_drag_is_one_step() {
        PosePanel panel;
        PoseHistory history(&panel);
        const PoseState before = PoseState::of(panel.parameters());
        QSlider* roll = panel.findChild<SliderSpinBox*>("roll")->slider();
        roll->setSliderDown(true);
        for (int position = 10; position <= 300; position += 10)
            roll->setValue(position);
        QCOMPARE(history.stack()->count(), 0);  // still held
        roll->setSliderDown(false);
        QCOMPARE(history.stack()->count(), 1);
        QCOMPARE(panel.parameters().pose.roll_deg, 30.0);
        history.stack()->undo();
        QVERIFY(PoseState::of(panel.parameters()) == before);
    }

    void renderer_changes_are_not_pose_steps() {
        PosePanel panel;
        PoseHistory history(&panel);
        DrrParameters p = panel.parameters();
        p.settings.threads = 1;
        p.output.kind = radon::DrrOutputKind::Transmission;
        panel.setParameters(p);
        QCOMPARE(history.stack()->count(), 0);
        // A new step after undo drops the steps that were undone.
        panel.findChild<SliderSpinBox*>("primary")->setValue(10);
        panel.findChild<SliderSpinBox*>("primary")->setValue(20);
        history.stack()->undo();
        panel.findChild<SliderSpinBox*>("secondary")->setValue(5);
        QCOMPARE(history.stack()->count(), 2);
        QVERIFY(!history.stack()->canRedo());
        history.stack()->undo();
        QCOMPARE(panel.parameters().pose.primary_deg, 10.0);
        QCOMPARE(panel.parameters().pose.secondary_deg, 0.0);
        // The renderer choice is not rolled back with the pose.
        QCOMPARE(panel.parameters().settings.threads, 1);
    }
};

RADON_TEST_CLASS(TestPoseHistory);

#include "test_pose_history.moc"
