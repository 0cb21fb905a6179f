#include <QObject>
#include <QString>
#include <QtTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <vtkActor.h>
#include <vtkActorCollection.h>
#include <vtkAxesActor.h>
#include <vtkCamera.h>
#include <vtkCellArray.h>
#include <vtkDataArray.h>
#include <vtkIdList.h>
#include <vtkImageData.h>
#include <vtkMapper.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkOrientationMarkerWidget.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkRenderer.h>
#include <vtkTexture.h>

#include "kernels/core/vec.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "kernels/geometry/projection_geometry.h"
#include "render/common/orientation_marker.h"
#include "render/common/vtk_view.h"
#include "render/drr/carm_scene.h"
#include "render/drr/drr_texture.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/gui/gui_test_support.h"

using namespace radon;
using radon::render::CArmScene;
using radon::render::VtkView;
using radon::test::mean_grey;

Q_DECLARE_METATYPE(radon::CArmPose)
Q_DECLARE_METATYPE(radon::Detector)

namespace {

// Positions are near 1000 mm and pass through VTK's float and double arrays once.
constexpr double kMmTolerance = 1e-3;

QString describe(Vec3 v) {
    return QString("(%1, %2, %3)").arg(v.x).arg(v.y).arg(v.z);
}

vtkPolyData* polydata_of(vtkActor* actor) {
    return vtkPolyData::SafeDownCast(actor->GetMapper()->GetInputDataObject(0, 0));
}

Vec3 point_of(vtkPolyData* data, vtkIdType i) {
    double p[3];
    data->GetPoint(i, p);
    return {p[0], p[1], p[2]};
}

// The world position of a polydata point through its actor's transform.
Vec3 world_point(vtkActor* actor, Vec3 local) {
    double in[4] = {local.x, local.y, local.z, 1};
    double out[4];
    actor->GetMatrix()->MultiplyPoint(in, out);
    return {out[0], out[1], out[2]};
}

Vec3 bounds_center(vtkActor* actor) {
    double b[6];
    actor->GetBounds(b);
    return {0.5 * (b[0] + b[1]), 0.5 * (b[2] + b[3]), 0.5 * (b[4] + b[5])};
}

// The panel's corners from the definition of the geometry: pixel (c, r) is centred on
// first_pixel + c * column_step + r * row_step, so the panel's outer edges lie half a step
// beyond the first and last centres.
std::array<Vec3, 4> expected_corners(const ProjectionGeometry& g) {
    const Vec3 c0 = g.first_pixel - 0.5 * g.column_step - 0.5 * g.row_step;
    const Vec3 across = static_cast<double>(g.width) * g.column_step;
    const Vec3 down = static_cast<double>(g.height) * g.row_step;
    return {c0, c0 + across, c0 + across + down, c0 + down};
}

QPointF display_point(vtkRenderer* renderer, Vec3 world, int image_height) {
    renderer->SetWorldPoint(world.x, world.y, world.z, 1);
    renderer->WorldToDisplay();
    double d[3];
    renderer->GetDisplayPoint(d);
    return {d[0], image_height - 1 - d[1]};  // VTK counts rows from the bottom
}

QRect around(QPointF p, int half) {
    return QRect(static_cast<int>(p.x()) - half, static_cast<int>(p.y()) - half, 2 * half + 1,
                 2 * half + 1);
}

}  // namespace

class TestCArmScene : public QObject {
    Q_OBJECT

