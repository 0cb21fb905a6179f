// Loading volumes off the UI thread: the result, errors as messages, cancel, and a newer load
// superseding an older one.

#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <atomic>

#include "kernels/core/error.h"
#include "kernels/physics/attenuation.h"
#include "recon/attenuation_volume.h"
#include "tests/common/test_registry.h"
#include "ui/common/volume_loader.h"

using radon::RunControl;
using radon::recon::Volume;
using radon::ui::LoadedVolume;
using radon::ui::VolumeLoader;

namespace {

Volume cube(float hu, int64_t n = 8) {
    Volume v = Volume::allocate(radon::centered_grid({n, n, n}, {1, 1, 1}),
                                radon::recon::VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < v.voxels.size(); ++i)
        v.voxels[i] = hu;
    return v;
}

}  // namespace

class TestVolumeLoader : public QObject {
    Q_OBJECT

  private slots:
    void loads_on_another_thread_and_converts_to_attenuation() {
        VolumeLoader loader;
        QSignalSpy loaded(&loader, &VolumeLoader::loaded);
        QSignalSpy progress(&loader, &VolumeLoader::progress);
        std::atomic<bool> ran_elsewhere{false};
        QThread* ui_thread = QThread::currentThread();
        loader.load(
            "cube",
            [&](const RunControl&, std::vector<std::string>&) {
                ran_elsewhere = QThread::currentThread() != ui_thread;
                return cube(0.0f);
            },
            radon::kWaterAttenuation60keV);
        QVERIFY(loader.busy());
        QVERIFY(loaded.wait(30000));
        QVERIFY(ran_elsewhere);
        QVERIFY(!loader.busy());
        const LoadedVolume v = loaded.at(0).at(0).value<LoadedVolume>();
        QCOMPARE(v.description, QString("cube"));
        QCOMPARE(v.attenuation[0], float(radon::kWaterAttenuation60keV));  // water: 0 HU
        QVERIFY(progress.count() >= 2);
        QCOMPARE(progress.last().at(0).toDouble(), 1.0);
    }

    void an_error_comes_back_as_its_message() {
        VolumeLoader loader;
        QSignalSpy failed(&loader, &VolumeLoader::failed);
        QSignalSpy loaded(&loader, &VolumeLoader::loaded);
        loader.load(
            "broken",
            [](const RunControl&, std::vector<std::string>&) -> Volume {
                throw radon::InvalidArgument("ct.nii: not a 3D image");
            },
            radon::kWaterAttenuation60keV);
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.at(0).at(0).toString(), QString("ct.nii: not a 3D image"));
        QCOMPARE(loaded.count(), 0);
        QVERIFY(!loader.busy());
    }

    void cancel_and_supersede_report_only_the_newest_load() {
        VolumeLoader loader;
        QSignalSpy loaded(&loader, &VolumeLoader::loaded);
        QSignalSpy cancelled(&loader, &VolumeLoader::cancelled);
        auto slow = [](float hu) {
            return [hu](const RunControl&, std::vector<std::string>&) {
                QThread::msleep(300);
                return cube(hu);
            };
        };
        loader.load("first", slow(100), radon::kWaterAttenuation60keV);
        loader.cancel();
        QCOMPARE(cancelled.count(), 1);
        QVERIFY(!loader.busy());
        loader.load("second", slow(200), radon::kWaterAttenuation60keV);
        loader.load("third", slow(300), radon::kWaterAttenuation60keV);  // supersedes "second"
        QVERIFY(loaded.wait(30000));
        QTest::qWait(500);  // the superseded loads have finished by now
        QCOMPARE(loaded.count(), 1);
        const LoadedVolume v = loaded.at(0).at(0).value<LoadedVolume>();
        QCOMPARE(v.description, QString("third"));
        QCOMPARE(v.hu.voxels[0], 300.0f);
    }
};

RADON_TEST_CLASS(TestVolumeLoader);
#include "test_volume_loader.moc"
