// The radon command line on DICOM folders: listing series, choosing one with --series, reporting
// a volume's grid and load cost, and one-line errors (exit code 2) for bad choices.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <string>

#include "kernels/core/vec.h"
#include "recon/io/image_io.h"
#include "recon/io/volume_io.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/dicom_fixtures.h"
#include "tests/common/test_registry.h"

using namespace radon;
using radon::test::Run;
using radon::test::run_radon;

namespace {

// A thorax phantom on a coarse oblique grid, its HU rounded to what int16 files with slope 0.5
// hold, so that the DICOM series and a NIfTI copy carry identical voxels.
recon::Volume chest_volume() {
    VolumeGrid grid = centered_grid({40, 36, 24}, {9, 9, 12});
    grid.direction = rotation_z(deg_to_rad(20)) * rotation_x(deg_to_rad(-15));
    grid.origin = grid.direction * grid.origin + Vec3{3, -7, 11};
    recon::Volume v = recon::thorax_phantom().voxelize_hu(grid);
    for (int64_t i = 0; i < v.voxels.size(); ++i)
        v.voxels[i] = std::round(v.voxels[i] * 2.0f) / 2.0f;
    return v;
}

recon::Volume scout_volume() {
    recon::Volume v =
        recon::Volume::allocate(centered_grid({8, 6, 3}, {2, 2, 5}), recon::VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < v.voxels.size(); ++i)
        v.voxels[i] = static_cast<float>(i) - 40;
    return v;
}

const std::string kChestUid = test::uid("11");
const std::string kScoutUid = test::uid("12");

// A folder as a PACS export leaves it: two series side by side.
void write_two_series(const QString& folder) {
    test::CtSeries chest;
    chest.series_uid = kChestUid;
    chest.description = "Chest";
    chest.series_number = 2;
    test::write_ct_series(chest_volume(), folder.toStdString(), chest);
    test::CtSeries scout;
    scout.series_uid = kScoutUid;
    scout.description = "Scout";
    scout.series_number = 1;
    scout.slope = 1;
    scout.file_names = {"s1.dcm", "s2.dcm", "s3.dcm"};
    test::write_ct_series(scout_volume(), folder.toStdString(), scout);
}

const QStringList kView = {"--primary", "25",      "--secondary", "-10",    "--height",
                           "24",        "--width", "30",          "--delx", "12"};

}  // namespace

class TestCliDicom : public QObject {
    Q_OBJECT

