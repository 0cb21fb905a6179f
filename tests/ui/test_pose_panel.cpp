// The pose panel: one signal per edit with the whole state, slider hold and release, SDD kept
// beyond SAD, presets, only patch sizes that tile the detector, and projection and output
// controls that never emit a state the worker refuses.

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QSpinBox>
#include <QWheelEvent>
#include <QtTest>

#include <cmath>

#include "kernels/backend/devices.h"
#include "kernels/physics/drr_output.h"
#include "tests/common/test_registry.h"
#include "ui/common/slider_spin_box.h"
#include "ui/drr/pose_panel.h"

using radon::CArmPose;
using radon::ui::DrrParameters;
using radon::ui::PosePanel;
using radon::ui::SliderSpinBox;

namespace {

DrrParameters emitted(const QSignalSpy& spy, qsizetype i) {
    return spy.at(i).at(0).value<DrrParameters>();
}
bool emitted_held(const QSignalSpy& spy, qsizetype i) {
    return spy.at(i).at(1).toBool();
}

}  // namespace

class TestPosePanel : public QObject {
    Q_OBJECT

  private slots:
    void moving_a_slider_emits_the_whole_state_once() {
        PosePanel panel;
        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        auto* primary = panel.findChild<SliderSpinBox*>("primary");
        QVERIFY(primary);
        primary->slider()->setValue(305);  // tenths of a degree
        QCOMPARE(spy.count(), 1);
        const DrrParameters p = emitted(spy, 0);
        QCOMPARE(p.pose.primary_deg, 30.5);
        QCOMPARE(primary->spinBox()->value(), 30.5);
        QCOMPARE(p.pose.sad, CArmPose{}.sad);
        QVERIFY(!emitted_held(spy, 0));

        // Typing in the field moves the slider, again with one signal.
        primary->spinBox()->setValue(-45.0);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(primary->slider()->value(), -450);
        QCOMPARE(emitted(spy, 1).pose.primary_deg, -45.0);
    }

    void holding_a_slider_is_reported_and_release_asks_for_the_full_image() {
        PosePanel panel;
        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        QSlider* roll = panel.findChild<SliderSpinBox*>("roll")->slider();
        roll->setSliderDown(true);
        QVERIFY(panel.isSliderHeld());
        roll->setValue(100);
        roll->setValue(200);
        QCOMPARE(spy.count(), 2);
        QVERIFY(emitted_held(spy, 0));
        QVERIFY(emitted_held(spy, 1));
        roll->setSliderDown(false);
        QCOMPARE(spy.count(), 3);
        QVERIFY(!emitted_held(spy, 2));
        QCOMPARE(emitted(spy, 2).pose.roll_deg, 20.0);
    }

    void sdd_stays_beyond_sad() {
        PosePanel panel;
        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        auto* sad = panel.findChild<SliderSpinBox*>("sad");
        auto* sdd = panel.findChild<SliderSpinBox*>("sdd");
        sad->spinBox()->setValue(1500);  // beyond SDD = 1020
        QCOMPARE(sdd->value(), 1500 + PosePanel::kMinSourceToDetectorGap);
        sdd->slider()->setValue(sdd->slider()->minimum());  // below SAD
        QCOMPARE(sad->value(), sdd->value() - PosePanel::kMinSourceToDetectorGap);
        QVERIFY(spy.count() >= 2);
        for (qsizetype i = 0; i < spy.count(); ++i) {
            const CArmPose pose = emitted(spy, i).pose;
            QVERIFY2(pose.sdd > pose.sad,
                     qPrintable(QString("SAD %1, SDD %2 emitted").arg(pose.sad).arg(pose.sdd)));
            pose.validate();
        }
    }

    void presets_set_the_angles_and_keep_the_distances() {
        PosePanel panel;
        panel.findChild<SliderSpinBox*>("sad")->setValue(900);
        panel.findChild<SliderSpinBox*>("roll")->setValue(12);
        panel.findChild<SliderSpinBox*>("offsetZ")->setValue(-40);
        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        for (const radon::CArmPreset preset :
             {radon::CArmPreset::AP, radon::CArmPreset::PA, radon::CArmPreset::LatLeft,
              radon::CArmPreset::LatRight}) {
            auto* button = panel.findChild<QPushButton*>(
                QStringLiteral("preset_%1").arg(radon::to_string(preset)));
            QVERIFY(button);
            spy.clear();
            button->click();
            QCOMPARE(spy.count(), 1);
            const CArmPose expected = radon::preset_pose(preset, panel.parameters().pose);
            const CArmPose got = emitted(spy, 0).pose;
            QCOMPARE(got.primary_deg, expected.primary_deg);
            QCOMPARE(got.secondary_deg, 0.0);
            QCOMPARE(got.roll_deg, 0.0);
            QCOMPARE(got.isocenter_offset[2], 0.0);
            QCOMPARE(got.sad, 900.0);
        }
        QCOMPARE(emitted(spy, 0).pose.primary_deg, -90.0);  // LAT-R, the last one clicked

        spy.clear();
        panel.findChild<QPushButton*>("resetPose")->click();
        QCOMPARE(spy.count(), 1);
        QCOMPARE(emitted(spy, 0).pose.primary_deg, CArmPose{}.primary_deg);
        QCOMPARE(emitted(spy, 0).pose.sad, CArmPose{}.sad);
        QCOMPARE(emitted(spy, 0).pose.sdd, CArmPose{}.sdd);
    }

