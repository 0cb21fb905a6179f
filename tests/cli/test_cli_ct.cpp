// radon ct: project -> recon round trips against the analytic phantoms (exact line integrals in,
// the phantom's own values out), a circular scan written as vectors by an independent formula
// against the same scan given as angles, the DRR-to-CBCT loop (a C-arm sweep of radon drr-batch
// poses reconstructed by FDK), the benchmark's table, and every kind of bad input refused in one
// line with exit 2 and nothing written.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "recon/io/volume_io.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"

using radon::test::run_radon;

namespace {

void write_text(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// The reference: the phantom averaged over each voxel of the reconstruction's own grid (read
// from the file), in relative attenuation (1 + HU / 1000).
std::vector<float> phantom_on_grid(const radon::recon::EllipsoidPhantom& phantom,
                                   const radon::VolumeGrid& grid) {
    const radon::recon::Volume v = phantom.voxelize_hu(grid, 3);
    std::vector<float> out(v.voxels.host_data(), v.voxels.host_data() + grid.voxel_count());
    for (float& x : out)
        x = 1.0f + x / 1000.0f;
    return out;
}

// PSNR in dB, the peak being the reference's range, over the voxels where `mask` is true.
double psnr(const float* image, const std::vector<float>& reference,
            const std::vector<bool>& mask) {
    const auto [lo, hi] = std::minmax_element(reference.begin(), reference.end());
    double se = 0;
    int64_t n = 0;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        if (!mask.empty() && !mask[i]) continue;
        const double d = double(image[i]) - reference[i];
        se += d * d;
        ++n;
    }
    const double peak = double(*hi) - double(*lo);
    return 10.0 * std::log10(peak * peak / (se / double(n)));
}

// Voxels whose centre lies within `radius` mm of the grid's z axis (the field every view of a
// circular scan sees) and, in 3D, within `half_z` mm of its centre plane (away from the cone's
// edges).
std::vector<bool> central_mask(const radon::VolumeGrid& grid, double radius, double half_z) {
    std::vector<bool> mask(static_cast<std::size_t>(grid.voxel_count()));
    const radon::Vec3 c = grid.center();
    for (int64_t k = 0; k < grid.size[2]; ++k)
        for (int64_t j = 0; j < grid.size[1]; ++j)
            for (int64_t i = 0; i < grid.size[0]; ++i) {
                const radon::Vec3 p = grid.index_to_world({double(i), double(j), double(k)});
                const double r = std::hypot(p.x - c.x, p.y - c.y);
                mask[static_cast<std::size_t>(i + grid.size[0] * (j + grid.size[1] * k))] =
                    r <= radius && std::abs(p.z - c.z) <= half_z;
            }
    return mask;
}

struct Image {
    radon::recon::Volume volume;
    const float* data() const { return volume.voxels.host_data(); }
};

Image read_image(const QString& path) {
    return {radon::recon::read_volume(path.toStdString())};
}

// The 2D problem: the Shepp-Logan phantom of radius 60 mm, 180 parallel views over 180 degrees
// of 192 pixels of 1 mm, reconstructed on 128 x 128 pixels of 1 mm.
const QStringList kProject2d = {"ct",      "project", "--beam",           "parallel",
                                "--views", "180",     "--detector",       "192",
                                "--pixel", "1",       "--phantom-radius", "60"};
const QStringList kGrid2d = {"--size", "128,128,1", "--spacing", "1,1,1"};

// The 3D problem: a cone-beam full turn of 120 views of 96 x 96 pixels of 3 mm, source 600 mm
// from the isocentre and 1200 mm from the panel, the 3D phantom of radius 60 mm, reconstructed
// on 64^3 voxels of 2 mm.
const QStringList kProject3d = {
    "ct",      "project", "--beam", "cone", "--views", "120",  "--detector",       "96,96",
    "--pixel", "3",       "--sid",  "600",  "--sdd",   "1200", "--phantom-radius", "60"};
const QStringList kGrid3d = {"--size", "64,64,64", "--spacing", "2,2,2"};

}  // namespace

class TestCliCt : public QObject {
    Q_OBJECT

