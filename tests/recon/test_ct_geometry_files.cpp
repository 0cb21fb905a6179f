// CT geometry files: ASTRA vector rows written by ASTRA itself (tests/data/ct) read as the
// circular trajectory the stated angle relation gives; vectors, matrices and radon's JSON read
// back to what was written; projection stacks with their JSON; bad files refused in one line
// naming the file and the line or field.

#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "kernels/core/error.h"
#include "kernels/ct/ct_geometry.h"
#include "recon/ct/ct_geometry_files.h"
#include "recon/ct/projection_stack.h"
#include "recon/io/image_io.h"
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

double geometry_difference(const CtGeometry& a, const CtGeometry& b) {
    if (a.beam != b.beam || a.columns != b.columns || a.rows != b.rows ||
        a.view_count() != b.view_count())
        return 1e300;
    double worst = 0;
    for (int64_t i = 0; i < a.view_count(); ++i)
        worst = std::max(worst, view_difference(a.views[i], b.views[i]));
    return worst;
}

std::string write_temp(const QTemporaryDir& dir, const char* name, const std::string& text) {
    const std::string path = dir.filePath(name).toStdString();
    std::ofstream(path) << text;
    return path;
}

CtGeometry sample(CtBeam beam) {
    CircularTrajectory t;
    t.beam = beam;
    t.angles_deg = evenly_spaced_angles(7, 10, 360);
    t.columns = 12;
    t.rows = 5;
    t.pixel_u_mm = 1.25;
    t.pixel_v_mm = 0.75;
    t.source_offset_u_mm = beam == CtBeam::Cone ? 3 : 0;
    t.detector_offset_u_mm = -4;
    t.detector_offset_v_mm = 2;
    return circular_geometry(t);
}

}  // namespace

class TestCtGeometryFiles : public QObject {
    Q_OBJECT

  private slots:
    // ASTRA's circular 'cone' view at angle t is radon's circular view at t + 180 degrees with
    // the panel turned by 180 degrees (u and v negated); its 'parallel3d' view at t is radon's
    // parallel view at t with the rows reversed (v negated). Read from files astra.geom_2vec
    // wrote.
    void astra_vector_files_are_the_stated_circular_trajectories() {
        CtGeometryHints hints;
        hints.columns = 10;
        hints.rows = 6;
        const CtGeometry cone =
            read_ct_geometry(fixture("astra_cone_vec.txt"), CtGeometryFormat::Vectors, hints);
        CircularTrajectory t;
        t.source_isocenter_mm = 600;
        t.source_detector_mm = 1000;
        t.columns = 10;
        t.rows = 6;
        t.pixel_u_mm = 0.8;
        t.pixel_v_mm = 1.2;
        for (double a : {0.0, 30.0, 95.0, 180.0, 271.5})
            t.angles_deg.push_back(a + 180);
        CtGeometry expected = circular_geometry(t);
        for (CtView& w : expected.views) {
            w.u = -w.u;
            w.v = -w.v;
        }
        QVERIFY2(geometry_difference(cone, expected) < 1e-9,
                 qPrintable(QString::number(geometry_difference(cone, expected))));

        hints.columns = 9;
        hints.rows = 4;
        hints.beam = CtBeam::Parallel;
        const CtGeometry parallel =
            read_ct_geometry(fixture("astra_parallel3d_vec.txt"), CtGeometryFormat::Vectors, hints);
        t.beam = CtBeam::Parallel;
        t.columns = 9;
        t.rows = 4;
        t.pixel_u_mm = 0.5;
        t.pixel_v_mm = 0.7;
        t.angles_deg = {0, 45, 90, 200};
        expected = circular_geometry(t);
        for (CtView& w : expected.views)
            w.v = -w.v;
        QVERIFY2(geometry_difference(parallel, expected) < 1e-9,
                 qPrintable(QString::number(geometry_difference(parallel, expected))));
    }

