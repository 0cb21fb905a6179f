// RTK's geometry XML: files written by RTK itself (tests/data/ct,
// tools/make_ct_geometry_fixtures.py) import to views whose projection matrices are RTK's own
// matrices under the stated pixel convention; radon's export reads back to the same views; the
// stated relation between RTK's angles and the C-arm holds; malformed files are refused with the
// file, the line and the field.

#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>

#include <array>
#include <cmath>
#include <fstream>
#include <random>

#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_geometry_conversions.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/geometry/rotation.h"
#include "recon/ct/geometry_text_file.h"
#include "recon/ct/rtk_geometry.h"
#include "recon/ct/rtk_geometry_xml.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using namespace radon::recon;
using radon::test::invalid_argument_message;

namespace {

std::string fixture(const char* name) {
    return std::string(RADON_CT_FIXTURES) + "/" + name;
}

double view_difference(const CtView& a, const CtView& b) {
    return std::max(
        std::max(norm(a.source - b.source), norm(a.detector_center - b.detector_center)),
        std::max(norm(a.u - b.u), norm(a.v - b.v)));
}

// Where a matrix sends a world point: (first, second) / third.
std::array<double, 2> project(const std::array<double, 12>& m, Vec3 x) {
    const double w = m[8] * x.x + m[9] * x.y + m[10] * x.z + m[11];
    return {(m[0] * x.x + m[1] * x.y + m[2] * x.z + m[3]) / w,
            (m[4] * x.x + m[5] * x.y + m[6] * x.z + m[7]) / w};
}

RtkPanel panel(int64_t columns, int64_t rows, double su, double sv) {
    RtkPanel p;
    p.columns = columns;
    p.rows = rows;
    p.spacing_u_mm = su;
    p.spacing_v_mm = sv;
    return p;
}

std::string write_temp(const QTemporaryDir& dir, const char* name, const std::string& text) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path) << text;
    return path;
}

// An RTK file of one cone projection with `inside` replacing its parameters.
std::string one_projection(const std::string& inside, const std::string& top = "") {
    return "<?xml version=\"1.0\"?>\n<!DOCTYPE RTKGEOMETRY>\n"
           "<RTKThreeDCircularGeometry version=\"3\">\n" +
           top + "  <Projection>\n" + inside +
           "  </Projection>\n"
           "</RTKThreeDCircularGeometry>\n";
}

const std::string kDistances =
    "    <SourceToIsocenterDistance>600</SourceToIsocenterDistance>\n"
    "    <SourceToDetectorDistance>1200</SourceToDetectorDistance>\n";

}  // namespace

class TestRtkGeometry : public QObject {
    Q_OBJECT