  private slots:
    void source_and_detector_sit_where_the_geometry_says_data() {
        QTest::addColumn<CArmPose>("pose");
        QTest::addColumn<Detector>("detector");
        QTest::newRow("AP") << preset_pose(CArmPreset::AP) << Detector{};
        QTest::newRow("LAT-L") << preset_pose(CArmPreset::LatLeft) << Detector{};
        CArmPose oblique;
        oblique.primary_deg = 30;
        oblique.secondary_deg = 20;
        oblique.roll_deg = 5;
        oblique.isocenter_offset = {10, -20, 30};
        oblique.sad = 700;
        oblique.sdd = 1100;
        QTest::newRow("LAO30 CRAN20 roll 5, offset, principal point")
            << oblique << Detector{150, 300, 1.5, 2.0, 12.0, -8.0};
    }
    void source_and_detector_sit_where_the_geometry_says() {
        QFETCH(CArmPose, pose);
        QFETCH(Detector, detector);
        const Vec3 volume_center{5, -7, 11};
        const ProjectionGeometry g = carm_projection(pose, detector, volume_center);
        const Vec3 isocenter = volume_center + pose.isocenter_offset;

        vtkNew<vtkRenderer> renderer;
        CArmScene scene(renderer);
        scene.set_geometry(g, isocenter);

        const Vec3 source = bounds_center(scene.source_actor());
        QVERIFY2(norm(source - g.source) < kMmTolerance, qPrintable(describe(source)));
        QVERIFY(norm(bounds_center(scene.isocenter_actor()) - isocenter) < kMmTolerance);

        // The panel: its corners, and physically: size, distance from the source (SDD) and
        // where the central ray meets it (the principal point).
        vtkPolyData* panel = polydata_of(scene.detector_actor());
        QCOMPARE(panel->GetNumberOfPoints(), vtkIdType(4));
        const auto corners = expected_corners(g);
        std::array<Vec3, 4> drawn;
        for (int i = 0; i < 4; ++i) {
            drawn[i] = world_point(scene.detector_actor(), point_of(panel, i));
            QVERIFY2(norm(drawn[i] - corners[i]) < kMmTolerance,
                     qPrintable(QString("corner %1: %2, expected %3")
                                    .arg(i)
                                    .arg(describe(drawn[i]))
                                    .arg(describe(corners[i]))));
        }
        QVERIFY(std::fabs(norm(drawn[1] - drawn[0]) - detector.width * detector.delx) < 1e-6);
        QVERIFY(std::fabs(norm(drawn[3] - drawn[0]) - detector.height * detector.dely) < 1e-6);
        const Vec3 normal = normalized(cross(drawn[1] - drawn[0], drawn[3] - drawn[0]));
        QVERIFY(std::fabs(std::fabs(dot(drawn[0] - g.source, normal)) - pose.sdd) < 1e-6);
        const Vec3 panel_center = 0.25 * (drawn[0] + drawn[1] + drawn[2] + drawn[3]);
        const Vec3 principal = g.source + dot(drawn[0] - g.source, normal) * normal;
        const Vec3 u = normalized(drawn[1] - drawn[0]);
        const Vec3 v = normalized(drawn[3] - drawn[0]);
        QVERIFY(std::fabs(dot(principal - panel_center, u) - detector.principal_u) < 1e-6);
        QVERIFY(std::fabs(dot(principal - panel_center, v) - detector.principal_v) < 1e-6);

        double bounds[6];
        scene.detector_actor()->GetBounds(bounds);
        for (int axis = 0; axis < 3; ++axis) {
            double lo = corners[0][axis], hi = corners[0][axis];
            for (const Vec3& c : corners) {
                lo = std::min(lo, c[axis]);
                hi = std::max(hi, c[axis]);
            }
            QVERIFY(std::fabs(bounds[2 * axis] - lo) < kMmTolerance);
            QVERIFY(std::fabs(bounds[2 * axis + 1] - hi) < kMmTolerance);
        }

        // The frustum: a line from the source to every corner.
        vtkPolyData* frustum = polydata_of(scene.frustum_actor());
        int rays = 0;
        vtkNew<vtkIdList> ids;
        vtkCellArray* lines = frustum->GetLines();
        lines->InitTraversal();
        while (lines->GetNextCell(ids)) {
            QCOMPARE(ids->GetNumberOfIds(), vtkIdType(2));
            const Vec3 a = world_point(scene.frustum_actor(), point_of(frustum, ids->GetId(0)));
            const Vec3 b = world_point(scene.frustum_actor(), point_of(frustum, ids->GetId(1)));
            if (norm(a - g.source) > kMmTolerance) continue;
            ++rays;
            QVERIFY(std::any_of(corners.begin(), corners.end(),
                                [&](Vec3 c) { return norm(b - c) < kMmTolerance; }));
        }
        QCOMPARE(rays, 4);
    }

