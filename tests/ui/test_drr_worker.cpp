// The DRR worker on its own thread: renders the newest request, never an older one, cancels a
// superseded render, reports bad requests, and never makes the poster wait.

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>

#include "tests/common/test_registry.h"
#include "tests/ui/ui_test_support.h"
#include "ui/drr/drr_frame.h"
#include "ui/drr/drr_worker.h"

using radon::test::direct_render;
using radon::test::same_bits;
using radon::ui::DrrFrame;
using radon::ui::DrrParameters;
using radon::ui::DrrRequest;
using radon::ui::DrrWorker;

namespace {

DrrRequest request(std::uint64_t sequence, int64_t pixels, double primary, bool preview = false) {
    DrrRequest r;
    r.sequence = sequence;
    r.preview = preview;
    r.parameters.pose.primary_deg = primary;
    r.parameters.detector.width = r.parameters.detector.height = pixels;
    r.parameters.detector.delx = r.parameters.detector.dely = 400.0 / pixels;
    return r;
}

DrrFrame frame_at(const QSignalSpy& spy, qsizetype i) {
    return spy.at(i).at(0).value<DrrFrame>();
}

}  // namespace

// The worker's signals re-emitted on the test's thread: QSignalSpy is not safe to feed from
// another thread, so the spies listen here, behind queued connections.
class WorkerSignals : public QObject {
    Q_OBJECT

  public:
    explicit WorkerSignals(DrrWorker* worker) {
        connect(worker, &DrrWorker::renderStarted, this, &WorkerSignals::renderStarted);
        connect(worker, &DrrWorker::rendered, this, &WorkerSignals::rendered);
        connect(worker, &DrrWorker::renderCancelled, this, &WorkerSignals::renderCancelled);
        connect(worker, &DrrWorker::renderFailed, this, &WorkerSignals::renderFailed);
        connect(worker, &DrrWorker::volumeReady, this, &WorkerSignals::volumeReady);
        connect(worker, &DrrWorker::volumeFailed, this, &WorkerSignals::volumeFailed);
    }

  signals:
    void renderStarted(quint64 sequence);
    void rendered(const radon::ui::DrrFrame& frame);
    void renderCancelled(quint64 sequence);
    void renderFailed(quint64 sequence, const QString& message);
    void volumeReady();
    void volumeFailed(const QString& message);
};

class TestDrrWorker : public QObject {
    Q_OBJECT

    radon::test::TestVolume volume_;
    std::unique_ptr<QThread> thread_;
    DrrWorker* worker_ = nullptr;
    std::unique_ptr<WorkerSignals> signals_;

  private slots:
    void initTestCase() {
        volume_ = radon::test::thorax_volume(radon::test::kMediumThoraxSize,
                                             radon::test::kMediumThoraxSpacing);
    }

    void init() {
        thread_ = std::make_unique<QThread>();
        worker_ = new DrrWorker;
        worker_->moveToThread(thread_.get());
        connect(thread_.get(), &QThread::finished, worker_, &QObject::deleteLater);
        signals_ = std::make_unique<WorkerSignals>(worker_);
        thread_->start();
        QSignalSpy ready(signals_.get(), &WorkerSignals::volumeReady);
        worker_->postVolume(volume_.grid, volume_.attenuation);
        QVERIFY(ready.wait(30000));
    }

    void cleanup() {
        worker_->cancelAll();
        thread_->quit();
        thread_->wait();
        thread_.reset();
        signals_.reset();
    }

    void renders_the_request_it_is_given() {
        QSignalSpy rendered(signals_.get(), &WorkerSignals::rendered);
        const DrrRequest r = request(1, 96, 25.0);
        worker_->post(r);
        QVERIFY(rendered.wait(30000));
        const DrrFrame frame = frame_at(rendered, 0);
        QCOMPARE(frame.request.sequence, std::uint64_t(1));
        QCOMPARE(frame.image.width(), int64_t(96));
        QVERIFY(frame.milliseconds > 0);
        QVERIFY(frame.rays_per_second > 0);
        QVERIFY(!frame.renderer.empty());
        const radon::recon::Window automatic = radon::recon::automatic_window(frame.image);
        QCOMPARE(frame.automatic_window.level, automatic.level);
        QCOMPARE(frame.automatic_window.width, automatic.width);
        QVERIFY(
            same_bits(frame.image, direct_render(volume_.grid, volume_.attenuation, r.parameters)));
    }

    void a_superseded_render_is_cancelled_and_an_older_request_never_replaces_a_newer() {
        QSignalSpy started(signals_.get(), &WorkerSignals::renderStarted);
        QSignalSpy rendered(signals_.get(), &WorkerSignals::rendered);
        QSignalSpy cancelled(signals_.get(), &WorkerSignals::renderCancelled);
        worker_->post(request(10, 1500, 0.0));  // long: hundreds of milliseconds
        QVERIFY(started.wait(30000));
        worker_->post(request(12, 128, 40.0));                   // full, newer: cancels 10
        worker_->post(request(11, 64, 20.0, /*preview=*/true));  // older than 12: dropped
        QTRY_COMPARE_WITH_TIMEOUT(rendered.count(), 1, 30000);
        QTest::qWait(200);  // anything else would have arrived by now
        QCOMPARE(rendered.count(), 1);
        const DrrFrame frame = frame_at(rendered, 0);
        QCOMPARE(frame.request.sequence, std::uint64_t(12));
        QVERIFY(!frame.request.preview);
        QCOMPARE(frame.image.width(), int64_t(128));
        QCOMPARE(cancelled.count(), 1);
        QCOMPARE(cancelled.at(0).at(0).toULongLong(), quint64(10));
    }