    // What radon writes it reads back: vectors and JSON to the last bit (17 digits), matrices
    // to 1e-9 mm; the beam, the panel and the pixel size travel in the vector and matrix files'
    // comments.
    void every_format_reads_back_what_it_wrote() {
        QTemporaryDir dir;
        for (const CtBeam beam : {CtBeam::Cone, CtBeam::Parallel}) {
            const CtGeometry g = sample(beam);
            for (const auto& [name, format] :
                 {std::pair<const char*, CtGeometryFormat>{"g.json", CtGeometryFormat::Json},
                  {"g.txt", CtGeometryFormat::Vectors},
                  {"g.matrices", CtGeometryFormat::Matrices},
                  {"g.xml", CtGeometryFormat::Rtk}}) {
                const std::string path = write_temp(dir, name, ct_geometry_text(g, format, name));
                const CtGeometry back = read_ct_geometry(path, format);
                const double tolerance =
                    format == CtGeometryFormat::Json || format == CtGeometryFormat::Vectors ? 0
                                                                                            : 1e-9;
                QVERIFY2(geometry_difference(back, g) <= tolerance,
                         qPrintable(QString("%1 %2: %3")
                                        .arg(name)
                                        .arg(to_string(beam))
                                        .arg(geometry_difference(back, g))));
            }
        }
        QCOMPARE(ct_geometry_format_of("a/b.XML"), CtGeometryFormat::Rtk);
        QCOMPARE(ct_geometry_format_of("b.vec"), CtGeometryFormat::Vectors);
        QCOMPARE(parse_ct_geometry_format("matrices"), CtGeometryFormat::Matrices);
        QString m = invalid_argument_message([] { ct_geometry_format_of("g.dat"); });
        QVERIFY2(m.contains("g.dat") && m.contains(".xml") && m.contains("--format"),
                 qPrintable(m));
        m = invalid_argument_message([] { parse_ct_geometry_format("astra2"); });
        QVERIFY2(m.contains("astra2") && m.contains("matrices"), qPrintable(m));
    }

    void bad_vector_and_json_files_name_the_line_or_field() {
        QTemporaryDir dir;
        CtGeometryHints panel;
        panel.columns = 4;
        panel.rows = 3;
        const std::string row = "0 -600 0 0 400 0 1 0 0 0 0 1\n";
        auto vectors = [&](const std::string& text, const CtGeometryHints& hints) {
            const std::string path = write_temp(dir, "v.txt", text);
            return invalid_argument_message(
                [&] { read_ct_geometry(path, CtGeometryFormat::Vectors, hints); });
        };
        QVERIFY(vectors("# views\n" + row + row, panel).isEmpty());
        QString m = vectors(row + "\n0 -600 0 0 400 0 1 0 0 0 0\n", panel);
        QVERIFY2(m.contains("v.txt line 3") && m.contains("11 numbers, expected 12"),
                 qPrintable(m));
        m = vectors(row + "0 -600 0 0 400 0 1 0 0 0 0 x1\n", panel);
        QVERIFY2(m.contains("line 2") && m.contains("'x1' is not a number"), qPrintable(m));
        m = vectors("0 -600 nan 0 400 0 1 0 0 0 0 1\n", panel);
        QVERIFY2(m.contains("line 1") && m.contains("number 3 is not finite"), qPrintable(m));
        m = vectors("# only a comment\n", panel);
        QVERIFY2(m.contains("v.txt: no views"), qPrintable(m));
        m = vectors(row, {});
        QVERIFY2(m.contains("panel size") && m.contains("--detector"), qPrintable(m));
        m = vectors("# detector: 5x3\n" + row, panel);
        QVERIFY2(m.contains("the file says columns 5, the command line 4"), qPrintable(m));
        CtGeometryHints cone = panel;
        cone.beam = CtBeam::Cone;
        m = vectors("# beam: parallel\n" + row, cone);
        QVERIFY2(m.contains("the file says beam parallel, the command line cone"), qPrintable(m));
        m = vectors("# detector: 5 by 3\n" + row, panel);
        QVERIFY2(m.contains("line 1") && m.contains("COLUMNSxROWS"), qPrintable(m));
        m = vectors("0 -600 0 0 400 0 1 0 0 2 0 0\n", panel);  // u parallel to v
        QVERIFY2(m.contains("view 0") && m.contains("not parallel"), qPrintable(m));

        const std::string matrices =
            write_temp(dir, "m.matrices",
                       "# detector: 4x3\n2000 -99.5 0 49750 0 -49.5 -2000 24750 0 -1 0 500\n");
        m = invalid_argument_message(
            [&] { read_ct_geometry(matrices, CtGeometryFormat::Matrices); });
        QVERIFY2(m.contains("m.matrices") && m.contains("--pixel"), qPrintable(m));

        auto json = [&](const std::string& text) {
            const std::string path = write_temp(dir, "g.json", text);
            return invalid_argument_message(
                [&] { read_ct_geometry(path, CtGeometryFormat::Json); });
        };
        m = json("{\"beam\": \"fan\", \"detector\": {\"columns\": 4, \"rows\": 3}, \"views\": []}");
        QVERIFY2(m.contains("g.json") && m.contains("'beam'") && m.contains("fan"), qPrintable(m));
        m = json("{\"beam\": \"cone\", \"detector\": {\"columns\": 4}, \"views\": []}");
        QVERIFY2(m.contains("detector.rows"), qPrintable(m));
        m = json(
            "{\"beam\": \"cone\", \"detector\": {\"columns\": 4, \"rows\": 3}, \"views\": "
            "[[0, -600, 0, 0, 400, 0, 1, 0, 0, 0, 0, 1], [1, 2]]}");
        QVERIFY2(m.contains("views[1]") && m.contains("12 numbers"), qPrintable(m));
        m = json(
            "{\"beam\": \"cone\", \"detector\": {\"columns\": 4, \"rows\": 3}, \"views\": []}");
        QVERIFY2(m.contains("no views"), qPrintable(m));
        m = json("{\"beam\": \"cone\",");
        QVERIFY2(m.contains("not valid JSON"), qPrintable(m));
    }