    void ap_puts_the_source_posterior_and_the_detector_anterior() {
        const CArmPose ap = preset_pose(CArmPreset::AP);
        const Vec3 isocenter{0, 0, 0};
        vtkNew<vtkRenderer> renderer;
        CArmScene scene(renderer);
        scene.set_geometry(carm_projection(ap, Detector{}, isocenter), isocenter);
        const Vec3 source = bounds_center(scene.source_actor());
        const Vec3 panel = bounds_center(scene.detector_actor());
        // LPS: +y is posterior.
        QVERIFY(norm(source - Vec3{0, ap.sad, 0}) < kMmTolerance);
        QVERIFY(norm(panel - Vec3{0, ap.sad - ap.sdd, 0}) < kMmTolerance);
    }

    void a_new_pose_moves_points_without_new_actors() {
        vtkNew<vtkRenderer> renderer;
        CArmScene scene(renderer);
        QCOMPARE(renderer->GetActors()->GetNumberOfItems(), 4);
        QVERIFY(!scene.source_actor()->GetVisibility());  // nothing before a geometry
        const Vec3 isocenter{0, 0, 0};
        scene.set_geometry(carm_projection(preset_pose(CArmPreset::AP), Detector{}, isocenter),
                           isocenter);
        QVERIFY(scene.source_actor()->GetVisibility());
        vtkActor* const actors[4] = {scene.source_actor(), scene.detector_actor(),
                                     scene.frustum_actor(), scene.isocenter_actor()};
        vtkPolyData* panel = polydata_of(scene.detector_actor());
        const vtkMTimeType panel_time = panel->GetMTime();

        CArmPose lao;
        lao.primary_deg = 45;
        const ProjectionGeometry g = carm_projection(lao, Detector{}, isocenter);
        scene.set_geometry(g, isocenter);
        QCOMPARE(renderer->GetActors()->GetNumberOfItems(), 4);
        QCOMPARE(scene.source_actor(), actors[0]);
        QCOMPARE(scene.detector_actor(), actors[1]);
        QCOMPARE(scene.frustum_actor(), actors[2]);
        QCOMPARE(scene.isocenter_actor(), actors[3]);
        QCOMPARE(polydata_of(scene.detector_actor()), panel);
        QVERIFY(panel->GetMTime() > panel_time);
        QVERIFY(norm(bounds_center(scene.source_actor()) - g.source) < kMmTolerance);
        QVERIFY(norm(point_of(panel, 0) - expected_corners(g)[0]) < kMmTolerance);

        scene.set_visible(false);
        for (vtkActor* actor : actors)
            QVERIFY(!actor->GetVisibility());
        scene.set_visible(true);
        for (vtkActor* actor : actors)
            QVERIFY(actor->GetVisibility());
    }

    void drr_texture_follows_rows_columns_and_window() {
        render::DrrTexture texture;
        const int width = 4, height = 3;
        std::vector<float> pixels(width * height);
        for (int i = 0; i < width * height; ++i)
            pixels[i] = static_cast<float>(i);  // row-major: pixel (c, r) = 4 r + c
        texture.set_image(pixels.data(), width, height);
        vtkImageData* image = texture.image();
        int dims[3];
        image->GetDimensions(dims);
        QCOMPARE(dims[0], width);
        QCOMPARE(dims[1], height);
        // Automatic window: the minimum black, the maximum white.
        auto grey = [&](int c, int r) {
            return *static_cast<unsigned char*>(image->GetScalarPointer(c, r, 0));
        };
        QCOMPARE(int(grey(0, 0)), 0);
        QCOMPARE(int(grey(3, 2)), 255);
        QCOMPARE(int(grey(1, 2)), int(std::lround(255.0 * 9 / 11)));

        // Window 2..6: pixel 4 is mid-grey, 2 and below black, 6 and above white.
        const vtkMTimeType before = image->GetMTime();
        texture.set_window({4, 4});
        QVERIFY(image->GetMTime() > before);
        QCOMPARE(int(grey(0, 1)), 128);
        QCOMPARE(int(grey(2, 0)), 0);
        QCOMPARE(int(grey(2, 1)), 255);
        // A new image keeps the chosen window.
        std::vector<float> half(pixels.size(), 3.0f);
        texture.set_image(half.data(), width, height);
        QCOMPARE(int(grey(2, 2)), int(std::lround(255.0 * 0.25)));
        texture.use_automatic_window();
        QCOMPARE(int(grey(2, 2)), 128);  // a constant image shows mid-grey
        QVERIFY(!radon::test::invalid_argument_message([&] {
                     texture.set_window({0, 0});
                 }).isEmpty());
    }

