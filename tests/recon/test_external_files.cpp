#include <QtTest>

#include <cmath>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "recon/io/volume_io.h"
#include "tests/common/test_registry.h"

using namespace radon;
using namespace radon::recon;

// Volumes written by other tools (nibabel, pydicom, SimpleITK, pynrrd; see
// tools/make_external_fixtures.py) in the layouts real CT data comes in: scaled integers, flipped
// and oblique directions, sform-only and qform-only NIfTI, DICOM with a rescale per slice, an
// Enhanced CT multi-frame file stored top slice first. Each must load as the grid and the HU
// field the generator told its writer, recorded in truth.json by the format's own convention.
class TestExternalFiles : public QObject {
    Q_OBJECT

    static std::string folder() { return RADON_EXTERNAL_FIXTURES; }

    static nlohmann::json cases() {
        std::ifstream in(folder() + "/truth.json");
        return nlohmann::json::parse(in)["cases"];
    }

    // The analytic field of the generator, in steps of `step` HU where the stored type is short.
    static double expected_hu(double step, int64_t i, int64_t j, int64_t k) {
        const double raw = 37.0 * i + 11.0 * j + 101.0 * k;
        return -1000 + step * std::floor(raw / step);
    }

  private slots:
    void loads_as_written_data() {
        QTest::addColumn<QString>("name");
        for (const auto& c : cases()) {
            const std::string name = c["name"];
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
        }
    }

    void loads_as_written() {
        QFETCH(QString, name);
        nlohmann::json expected;
        for (const auto& c : cases())
            if (c["name"] == name.toStdString()) expected = c;
        const std::string path = folder() + "/" + expected["path"].get<std::string>();

        Volume volume;
        try {
            volume = read_volume(path);
        } catch (const std::exception& error) {
            QFAIL(qPrintable(
                QString("%1 (%2): %3")
                    .arg(name, QString::fromStdString(expected["layout"]), error.what())));
        }
        const VolumeGrid& grid = volume.grid;
        for (int a = 0; a < 3; ++a) {
            QCOMPARE(grid.size[a], expected["size"][a].get<int64_t>());
            // Headers store float32 spacings and positions.
            QVERIFY2(std::abs(grid.spacing[a] - expected["spacing"][a].get<double>()) < 1e-5,
                     qPrintable(QString("spacing %1: %2").arg(a).arg(grid.spacing[a])));
            QVERIFY2(std::abs(grid.origin[a] - expected["origin"][a].get<double>()) < 1e-3,
                     qPrintable(QString("origin %1: %2 expected %3")
                                    .arg(a)
                                    .arg(grid.origin[a])
                                    .arg(expected["origin"][a].get<double>())));
            for (int c = 0; c < 3; ++c) {
                const double want = expected["direction"][a][c];
                QVERIFY2(std::abs(grid.direction.m[a][c] - want) < 1e-4,
                         qPrintable(QString("direction[%1][%2] = %3, expected %4")
                                        .arg(a)
                                        .arg(c)
                                        .arg(grid.direction.m[a][c])
                                        .arg(want)));
            }
        }
        QCOMPARE(volume.unit, VoxelUnit::Hounsfield);
        const double step = expected["hu_step"];
        const float* v = volume.voxels.host_data();
        int64_t wrong = 0;
        QString first;
        for (int64_t k = 0; k < grid.size[2]; ++k)
            for (int64_t j = 0; j < grid.size[1]; ++j)
                for (int64_t i = 0; i < grid.size[0]; ++i) {
                    const double want = expected_hu(step, i, j, k);
                    const double got = v[(k * grid.size[1] + j) * grid.size[0] + i];
                    if (got != want && wrong++ == 0)
                        first = QString("voxel (%1,%2,%3) is %4 HU, expected %5")
                                    .arg(i)
                                    .arg(j)
                                    .arg(k)
                                    .arg(got)
                                    .arg(want);
                }
        QVERIFY2(wrong == 0, qPrintable(QString("%1 wrong voxels; %2").arg(wrong).arg(first)));
    }
};

RADON_TEST_CLASS(TestExternalFiles);
#include "test_external_files.moc"
