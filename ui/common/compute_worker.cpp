#include "ui/common/compute_worker.h"

#include <QCoreApplication>
#include <QMetaObject>

#include <exception>
#include <utility>

#include "kernels/core/error.h"
#include "ui/common/background_priority.h"

namespace radon::ui {

class JobContext::Sink final : public ProgressSink {
  public:
    explicit Sink(JobContext& context) : context_(context) {}
    void report(double fraction_done) override { context_.progress(fraction_done, stage_); }
    QString stage_;

  private:
    JobContext& context_;
};

JobContext::JobContext() : sink_(std::make_unique<Sink>(*this)) {}

RunControl JobContext::runControl(const QString& stage) {
    sink_->stage_ = stage;
    return RunControl{&cancelToken(), sink_.get()};
}

struct ComputeWorker::LongJob {
    JobId id = 0;
    QString title;
    Job job;
    CancelToken cancel;
};

struct ComputeWorker::InteractiveJob {
    Job job;
    CancelToken cancel;
};

class ComputeWorker::Context final : public JobContext {
  public:
    Context(ComputeWorker& worker, const CancelToken& token, JobId id)
        : worker_(worker), token_(token), id_(id) {}
    const CancelToken& cancelToken() const override { return token_; }
    void progress(double fraction_done, const QString& stage) override {
        if (id_ != 0) {
            emit worker_.jobProgress(id_, fraction_done, stage);
            // Delivers the wake-ups of interactive jobs and the events of the other workers on
            // this thread (DRR renders): they run now, between two steps of the long job.
            QCoreApplication::processEvents(QEventLoop::AllEvents);
        }
        checkCancel();
    }

  private:
    ComputeWorker& worker_;
    const CancelToken& token_;
    JobId id_;  // 0 for interactive jobs
};

ComputeWorker::ComputeWorker(const QString& device, QObject* parent)
    : QObject(parent), device_(device), waker_(new QObject) {
    thread_.setObjectName("compute: " + device);
    waker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, waker_, &QObject::deleteLater);
    // The UI thread keeps about three quarters of a core while a job runs (as for DRRs).
    connect(
        &thread_, &QThread::started, waker_, [] { lower_current_thread_priority(5); },
        Qt::DirectConnection);
    thread_.start();
}

ComputeWorker::~ComputeWorker() {
    blockSignals(true);  // the listeners may be half torn down by now
    cancelAll();
    thread_.quit();
    thread_.wait();
}

void ComputeWorker::postInteractive(const QString& channel, Job job) {
    auto pending = std::make_shared<InteractiveJob>();
    pending->job = std::move(job);
    std::lock_guard<std::mutex> lock(mutex_);
    interactive_[channel] = std::move(pending);
    const auto running = running_interactive_.find(channel);
    if (running != running_interactive_.end()) running->second->cancel.cancel();
    wakeLocked();
}

ComputeWorker::JobId ComputeWorker::enqueue(const QString& title, Job job) {
    auto queued = std::make_shared<LongJob>();
    queued->title = title;
    queued->job = std::move(job);
    std::lock_guard<std::mutex> lock(mutex_);
    queued->id = next_id_++;
    queue_.push_back(queued);
    wakeLocked();
    return queued->id;
}

void ComputeWorker::cancel(JobId id) {
    std::shared_ptr<LongJob> dropped;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (running_long_ && running_long_->id == id) {
            running_long_->cancel.cancel();
            return;
        }
        for (auto it = queue_.begin(); it != queue_.end(); ++it) {
            if ((*it)->id != id) continue;
            dropped = *it;
            queue_.erase(it);
            break;
        }
        idle_changed_.notify_all();
    }
    if (dropped) emit jobCancelled(id);
}

void ComputeWorker::cancelAll() {
    std::deque<std::shared_ptr<LongJob>> dropped;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        dropped.swap(queue_);
        interactive_.clear();
        for (auto& [channel, job] : running_interactive_)
            job->cancel.cancel();
        if (running_long_) running_long_->cancel.cancel();
        idle_changed_.notify_all();
    }
    for (const auto& job : dropped)
        emit jobCancelled(job->id);
}

bool ComputeWorker::idle() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return !running_ && !wake_queued_ && interactive_.empty() && queue_.empty();
}

void ComputeWorker::waitForIdle() {
    std::unique_lock<std::mutex> lock(mutex_);
    idle_changed_.wait(lock, [this] {
        return !running_ && !wake_queued_ && interactive_.empty() && queue_.empty();
    });
}

void ComputeWorker::wakeLocked() {
    if (wake_queued_) return;
    wake_queued_ = true;
    QMetaObject::invokeMethod(
        waker_, [this] { runPending(); }, Qt::QueuedConnection);
}

void ComputeWorker::runPending() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        wake_queued_ = false;
        if (running_ && !in_long_job_) return;  // a nested wake-up; the outer loop sees the work
        running_ = true;
    }
    runInteractive();
    if (in_long_job_) return;  // called from a long job's progress(): it goes on afterwards
    for (;;) {
        std::shared_ptr<LongJob> next;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (queue_.empty()) {
                running_ = false;
                idle_changed_.notify_all();
                return;
            }
            next = queue_.front();
            queue_.pop_front();
            running_long_ = next;
        }
        runLong(next);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            running_long_.reset();
        }
        runInteractive();
    }
}

void ComputeWorker::runInteractive() {
    for (;;) {
        QString channel;
        std::shared_ptr<InteractiveJob> job;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (interactive_.empty()) return;
            channel = interactive_.begin()->first;
            job = interactive_.begin()->second;
            interactive_.erase(interactive_.begin());
            running_interactive_[channel] = job;
        }
        Context context(*this, job->cancel, 0);
        try {
            job->job(context);
        } catch (const Cancelled&) {
        } catch (const std::exception& e) {
            emit interactiveFailed(channel, QString::fromUtf8(e.what()));
        }
        std::lock_guard<std::mutex> lock(mutex_);
        const auto running = running_interactive_.find(channel);
        if (running != running_interactive_.end() && running->second == job)
            running_interactive_.erase(running);
    }
}

void ComputeWorker::runLong(const std::shared_ptr<LongJob>& job) {
    emit jobStarted(job->id, job->title);
    Context context(*this, job->cancel, job->id);
    in_long_job_ = true;
    try {
        job->job(context);
        in_long_job_ = false;
        if (job->cancel.cancelled())
            emit jobCancelled(job->id);
        else
            emit jobFinished(job->id);
    } catch (const Cancelled&) {
        in_long_job_ = false;
        emit jobCancelled(job->id);
    } catch (const std::exception& e) {
        in_long_job_ = false;
        emit jobFailed(job->id, QString::fromUtf8(e.what()));
    }
}

}  // namespace radon::ui
