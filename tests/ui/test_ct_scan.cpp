// The CT workspace's model without widgets: the image grid and its truth (block means), the scan
// fitted to a grid, and the error measure.

#include <QObject>
#include <QtTest>

#include <cmath>
#include <vector>

#include "kernels/ct/ct_geometry_conversions.h"
#include "tests/common/test_registry.h"
#include "ui/ct/ct_scan.h"

using namespace radon;
using radon::ui::CtScanSettings;

class TestCtScan : public QObject {
    Q_OBJECT

  private slots:
    // Each image voxel sits at the centre of its block of volume voxels, and its truth is the
    // block's mean: for values linear in the index, the value at the block's centre.
    void image_voxels_are_block_means() {
        VolumeGrid volume = centered_grid({11, 9, 8}, {1.0, 1.5, 2.0});
        volume.direction = Mat3::identity();
        volume.direction.m[0][0] = -1;  // a flipped axis, as many NIfTI files have
        const ui::CtImageGrid image = ui::ct_image_grid(volume, 3, false);
        QCOMPARE(image.grid.size[0], int64_t(3));
        QCOMPARE(image.grid.size[1], int64_t(3));
        QCOMPARE(image.block[2], int64_t(2));  // 3 mm across: 2 slices of 2 mm come closest
        QCOMPARE(image.grid.size[2], int64_t(4));
        std::vector<float> values(std::size_t(volume.voxel_count()));
        for (int64_t z = 0; z < 8; ++z)
            for (int64_t y = 0; y < 9; ++y)
                for (int64_t x = 0; x < 11; ++x)
                    values[std::size_t((z * 9 + y) * 11 + x)] = float(x + 10 * y + 100 * z);
        const std::vector<float> mean = ui::block_mean(values.data(), volume, image);
        for (int64_t z = 0; z < 4; ++z)
            for (int64_t y = 0; y < 3; ++y)
                for (int64_t x = 0; x < 3; ++x) {
                    const Vec3 world = image.grid.index_to_world({double(x), double(y), double(z)});
                    const Vec3 c = volume.world_to_index(world);  // the block's centre
                    const double expected = c.x + 10 * c.y + 100 * c.z;
                    QVERIFY(std::abs(mean[std::size_t((z * 3 + y) * 3 + x)] - expected) < 1e-3);
                }
        // A 2D scan's image: the middle slice alone.
        const ui::CtImageGrid slice = ui::ct_image_grid(volume, 1, true);
        QCOMPARE(slice.grid.size[2], int64_t(1));
        QCOMPARE(slice.block[2], int64_t(1));
        QVERIFY(std::abs(volume.world_to_index(slice.grid.center()).z - 3.0) < 1e-9);
    }

    // Fitted to a grid, every view of the scan sees the grid's whole box on its panel.
    void fitted_scan_sees_the_whole_grid_data() {
        QTest::addColumn<int>("beam");
        QTest::newRow("cone") << int(recon::ScanBeam::Cone);
        QTest::newRow("fan") << int(recon::ScanBeam::Fan);
        QTest::newRow("parallel") << int(recon::ScanBeam::Parallel);
    }
    void fitted_scan_sees_the_whole_grid() {
        QFETCH(int, beam);
        const VolumeGrid grid = centered_grid({180, 120, 90}, {2.0, 2.0, 3.0});
        CtScanSettings s;
        s.beam = recon::ScanBeam(beam);
        s.parallel_3d = true;
        s.views = 24;
        s.sid_mm = 100;  // too close: the fit moves the source out
        s = ui::fit_scan_to_grid(s, grid);
        QVERIFY(s.sid_mm > 0.5 * std::hypot(360.0, 240.0));
        const CtGeometry g = ui::ct_scan_geometry(s, grid.center());
        for (int64_t v = 0; v < g.view_count(); ++v) {
            const auto p = projection_matrix(g, v);
            for (int c = 0; c < 8; ++c) {
                const Vec3 x = grid.index_to_world(
                    {(c & 1) ? 179.5 : -0.5, (c & 2) ? 119.5 : -0.5, (c & 4) ? 89.5 : -0.5});
                const double w = p[8] * x.x + p[9] * x.y + p[10] * x.z + p[11];
                const double col = (p[0] * x.x + p[1] * x.y + p[2] * x.z + p[3]) / w;
                const double row = (p[4] * x.x + p[5] * x.y + p[6] * x.z + p[7]) / w;
                QVERIFY2(
                    col > -0.5 && col < double(g.columns) - 0.5,
                    qPrintable(QString("view %1 corner %2: column %3").arg(v).arg(c).arg(col)));
                if (g.rows > 1) QVERIFY(row > -0.5 && row < double(g.rows) - 0.5);
            }
        }
    }

    // PSNR = 10 log10(range^2 / MSE) over the kept voxels.
    void image_error_is_psnr_over_the_mask() {
        const std::vector<float> truth = {0, 1, 2, 3, 50};
        const std::vector<float> image = {0.1f, 1.1f, 1.9f, 2.9f, 0};
        const std::vector<uint8_t> mask = {1, 1, 1, 1, 0};
        const ui::CtImageError e = ui::image_error(image, truth, mask);
        QCOMPARE(e.voxels, int64_t(4));
        QVERIFY(std::abs(e.rmse - 0.1) < 1e-6);
        QVERIFY(std::abs(e.psnr_db - 10 * std::log10(9 / 0.01)) < 1e-4);
    }
};

RADON_TEST_CLASS(TestCtScan);
#include "test_ct_scan.moc"
