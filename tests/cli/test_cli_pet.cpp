// radon pet: the scanner list, project -> backproject -> recon on the demo scanner checked
// against where a point source is, and every kind of bad input refused in one line with exit 2
// and nothing written.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "recon/io/volume_io.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"

using radon::test::run_radon;

namespace {

// The demo scanner: 64 crystals per ring on a 16-sided polygon of radius 155 mm (to the crystal
// centres' faces), 4 rings 4.2 mm apart, 7 TOF bins.
const QStringList kDemo = {"--scanner", "demo", "--voxel-size", "4,4,4.2"};

// The voxel with the largest value, in world mm.
std::array<double, 3> peak_of(const QString& path) {
    const radon::recon::Volume v = radon::recon::read_volume(path.toStdString());
    const float* p = v.voxels.host_data();
    const int64_t n = v.grid.voxel_count();
    const int64_t best = std::max_element(p, p + n) - p;
    const int64_t nx = v.grid.size[0], ny = v.grid.size[1];
    const radon::Vec3 w = v.grid.index_to_world(
        {double(best % nx), double((best / nx) % ny), double(best / (nx * ny))});
    return {w.x, w.y, w.z};
}

void write_text(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

class TestCliPet : public QObject {
    Q_OBJECT

  private slots:
    void scanners_are_listed_with_their_published_numbers() {
        const auto list = run_radon({"pet", "scanners"});
        QCOMPARE(list.exit_code, 0);
        for (const char* id :
             {"demo", "ge_discovery_mi_4ring", "ge_discovery_mi_5ring", "ge_signa_pet_mr",
              "siemens_biograph_mct", "siemens_biograph_vision_600"})
            QVERIFY2(list.out.contains(id), id);
        const auto mct = run_radon({"pet", "scanners", "siemens_biograph_mct"});
        QCOMPARE(mct.exit_code, 0);
        QVERIFY2(mct.out.contains("672 per ring x 55 rings"), qPrintable(mct.out));
        QVERIFY(mct.out.contains("sources:"));
        // Span 1 with every ring difference: 55 x 55 planes, as STIR counts them.
        QVERIFY2(mct.out.contains("3025"), qPrintable(mct.out));
    }

    // The benchmark times forward and back, with and without TOF, and writes one CSV row each.
    void bench_pet_writes_its_table() {
        QTemporaryDir dir;
        const QString prefix = dir.filePath("bench");
        const auto r = run_radon({"bench", "pet", "--scanner", "demo", "--image-size", "32,32,7",
                                  "--voxel-size", "8,8,2.1", "--runs", "1", "--out", prefix});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QFile csv(prefix + ".csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString(csv.readAll()).trimmed().split('\n');
        QCOMPARE(lines.size(), 5);
        for (const char* row : {"non-tof,forward", "non-tof,back", "tof,forward", "tof,back"})
            QVERIFY2(QString(lines.join('\n')).contains(row), row);
    }

    // A point source off centre goes through the whole chain: its sinogram back-projects to a
    // peak at the point, and a few MLEM iterations bring the image's peak onto it, with the
    // log-likelihood rising every iteration.
    void a_point_source_comes_back_where_it_was() {
        QTemporaryDir dir;
        const QString sino = dir.filePath("point.hs");
        const QStringList point = {"--phantom", "point", "--point", "40,-28,2.1"};
        const auto project =
            run_radon(QStringList{"pet", "project"} + kDemo + point + QStringList{"-o", sino});
        QVERIFY2(project.exit_code == 0, qPrintable(project.err));
        QVERIFY(QFileInfo::exists(dir.filePath("point.s")));

        const QString bp = dir.filePath("bp.nii.gz");
        const auto back =
            run_radon(QStringList{"pet", "backproject", sino} + kDemo + QStringList{"-o", bp});
        QVERIFY2(back.exit_code == 0, qPrintable(back.err));
        const auto peak = peak_of(bp);
        QVERIFY2(
            std::hypot(peak[0] - 40, peak[1] + 28) < 4.5,
            qPrintable(QString("back projection peaks at (%1, %2)").arg(peak[0]).arg(peak[1])));

        const QString rec = dir.filePath("rec.nrrd");
        const auto recon = run_radon(QStringList{"pet", "recon", sino} + kDemo +
                                     QStringList{"--iterations", "4", "--subsets", "2", "-o", rec});
        QVERIFY2(recon.exit_code == 0, qPrintable(recon.err));
        std::vector<double> ll;
        for (const QString& line : recon.out.split('\n'))
            if (line.startsWith("iteration "))
                ll.push_back(line.section("log-likelihood ", 1).section(' ', 0, 0).toDouble());
        QCOMPARE(ll.size(), std::size_t(4));
        for (std::size_t i = 1; i < ll.size(); ++i)
            QVERIFY(ll[i] > ll[i - 1]);
        const auto rpeak = peak_of(rec);
        QVERIFY2(std::fabs(rpeak[0] - 40) < 2.1 && std::fabs(rpeak[1] + 28) < 2.1 &&
                     std::fabs(rpeak[2] - 2.1) < 2.2,
                 qPrintable(QString("reconstruction peaks at (%1, %2, %3)")
                                .arg(rpeak[0])
                                .arg(rpeak[1])
                                .arg(rpeak[2])));
    }

    // A NRRD sinogram holds the same bins as the Interfile one and carries its scanner, centre
    // included: both back-project to the same image (up to the order in which threads add).
    void nrrd_sinograms_hold_what_interfile_ones_hold() {
        QTemporaryDir dir;
        const QStringList moved = kDemo + QStringList{"--scanner-centre", "30,-10,5"};
        const QStringList point = {"--phantom", "point", "--point", "60,-30,7"};
        QVector<std::vector<float>> images;
        for (const QString name : {"p.hs", "p.nrrd"}) {
            const QString sino = dir.filePath(name);
            const auto project =
                run_radon(QStringList{"pet", "project"} + moved + point + QStringList{"-o", sino});
            QVERIFY2(project.exit_code == 0, qPrintable(project.err));
            const QString bp = dir.filePath(name + ".nii");
            const auto back =
                run_radon(QStringList{"pet", "backproject", sino} + moved + QStringList{"-o", bp});
            QVERIFY2(back.exit_code == 0, qPrintable(back.err));
            const radon::recon::Volume v = radon::recon::read_volume(bp.toStdString());
            images.push_back(std::vector<float>(v.voxels.host_data(),
                                                v.voxels.host_data() + v.grid.voxel_count()));
        }
        QCOMPARE(images[0].size(), images[1].size());
        const float top = *std::max_element(images[0].begin(), images[0].end());
        QVERIFY(top > 0);
        for (std::size_t i = 0; i < images[0].size(); ++i)
            QVERIFY(std::fabs(images[0][i] - images[1][i]) <= 1e-5f * top);
        // Read with the scanner where it was not: refused, naming the crystal placement.
        const auto wrong = run_radon(QStringList{"pet", "backproject", dir.filePath("p.nrrd")} +
                                     kDemo + QStringList{"-o", dir.filePath("w.nii")});
        QCOMPARE(wrong.exit_code, 2);
        QVERIFY2(wrong.err.contains("crystal placement"), qPrintable(wrong.err));
        QVERIFY(!QFileInfo::exists(dir.filePath("w.nii")));
    }

    void bad_input_is_one_line_and_writes_nothing_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList project = QStringList{"pet", "project", "--phantom", "point"};
        QTest::newRow("unknown preset")
            << (project + QStringList{"--scanner", "ge_discovery_xx", "-o", "@OUT@"})
            << "ge_discovery_xx";
        QTest::newRow("even span")
            << (project + kDemo + QStringList{"--span", "2", "-o", "@OUT@"}) << "span";
        QTest::newRow("ring difference beyond the rings")
            << (project + kDemo + QStringList{"--max-ring-difference", "9", "-o", "@OUT@"})
            << "--max-ring-difference";
        QTest::newRow("zero TOF bins")
            << (project + QStringList{"--scanner", "@ZEROTOF@", "-o", "@OUT@"}) << "bins";
        QTest::newRow("missing scanner field")
            << (project + QStringList{"--scanner", "@NORINGS@", "-o", "@OUT@"}) << "rings";
        QTest::newRow("sinogram of another span")
            << (QStringList{"pet", "backproject", "@SINO@", "--span", "3"} + kDemo +
                QStringList{"-o", "@OUT@"})
            << "span";
        QTest::newRow("NRRD sinogram of another span")
            << (QStringList{"pet", "backproject", "@NRRD@", "--span", "3"} + kDemo +
                QStringList{"-o", "@OUT@"})
            << "span 3";
        QTest::newRow("sinogram format unknown")
            << (project + kDemo + QStringList{"-o", "@OUTDIR@/out.sino"}) << ".nrrd";
        QTest::newRow("sinogram of another scanner")
            << (QStringList{"pet", "recon", "@SINO@", "--scanner", "ge_signa_pet_mr", "-o",
                            "@OUT@"})
            << "@SINO@";
        QTest::newRow("image outside the field of view")
            << (QStringList{"pet", "project", "--image", "@FARIMAGE@"} + kDemo +
                QStringList{"-o", "@OUT@"})
            << "misses the scanner's field of view";
        QTest::newRow("zero voxel size")
            << (project + QStringList{"--scanner", "demo", "--voxel-size", "0,4,4", "-o", "@OUT@"})
            << "--voxel-size";
        // The image grid follows the scanner: moved 1 m to the left, the origin is outside it.
        QTest::newRow("point outside the moved scanner's image")
            << (project + kDemo +
                QStringList{"--scanner-centre", "1000,0,0", "--point", "0,0,0", "-o", "@OUT@"})
            << "--point";
        QTest::newRow("unknown projector")
            << (project + kDemo + QStringList{"--projector", "ray", "-o", "@OUT@"})
            << "--projector";
        QTest::newRow("TOF Siddon")
            << (project + kDemo + QStringList{"--projector", "siddon", "--tof", "-o", "@OUT@"})
            << "Siddon";
    }

    void bad_input_is_one_line_and_writes_nothing() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        // A good sinogram of the demo scanner (span 1), for the mismatches.
        const QString sino = dir.filePath("good.hs");
        const QString nrrd = dir.filePath("good.nrrd");
        for (const QString& path : {sino, nrrd})
            QCOMPARE(
                run_radon(QStringList{"pet", "project", "--phantom", "point", "-o", path} + kDemo)
                    .exit_code,
                0);
        const QString zero_tof = dir.filePath("zero_tof.json");
        write_text(zero_tof, R"({"format": "radon-pet-scanner", "version": 1, "name": "z",
            "model": "regular_polygon", "inner_radius_mm": 150, "average_doi_mm": 5, "sides": 16,
            "crystals_per_side": 4, "crystal_pitch_mm": 12, "rings": 4, "ring_spacing_mm": 4.2,
            "tof": {"bins": 0, "bin_width_ps": 200, "fwhm_ps": 300}})");
        const QString no_rings = dir.filePath("no_rings.json");
        write_text(no_rings, R"({"format": "radon-pet-scanner", "version": 1, "name": "r",
            "model": "regular_polygon", "inner_radius_mm": 150, "average_doi_mm": 5, "sides": 16,
            "crystals_per_side": 4, "crystal_pitch_mm": 12, "ring_spacing_mm": 4.2})");
        const QString far_image = dir.filePath("far.nii");
        {
            radon::VolumeGrid g = radon::centered_grid({8, 8, 4}, {4, 4, 4});
            g.origin = {2000, 2000, 0};
            radon::recon::Volume v =
                radon::recon::Volume::allocate(g, radon::recon::VoxelUnit::Activity);
            std::fill(v.voxels.host_data(), v.voxels.host_data() + v.voxels.size(), 1.0f);
            radon::recon::write_volume(v, far_image.toStdString());
        }
        const QString out = dir.filePath("out.hs");
        // The image commands write images: the same name with another extension.
        const bool image_out = args[1] != "project";
        const QString target = image_out ? dir.filePath("out.nii.gz") : out;
        QStringList expanded;
        for (QString a : args) {
            a.replace("@OUTDIR@", dir.path()).replace("@NRRD@", nrrd);
            a.replace("@OUT@", target).replace("@SINO@", sino).replace("@ZEROTOF@", zero_tof);
            a.replace("@NORINGS@", no_rings).replace("@FARIMAGE@", far_image);
            expanded << a;
        }
        message.replace("@SINO@", sino);
        const auto r = run_radon(expanded);
        QCOMPARE(r.exit_code, 2);
        const QStringList lines = r.err.trimmed().split('\n');
        QVERIFY2(lines.size() == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY2(r.err.startsWith("radon pet"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(!QFileInfo::exists(dir.filePath("out.s")));
        QVERIFY(!QFileInfo::exists(dir.filePath("out.sino")));
    }
};

RADON_TEST_CLASS(TestCliPet);

#include "test_cli_pet.moc"