  private slots:
    // RTK wrote these files from AddProjection parameters, each with the matrix it computes.
    // Imported on any panel, radon's matrix (world to pixel index) is RTK's matrix (world to
    // detector mm) under the stated convention: M = s A P, A = [[su, 0, ou], [0, sv, ov],
    // [0, 0, 1]], s < 0 for cone beams, s = 1 for parallel beams. Checked entry by entry after
    // removing s, and on points: the detector mm RTK gives are origin + index * spacing.
    void rtk_files_import_to_rtks_own_matrices() {
        for (const char* name : {"rtk_cone.xml", "rtk_parallel.xml"}) {
            const std::string path = fixture(name);
            const RtkGeometryFile file = parse_rtk_geometry_xml(read_geometry_text(path), path);
            QVERIFY(file.projections.size() >= 5);
            QVERIFY(!file.panel);  // RTK writes no pixel grid
            RtkPanel centred = panel(64, 48, 0.8, 1.1);
            RtkPanel shifted = panel(31, 20, 1.5, 0.6);
            shifted.origin_u_mm = -3.25;
            shifted.origin_v_mm = 7.5;
            for (const RtkPanel& p : {centred, shifted}) {
                const CtGeometry g = read_rtk_geometry(path, p);
                const bool cone = std::string(name) == "rtk_cone.xml";
                QCOMPARE(g.beam, cone ? CtBeam::Cone : CtBeam::Parallel);
                QCOMPARE(g.view_count(), int64_t(file.projections.size()));
                for (int64_t v = 0; v < g.view_count(); ++v) {
                    const std::array<double, 12> ours = projection_matrix(g, v);
                    const std::array<double, 12>& rtk = *file.projections[v].matrix;
                    std::array<double, 12> a_p{};
                    const double a[3][3] = {{p.spacing_u_mm, 0, p.origin_u()},
                                            {0, p.spacing_v_mm, p.origin_v()},
                                            {0, 0, 1}};
                    for (int r = 0; r < 3; ++r)
                        for (int c = 0; c < 4; ++c)
                            a_p[r * 4 + c] =
                                a[r][0] * ours[c] + a[r][1] * ours[4 + c] + a[r][2] * ours[8 + c];
                    // s from the third rows; RTK's third row of the 3x3 block is a unit vector.
                    double s = 0, largest = 0;
                    for (int c = 0; c < 4; ++c)
                        s += rtk[8 + c] * a_p[8 + c];
                    double norm2 = 0;
                    for (int c = 0; c < 4; ++c)
                        norm2 += a_p[8 + c] * a_p[8 + c];
                    s /= norm2;
                    if (cone) {
                        QVERIFY2(s < 0, qPrintable(QString("s = %1").arg(s)));
                    } else {
                        QVERIFY(std::fabs(s - 1) < 1e-12);
                    }
                    double worst = 0;
                    for (int k = 0; k < 12; ++k) {
                        worst = std::max(worst, std::fabs(rtk[k] - s * a_p[k]));
                        largest = std::max(largest, std::fabs(rtk[k]));
                    }
                    // RTK writes 15 significant digits.
                    QVERIFY2(worst <= 1e-13 * largest,
                             qPrintable(QString("%1 view %2: %3 off").arg(name).arg(v).arg(worst)));
                    for (const Vec3 x : {Vec3{0, 0, 0}, Vec3{30, -20, 45}, Vec3{-60, 10, -25}}) {
                        const auto mm = project(rtk, x);
                        const auto pixel = project(ours, x);
                        QVERIFY(std::fabs(mm[0] - (p.origin_u() + pixel[0] * p.spacing_u_mm)) <
                                1e-9);
                        QVERIFY(std::fabs(mm[1] - (p.origin_v() + pixel[1] * p.spacing_v_mm)) <
                                1e-9);
                    }
                }
            }
        }
    }

    // The frames as the header states them: the source of an RTK projection with no offsets
    // and no out-of-plane or in-plane angle sits at Ry(gantry) (0, 0, SID): at +z at 0 degrees,
    // at +x at 90; and any RTK projection is the C-arm pose R_carm = Ry(ga) Rx(oa) Rz(ia) Rx(90)
    // with SAD = SID, on a panel centred on the central ray.
    void rtk_angles_relate_to_the_carm_as_documented() {
        const RtkPanel p = panel(40, 30, 1.0, 1.0);
        RtkProjection r;
        r.source_isocenter_mm = 600;
        r.source_detector_mm = 1000;
        r.gantry_deg = 90;
        CtGeometry g = ct_geometry_from_rtk({r}, p, "test");
        QVERIFY(norm(g.views[0].source - Vec3{600, 0, 0}) < 1e-12);
        QVERIFY(norm(g.views[0].detector_center - Vec3{-400, 0, 0}) < 1e-12);

        std::mt19937_64 rng(5);
        std::uniform_real_distribution<double> angle(-180, 180);
        for (int i = 0; i < 100; ++i) {
            r.gantry_deg = angle(rng);
            r.out_of_plane_deg = angle(rng) / 4;
            r.in_plane_deg = angle(rng);
            g = ct_geometry_from_rtk({r}, p, "test");
            RigidTransform pose;
            pose.rotation = rotation_y(deg_to_rad(r.gantry_deg)) *
                            rotation_x(deg_to_rad(r.out_of_plane_deg)) *
                            rotation_z(deg_to_rad(r.in_plane_deg)) * rotation_x(kPi / 2);
            Detector d;
            d.width = 40;
            d.height = 30;
            d.delx = d.dely = 1.0;
            const CtView carm = cone_view(rigid_projection(pose, 600, 1000, d));
            QVERIFY2(view_difference(carm, g.views[0]) < 1e-9, qPrintable(QString::number(i)));
        }

        // radon's AP view (circular angle 0) is RTK's gantry 0, out-of-plane 270, in-plane 0.
        CircularTrajectory t;
        t.angles_deg = {0};
        RtkPanel out;
        const auto ap = rtk_projections(circular_geometry(t), out, "test");
        QVERIFY(std::fabs(ap[0].gantry_deg) < 1e-9);
        QVERIFY(std::fabs(ap[0].out_of_plane_deg - 270) < 1e-9);
        QVERIFY(std::fabs(ap[0].in_plane_deg) < 1e-9);
        QVERIFY(std::fabs(ap[0].source_isocenter_mm - 600) < 1e-9);
        QVERIFY(std::fabs(ap[0].source_detector_mm - 1200) < 1e-9);
    }

