#include <QDir>
#include <QObject>
#include <QString>
#include <QtTest>

#include <memory>

#include <vtkRenderer.h>

#include "render/common/ct_volume_preset.h"
#include "render/common/volume_scene.h"
#include "render/common/vtk_view.h"
#include "tests/common/test_registry.h"
#include "tests/gui/gui_test_support.h"
#include "tests/gui/thorax_scene.h"

using radon::render::CtVolumePreset;
using radon::render::VtkView;
using radon::test::count_pixels_unlike;
using radon::test::ThoraxScene;

namespace {

QColor background_of(const VtkView& view) {
    double rgb[3];
    view.renderer()->GetBackground(rgb);
    return QColor::fromRgbF(static_cast<float>(rgb[0]), static_cast<float>(rgb[1]),
                            static_cast<float>(rgb[2]));
}

int count_differences(const QImage& a, const QImage& b) {
    int count = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
            if (std::abs(qGray(p) - qGray(q)) > 12) ++count;
        }
    return count;
}

}  // namespace

// The whole 3D view as the desktop app shows it: the thorax phantom, the C-arm at AP with its DRR.
class TestThoraxScene : public QObject {
    Q_OBJECT

  private slots:
    void initTestCase() {
        scene_ = std::make_unique<ThoraxScene>(64, QSize(320, 320));
        QVERIFY(QTest::qWaitForWindowExposed(&scene_->view));
    }
    void cleanupTestCase() { scene_.reset(); }

    void every_preset_shows_the_volume() {
        VtkView& view = scene_->view;
        scene_->volume.set_volume_visible(false);
        const QImage without = view.screenshot();
        scene_->volume.set_volume_visible(true);
        for (CtVolumePreset preset : radon::render::all_ct_volume_presets()) {
            scene_->volume.set_preset(preset);
            const QImage with = view.screenshot();
            const int changed = count_differences(with, without);
            QVERIFY2(
                changed > with.width() * with.height() / 100,
                qPrintable(
                    QString("%1: %2 pixels").arg(radon::render::to_string(preset)).arg(changed)));
        }
        scene_->volume.set_preset(CtVolumePreset::Bone);
    }

    void source_is_drawn_at_its_world_position() {
        VtkView& view = scene_->view;
        scene_->aim_overview_camera();
        const QImage image = view.screenshot();
        const radon::Vec3 s = scene_->geometry.source;
        vtkRenderer* renderer = view.renderer();
        renderer->SetWorldPoint(s.x, s.y, s.z, 1);
        renderer->WorldToDisplay();
        double d[3];
        renderer->GetDisplayPoint(d);
        const QRgb p =
            image.pixel(static_cast<int>(d[0]), image.height() - 1 - static_cast<int>(d[1]));
        // The source sphere is yellow.
        QVERIFY2(qRed(p) > 150 && qGreen(p) > 100 && qBlue(p) < 100,
                 qPrintable(QString("rgb %1 %2 %3").arg(qRed(p)).arg(qGreen(p)).arg(qBlue(p))));
        // Anterior is up in this view, and at AP the source is posterior: below the isocenter.
        const radon::Vec3 iso = scene_->isocenter;
        renderer->SetWorldPoint(iso.x, iso.y, iso.z, 1);
        renderer->WorldToDisplay();
        double di[3];
        renderer->GetDisplayPoint(di);
        QVERIFY(d[1] < di[1]);

        const QString dir = qEnvironmentVariable("RADON_SCREENSHOT_DIR");
        if (!dir.isEmpty()) QVERIFY(image.save(QDir(dir).filePath("vtkview_carm.png")));
    }

    void dragging_renders_the_volume_coarsely_until_release() {
        VtkView& view = scene_->view;
        view.screenshot();
        QVERIFY(!scene_->volume.interactive());
        const QPoint from(160, 160);
        QTest::mousePress(&view, Qt::LeftButton, {}, from);
        QVERIFY(scene_->volume.interactive());
        for (int step = 1; step <= 3; ++step) {
            QTest::mouseMove(&view, from + QPoint(10 * step, 0));
            const QImage dragging = view.screenshot();
            QVERIFY(count_pixels_unlike(dragging, background_of(view)) > 0);
            QVERIFY(scene_->volume.interactive());
            // Coarse while dragging, as coarse as the frame budget asks (see TestVolumeScene).
            const double distance = scene_->volume.sampling().image_sample_distance;
            QVERIFY(distance >= radon::render::VolumeScene::kMinInteractiveImageSampleDistance);
            QVERIFY(distance <= radon::render::VolumeScene::kMaxInteractiveImageSampleDistance);
        }
        QTest::mouseRelease(&view, Qt::LeftButton, {}, from + QPoint(30, 0));
        QVERIFY(!scene_->volume.interactive());
        // Still frames: as fine as their budget allows on this machine, a ray per pixel when
        // asked for full quality.
        const double still = scene_->volume.sampling().image_sample_distance;
        QVERIFY(still >= 1.0);
        QVERIFY(still <= radon::render::VolumeScene::kMaxStillImageSampleDistance);
        scene_->volume.set_full_quality(true);
        QCOMPARE(scene_->volume.sampling().image_sample_distance, 1.0);
        scene_->volume.set_full_quality(false);
    }

    void a_new_drr_and_pose_keep_the_volume_still_quality_after_settling() {
        VtkView& view = scene_->view;
        QSignalSpy ended(&view, &VtkView::interaction_ended);
        scene_->carm.set_geometry(scene_->geometry, scene_->isocenter);
        view.request_render(radon::render::RenderQuality::Interactive);
        QVERIFY(scene_->volume.interactive());
        QVERIFY(ended.wait(10 * VtkView::kSettleMs));
        QVERIFY(!scene_->volume.interactive());
    }

  private:
    std::unique_ptr<ThoraxScene> scene_;
};

RADON_TEST_CLASS(TestThoraxScene);

#include "test_thorax_scene.moc"