    // A stack is written with its JSON beside it, in every float format, and reads back with
    // its pixels and geometry; its spacing and centred origin are those RTK reads.
    void projection_stacks_round_trip_with_their_geometry() {
        QTemporaryDir dir;
        const CtGeometry g = sample(CtBeam::Cone);
        Image2D stack = Image2D::allocate(g.columns, g.rows, 1, 1, g.view_count());
        for (int64_t i = 0; i < stack.pixels.size(); ++i)
            stack.pixels.host_data()[i] = static_cast<float>(0.25 * i - 7);
        for (const char* name : {"p.nrrd", "p.mha", "p.nii.gz", "p.tif"}) {
            const std::string path = dir.filePath(name).toStdString();
            write_projection_stack(stack, g, path);
            QVERIFY(std::filesystem::exists(projection_stack_geometry_path(path)));
            const ProjectionStack back = read_projection_stack(path);
            QCOMPARE(geometry_difference(back.geometry, g), 0.0);
            QCOMPARE(back.projections.width(), g.columns);
            QCOMPARE(back.projections.channels(), g.view_count());
            QVERIFY(std::equal(stack.pixels.host_data(),
                               stack.pixels.host_data() + stack.pixels.size(),
                               back.projections.pixels.host_data()));
            QVERIFY(std::fabs(back.projections.spacing[0] - 1.25) < 1e-6);
            QVERIFY(std::fabs(back.projections.spacing[1] - 0.75) < 1e-6);
            if (std::string(name) != "p.tif") {  // TIFF keeps no origin
                QVERIFY2(std::fabs(back.projections.origin[0] + 5.5 * 1.25) < 1e-6,
                         qPrintable(QString::number(back.projections.origin[0])));
                QVERIFY(std::fabs(back.projections.origin[1] + 2 * 0.75) < 1e-6);
            }
        }

        // One view is a 2D image.
        CtGeometry one = g;
        one.views.resize(1);
        const std::string single = dir.filePath("one.mha").toStdString();
        write_projection_stack(stack.channel(0), one, single);
        QCOMPARE(read_projection_stack(single).projections.channels(), int64_t(1));
    }

    void a_stack_that_does_not_match_its_geometry_is_refused() {
        QTemporaryDir dir;
        const CtGeometry g = sample(CtBeam::Cone);
        Image2D stack = Image2D::allocate(g.columns, g.rows, 1, 1, g.view_count());
        const std::string path = dir.filePath("p.mha").toStdString();
        write_projection_stack(stack, g, path);
        // The geometry of 3 views beside a stack of 7.
        CtGeometry fewer = g;
        fewer.views.resize(3);
        write_temp(dir, "p.json", ct_geometry_json(fewer));
        QString m = invalid_argument_message([&] { read_projection_stack(path); });
        QVERIFY2(m.contains("p.mha holds 7 views of 12 x 5 pixels") &&
                     m.contains("p.json describes 3 views of 12 x 5 pixels"),
                 qPrintable(m));
        QVERIFY(!m.contains('\n'));
        // A single-view geometry beside the 3D file: still both sizes.
        fewer.views.resize(1);
        write_temp(dir, "p.json", ct_geometry_json(fewer));
        m = invalid_argument_message([&] { read_projection_stack(path); });
        QVERIFY2(m.contains("holds 7 views") && m.contains("describes 1 views"), qPrintable(m));

        // Writing a mismatch writes nothing.
        const std::string other = dir.filePath("q.nrrd").toStdString();
        m = invalid_argument_message([&] { write_projection_stack(stack, fewer, other); });
        QVERIFY2(m.contains("q.nrrd holds 7 views") && m.contains("q.json describes 1 views"),
                 qPrintable(m));
        QVERIFY(!std::filesystem::exists(other));
        QVERIFY(!std::filesystem::exists(dir.filePath("q.json").toStdString()));

        std::filesystem::remove(dir.filePath("p.json").toStdString());
        m = invalid_argument_message([&] { read_projection_stack(path); });
        QVERIFY2(m.contains("p.json is missing"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestCtGeometryFiles);
#include "test_ct_geometry_files.moc"
