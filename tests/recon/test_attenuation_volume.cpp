#include <QtTest>

#include <algorithm>
#include <cstring>
#include <utility>

#include "kernels/drr/occupancy.h"
#include "kernels/physics/attenuation.h"
#include "recon/attenuation_volume.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/test_registry.h"

using namespace radon;
using namespace radon::recon;

namespace {

// The thorax phantom (1200 mm long) in HU on a grid with air all around it, so the occupied box
// is a strict part of the volume on every axis.
Volume padded_thorax() {
    return thorax_phantom().voxelize_hu(centered_grid({96, 90, 40}, Vec3{5.0, 5.0, 35.0}));
}

AttenuationModel bilinear_model() {
    AttenuationSpec spec;
    spec.kind = AttenuationKind::Bilinear;
    return make_attenuation_model(spec, nullptr, 0, "test");
}

}  // namespace

class TestAttenuationVolume : public QObject {
    Q_OBJECT

  private slots:
    // The in-place conversion is the copying one, bit for bit, and the box it measures on the
    // way is the box a separate pass over the result finds.
    void inPlaceEqualsCopyAndMeasuresTheBox() {
        const AttenuationModel model = bilinear_model();
        Volume hu = padded_thorax();
        const Array<float> copied = attenuation_from_hu(hu, model);
        const VolumeGrid grid = hu.grid;

        const AttenuationVolume in_place = attenuation_in_place(std::move(hu), model);
        QVERIFY(!hu.voxels.bound());  // the HU are gone, not copied
        QCOMPARE(in_place.grid.size, grid.size);
        QCOMPARE(in_place.mu.extents(), copied.extents());
        QVERIFY(std::memcmp(in_place.mu.host_data(), copied.host_data(), copied.bytes()) == 0);

        const OccupiedBox measured = occupied_box(copied.host_data(), grid.size);
        QVERIFY(!measured.empty);
        QCOMPARE(in_place.occupied.empty, measured.empty);
        QCOMPARE(in_place.occupied.lo, measured.lo);
        QCOMPARE(in_place.occupied.hi, measured.hi);
        for (int a = 0; a < 3; ++a) {
            QVERIFY(measured.lo[a] > 0);
            QVERIFY(measured.hi[a] < grid.size[a] - 1);
        }
    }

    // Air is attenuation 0 everywhere: the box is empty.
    void allAirGivesAnEmptyBox() {
        Volume hu =
            Volume::allocate(centered_grid({8, 7, 6}, Vec3{1, 1, 1}), VoxelUnit::Hounsfield);
        std::fill(hu.voxels.host_data(), hu.voxels.host_data() + hu.voxels.size(), -1000.0f);
        const AttenuationVolume mu = attenuation_in_place(std::move(hu), AttenuationModel{});
        QVERIFY(mu.occupied.empty);
    }

    void refusesAVolumeNotInHu() {
        Volume mu =
            Volume::allocate(centered_grid({4, 4, 4}, Vec3{1, 1, 1}), VoxelUnit::AttenuationPerMm);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 attenuation_in_place(std::move(mu), AttenuationModel{}));
    }
};

RADON_TEST_CLASS(TestAttenuationVolume);
#include "test_attenuation_volume.moc"
