// Reading DICOM series and files written by ITK's DICOM writer from volumes with known voxels
// and geometry: values, slice order, spacing, origin and direction must come back exactly where
// the writer put them, whatever the file names, and bad series must say what is wrong.

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "kernels/core/error.h"
#include "kernels/core/vec.h"
#include "recon/io/dicom_series.h"
#include "recon/io/volume_io.h"
#include "tests/common/dicom_fixtures.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/recon/recon_test_support.h"

using namespace radon;
using namespace radon::recon;
namespace fs = std::filesystem;

namespace {

VolumeGrid oblique_grid() {
    return test::oblique_test_grid({6, 5, 7});
}

// HU values stored * slope + intercept for distinct int16 stored values, so every value survives
// the int16 files exactly and a wrong slope, intercept or voxel shows.
Volume ct_volume(const VolumeGrid& grid, double slope, double intercept, int seed = 0) {
    Volume v = Volume::allocate(grid, VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < v.voxels.size(); ++i) {
        const int64_t stored = (i * 37 + seed * 11) % 4000 - 1000;
        v.voxels[i] = static_cast<float>(stored * slope + intercept);
    }
    return v;
}

std::string message_of(const std::string& path, const std::string& series = "") {
    return test::invalid_argument_message([&] { read_volume(path, series); }).toStdString();
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

#define CHECK_CONTAINS(text, part) QVERIFY2(contains(text, part), (text).c_str())

void check_one_line(const std::string& message) {
    QVERIFY2(!message.empty(), "no InvalidArgument was thrown");
    QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
}

void compare_grids(const VolumeGrid& read, const VolumeGrid& truth) {
    QCOMPARE(read.size, truth.size);
    for (int i = 0; i < 3; ++i) {
        QVERIFY2(std::fabs(read.spacing[i] - truth.spacing[i]) < 1e-6, "spacing");
        QVERIFY2(std::fabs(read.origin[i] - truth.origin[i]) < 1e-6, "origin");
        QVERIFY2(norm(read.direction.column(i) - truth.direction.column(i)) < 1e-8, "direction");
    }
}

void compare_voxels(const Volume& read, const Volume& truth) {
    QCOMPARE(read.voxels.size(), truth.voxels.size());
    for (int64_t i = 0; i < truth.voxels.size(); ++i) {
        if (read.voxels[i] != truth.voxels[i]) {
            QFAIL(qPrintable(QString("voxel %1: read %2, written %3")
                                 .arg(i)
                                 .arg(read.voxels[i])
                                 .arg(truth.voxels[i])));
        }
    }
}

// Frame-independent comparison: every voxel centre of `read` must be a voxel centre of `truth`
// in the world, with the same value there.
void compare_in_world(const Volume& read, const Volume& truth) {
    QCOMPARE(read.voxels.size(), truth.voxels.size());
    const auto& n = read.grid.size;
    for (int64_t k = 0; k < n[2]; ++k)
        for (int64_t j = 0; j < n[1]; ++j)
            for (int64_t i = 0; i < n[0]; ++i) {
                const Vec3 world = read.grid.index_to_world(
                    {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)});
                const Vec3 t = truth.grid.world_to_index(world);
                const Vec3 r{std::round(t.x), std::round(t.y), std::round(t.z)};
                QVERIFY2(norm(t - r) < 1e-5, "a voxel centre falls between the written ones");
                const auto& m = truth.grid.size;
                QVERIFY(r.x >= 0 && r.y >= 0 && r.z >= 0 && r.x < m[0] && r.y < m[1] && r.z < m[2]);
                const int64_t at =
                    static_cast<int64_t>(r.x) +
                    m[0] * (static_cast<int64_t>(r.y) + m[1] * static_cast<int64_t>(r.z));
                QCOMPARE(read.voxels[i + n[0] * (j + n[1] * k)], truth.voxels[at]);
            }
}

// Names whose sorted order is not the slice order: 0 -> "IM4", 1 -> "IM1", 2 -> "IM5", ...
std::vector<std::string> shuffled_names(std::size_t count) {
    std::vector<std::string> names;
    for (std::size_t k = 0; k < count; ++k)
        names.push_back("IM" + std::to_string((k * 3 + 4) % count));
    return names;
}

std::vector<Vec3> grid_positions(const VolumeGrid& grid, const std::vector<double>& k_values) {
    std::vector<Vec3> positions;
    for (double k : k_values)
        positions.push_back(grid.index_to_world({0, 0, k}));
    return positions;
}

}  // namespace