    void only_patch_sizes_that_tile_the_detector_are_offered() {
        PosePanel panel;
        panel.findChild<QSpinBox*>("detectorWidth")->setValue(300);
        panel.findChild<QSpinBox*>("detectorHeight")->setValue(200);
        const std::vector<int64_t> expected{20, 25, 50, 100};
        QCOMPARE(panel.patchSizeChoices(), expected);
        auto* patch = panel.findChild<QComboBox*>("patchSize");
        QCOMPARE(patch->count(), 1 + int(expected.size()));  // and "auto"
        for (int i = 0; i < patch->count(); ++i) {
            patch->setCurrentIndex(i);
            const DrrParameters p = panel.parameters();
            p.settings.validate(p.detector);  // throws if it does not tile
        }
        patch->setCurrentIndex(patch->findData(qlonglong(50)));
        QCOMPARE(panel.parameters().settings.patch_size, int64_t(50));
        // 50 does not tile 320 columns: the choice falls back to automatic.
        panel.findChild<QSpinBox*>("detectorWidth")->setValue(320);
        QCOMPARE(panel.parameters().settings.patch_size, int64_t(0));
    }

    void cuda_is_listed_and_disabled_with_the_reason_when_unusable() {
        PosePanel panel;
        auto* device = panel.findChild<QComboBox*>("device");
        bool cuda_present = false;
        for (const auto& info : radon::available_devices())
            cuda_present = cuda_present || info.kind == radon::DeviceKind::Cuda;
        QCOMPARE(device->count(), 2);
        QCOMPARE(device->itemData(0).toInt(), int(radon::DeviceKind::Cpu));
        QCOMPARE(device->itemData(1).toInt(), int(radon::DeviceKind::Cuda));
        const bool enabled =
            device->model()->flags(device->model()->index(1, 0)) & Qt::ItemIsEnabled;
        QCOMPARE(enabled, cuda_present);
        if (!cuda_present) {
            // The reason the CLI gives (`radon info`), word for word.
            const QString reason = QString::fromStdString(radon::cuda_unavailable_reason());
            QVERIFY(!reason.isEmpty());
            const QString tip = device->itemData(1, Qt::ToolTipRole).toString();
            QVERIFY2(tip.contains(reason), qPrintable(tip));
            // Asking for it leaves the CPU chosen: the worker would refuse it.
            DrrParameters p = panel.parameters();
            p.device = radon::DeviceKind::Cuda;
            panel.setParameters(p);
            QCOMPARE(panel.parameters().device, radon::DeviceKind::Cpu);
        }
    }

    void a_new_pixel_count_keeps_the_field_of_view_by_default() {
        PosePanel panel;
        QVERIFY(panel.keepsFieldOfView());
        DrrParameters p = panel.parameters();
        p.detector.width = 512;
        p.detector.height = 400;
        p.detector.delx = 0.8;
        p.detector.dely = 0.75;
        panel.setParameters(p);  // no keeping here: the state is given whole
        QCOMPARE(panel.parameters().detector.delx, 0.8);
        const double fov_x = 512 * 0.8, fov_y = 400 * 0.75;
        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        panel.findChild<QSpinBox*>("detectorWidth")->setValue(1500);
        QCOMPARE(spy.count(), 1);  // pixels and spacing as one change
        DrrParameters after = emitted(spy, 0);
        QCOMPARE(after.detector.width, int64_t(1500));
        QVERIFY(std::fabs(after.detector.width * after.detector.delx - fov_x) < 1e-6);
        QCOMPARE(after.detector.dely, 0.75);
        panel.findChild<QSpinBox*>("detectorHeight")->setValue(333);
        after = panel.parameters();
        QVERIFY(std::fabs(after.detector.height * after.detector.dely - fov_y) < 1e-6);
        QCOMPARE(panel.findChild<QLabel*>("panelSize")->text(), QString("409.6 x 300.0 mm"));

        // Off: the spacing stays and the panel grows (1500 px of 0.8 mm are a 1.2 m panel).
        panel.findChild<QCheckBox*>("keepFieldOfView")->setChecked(false);
        panel.findChild<QDoubleSpinBox*>("pixelSpacingX")->setValue(0.8);
        panel.findChild<QSpinBox*>("detectorWidth")->setValue(1500);
        QCOMPARE(panel.parameters().detector.delx, 0.8);
        QVERIFY(panel.findChild<QLabel*>("panelSize")->text().startsWith("1,200.0 x") ||
                panel.findChild<QLabel*>("panelSize")->text().startsWith("1200.0 x"));
    }