  private slots:
    void series_lists_every_series() {
        QTemporaryDir dir;
        const QString folder = dir.filePath("export");
        QVERIFY(QDir().mkpath(folder));
        write_two_series(folder);
        const Run r = run_radon({"series", dir.path()});  // subfolders are searched too
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("2 DICOM series"), qPrintable(r.out));
        const QStringList lines = r.out.split('\n');
        // Ordered by series number: the scout (1) before the chest (2).
        const auto scout = std::find_if(lines.begin(), lines.end(), [](const QString& l) {
            return l.contains(QString::fromStdString(kScoutUid));
        });
        const auto chest = std::find_if(lines.begin(), lines.end(), [](const QString& l) {
            return l.contains(QString::fromStdString(kChestUid));
        });
        QVERIFY(scout != lines.end() && chest != lines.end() && scout < chest);
        for (const char* field : {"Scout", "CT", " 3 ", "8 x 6 x 3", "2 x 2 x 5"}) {
            QVERIFY2(scout->contains(field), qPrintable(*scout + " lacks " + field));
        }
        for (const char* field : {"Chest", "CT", " 24 ", "40 x 36 x 24", "9 x 9 x 12"}) {
            QVERIFY2(chest->contains(field), qPrintable(*chest + " lacks " + field));
        }
    }

    void series_explains_what_does_not_load() {
        QTemporaryDir dir;
        write_two_series(dir.path());
        QVERIFY(QFile::remove(dir.filePath("slice_010.dcm")));
        const Run r = run_radon({"series", dir.path()});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("does not load: its slices are unevenly spaced: gaps of 12 to 24"),
                 qPrintable(r.out));
    }

    // The same voxels through the DICOM reader and the NIfTI reader give the same rays, so the
    // series sits in the world where its oblique files put it.
    void drr_of_a_chosen_series_matches_nifti() {
        QTemporaryDir dir;
        const QString folder = dir.filePath("dicom");
        QVERIFY(QDir().mkpath(folder));
        write_two_series(folder);
        const QString nifti = dir.filePath("chest.nii.gz");
        recon::write_volume(chest_volume(), nifti.toStdString());

        const QString from_dicom = dir.filePath("dicom.nrrd"), from_nifti = dir.filePath("n.nrrd");
        Run r =
            run_radon(QStringList{"drr", folder, "--series", "chest", "-o", from_dicom} + kView);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        r = run_radon(QStringList{"drr", nifti, "-o", from_nifti} + kView);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const auto a = recon::read_image(from_dicom.toStdString());
        const auto b = recon::read_image(from_nifti.toStdString());
        QCOMPARE(a.pixels.size(), b.pixels.size());
        float peak = 0;
        for (int64_t i = 0; i < a.pixels.size(); ++i) {
            QVERIFY(std::fabs(a.pixels[i] - b.pixels[i]) <= 1e-5f * (1 + b.pixels[i]));
            peak = std::max(peak, b.pixels[i]);
        }
        QVERIFY(peak > 1);  // rays cross the body

        // By UID too.
        r = run_radon(QStringList{"drr", folder, "--series", QString::fromStdString(kChestUid),
                                  "-o", from_dicom} +
                      kView);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    }

    void info_reports_grid_values_and_cost() {
        QTemporaryDir dir;
        write_two_series(dir.path());
        const recon::Volume truth = chest_volume();
        const Run r = run_radon({"info", dir.path(), "--series", "Chest"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("40 x 36 x 24 voxels"), qPrintable(r.out));
        QVERIFY2(r.out.contains("spacing:   9 x 9 x 12 mm"), qPrintable(r.out));
        const Vec3 o = truth.grid.origin;
        const QString origin = QString::asprintf("origin:    %.9g, %.9g, %.9g mm", o.x, o.y, o.z);
        QVERIFY2(r.out.contains(origin), qPrintable(r.out + " lacks " + origin));
        const Vec3 k = truth.grid.direction.column(2);
        const QString k_axis = QString::asprintf("k (%.9g, %.9g, %.9g)", k.x, k.y, k.z);
        QVERIFY2(r.out.contains(k_axis), qPrintable(r.out + " lacks " + k_axis));
        const auto [low, high] = std::minmax_element(
            truth.voxels.host_data(), truth.voxels.host_data() + truth.voxels.size());
        const QString values =
            QString::asprintf("values:    %.9g to %.9g HU", double(*low), double(*high));
        QVERIFY2(r.out.contains(values), qPrintable(r.out + " lacks " + values));
        QVERIFY(r.out.contains("load time: "));
        QVERIFY(r.out.contains("memory:    peak "));
    }

    void bad_choices_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("no choice")
            << QStringList{"drr", "@DICOM@", "-o", "@OUT@"}
            << QStringList{"@DICOM@", "holds 2 DICOM series", "--series", "'Chest'", "'Scout'"};
        QTest::newRow("unknown choice")
            << QStringList{"drr", "@DICOM@", "--series", "Abdomen", "-o", "@OUT@"}
            << QStringList{"'Abdomen'", QString::fromStdString(kChestUid),
                           QString::fromStdString(kScoutUid)};
        QTest::newRow("choice without a folder")
            << QStringList{"drr", "--series", "Chest", "-o", "@OUT@"}
            << QStringList{"--series", "folder"};
        QTest::newRow("choice for a NIfTI file")
            << QStringList{"drr", "@NIFTI@", "--series", "Chest", "-o", "@OUT@"}
            << QStringList{"@NIFTI@", "DICOM"};
        QTest::newRow("folder without DICOM") << QStringList{"drr", "@EMPTY@", "-o", "@OUT@"}
                                              << QStringList{"@EMPTY@", "no DICOM images"};
        QTest::newRow("info without a choice")
            << QStringList{"info", "@DICOM@"} << QStringList{"holds 2 DICOM series"};
        QTest::newRow("series of an empty folder")
            << QStringList{"series", "@EMPTY@"} << QStringList{"@EMPTY@", "no DICOM images"};
        QTest::newRow("series of a missing folder")
            << QStringList{"series", "@EMPTY@/absent"} << QStringList{"no such folder"};
        QTest::newRow("series without a folder")
            << QStringList{"series"} << QStringList{"expected a DICOM folder"};
    }

    void bad_choices() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, expected);
        QTemporaryDir dir;
        const QString dicom = dir.filePath("dicom"), empty = dir.filePath("empty");
        QVERIFY(QDir().mkpath(dicom) && QDir().mkpath(empty));
        write_two_series(dicom);
        const QString nifti = dir.filePath("ct.nii");
        recon::write_volume(scout_volume(), nifti.toStdString());
        const QString out = dir.filePath("out.png");
        auto fill = [&](QString text) {
            return text.replace("@DICOM@", dicom)
                .replace("@NIFTI@", nifti)
                .replace("@EMPTY@", empty)
                .replace("@OUT@", out);
        };
        for (QString& a : args)
            a = fill(a);
        const Run r = run_radon(args);
        QCOMPARE(r.exit_code, 2);
        for (const QString& e : expected) {
            QVERIFY2(r.err.contains(fill(e)), qPrintable(r.err + " lacks " + fill(e)));
        }
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QVERIFY(!QFile::exists(out));
        QVERIFY(!QFile::exists(dir.filePath("out.json")));
    }
};

RADON_TEST_CLASS(TestCliDicom);
#include "test_cli_dicom.moc"