  private slots:
    // Each method reconstructs the exact sinogram of the 2D modified Shepp-Logan phantom to a
    // stated PSNR inside the circle of radius 60 mm (the phantom; the range is 0..1). The
    // thresholds sit 1-2 dB below what each method reaches here (noted beside them): a method
    // that loses its weights, filter scaling or a view falls far below.
    void round_trip_2d_data() {
        QTest::addColumn<QStringList>("method");
        QTest::addColumn<double>("min_psnr");
        QTest::newRow("fbp") << QStringList{"--method", "fbp"} << 28.5;  // 29.99
        // The window trades the sharp edges the PSNR counts for less noise: lower here.
        QTest::newRow("fbp hann 0.8")
            << QStringList{"--method", "fbp", "--filter", "hann", "--cutoff", "0.8"}
            << 20.5;  // 21.99
        QTest::newRow("sirt 100") << QStringList{"--method", "sirt",  "--iterations",
                                                 "100",      "--min", "0"}
                                  << 27.0;  // 28.73
        QTest::newRow("cgls 20") << QStringList{"--method", "cgls", "--iterations", "20"}
                                 << 25.0;  // 26.53
        QTest::newRow("os-sart 10x10")
            << QStringList{"--method", "os-sart", "--iterations", "10", "--subsets", "10"}
            << 26.0;  // 27.70
        QTest::newRow("osem 10x10")
            << QStringList{"--method", "osem", "--iterations", "10", "--subsets", "10"}
            << 24.5;  // 26.25
    }
    void round_trip_2d() {
        QFETCH(QStringList, method);
        QFETCH(double, min_psnr);
        QTemporaryDir dir;
        const QString stack = dir.filePath("sino.mha");
        const auto p = run_radon(kProject2d +
                                 QStringList{"--phantom", "modified-shepp-logan-2d", "-o", stack});
        QVERIFY2(p.exit_code == 0, qPrintable(p.err));
        QVERIFY(QFileInfo::exists(dir.filePath("sino.json")));
        const QString out = dir.filePath("rec.nii.gz");
        const auto r = run_radon(QStringList{"ct", "recon", stack, "-o", out} + method + kGrid2d);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("reconstructed in"), qPrintable(r.out));
        const Image image = read_image(out);
        const radon::VolumeGrid& grid = image.volume.grid;
        QCOMPARE(grid.size[0], int64_t(128));
        QCOMPARE(grid.size[2], int64_t(1));
        const auto reference =
            phantom_on_grid(radon::recon::shepp_logan_phantom_2d(
                                60, 60, radon::recon::SheppLoganContrast::Modified),
                            grid);
        const double db = psnr(image.data(), reference, central_mask(grid, 60, 1e9));
        qInfo("%s: PSNR %.2f dB (threshold %.1f)", qPrintable(method.join(' ')), db, min_psnr);
        QVERIFY2(db > min_psnr, qPrintable(QString::number(db)));
    }

    // FDK of the exact cone-beam projections of the 3D modified Shepp-Logan phantom, and the same
    // stack by CGLS: PSNR inside the field of view, 40 mm either side of the central plane.
    void round_trip_3d_data() {
        QTest::addColumn<QStringList>("method");
        QTest::addColumn<double>("min_psnr");
        QTest::newRow("fdk") << QStringList{"--method", "fdk"} << 29.5;  // 31.25
        QTest::newRow("cgls 10") << QStringList{"--method", "cgls", "--iterations", "10"}
                                 << 25.5;  // 27.00
    }
    void round_trip_3d() {
        QFETCH(QStringList, method);
        QFETCH(double, min_psnr);
        QTemporaryDir dir;
        const QString stack = dir.filePath("proj.nrrd");
        const auto p =
            run_radon(kProject3d + QStringList{"--phantom", "modified-shepp-logan", "-o", stack});
        QVERIFY2(p.exit_code == 0, qPrintable(p.err));
        const QString out = dir.filePath("rec.mha");
        const auto r = run_radon(QStringList{"ct", "recon", stack, "-o", out} + method + kGrid3d);
        QVERIFY2(r.exit_code == 0, qPrintable(r.err + r.out));
        const Image image = read_image(out);
        const auto reference =
            phantom_on_grid(radon::recon::shepp_logan_phantom(
                                {60, 60, 60}, radon::recon::SheppLoganContrast::Modified),
                            image.volume.grid);
        const double db = psnr(image.data(), reference, central_mask(image.volume.grid, 60, 40));
        qInfo("%s: PSNR %.2f dB (threshold %.1f)", qPrintable(method.join(' ')), db, min_psnr);
        QVERIFY2(db > min_psnr, qPrintable(QString::number(db)));
    }

    // The circular scan of kProject3d written out view by view from the textbook formula (source
    // on the circle, panel centre opposite, u tangent, v down the S-I axis, in the C-arm's angle
    // convention of docs/CONVENTIONS.md: at 0 degrees the source posterior, positive angles
    // turning the panel to the patient's left), given to recon as a vector file, reconstructs
    // what the geometry made from the angles does, to float rounding.
    void vectors_reconstruct_as_angles() {
        QTemporaryDir dir;
        const QString stack = dir.filePath("proj.nrrd");
        QVERIFY(run_radon(kProject3d + QStringList{"--phantom", "shepp-logan", "-o", stack})
                    .exit_code == 0);
        const QString vectors = dir.filePath("circle.txt");
        {
            QFile f(vectors);
            QVERIFY(f.open(QIODevice::WriteOnly));
            QTextStream s(&f);
            s.setRealNumberPrecision(17);
            s << "# source, detector centre, u, v (mm)\n";
            const double sid = 600, sdd = 1200, pixel = 3;
            for (int i = 0; i < 120; ++i) {
                const double a = i * 3.0 * M_PI / 180.0;
                const double dx = std::sin(a), dy = -std::cos(a);  // towards the panel
                s << -sid * dx << ' ' << -sid * dy << " 0 " << (sdd - sid) * dx << ' '
                  << (sdd - sid) * dy << " 0 " << pixel * std::cos(a) << ' ' << pixel * std::sin(a)
                  << " 0 0 0 " << -pixel << '\n';
            }
        }
        const QString from_angles = dir.filePath("angles.mha");
        const QString from_vectors = dir.filePath("vectors.mha");
        const auto a = run_radon(
            QStringList{"ct", "recon", stack, "--method", "fdk", "-o", from_angles} + kGrid3d);
        QVERIFY2(a.exit_code == 0, qPrintable(a.err));
        const auto v = run_radon(QStringList{"ct", "recon", stack, "--method", "fdk", "--geometry",
                                             vectors, "--beam", "cone", "-o", from_vectors} +
                                 kGrid3d);
        QVERIFY2(v.exit_code == 0, qPrintable(v.err));
        const Image ia = read_image(from_angles), iv = read_image(from_vectors);
        const int64_t n = ia.volume.grid.voxel_count();
        QCOMPARE(iv.volume.grid.voxel_count(), n);
        float peak = 0, worst = 0;
        for (int64_t i = 0; i < n; ++i) {
            peak = std::max(peak, std::abs(ia.data()[i]));
            worst = std::max(worst, std::abs(ia.data()[i] - iv.data()[i]));
        }
        QVERIFY(peak > 0.5f);  // the skull (2.0), so the comparison is not of two empty images
        QVERIFY2(worst <= 1e-5f * peak, qPrintable(QString("max difference %1").arg(worst)));
    }

    // The DRR-to-CBCT loop: radon drr-batch renders the thorax phantom from a C-arm sweep of
    // 180 poses (a full turn of primary angles, 2 degrees apart) as line integrals of relative
    // attenuation (--mu-water 1), and radon ct recon reconstructs the stack by FDK from the
    // geometry drr-batch wrote beside it. Inside the central 150 mm cylinder and 60 mm slab the
    // mean absolute error against the phantom on the same grid stays below 0.055 (water = 1: 55
    // HU), the phantom's edges and ribs blurred by the 3.75 mm voxels included. The geometry radon
    // ct geometry makes from the same poses file reconstructs the same image.
    void drr_sweep_reconstructs_thorax() {
        QTemporaryDir dir;
        const QString poses = dir.filePath("sweep.csv");
        QByteArray csv = "name,primary,secondary\n";
        for (int i = 0; i < 180; ++i)
            csv += QByteArray::number(i) + "," + QByteArray::number(-180 + 2 * i) + ",0\n";
        write_text(poses, csv);
        const QString drrs = dir.filePath("drrs.nrrd");
        const auto d = run_radon({"drr-batch",
                                  "--phantom",
                                  "thorax",
                                  "--phantom-size",
                                  "128,128,64",
                                  "--phantom-spacing",
                                  "2.8125,2.8125,5.2",
                                  "--poses",
                                  poses,
                                  "--height",
                                  "160",
                                  "--width",
                                  "240",
                                  "--delx",
                                  "2.2",
                                  "--mu-water",
                                  "1",
                                  "--quiet",
                                  "-o",
                                  drrs});
        QVERIFY2(d.exit_code == 0, qPrintable(d.err));
        const QString out = dir.filePath("cbct.nii.gz");
        const auto r = run_radon({"ct", "recon", drrs, "--method", "fdk", "--size", "96,96,32",
                                  "--spacing", "3.75,3.75,7", "--centre", "0,0,0", "-o", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err + r.out));
        const Image image = read_image(out);
        const auto reference = phantom_on_grid(radon::recon::thorax_phantom(), image.volume.grid);
        const auto mask = central_mask(image.volume.grid, 150, 60);
        double error = 0;
        int64_t n = 0;
        for (std::size_t i = 0; i < reference.size(); ++i)
            if (mask[i]) {
                error += std::abs(double(image.data()[i]) - reference[i]);
                ++n;
            }
        error /= double(n);
        qInfo("thorax from 180 DRRs: mean absolute error %.4f (water = 1)", error);

        // The same sweep as radon ct geometry makes it from the poses file: the same image.
        const QString sweep = dir.filePath("sweep.json");
        const auto g = run_radon({"ct", "geometry", "--poses", poses, "--sid", "850", "--sdd",
                                  "1020", "--detector", "240x160", "--pixel", "2.2", "-o", sweep});
        QVERIFY2(g.exit_code == 0, qPrintable(g.err));
        const QString out2 = dir.filePath("cbct_from_poses.nii.gz");
        const auto r2 =
            run_radon({"ct", "recon", drrs, "--geometry", sweep, "--method", "fdk", "--size",
                       "96,96,32", "--spacing", "3.75,3.75,7", "--centre", "0,0,0", "-o", out2});
        QVERIFY2(r2.exit_code == 0, qPrintable(r2.err + r2.out));
        const Image image2 = read_image(out2);
        float worst = 0;
        for (int64_t i = 0; i < image.volume.grid.voxel_count(); ++i)
            worst = std::max(worst, std::abs(image.data()[i] - image2.data()[i]));
        QVERIFY2(worst < 1e-4f, qPrintable(QString("max difference %1").arg(worst)));
        QVERIFY2(error < 0.055, qPrintable(QString::number(error)));  // 0.043
    }

    void bench_ct_writes_its_table() {
        QTemporaryDir dir;
        const QString prefix = dir.filePath("bench");
        const auto r = run_radon({"bench", "ct", "--size", "24", "--views", "12", "--detector",
                                  "32", "--size-2d", "32", "--views-2d", "16", "--detector-2d",
                                  "48", "--runs", "1", "--out", prefix});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QFile csv(prefix + ".csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QString text = QString(csv.readAll());
        QCOMPARE(text.trimmed().split('\n').size(), 5);
        for (const char* row : {"forward,cone", "adjoint,cone", "fdk,cone", "fbp,parallel-2d"})
            QVERIFY2(text.contains(row), row);
    }

    void bad_input_is_one_line_and_writes_nothing_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QStringList recon = {"ct", "recon", "@STACK@", "--method", "fdk"};
        QTest::newRow("fewer views in the geometry than projections")
            << (recon + QStringList{"--geometry", "@SHORT@", "-o", "@OUT@"}) << "12 projections";
        QTest::newRow("detector misses the volume")
            << (recon + QStringList{"--centre", "5000,0,0", "-o", "@OUT@"})
            << "misses the image grid";
        QTest::newRow("phantom outside every view")
            << (QStringList{"ct", "project", "--phantom", "shepp-logan", "--beam", "cone",
                            "--detector", "16", "--isocenter", "0,0,3000", "-o", "@OUT@"})
            << "misses the phantom";
        QTest::newRow("zero views") << (QStringList{"ct", "project", "--phantom", "shepp-logan",
                                                    "--views", "0", "-o", "@OUT@"})
                                    << "--views";
        QTest::newRow("geometry without views")
            << (recon + QStringList{"--geometry", "@EMPTY@", "-o", "@OUT@"}) << "no views";
        QTest::newRow("cut-off 0")
            << (recon + QStringList{"--cutoff", "0", "-o", "@OUT@"}) << "--cutoff";
        QTest::newRow("cut-off above 1")
            << (recon + QStringList{"--cutoff", "1.5", "-o", "@OUT@"}) << "--cutoff";
        QTest::newRow("non-finite vector")
            << (recon + QStringList{"--geometry", "@NAN@", "--beam", "cone", "-o", "@OUT@"})
            << "not finite";
        QTest::newRow("unknown method")
            << (QStringList{"ct", "recon", "@STACK@", "--method", "art", "-o", "@OUT@"})
            << "--method";
        QTest::newRow("2D phantom on a cone beam")
            << (QStringList{"ct", "project", "--phantom", "shepp-logan-2d", "--beam", "cone", "-o",
                            "@OUT@"})
            << "2D scan";
        QTest::newRow("filter option for an iterative method")
            << (QStringList{"ct", "recon", "@STACK@", "--method", "sirt", "--filter", "hann", "-o",
                            "@OUT@"})
            << "--filter";
    }
    void bad_input_is_one_line_and_writes_nothing() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir dir;
        // A good stack of 12 views, for the mismatches.
        const QString stack = dir.filePath("good.nrrd");
        const auto good = run_radon({"ct", "project", "--phantom", "shepp-logan", "--views", "12",
                                     "--detector", "16", "--pixel", "16", "-o", stack});
        QVERIFY2(good.exit_code == 0, qPrintable(good.err));
        // The geometry of the same scan with one view fewer.
        const auto shorter =
            run_radon({"ct", "project", "--phantom", "shepp-logan", "--views", "11", "--detector",
                       "16", "--pixel", "16", "-o", dir.filePath("short.nrrd")});
        QVERIFY2(shorter.exit_code == 0, qPrintable(shorter.err));
        const QString short_geometry = dir.filePath("short.json");
        const QString empty = dir.filePath("empty.json");
        write_text(empty,
                   R"({"beam": "cone", "detector": {"columns": 16, "rows": 16}, "views": []})");
        const QString nan = dir.filePath("nan.txt");
        QByteArray rows;
        for (int i = 0; i < 12; ++i)
            rows +=
                i == 5 ? "0 600 0 0 -600 0 nan 0 0 0 0 -16\n" : "0 600 0 0 -600 0 16 0 0 0 0 -16\n";
        write_text(nan, rows);
        const bool project = args[1] == "project";
        const QString target = dir.filePath(project ? "out.nrrd" : "out.nii.gz");
        QStringList expanded;
        for (QString a : args) {
            a.replace("@OUT@", target).replace("@STACK@", stack).replace("@SHORT@", short_geometry);
            a.replace("@EMPTY@", empty).replace("@NAN@", nan);
            expanded << a;
        }
        const auto r = run_radon(expanded);
        QCOMPARE(r.exit_code, 2);
        const QStringList lines = r.err.trimmed().split('\n');
        QVERIFY2(lines.size() == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY2(r.err.startsWith("radon ct"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(target));
        QVERIFY(!QFileInfo::exists(dir.filePath("out.json")));
    }
};

RADON_TEST_CLASS(TestCliCt);

#include "test_cli_ct.moc"
