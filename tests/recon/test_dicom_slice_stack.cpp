// Placing DICOM image planes on a grid: sorting by position along the normal, and measuring
// spacing and tilt, against positions built from known geometry.

#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include "kernels/core/vec.h"
#include "recon/io/slice_stack.h"
#include "tests/common/test_registry.h"

using namespace radon;
using namespace radon::recon;

namespace {

// An oblique orientation whose normal is not a world axis, so sorting by z alone would fail.
const Mat3 kOblique =
    rotation_z(deg_to_rad(25)) * rotation_x(deg_to_rad(-35)) * rotation_y(deg_to_rad(12));

SlicePlanes oblique_planes(const std::vector<double>& along_normal, Vec3 sideways_per_mm = {}) {
    SlicePlanes planes;
    planes.columns = 8;
    planes.rows = 6;
    planes.column_spacing = 0.8;
    planes.row_spacing = 0.6;
    planes.row_direction = kOblique.column(0);
    planes.column_direction = kOblique.column(1);
    const Vec3 origin{-120.5, 33.25, 401.0};
    for (double d : along_normal) {
        planes.positions.push_back(origin + d * kOblique.column(2) + d * sideways_per_mm);
    }
    return planes;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

class TestDicomSliceStack : public QObject {
    Q_OBJECT

  private slots:
    void sortsByPositionAlongTheNormal() {
        // Found in a scrambled order; their places along the normal are 0, 2.5, ..., 12.5.
        const std::vector<double> along = {7.5, 0, 12.5, 2.5, 10, 5};
        const SliceArrangement a = arrange_slices(oblique_planes(along));
        QVERIFY2(a.problem.empty(), a.problem.c_str());
        const std::vector<std::size_t> expected = {1, 3, 5, 0, 4, 2};
        QCOMPARE(a.order, expected);
        QCOMPARE(a.grid.size[0], int64_t(8));
        QCOMPARE(a.grid.size[1], int64_t(6));
        QCOMPARE(a.grid.size[2], int64_t(6));
        QCOMPARE(a.grid.spacing[0], 0.8);
        QCOMPARE(a.grid.spacing[1], 0.6);
        QVERIFY(std::fabs(a.grid.spacing[2] - 2.5) < 1e-9);
        const Vec3 first = oblique_planes({0}).positions[0];
        QVERIFY(norm(a.grid.origin - first) < 1e-9);
        for (int c = 0; c < 3; ++c) {
            QVERIFY(norm(a.grid.direction.column(c) - kOblique.column(c)) < 1e-12);
        }
        // Every plane lands where the grid puts its k.
        const SlicePlanes planes = oblique_planes(along);
        for (std::size_t k = 0; k < along.size(); ++k) {
            const Vec3 at = a.grid.index_to_world({0, 0, static_cast<double>(k)});
            QVERIFY(norm(at - planes.positions[a.order[k]]) < 1e-9);
        }
    }

    // Positions printed with 16 characters jitter by micrometres; that is still a regular grid.
    void toleratesRoundingOfPositions() {
        std::vector<double> along;
        for (int k = 0; k < 40; ++k)
            along.push_back(1.25 * k + ((k * 7) % 5 - 2) * 2e-4);
        const SliceArrangement a = arrange_slices(oblique_planes(along));
        QVERIFY2(a.problem.empty(), a.problem.c_str());
        QVERIFY(std::fabs(a.grid.spacing[2] - 1.25) < 1e-4);
    }

    void unevenGapsAreMeasured() {
        const SliceArrangement a = arrange_slices(oblique_planes({0, 2.5, 5, 9, 11.5, 14}));
        QVERIFY(contains(a.problem, "unevenly spaced"));
        QVERIFY2(contains(a.problem, "gaps of 2.5 to 4 mm"), a.problem.c_str());
        QVERIFY2(contains(a.problem, "after the slice at"), a.problem.c_str());
        QVERIFY2(!contains(a.problem, "missing"), a.problem.c_str());
    }

    void missingSlicesAreCounted_data() {
        QTest::addColumn<int>("missing");
        QTest::newRow("one") << 1;
        QTest::newRow("two") << 2;
    }

    void missingSlicesAreCounted() {
        QFETCH(int, missing);
        std::vector<double> along;
        for (int k = 0; k < 12; ++k) {
            if (k >= 5 && k < 5 + missing) continue;
            along.push_back(2.5 * k);
        }
        const SliceArrangement a = arrange_slices(oblique_planes(along));
        const std::string widest = missing == 1 ? "gaps of 2.5 to 5 mm" : "gaps of 2.5 to 7.5 mm";
        QVERIFY2(contains(a.problem, widest), a.problem.c_str());
        QVERIFY2(contains(a.problem, missing == 1 ? "a slice missing?" : "2 slices missing?"),
                 a.problem.c_str());
    }

    // Gaps that grow slowly stay within a tenth of a gap of each other, yet their positions
    // drift off any regular grid.
    void slowDriftIsUneven() {
        std::vector<double> along;
        double position = 0;
        for (int k = 0; k < 30; ++k) {
            along.push_back(position);
            position += 2.5 + 0.005 * k;
        }
        const SliceArrangement a = arrange_slices(oblique_planes(along));
        QVERIFY2(contains(a.problem, "unevenly spaced"), a.problem.c_str());
    }

    void gantryTiltAngleIsMeasured_data() {
        QTest::addColumn<double>("degrees");
        QTest::newRow("5") << 5.0;
        QTest::newRow("15") << 15.0;
        QTest::newRow("27.5") << 27.5;
    }

    // A gantry tilted about the row direction moves each slice along the column direction by
    // tan(tilt) times its step along the normal.
    void gantryTiltAngleIsMeasured() {
        QFETCH(double, degrees);
        const Vec3 sideways = std::tan(deg_to_rad(degrees)) * kOblique.column(1);
        const SliceArrangement a =
            arrange_slices(oblique_planes({0, 2.5, 5, 7.5, 10, 12.5}, sideways));
        char angle[32];
        std::snprintf(angle, sizeof(angle), "gantry tilt of %.2f degrees", degrees);
        QVERIFY2(contains(a.problem, angle), a.problem.c_str());
        char step[64];
        std::snprintf(step, sizeof(step), "%.5g mm for every 2.5 mm slice",
                      2.5 * std::tan(deg_to_rad(degrees)));
        QVERIFY2(contains(a.problem, step), a.problem.c_str());
    }

    // Below a tenth of the smaller pixel spacing over the whole stack, rays do not notice.
    void negligibleSidewaysShiftIsNoTilt() {
        const Vec3 sideways = (0.05 / 12.5) * kOblique.column(0);
        const SliceArrangement a =
            arrange_slices(oblique_planes({0, 2.5, 5, 7.5, 10, 12.5}, sideways));
        QVERIFY2(a.problem.empty(), a.problem.c_str());
    }

    void duplicatePositionsAreNamed() {
        const SliceArrangement a = arrange_slices(oblique_planes({0, 2.5, 2.5, 5}));
        QVERIFY2(contains(a.problem, "two of its slices share a position"), a.problem.c_str());
        const SliceArrangement b = arrange_slices(oblique_planes({0, 0, 2.5, 2.5, 5}));
        QVERIFY2(contains(b.problem, "2 pairs of its slices share positions"), b.problem.c_str());
    }

    void lonePlaneTakesItsThickness() {
        SlicePlanes planes = oblique_planes({0});
        planes.lone_plane_thickness = 3.75;
        SliceArrangement a = arrange_slices(planes);
        QVERIFY(a.problem.empty());
        QCOMPARE(a.grid.spacing[2], 3.75);
        planes.lone_plane_thickness = 0;
        a = arrange_slices(planes);
        QCOMPARE(a.grid.spacing[2], 1.0);
    }

    void orientationMustBePerpendicularUnitVectors() {
        SlicePlanes planes = oblique_planes({0, 2.5, 5});
        planes.column_direction = normalized(planes.column_direction + 0.1 * planes.row_direction);
        QVERIFY(contains(arrange_slices(planes).problem, "not two perpendicular unit vectors"));
        planes = oblique_planes({0, 2.5, 5});
        planes.row_direction = 2.0 * planes.row_direction;
        QVERIFY(contains(arrange_slices(planes).problem, "(0020,0037)"));
    }
};

RADON_TEST_CLASS(TestDicomSliceStack);
#include "test_dicom_slice_stack.moc"