    void arrows_and_wheel_step_by_one_and_finely_with_shift_or_ctrl() {
        PosePanel panel;
        auto* primary = panel.findChild<SliderSpinBox*>("primary");
        QSlider* slider = primary->slider();
        QCOMPARE(primary->value(), 0.0);
        QTest::keyClick(slider, Qt::Key_Right);
        QCOMPARE(primary->value(), 1.0);
        QTest::keyClick(slider, Qt::Key_Right, Qt::ShiftModifier);
        QCOMPARE(primary->value(), 1.1);
        QTest::keyClick(slider, Qt::Key_Left, Qt::ControlModifier);
        QTest::keyClick(slider, Qt::Key_Left, Qt::ControlModifier);
        QCOMPARE(primary->value(), 0.9);
        QTest::keyClick(primary->spinBox(), Qt::Key_Up, Qt::ShiftModifier);
        QCOMPARE(primary->value(), 1.0);
        QTest::keyClick(primary->spinBox(), Qt::Key_Down);
        QCOMPARE(primary->value(), 0.0);

        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        auto wheel = [](QWidget* target, int notches, Qt::KeyboardModifiers modifiers) {
            const QPointF at(target->width() / 2.0, target->height() / 2.0);
            QWheelEvent event(at, target->mapToGlobal(at), QPoint(), QPoint(0, 120 * notches),
                              Qt::NoButton, modifiers, Qt::NoScrollPhase, false);
            QApplication::sendEvent(target, &event);
        };
        wheel(slider, 2, Qt::NoModifier);
        QCOMPARE(primary->value(), 2.0);
        wheel(slider, -3, Qt::ControlModifier);
        QCOMPARE(primary->value(), 1.7);
        wheel(primary->spinBox(), 1, Qt::ShiftModifier);
        QCOMPARE(primary->value(), 1.8);
        QCOMPARE(spy.count(), 3);  // one state per wheel event
        QVERIFY(!emitted_held(spy, 2));
    }

    void range_problems_name_the_control_and_its_range() {
        PosePanel panel;
        DrrParameters p = panel.parameters();
        QVERIFY(panel.rangeProblem(p).isEmpty());
        p.pose.isocenter_offset.x = 400;
        const QString problem = panel.rangeProblem(p);
        QVERIFY2(
            problem.contains("Isocenter x") && problem.contains("400") && problem.contains("300"),
            qPrintable(problem));
        p.pose.isocenter_offset.x = 0;
        p.pose.primary_deg = 180.04;  // shown as 180.0
        QVERIFY(panel.rangeProblem(p).isEmpty());
        p.detector.width = 5000;
        QVERIFY(panel.rangeProblem(p).contains("4096"));
    }