    // Written by radon and read back: the same views to 1e-9 mm, for circular cone and parallel
    // trajectories with every offset, and a C-arm sweep with secondary angle, roll, principal
    // point and isocenter offset; constant values written once at the top, as RTK does.
    void export_reads_back_to_the_same_views() {
        CircularTrajectory t;
        t.angles_deg = evenly_spaced_angles(24, -30, 360);
        t.source_isocenter_mm = 600;
        t.source_detector_mm = 1200;
        t.columns = 128;
        t.rows = 96;
        t.pixel_u_mm = 4;
        t.pixel_v_mm = 3;
        t.source_offset_u_mm = 20;
        t.source_offset_v_mm = 15;
        t.detector_offset_u_mm = -7;
        t.detector_offset_v_mm = 11;
        CircularTrajectory parallel = t;
        parallel.isocenter = {3, -4, 5};
        parallel.beam = CtBeam::Parallel;
        parallel.source_offset_u_mm = parallel.source_offset_v_mm = 0;

        std::vector<CArmPose> poses;
        for (int i = 0; i < 9; ++i) {
            CArmPose pose;
            pose.primary_deg = -80 + 20 * i;
            pose.secondary_deg = 25 - 5 * i;
            pose.roll_deg = 2 * i - 7;
            pose.isocenter_offset = {1, 2, 3};
            poses.push_back(pose);
        }
        Detector d;
        d.width = 100;
        d.height = 80;
        d.delx = 0.7;
        d.dely = 0.9;
        d.principal_u = 12;
        d.principal_v = -6;

        QTemporaryDir dir;
        const std::vector<CtGeometry> geometries = {circular_geometry(t),
                                                    circular_geometry(parallel),
                                                    carm_sweep_geometry(poses, d, {10, 20, 30})};
        for (std::size_t k = 0; k < geometries.size(); ++k) {
            const CtGeometry& g = geometries[k];
            RtkPanel p;
            if (k == 2) p.origin_u_mm = -20.0;  // a non-centred origin travels in the comment
            const std::string text = rtk_geometry_xml(g, p, "out.xml");
            const std::string path = write_temp(dir, "out.xml", text);
            const CtGeometry back = read_rtk_geometry(path, std::nullopt);
            QCOMPARE(back.beam, g.beam);
            QCOMPARE(back.columns, g.columns);
            QCOMPARE(back.rows, g.rows);
            QCOMPARE(back.view_count(), g.view_count());
            for (int64_t v = 0; v < g.view_count(); ++v) {
                const double difference = view_difference(back.views[v], g.views[v]);
                QVERIFY2(
                    difference < 1e-9,
                    qPrintable(
                        QString("geometry %1 view %2: %3 mm off").arg(k).arg(v).arg(difference)));
            }
            if (k == 0) {
                // About the world origin, as RTK turns, SID, SDD and the source offsets are the
                // same for every view: written once.
                QCOMPARE(QString::fromStdString(text).count("<SourceToIsocenterDistance>"), 1);
                QCOMPARE(QString::fromStdString(text).count("<SourceOffsetX>"), 1);
                QCOMPARE(QString::fromStdString(text).count("<GantryAngle>"), 24);
                QCOMPARE(QString::fromStdString(text).count("<Matrix>"), 24);
            }
        }
    }