class TestDicomSeries : public QObject {
    Q_OBJECT

  private slots:
    // The acceptance test: shuffled names, oblique cosines, a rescale other than 1/0.
    void obliqueShuffledSeriesReadsBack() {
        QTemporaryDir dir;
        const Volume truth = ct_volume(oblique_grid(), 0.5, -1024);
        test::CtSeries series;
        series.file_names = shuffled_names(7);
        test::write_ct_series(truth, dir.path().toStdString(), series);

        const Volume read = read_volume(dir.path().toStdString());
        QCOMPARE(read.unit, VoxelUnit::Hounsfield);
        compare_grids(read.grid, truth.grid);
        compare_voxels(read, truth);
        // Half-HU values prove the slope was applied, not just the intercept.
        QCOMPARE(read.voxels[1], truth.voxels[1]);
        QVERIFY(std::fabs(read.voxels[1] - std::round(read.voxels[1])) == 0.5f);
    }

    // Slices stored from the last plane to the first (a direction whose k axis points against
    // row x column, as feet-first series do): the volume is read along the normal instead, and
    // must sit in the same place in the world.
    void descendingSeriesSitsInTheSamePlace() {
        QTemporaryDir dir;
        VolumeGrid grid = oblique_grid();
        grid.direction = Mat3::from_columns(grid.direction.column(0), grid.direction.column(1),
                                            -grid.direction.column(2));
        const Volume truth = ct_volume(grid, 1, -1024);
        test::write_ct_series(truth, dir.path().toStdString(), test::CtSeries{});
        const Volume read = read_volume(dir.path().toStdString());
        const Vec3 normal = cross(grid.direction.column(0), grid.direction.column(1));
        QVERIFY(norm(read.grid.direction.column(2) - normal) < 1e-8);
        QVERIFY(norm(read.grid.origin - grid.index_to_world({0, 0, 6})) < 1e-6);
        compare_in_world(read, truth);
    }

    void seriesAreListed() {
        QTemporaryDir dir;
        const Volume truth = ct_volume(oblique_grid(), 0.5, -1024);
        test::CtSeries series;
        series.series_number = 3;
        test::write_ct_series(truth, dir.path().toStdString(), series);
        const auto list = list_dicom_series(dir.path().toStdString());
        QCOMPARE(list.size(), std::size_t(1));
        const DicomSeriesSummary& s = list[0];
        QCOMPARE(s.uid, series.series_uid);
        QCOMPARE(s.description, series.description);
        QCOMPARE(s.modality, std::string("CT"));
        QCOMPARE(s.number, int64_t(3));
        QCOMPARE(s.files, int64_t(7));
        QCOMPARE(s.size, truth.grid.size);
        for (int i = 0; i < 3; ++i)
            QVERIFY(std::fabs(s.spacing[i] - truth.grid.spacing[i]) < 1e-6);
        QVERIFY2(s.problem.empty(), s.problem.c_str());
    }

    void twoSeriesAreChosenByUidOrDescription() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const Volume thorax = ct_volume(oblique_grid(), 0.5, -1024);
        test::CtSeries a;
        a.series_number = 2;
        test::write_ct_series(thorax, folder, a);
        VolumeGrid small = centered_grid({4, 3, 5}, {1.5, 1.5, 3});
        const Volume scout = ct_volume(small, 1, -1000, 5);
        test::CtSeries b;
        b.series_uid = test::uid("2");
        b.description = "Scout";
        b.series_number = 1;
        b.file_names = {"b0.dcm", "b1.dcm", "b2.dcm", "b3.dcm", "b4.dcm"};
        test::write_ct_series(scout, folder, b);

        const auto list = list_dicom_series(folder);
        QCOMPARE(list.size(), std::size_t(2));
        QCOMPARE(list[0].uid, b.series_uid);  // ordered by series number
        QCOMPARE(list[0].files, int64_t(5));
        QCOMPARE(list[0].size, scout.grid.size);
        QCOMPARE(list[1].uid, a.series_uid);
        QCOMPARE(list[1].size, thorax.grid.size);

        const std::string none = message_of(folder);
        check_one_line(none);
        CHECK_CONTAINS(none, folder);
        CHECK_CONTAINS(none, "holds 2 DICOM series");
        CHECK_CONTAINS(none, "--series");
        CHECK_CONTAINS(none, a.series_uid + " 'Thorax 2.5 mm' (CT, 7 files)");
        CHECK_CONTAINS(none, b.series_uid + " 'Scout' (CT, 5 files)");