    // The DRR on the panel reads as the radiograph: each pixel is drawn where its ray meets the
    // detector, and seen from behind the panel (towards the source) at AP, with the head up,
    // row 0 is at the top and column 0 on the left (the patient's right).
    void drr_is_drawn_where_its_rays_meet_the_detector() {
        VtkView view;
        view.resize(256, 256);
        CArmScene scene(view.renderer());
        const Vec3 isocenter{0, 0, 0};
        const ProjectionGeometry g = carm_projection(preset_pose(CArmPreset::AP),
                                                     Detector{64, 64, 4.0, 4.0, 0, 0}, isocenter);
        scene.set_geometry(g, isocenter);
        std::vector<float> drr(64 * 64, 0.0f);
        for (int r = 0; r < 16; ++r)
            for (int c = 0; c < 16; ++c)
                drr[r * 64 + c] = 1.0f;  // a bright block in the first rows and columns
        scene.drr().set_image(drr.data(), 64, 64);

        vtkCamera* camera = view.renderer()->GetActiveCamera();
        const Vec3 center = g.detector_center();
        const Vec3 behind = center + 500.0 * normalized(center - g.source);
        const Vec3 up = -1.0 * normalized(g.row_step);
        camera->ParallelProjectionOn();
        camera->SetFocalPoint(center.x, center.y, center.z);
        camera->SetPosition(behind.x, behind.y, behind.z);
        camera->SetViewUp(up.x, up.y, up.z);
        camera->SetParallelScale(0.55 * 64 * 4.0);
        view.renderer()->ResetCameraClippingRange();
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage image = view.screenshot();
        const int half = std::max(2, image.height() / 64);

        const QPointF block = display_point(view.renderer(), g.pixel_center(8, 8), image.height());
        QVERIFY2(mean_grey(image, around(block, half)) > 200,
                 qPrintable(QString::number(mean_grey(image, around(block, half)))));
        for (auto [c, r] : {std::pair{56, 8}, std::pair{8, 56}, std::pair{56, 56}}) {
            const QPointF p = display_point(view.renderer(), g.pixel_center(c, r), image.height());
            QVERIFY2(mean_grey(image, around(p, half)) < 40,
                     qPrintable(QString("pixel (%1, %2): grey %3")
                                    .arg(c)
                                    .arg(r)
                                    .arg(mean_grey(image, around(p, half)))));
        }
        QVERIFY(block.x() < image.width() / 2.0);
        QVERIFY(block.y() < image.height() / 2.0);
    }

    void orientation_marker_labels_the_patient_axes() {
        VtkView view;
        view.resize(240, 240);
        render::OrientationMarker marker(view.interactor(), view.renderer());
        QCOMPARE(QString(marker.axes()->GetXAxisLabelText()), QString("L"));
        QCOMPARE(QString(marker.axes()->GetYAxisLabelText()), QString("P"));
        QCOMPARE(QString(marker.axes()->GetZAxisLabelText()), QString("S"));
        QVERIFY(marker.widget()->GetEnabled());
        QVERIFY(!marker.widget()->GetInteractive());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage image = view.screenshot();
        double rgb[3];
        view.renderer()->GetBackground(rgb);
        const QColor background = QColor::fromRgbF(rgb[0], rgb[1], rgb[2]);
        // Drawn in the lower-left fifth, nothing elsewhere (the scene is empty).
        const int w = image.width(), h = image.height();
        QVERIFY(radon::test::count_pixels_unlike(image.copy(0, h * 4 / 5, w / 5, h / 5),
                                                 background) > 20);
        QCOMPARE(radon::test::count_pixels_unlike(image.copy(w / 4, 0, w * 3 / 4, h * 3 / 4),
                                                  background),
                 0);
    }
};

RADON_TEST_CLASS(TestCArmScene);

#include "test_carm_scene.moc"