    void a_running_preview_finishes_when_another_preview_arrives() {
        // A drag must keep showing frames: previews are not cancelled by previews.
        QSignalSpy started(signals_.get(), &WorkerSignals::renderStarted);
        QSignalSpy rendered(signals_.get(), &WorkerSignals::rendered);
        QSignalSpy cancelled(signals_.get(), &WorkerSignals::renderCancelled);
        worker_->post(request(1, 1000, 0.0, true));
        QVERIFY(started.wait(30000));
        worker_->post(request(2, 128, 10.0, true));
        QTRY_COMPARE_WITH_TIMEOUT(rendered.count(), 2, 30000);
        QCOMPARE(frame_at(rendered, 0).request.sequence, std::uint64_t(1));
        QCOMPARE(frame_at(rendered, 1).request.sequence, std::uint64_t(2));
        QCOMPARE(cancelled.count(), 0);
    }

    void posting_never_waits_for_a_render() {
        QSignalSpy started(signals_.get(), &WorkerSignals::renderStarted);
        QSignalSpy rendered(signals_.get(), &WorkerSignals::rendered);
        worker_->post(request(1, 1500, 0.0, true));
        QVERIFY(started.wait(30000));
        QElapsedTimer timer;
        double longest_ms = 0;
        for (int i = 0; i < 200; ++i) {
            timer.start();
            worker_->post(request(2 + i, 128, 0.5 * i, true));
            longest_ms = std::max(longest_ms, 1e-6 * timer.nsecsElapsed());
        }
        qInfo("longest post() during a 1500x1500 render: %.3f ms", longest_ms);
        QVERIFY2(longest_ms < 50, "post() must not wait for the running render");
        // The running preview and the newest request: nothing in between.
        QTRY_COMPARE_WITH_TIMEOUT(rendered.count(), 2, 30000);
        QCOMPARE(frame_at(rendered, 1).request.sequence, std::uint64_t(201));
    }

    void a_bad_request_is_reported_and_the_worker_goes_on() {
        QSignalSpy rendered(signals_.get(), &WorkerSignals::rendered);
        QSignalSpy failed(signals_.get(), &WorkerSignals::renderFailed);
        DrrRequest bad = request(1, 100, 0.0);
        bad.parameters.settings.patch_size = 30;  // does not tile 100 pixels
        worker_->post(bad);
        QVERIFY(failed.wait(30000));
        QVERIFY2(failed.at(0).at(1).toString().contains("patch"),
                 qPrintable(failed.at(0).at(1).toString()));
        worker_->post(request(2, 64, 0.0));
        QVERIFY(rendered.wait(30000));
        QCOMPARE(frame_at(rendered, 0).request.sequence, std::uint64_t(2));

        // An output the CLI refuses is refused here too, in the pose panel's words.
        DrrRequest mip_transmission = request(3, 64, 0.0);
        mip_transmission.parameters.settings.reduction = radon::DrrReduction::Max;
        mip_transmission.parameters.output.kind = radon::DrrOutputKind::Transmission;
        worker_->post(mip_transmission);
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 2, 30000);
        QVERIFY2(failed.at(1).at(1).toString().contains("Projection"),
                 qPrintable(failed.at(1).at(1).toString()));
    }

    void the_output_is_applied_to_the_rendered_line_integrals() {
        QSignalSpy rendered(signals_.get(), &WorkerSignals::rendered);
        DrrRequest r = request(1, 80, -20.0);
        r.parameters.output.kind = radon::DrrOutputKind::Log;
        r.parameters.output.i0 = 50;  // a starved detector: the log image saturates at ln 50
        worker_->post(r);
        QVERIFY(rendered.wait(30000));
        const DrrFrame frame = frame_at(rendered, 0);
        DrrParameters line = r.parameters;
        line.output = {};
        const radon::recon::Image2D p = direct_render(volume_.grid, volume_.attenuation, line);
        bool saturated = false;
        for (int64_t i = 0; i < p.pixels.size(); ++i) {
            const float expected = std::min(p.pixels[i], std::log(50.0f));
            QCOMPARE(frame.image.pixels[i], expected);
            saturated = saturated || p.pixels[i] > std::log(50.0f);
        }
        QVERIFY2(saturated, "some rays should see more than ln 50 of attenuation");
        const radon::recon::Window automatic = radon::recon::automatic_window(frame.image);
        QCOMPARE(frame.automatic_window.level, automatic.level);
    }

    void a_new_volume_is_rendered_from_then_on() {
        QSignalSpy ready(signals_.get(), &WorkerSignals::volumeReady);
        QSignalSpy rendered(signals_.get(), &WorkerSignals::rendered);
        const auto small = radon::test::thorax_volume(radon::test::kSmallThoraxSize,
                                                      radon::test::kSmallThoraxSpacing);
        worker_->postVolume(small.grid, small.attenuation);
        QVERIFY(ready.wait(30000));
        const DrrRequest r = request(1, 80, 15.0);
        worker_->post(r);
        QVERIFY(rendered.wait(30000));
        QVERIFY(same_bits(frame_at(rendered, 0).image,
                          direct_render(small.grid, small.attenuation, r.parameters)));

        // A volume the engine cannot take is refused, and the one before stays.
        QSignalSpy failed(signals_.get(), &WorkerSignals::volumeFailed);
        radon::VolumeGrid broken = small.grid;
        broken.size[0] += 1;  // extents no longer match
        worker_->postVolume(broken, small.attenuation);
        QVERIFY(failed.wait(30000));
        worker_->post(request(2, 80, 15.0));
        QVERIFY(rendered.wait(30000));
        QVERIFY(same_bits(frame_at(rendered, 1).image, frame_at(rendered, 0).image));
    }
};

RADON_TEST_CLASS(TestDrrWorker);
#include "test_drr_worker.moc"