    void malformed_files_are_refused_with_the_line() {
        QTemporaryDir dir;
        const RtkPanel p = panel(10, 10, 1, 1);
        auto message = [&](const std::string& text) {
            const std::string path = write_temp(dir, "bad.xml", text);
            return invalid_argument_message([&] { read_rtk_geometry(path, p); });
        };
        QString m = message(one_projection(kDistances + "    <GantryAngle>abc</GantryAngle>\n"));
        QVERIFY2(m.contains("bad.xml line 7") && m.contains("<GantryAngle>") && m.contains("'abc'"),
                 qPrintable(m));
        m = message(one_projection(kDistances + "    <GantryAngle>nan</GantryAngle>\n"));
        QVERIFY2(m.contains("finite number"), qPrintable(m));
        m = message(one_projection(kDistances + "    <GantryAngel>10</GantryAngel>\n"));
        QVERIFY2(m.contains("line 7") && m.contains("unknown element <GantryAngel>"),
                 qPrintable(m));
        m = message(one_projection(kDistances + "    <GantryAngle>10</GantryAngle>\n"));
        QVERIFY2(m.isEmpty(), qPrintable(m));
        m = message(one_projection(kDistances + "    <GantryAngle>10\n"));
        QVERIFY2(m.contains("line 8") && m.contains("</Projection> closes <GantryAngle>"),
                 qPrintable(m));
        m = message(one_projection(kDistances + "    <Matrix>1 2 3 4 5 6 7 8 9 10 11</Matrix>\n"));
        QVERIFY2(m.contains("line 7") && m.contains("11 numbers, expected 12"), qPrintable(m));
        m = message(one_projection(kDistances + "    <Matrix>" + std::string(11, ' ') +
                                   "-1200 0 0 0 0 -1200 0 0 0 0 1 -600</Matrix>\n"));
        QVERIFY2(m.isEmpty(), qPrintable(m));  // RTK's own matrix of gantry angle 0
        m = message(one_projection(kDistances +
                                   "    <Matrix>-1200 0 0 0 0 -1200 0 0 0 0 1 -601</Matrix>\n"));
        QVERIFY2(
            m.contains("line 8") && m.contains("Matrix of projection 0") && m.contains("[2][3]"),
            qPrintable(m));
        m = message(one_projection(
            kDistances + "    <RadiusCylindricalDetector>900</RadiusCylindricalDetector>\n"));
        QVERIFY2(m.contains("cylindrical"), qPrintable(m));
        m = message(one_projection(kDistances + "    <CollimationUInf>40</CollimationUInf>\n"));
        QVERIFY2(m.contains("collimat"), qPrintable(m));
        std::string v4 = one_projection(kDistances);
        v4.replace(v4.find("version=\"3\""), 11, "version=\"4\"");
        m = message(v4);
        QVERIFY2(m.contains("line 3") && m.contains("version '4'"), qPrintable(m));
        m = message("<?xml version=\"1.0\"?>\n<Geometry/>\n");
        QVERIFY2(m.contains("line 2") && m.contains("<RTKThreeDCircularGeometry>"), qPrintable(m));
        m = message("<?xml version=\"1.0\"?>\n<RTKThreeDCircularGeometry version=\"3\">\n" +
                    kDistances + "</RTKThreeDCircularGeometry>\n");
        QVERIFY2(m.contains("no <Projection>"), qPrintable(m));
        m = message(one_projection(kDistances) + "<Projection/>\n");
        QVERIFY2(m.contains("text after the end"), qPrintable(m));
        m = message(one_projection("    <SourceToDetectorDistance>0</SourceToDetectorDistance>\n",
                                   "  <Projection>\n" + kDistances + "  </Projection>\n"));
        QVERIFY2(m.contains("projection 1") && m.contains("mixes parallel"), qPrintable(m));

        // Without a panel: RTK's geometry has no pixels.
        const std::string path = write_temp(dir, "nopanel.xml", one_projection(kDistances));
        m = invalid_argument_message([&] { read_rtk_geometry(path, std::nullopt); });
        QVERIFY2(m.contains("nopanel.xml") && m.contains("--detector") && m.contains("--pixel"),
                 qPrintable(m));
        m = invalid_argument_message([&] { read_rtk_geometry(fixture("missing.xml"), p); });
        QVERIFY2(m.contains("missing.xml") && m.contains("no such file"), qPrintable(m));
    }

    // What RTK cannot hold is refused by name rather than written wrong.
    void geometries_rtk_cannot_hold_are_refused() {
        CircularTrajectory t;
        t.angles_deg = {0, 90};
        CtGeometry g = circular_geometry(t);
        g.views[1].u = 1.5 * g.views[1].u;
        RtkPanel p;
        QString m = invalid_argument_message([&] { rtk_projections(g, p, "out.xml"); });
        QVERIFY2(m.contains("out.xml: view 1") && m.contains("one pixel spacing"), qPrintable(m));
        g = circular_geometry(t);
        g.views[0].v = g.views[0].v + 0.1 * g.views[0].u;
        m = invalid_argument_message([&] { rtk_projections(g, p, "out.xml"); });
        QVERIFY2(m.contains("view 0") && m.contains("not orthogonal"), qPrintable(m));
        t.beam = CtBeam::Parallel;
        g = circular_geometry(t);
        g.views[1].source = g.views[1].source + Vec3{0, 0, 0.3};
        m = invalid_argument_message([&] { rtk_projections(g, p, "out.xml"); });
        QVERIFY2(m.contains("view 1") && m.contains("perpendicular"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestRtkGeometry);
#include "test_rtk_geometry.moc"