        Volume read = read_volume(folder, b.series_uid);
        compare_grids(read.grid, scout.grid);
        compare_voxels(read, scout);
        read = read_volume(folder, "thorax 2.5 MM");  // descriptions match ignoring case
        compare_grids(read.grid, thorax.grid);
        compare_voxels(read, thorax);

        const std::string unknown = message_of(folder, "Abdomen");
        check_one_line(unknown);
        CHECK_CONTAINS(unknown, folder);
        CHECK_CONTAINS(unknown, "'Abdomen'");
        CHECK_CONTAINS(unknown, a.series_uid);
        CHECK_CONTAINS(unknown, b.series_uid);

        // A description shared by two series picks neither.
        test::CtSeries c = b;
        c.series_uid = test::uid("3");
        c.file_names = {"c0.dcm", "c1.dcm", "c2.dcm", "c3.dcm", "c4.dcm"};
        test::write_ct_series(scout, folder, c);
        const std::string twice = message_of(folder, "Scout");
        check_one_line(twice);
        CHECK_CONTAINS(twice, "2 DICOM series have the description 'Scout'");
        CHECK_CONTAINS(twice, "choose one by UID");
        CHECK_CONTAINS(twice, b.series_uid);
        CHECK_CONTAINS(twice, c.series_uid);
        compare_voxels(read_volume(folder, c.series_uid), scout);
    }

    void unevenSpacingIsRefused() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const Volume truth = ct_volume(oblique_grid(), 0.5, -1024);
        test::CtSeries series;
        // Gaps of 2.5 mm (one k) except one of 4 mm (1.6 k).
        series.positions = grid_positions(truth.grid, {0, 1, 2, 3.6, 4.6, 5.6, 6.6});
        test::write_ct_series(truth, folder, series);
        const std::string message = message_of(folder);
        check_one_line(message);
        CHECK_CONTAINS(message, folder);
        CHECK_CONTAINS(message, series.series_uid);
        CHECK_CONTAINS(message, "unevenly spaced: gaps of 2.5 to 4 mm");
        CHECK_CONTAINS(message, "resample");
        const auto list = list_dicom_series(folder);
        CHECK_CONTAINS(list.at(0).problem, "unevenly spaced");
    }

    void missingSliceIsRefused() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        test::write_ct_series(ct_volume(oblique_grid(), 0.5, -1024), folder, test::CtSeries{});
        QVERIFY(fs::remove(test::path_in(dir, "slice_003.dcm")));
        const std::string message = message_of(folder);
        check_one_line(message);
        CHECK_CONTAINS(message, folder);
        CHECK_CONTAINS(message, "gaps of 2.5 to 5 mm");
        CHECK_CONTAINS(message, "a slice missing?");
    }

    // Tilted about the row direction: every slice moves along the column direction by
    // tan(tilt) times its 2.5 mm step.
    void tiltedSeriesIsRefused() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        const Volume truth = ct_volume(oblique_grid(), 0.5, -1024);
        test::CtSeries series;
        const Vec3 step = std::tan(deg_to_rad(12)) * 2.5 * truth.grid.direction.column(1);
        for (int k = 0; k < 7; ++k) {
            series.positions.push_back(truth.grid.index_to_world({0, 0, double(k)}) + k * step);
        }
        test::write_ct_series(truth, folder, series);
        const std::string message = message_of(folder);
        check_one_line(message);
        CHECK_CONTAINS(message, folder);
        CHECK_CONTAINS(message, series.series_uid);
        CHECK_CONTAINS(message, "gantry tilt of 12.00 degrees");
    }

    // Two acquisitions under one series UID, as some exports merge a scout into the axials.
    void mixedImagesAreRefused() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        test::write_ct_series(ct_volume(oblique_grid(), 0.5, -1024), folder, test::CtSeries{});
        test::CtSeries scout;
        scout.file_names = {"scout_a.dcm", "scout_b.dcm"};
        test::write_ct_series(ct_volume(centered_grid({4, 4, 2}, {1, 1, 1}), 1, 0), folder, scout);
        const std::string message = message_of(folder);
        check_one_line(message);
        CHECK_CONTAINS(message, scout.series_uid);
        CHECK_CONTAINS(message, "its images differ in size (");
        CHECK_CONTAINS(message, "6x5");
        CHECK_CONTAINS(message, "4x4");
    }

    void multiFrameFileReads_data() {
        QTest::addColumn<double>("slope");
        QTest::addColumn<double>("intercept");
        // Integer rescales give integer values, real ones doubles: both conversions run.
        QTest::newRow("slope 2") << 2.0 << -1024.0;
        QTest::newRow("slope 0.5") << 0.5 << -1000.5;
    }

    void multiFrameFileReads() {
        QFETCH(double, slope);
        QFETCH(double, intercept);
        QTemporaryDir dir;
        const std::string file = test::path_in(dir, "volume");  // no extension, as PACS exports go
        const Volume truth = ct_volume(oblique_grid(), slope, intercept);
        test::write_multiframe_ct(truth, file, slope, intercept);
        QVERIFY(is_dicom_file(file));
        const Volume read = read_volume(file);
        compare_grids(read.grid, truth.grid);
        compare_voxels(read, truth);
        // The folder holding it reads the same.
        compare_voxels(read_volume(dir.path().toStdString()), truth);
    }

    // Frames stored in reverse: GDCM alone would put the first stored frame at the origin and
    // step along the normal; the frame positions say otherwise.
    void reversedMultiFrameSitsInTheSamePlace() {
        QTemporaryDir dir;
        const std::string file = test::path_in(dir, "reversed.dcm");
        const Volume truth = ct_volume(oblique_grid(), 2, -1024);
        test::write_multiframe_ct(truth, file, 2, -1024);
        test::reverse_frames(file);
        if (QTest::currentTestFailed()) return;
        const Volume read = read_volume(file);
        compare_grids(read.grid, truth.grid);
        compare_voxels(read, truth);
    }

    void singleSliceFileReads() {
        QTemporaryDir dir;
        const Volume truth = ct_volume(oblique_grid(), 0.5, -1024);
        test::write_ct_series(truth, dir.path().toStdString(), test::CtSeries{});
        const Volume read = read_volume(test::path_in(dir, "slice_004.dcm"));
        QCOMPARE(read.grid.size, (std::array<int64_t, 3>{6, 5, 1}));
        QVERIFY(norm(read.grid.origin - truth.grid.index_to_world({0, 0, 4})) < 1e-6);
        QVERIFY(std::fabs(read.grid.spacing[2] - 2.5) < 1e-9);  // its slice thickness
        for (int64_t i = 0; i < 30; ++i)
            QCOMPARE(read.voxels[i], truth.voxels[4 * 30 + i]);
        const std::string other = message_of(test::path_in(dir, "slice_004.dcm"), "Scout");
        check_one_line(other);
        CHECK_CONTAINS(other, "not to the series 'Scout'");
    }

    void folderWithoutDicomIsNamed() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        std::string message = message_of(folder);
        check_one_line(message);
        CHECK_CONTAINS(message, folder + ": no DICOM images found (0 files");
        std::ofstream(test::path_in(dir, "notes.txt")) << "not an image\n";
        write_volume(ct_volume(centered_grid({3, 3, 3}, {1, 1, 1}), 1, 0),
                     test::path_in(dir, "ct.nrrd"));
        message = message_of(folder);
        check_one_line(message);
        CHECK_CONTAINS(message, folder + ": no DICOM images found (2 files");
        QVERIFY(!test::invalid_argument_message([&] { list_dicom_series(folder); }).isEmpty());
    }

    void seriesChoiceNeedsDicom() {
        QTemporaryDir dir;
        const std::string file = test::path_in(dir, "ct.nrrd");
        write_volume(ct_volume(centered_grid({3, 3, 3}, {1, 1, 1}), 1, 0), file);
        const std::string message = message_of(file, "Thorax");
        check_one_line(message);
        CHECK_CONTAINS(message, file);
        CHECK_CONTAINS(message, "DICOM");
        QVERIFY(!is_dicom_file(file));
    }

    void damagedPixelDataIsNamed() {
        QTemporaryDir dir;
        const Volume truth = ct_volume(oblique_grid(), 0.5, -1024);
        test::write_ct_series(truth, dir.path().toStdString(), test::CtSeries{});
        const std::string damaged = test::path_in(dir, "slice_002.dcm");
        fs::resize_file(damaged, fs::file_size(damaged) - 40);
        const std::string message = message_of(dir.path().toStdString());
        check_one_line(message);
        CHECK_CONTAINS(message, damaged);
    }
};

RADON_TEST_CLASS(TestDicomSeries);
#include "test_dicom_series.moc"
