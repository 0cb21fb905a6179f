// radon ct geometry: circular trajectories, C-arm sweeps and poses files written in every format
// and read back to the geometry the kernels make; RTK files converted; bad input refused in one
// line with exit 2 and nothing written.

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "recon/ct/ct_geometry_files.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"

using radon::test::run_radon;
using namespace radon;

namespace {

double geometry_difference(const CtGeometry& a, const CtGeometry& b) {
    if (a.beam != b.beam || a.columns != b.columns || a.rows != b.rows ||
        a.view_count() != b.view_count())
        return 1e300;
    double worst = 0;
    for (int64_t i = 0; i < a.view_count(); ++i) {
        const CtView &x = a.views[i], &y = b.views[i];
        worst =
            std::max({worst, norm(x.source - y.source), norm(x.detector_center - y.detector_center),
                      norm(x.u - y.u), norm(x.v - y.v)});
    }
    return worst;
}

CtGeometry read(const QString& path, recon::CtGeometryFormat format) {
    return recon::read_ct_geometry(path.toStdString(), format);
}

void write_text(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

class TestCliCtGeometry : public QObject {
    Q_OBJECT

  private slots:
    // A circular trajectory with every option, written to all four formats at once: each reads
    // back to what circular_geometry makes of the same numbers.
    void a_circular_trajectory_is_written_in_every_format() {
        QTemporaryDir dir;
        const QString json = dir.filePath("g.json"), xml = dir.filePath("g.xml"),
                      vec = dir.filePath("g.txt"), mat = dir.filePath("g.pm");
        const auto r = run_radon({"ct",
                                  "geometry",
                                  "--views",
                                  "90",
                                  "--arc",
                                  "200",
                                  "--first-angle",
                                  "-100",
                                  "--sid",
                                  "700",
                                  "--sdd",
                                  "1100",
                                  "--detector",
                                  "120x80",
                                  "--pixel",
                                  "1.5,1.25",
                                  "--source-offset",
                                  "20,15",
                                  "--detector-offset",
                                  "-4,6",
                                  "--isocenter",
                                  "0,0,0",
                                  "-o",
                                  json,
                                  "-o",
                                  xml,
                                  "-o",
                                  vec});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("cone beam, 90 views, panel 120 x 80 pixels of 1.5 x 1.25 mm"),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains("wrote " + xml + " (rtk)"), qPrintable(r.out));
        const auto m =
            run_radon({"ct", "geometry", "--in", json, "-o", mat, "--format", "matrices"});
        QVERIFY2(m.exit_code == 0, qPrintable(m.err));

        CircularTrajectory t;
        t.angles_deg = evenly_spaced_angles(90, -100, 200);
        t.source_isocenter_mm = 700;
        t.source_detector_mm = 1100;
        t.columns = 120;
        t.rows = 80;
        t.pixel_u_mm = 1.5;
        t.pixel_v_mm = 1.25;
        t.source_offset_u_mm = 20;
        t.source_offset_v_mm = 15;
        t.detector_offset_u_mm = -4;
        t.detector_offset_v_mm = 6;
        const CtGeometry expected = circular_geometry(t);
        QCOMPARE(geometry_difference(read(json, recon::CtGeometryFormat::Json), expected), 0.0);
        QCOMPARE(geometry_difference(read(vec, recon::CtGeometryFormat::Vectors), expected), 0.0);
        QVERIFY(geometry_difference(read(xml, recon::CtGeometryFormat::Rtk), expected) < 1e-9);
        QVERIFY(geometry_difference(read(mat, recon::CtGeometryFormat::Matrices), expected) < 1e-9);
    }

    // RTK's own file, converted to radon's JSON on a given panel and back to RTK's XML: the same
    // views; and a 2D fan (one row) is named as such.
    void an_rtk_file_converts_and_one_row_is_a_fan() {
        QTemporaryDir dir;
        const QString rtk = QString(RADON_CT_FIXTURES) + "/rtk_cone.xml";
        const QString json = dir.filePath("rtk.json"), xml = dir.filePath("again.xml");
        auto r = run_radon({"ct", "geometry", "--in", rtk, "--detector", "64x48", "--pixel",
                            "0.8,1.1", "-o", json});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("cone beam, 7 views, panel 64 x 48"), qPrintable(r.out));
        r = run_radon({"ct", "geometry", "--in", json, "-o", xml});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY(geometry_difference(read(xml, recon::CtGeometryFormat::Rtk),
                                    read(json, recon::CtGeometryFormat::Json)) < 1e-9);

        r = run_radon({"ct", "geometry", "--views", "180", "--detector", "512x1"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("(2D fan)"), qPrintable(r.out));
        r = run_radon(
            {"ct", "geometry", "--beam", "parallel", "--views", "180", "--detector", "512x1"});
        QVERIFY2(r.out.contains("(2D parallel)"), qPrintable(r.out));
    }

    // A C-arm sweep and a poses file give the DRR geometry of each pose.
    void carm_sweeps_and_poses_files_are_cone_beam_scans() {
        QTemporaryDir dir;
        const QString sweep = dir.filePath("sweep.json");
        auto r = run_radon({"ct",    "geometry",    "--carm", "--views",
                            "5",     "--arc",       "100",    "--first-angle",
                            "-50",   "--secondary", "20",     "--roll",
                            "5",     "--sid",       "850",    "--sdd",
                            "1020",  "--detector",  "64x32",  "--pixel",
                            "2",     "--principal", "3,-4",   "--isocenter",
                            "1,2,3", "-o",          sweep});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const CtGeometry g = read(sweep, recon::CtGeometryFormat::Json);
        QCOMPARE(g.view_count(), int64_t(5));
        Detector d;
        d.width = 64;
        d.height = 32;
        d.delx = d.dely = 2;
        d.principal_u = 3;
        d.principal_v = -4;
        for (int i = 0; i < 5; ++i) {
            CArmPose p;
            p.primary_deg = -50 + 20 * i;
            p.secondary_deg = 20;
            p.roll_deg = 5;
            const CtView w = cone_view(carm_projection(p, d, {1, 2, 3}));
            QVERIFY(norm(w.source - g.views[i].source) < 1e-9);
            QVERIFY(norm(w.detector_center - g.views[i].detector_center) < 1e-9);
        }

        const QString poses = dir.filePath("poses.csv"), out = dir.filePath("poses.txt");
        write_text(poses, "name,primary,secondary,sad\nap,0,0,700\nlao,30,15,\n");
        r = run_radon({"ct", "geometry", "--poses", poses, "--sdd", "1000", "--sid", "650",
                       "--detector", "40x30", "-o", out});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const CtGeometry p = read(out, recon::CtGeometryFormat::Vectors);
        QCOMPARE(p.view_count(), int64_t(2));
        QVERIFY(norm(p.views[0].source - Vec3{0, 700, 0}) < 1e-9);  // the pose's own SAD
        QVERIFY(std::fabs(norm(p.views[1].source) - 650) < 1e-9);   // --sid for the other
    }

    // Bad input: one line naming the problem, exit 2, and no output written (an existing one is
    // left as it was).
    void bad_input_is_refused_and_nothing_is_written() {
        QTemporaryDir dir;
        const QString target = dir.filePath("out.json");
        const QString kept = dir.filePath("kept.xml");
        write_text(kept, "previous");
        const QString bad_xml = dir.filePath("bad.xml"), bad_vec = dir.filePath("bad.txt");
        write_text(bad_xml,
                   "<?xml version=\"1.0\"?>\n<RTKThreeDCircularGeometry version=\"3\">\n"
                   "  <Projection>\n    <GantryAngle>ten</GantryAngle>\n  </Projection>\n"
                   "</RTKThreeDCircularGeometry>\n");
        write_text(
            bad_vec,
            "# detector: 4x4\n0 -600 0 0 400 0 1 0 0 0 0 1\n0 -600 0 0 400 0 inf 0 0 0 0 1\n");
        const QList<QPair<QStringList, QString>> cases = {
            {{"--views", "0"}, "--views"},
            {{"--sid", "600", "--sdd", "500"}, "larger than source to isocenter"},
            {{"--carm", "--sid", "900", "--sdd", "800"}, "C-arm sweep pose 0"},
            {{"--detector", "0x5"}, "COLUMNSxROWS"},
            {{"--pixel", "-1"}, "--pixel"},
            {{"--format", "astra3"}, "unknown geometry format 'astra3'"},
            {{"--in", bad_xml}, "bad.xml line 4: <GantryAngle> holds 'ten'"},
            {{"--in", bad_xml.left(bad_xml.size() - 4) + ".xyz"}, "unknown geometry format"},
            {{"--in", bad_vec}, "bad.txt line 3: number 7 is not finite"},
            {{"--in", dir.filePath("none.json")}, "none.json: no such file"},
            {{"--in", QString(RADON_CT_FIXTURES) + "/rtk_cone.xml"}, "--pixel"},
            {{"--carm", "--in", bad_vec}, "one of --carm, --poses and --in"},
            {{"--beam", "parallel", "--sid", "500"}, "--sid does not apply to a parallel beam"},
            {{"--secondary", "10"}, "--secondary does not apply to a circular trajectory"},
            {{"--beam", "fan"}, "unknown beam 'fan'"},
        };
        for (const auto& [options, message] : cases) {
            const auto r = run_radon(QStringList{"ct", "geometry"} + options +
                                     QStringList{"-o", target, "-o", kept});
            QVERIFY2(r.exit_code == 2, qPrintable(options.join(' ') + ": " + r.err));
            QVERIFY2(r.err.trimmed().split('\n').size() == 1, qPrintable(r.err));
            QVERIFY2(r.err.startsWith("radon ct: error: "), qPrintable(r.err));
            QVERIFY2(r.err.contains(message), qPrintable(options.join(' ') + ": " + r.err));
            QVERIFY(!QFileInfo::exists(target));
            QFile f(kept);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QCOMPARE(f.readAll(), QByteArray("previous"));
        }
        // A geometry RTK cannot hold: nothing written, not even the other outputs.
        const auto r =
            run_radon({"ct", "geometry", "--poses", dir.filePath("none.csv"), "-o", target});
        QCOMPARE(r.exit_code, 2);
        QVERIFY(!QFileInfo::exists(target));
        const auto none = run_radon({"ct"});
        QCOMPARE(none.exit_code, 2);
        QVERIFY(none.err.contains("geometry"));
        const auto unknown = run_radon({"ct", "recon2"});
        QCOMPARE(unknown.exit_code, 2);
        QVERIFY2(unknown.err.contains("unknown CT subcommand 'recon2'"), qPrintable(unknown.err));
    }
};

RADON_TEST_CLASS(TestCliCtGeometry);
#include "test_cli_ct_geometry.moc"