    void projection_and_output_are_separate_choices() {
        PosePanel panel;
        auto* projection = panel.findChild<QComboBox*>("projection");
        auto* output = panel.findChild<QComboBox*>("output");
        auto* i0 = panel.findChild<QDoubleSpinBox*>("i0");
        auto* invert = panel.findChild<QCheckBox*>("invert");
        QVERIFY(projection && output && i0 && invert);
        QCOMPARE(projection->count(), 2);
        QCOMPARE(output->count(), 3);
        // The defaults are those of `radon drr`: a sum, the line integral, I0 unused.
        DrrParameters p = panel.parameters();
        QVERIFY(p.settings.reduction == radon::DrrReduction::Sum);
        QVERIFY(p.output.kind == radon::DrrOutputKind::LineIntegral);
        QCOMPARE(p.output.invert, 0);
        QVERIFY(output->isEnabled());
        QVERIFY2(!i0->isEnabled(), "I0 means nothing for the line integral");

        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        output->setCurrentIndex(output->findData(int(radon::DrrOutputKind::Transmission)));
        QCOMPARE(spy.count(), 1);
        QVERIFY(i0->isEnabled());
        i0->setValue(2500);
        invert->setChecked(true);
        QCOMPARE(spy.count(), 3);
        p = emitted(spy, 2);
        QVERIFY(p.output.kind == radon::DrrOutputKind::Transmission);
        QCOMPARE(p.output.i0, 2500.0f);
        QCOMPARE(p.output.invert, 1);

        // A MIP is no line integral: the output waits, disabled, and the line integral (inverted
        // if asked) is what the panel reports.
        projection->setCurrentIndex(projection->findData(int(radon::DrrReduction::Max)));
        p = emitted(spy, spy.count() - 1);
        QVERIFY(p.settings.reduction == radon::DrrReduction::Max);
        QVERIFY(p.output.kind == radon::DrrOutputKind::LineIntegral);
        QCOMPARE(p.output.invert, 1);
        QVERIFY(!output->isEnabled());
        QVERIFY(!i0->isEnabled());
        QVERIFY(panel.outputChoice().kind == radon::DrrOutputKind::Transmission);
        projection->setCurrentIndex(projection->findData(int(radon::DrrReduction::Sum)));
        p = emitted(spy, spy.count() - 1);
        QVERIFY(p.output.kind == radon::DrrOutputKind::Transmission);
        QCOMPARE(p.output.i0, 2500.0f);

        // The log image needs I0 > 1 count: chosen with I0 = 1 it gets a usable one.
        i0->setValue(1);
        output->setCurrentIndex(output->findData(int(radon::DrrOutputKind::Log)));
        p = emitted(spy, spy.count() - 1);
        QVERIFY(p.output.kind == radon::DrrOutputKind::Log);
        QCOMPARE(double(p.output.i0), PosePanel::kDefaultLogI0);
        i0->setValue(1);  // clamped to the field's minimum for the log image
        QVERIFY(i0->value() > 1);

        // Whatever is chosen, the worker would accept it.
        for (int r = 0; r < projection->count(); ++r) {
            projection->setCurrentIndex(r);
            for (int k = 0; k < output->count(); ++k) {
                output->setCurrentIndex(k);
                for (const bool inverted : {false, true}) {
                    invert->setChecked(inverted);
                    const DrrParameters q = panel.parameters();
                    radon::validate(q.output, q.settings.reduction);
                    if (q.output.kind == radon::DrrOutputKind::LineIntegral)
                        QCOMPARE(q.output.i0, radon::DrrOutput{}.i0);
                }
            }
        }
    }

    void parameters_round_trip_with_one_signal() {
        PosePanel panel;
        DrrParameters p;
        p.pose.primary_deg = 33.3;
        p.pose.secondary_deg = -12.5;
        p.pose.roll_deg = 7;
        p.pose.isocenter_offset = {10, -20, 30};
        p.pose.sad = 700;
        p.pose.sdd = 1300;
        p.detector.width = 320;
        p.detector.height = 240;
        p.detector.delx = 1.25;
        p.detector.dely = 0.75;
        p.settings.algorithm = radon::DrrAlgorithm::Trilinear;
        p.settings.step_voxels = 0.5;
        p.settings.reduction = radon::DrrReduction::Max;
        p.settings.patch_size = 80;
        p.settings.threads = 1;
        QSignalSpy spy(&panel, &PosePanel::poseChanged);
        panel.setParameters(p);
        QCOMPARE(spy.count(), 1);
        const DrrParameters q = panel.parameters();
        QCOMPARE(q.pose.primary_deg, p.pose.primary_deg);
        QCOMPARE(q.pose.secondary_deg, p.pose.secondary_deg);
        QCOMPARE(q.pose.roll_deg, p.pose.roll_deg);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(q.pose.isocenter_offset[i], p.pose.isocenter_offset[i]);
        QCOMPARE(q.pose.sad, p.pose.sad);
        QCOMPARE(q.pose.sdd, p.pose.sdd);
        QCOMPARE(q.detector.width, p.detector.width);
        QCOMPARE(q.detector.height, p.detector.height);
        QCOMPARE(q.detector.delx, p.detector.delx);
        QCOMPARE(q.detector.dely, p.detector.dely);
        QVERIFY(q.settings.algorithm == p.settings.algorithm);
        QCOMPARE(q.settings.step_voxels, p.settings.step_voxels);
        QVERIFY(q.settings.reduction == p.settings.reduction);
        QCOMPARE(q.settings.patch_size, p.settings.patch_size);
        QCOMPARE(q.settings.threads, p.settings.threads);
        QVERIFY(panel.findChild<QDoubleSpinBox*>("step")->isEnabled());

        for (const auto kind : {radon::DrrOutputKind::Transmission, radon::DrrOutputKind::Log}) {
            p.settings.reduction = radon::DrrReduction::Sum;
            p.output.kind = kind;
            p.output.i0 = 1234;
            p.output.invert = 1;
            spy.clear();
            panel.setParameters(p);
            QCOMPARE(spy.count(), 1);
            const DrrParameters r = panel.parameters();
            QVERIFY(r.settings.reduction == radon::DrrReduction::Sum);
            QVERIFY(r.output.kind == kind);
            QCOMPARE(r.output.i0, 1234.0f);
            QCOMPARE(r.output.invert, 1);
            QVERIFY(panel.findChild<QDoubleSpinBox*>("i0")->isEnabled());
        }
    }
};

RADON_TEST_CLASS(TestPosePanel);
#include "test_pose_panel.moc"
