// The compute worker: interactive jobs coalesce per channel and supersede the running one, long
// jobs queue in order with progress and cancel, interactive jobs run between the steps of a long
// job, and nothing runs on the UI thread.

#include <QThread>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "kernels/core/error.h"
#include "tests/common/test_registry.h"
#include "ui/common/compute_worker.h"

using radon::ui::ComputeWorker;
using radon::ui::JobContext;

namespace {

// A job that spins until released, so a test controls what is running.
struct Gate {
    std::atomic<bool> entered{false};
    std::atomic<bool> open{false};
    void wait_open(const JobContext& context) const {
        while (!open.load()) {
            context.checkCancel();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
};

bool wait_for(const std::function<bool()>& condition, int ms = 5000) {
    QElapsedTimer clock;
    clock.start();
    while (!condition()) {
        if (clock.elapsed() > ms) return false;
        QCoreApplication::processEvents();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

// The worker's signals, recorded on the test's thread: they are emitted on the compute thread and
// arrive here through queued connections, as they do in the app.
struct JobEvents {
    explicit JobEvents(ComputeWorker& worker) {
        QObject::connect(&worker, &ComputeWorker::jobStarted, &receiver,
                         [this](quint64 id, const QString&) { started.push_back(id); });
        QObject::connect(
            &worker, &ComputeWorker::jobProgress, &receiver,
            [this](quint64, double fraction, const QString&) { progress.push_back(fraction); });
        QObject::connect(&worker, &ComputeWorker::jobFinished, &receiver,
                         [this](quint64 id) { finished.push_back(id); });
        QObject::connect(&worker, &ComputeWorker::jobCancelled, &receiver,
                         [this](quint64 id) { cancelled.push_back(id); });
        QObject::connect(&worker, &ComputeWorker::jobFailed, &receiver,
                         [this](quint64, const QString& message) { failed << message; });
        QObject::connect(
            &worker, &ComputeWorker::interactiveFailed, &receiver,
            [this](const QString& channel, const QString&) { interactive_failed << channel; });
    }
    QObject receiver;
    std::vector<quint64> started, finished, cancelled;
    std::vector<double> progress;
    QStringList failed, interactive_failed;
};

}  // namespace

class TestComputeWorker : public QObject {
    Q_OBJECT

  private slots:
    void jobs_run_on_the_compute_thread() {
        ComputeWorker worker("CPU");
        std::atomic<QThread*> ran_on{nullptr};
        worker.postInteractive("view", [&](JobContext&) { ran_on = QThread::currentThread(); });
        worker.waitForIdle();
        QCOMPARE(ran_on.load(), worker.computeThread());
        QVERIFY(ran_on.load() != QThread::currentThread());
        QVERIFY(worker.idle());
    }

    void interactive_jobs_coalesce_and_supersede() {
        ComputeWorker worker("CPU");
        Gate gate;
        std::atomic<bool> first_cancelled{false};
        worker.postInteractive("view", [&](JobContext& context) {
            gate.entered = true;
            try {
                gate.wait_open(context);
            } catch (const radon::Cancelled&) {
                first_cancelled = true;
                throw;
            }
        });
        QVERIFY(wait_for([&] { return gate.entered.load(); }));
        std::mutex mutex;
        std::vector<int> ran;
        for (int i = 1; i <= 5; ++i)
            worker.postInteractive("view", [&, i](JobContext&) {
                std::lock_guard<std::mutex> lock(mutex);
                ran.push_back(i);
            });
        std::atomic<int> other{0};
        worker.postInteractive("plot", [&](JobContext&) { ++other; });
        worker.waitForIdle();
        QVERIFY(first_cancelled.load());     // superseded while running
        QCOMPARE(ran, std::vector<int>{5});  // only the newest of the pending ones
        QCOMPARE(other.load(), 1);           // another channel is not superseded
    }

    void long_jobs_queue_in_order_and_report_progress() {
        ComputeWorker worker("CPU");
        JobEvents events(worker);
        std::mutex mutex;
        std::vector<int> order;
        const auto job = [&](int tag) {
            return [&, tag](JobContext& context) {
                for (int step = 1; step <= 3; ++step)
                    context.progress(step / 3.0, "step");
                std::lock_guard<std::mutex> lock(mutex);
                order.push_back(tag);
            };
        };
        const auto a = worker.enqueue("a", job(1));
        const auto b = worker.enqueue("b", job(2));
        QVERIFY(a != b);
        QVERIFY(wait_for([&] { return events.finished.size() == 2; }));
        QCOMPARE(order, (std::vector<int>{1, 2}));
        QCOMPARE(events.started, (std::vector<quint64>{a, b}));
        QCOMPARE(events.progress.size(), size_t(6));
        QCOMPARE(events.progress[2], 1.0);
        QCOMPARE(events.finished, (std::vector<quint64>{a, b}));
    }

    void cancel_stops_a_long_job_at_its_next_step_and_drops_a_queued_one() {
        ComputeWorker worker("CPU");
        JobEvents events(worker);
        std::atomic<int> steps{0};
        std::atomic<bool> queued_ran{false};
        const auto running = worker.enqueue("long", [&](JobContext& context) {
            for (int step = 0; step < 100000; ++step) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
                ++steps;
                context.progress(step / 100000.0, "step");
            }
        });
        const auto queued = worker.enqueue("queued", [&](JobContext&) { queued_ran = true; });
        QVERIFY(wait_for([&] { return steps.load() > 3; }));
        worker.cancel(queued);
        worker.cancel(running);
        const int steps_at_cancel = steps.load();
        QVERIFY(wait_for([&] { return events.cancelled.size() == 2; }));
        worker.waitForIdle();
        QVERIFY(steps.load() <= steps_at_cancel + 1);  // within one step
        QVERIFY(!queued_ran.load());
        QVERIFY(events.finished.empty());
    }

    void interactive_jobs_run_between_the_steps_of_a_long_job() {
        ComputeWorker worker("CPU");
        Gate step_gate;
        std::atomic<int> steps_before_view{-1};
        std::atomic<int> steps{0};
        worker.enqueue("long", [&](JobContext& context) {
            for (int step = 0; step < 2000; ++step) {
                step_gate.entered = true;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
                ++steps;
                context.progress(step / 2000.0, "step");
                if (steps_before_view.load() >= 0) return;
            }
        });
        QVERIFY(wait_for([&] { return step_gate.entered.load(); }));
        worker.postInteractive("view", [&](JobContext&) { steps_before_view = steps.load(); });
        worker.waitForIdle();
        QVERIFY(steps_before_view.load() >= 1);
        QVERIFY(steps.load() < 2000);  // the long job saw the view run and stopped early
    }

    void failures_are_reported_and_the_worker_goes_on() {
        ComputeWorker worker("CPU");
        JobEvents events(worker);
        worker.enqueue("bad",
                       [](JobContext&) { throw radon::Error("bad.hs: 'matrix size' missing"); });
        worker.postInteractive("view", [](JobContext&) { throw radon::Error("no volume"); });
        worker.enqueue("good", [](JobContext&) {});
        QVERIFY(wait_for(
            [&] { return events.finished.size() == 1 && events.interactive_failed.size() == 1; }));
        QCOMPARE(events.failed.size(), 1);
        QVERIFY(events.failed[0].contains("matrix size"));
        QCOMPARE(events.interactive_failed[0], QString("view"));
    }

    void destruction_cancels_what_runs() {
        QElapsedTimer clock;
        clock.start();
        {
            ComputeWorker worker("CPU");
            std::atomic<bool> entered{false};
            worker.enqueue("endless", [&](JobContext& context) {
                entered = true;
                for (;;) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    context.progress(0, "spinning");
                }
            });
            QVERIFY(wait_for([&] { return entered.load(); }));
        }
        QVERIFY(clock.elapsed() < 3000);
    }
};

RADON_TEST_CLASS(TestComputeWorker);
#include "test_compute_worker.moc"
