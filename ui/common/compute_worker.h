#pragma once

#include <QObject>
#include <QString>
#include <QThread>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "kernels/core/progress.h"

namespace radon::ui {

// What a job sees while it runs on the compute thread.
class JobContext {
  public:
    virtual ~JobContext() = default;
    virtual const CancelToken& cancelToken() const = 0;
    // Throws Cancelled once the job has been cancelled (or, for an interactive job, superseded).
    void checkCancel() const { cancelToken().throw_if_cancelled(); }
    // Reports the fraction done (0..1) and what is being done ("OSEM iteration 2, subset 3/8").
    // A long job calls it between its steps (each sub-iteration): it also runs the interactive
    // jobs posted meanwhile, so the views stay live while OSEM or FDK run, and then throws
    // Cancelled if the job was cancelled.
    virtual void progress(double fraction_done, const QString& stage) = 0;
    // A RunControl for recon/ and kernels/ calls: cancel polls this job's token and progress
    // goes to progress() with `stage`.
    // The sink lives in the context, so the RunControl is valid for the whole job.
    RunControl runControl(const QString& stage);

  private:
    class Sink;
    std::unique_ptr<Sink> sink_;

  public:
    JobContext();
};

// The one thread that computes for a device (the CPU, or a GPU): every job of every workspace
// runs here, one at a time, so jobs never compete for the device's cores or memory and the UI
// thread never computes.
//
// Two kinds of jobs:
// - interactive jobs (a sinogram plane to show, a projection for the current view) coalesce per
//   channel: the newest posted on a channel replaces the pending one and cancels the running
//   one, as the DRR worker does for poses;
// - long jobs (OSEM, FDK, a benchmark) queue in order, report progress, and can be cancelled
//   while queued or running. While a long job runs, the interactive jobs posted meanwhile run at
//   its next progress() call, so a reconstruction never freezes the views.
//
// Jobs hand their results to the UI by queued calls (QMetaObject::invokeMethod on a receiver
// that lives on the UI thread); the worker's signals say when jobs start, progress and end. All
// public methods may be called from any thread and return at once. Other QObjects that compute
// for the same device (the DRR worker) live on thread() so that they take turns with the jobs.
class ComputeWorker : public QObject {
    Q_OBJECT

  public:
    using Job = std::function<void(JobContext&)>;
    using JobId = quint64;

    // `device` names the device in messages and the jobs panel ("CPU (2 threads)").
    explicit ComputeWorker(const QString& device, QObject* parent = nullptr);
    // Cancels every job and joins the thread.
    ~ComputeWorker() override;

    const QString& device() const { return device_; }
    QThread* computeThread() { return &thread_; }

    void postInteractive(const QString& channel, Job job);
    // Returns the id that progress and end signals and cancel() use.
    JobId enqueue(const QString& title, Job job);
    void cancel(JobId id);
    // Cancels the running and queued long jobs and drops the pending interactive ones.
    void cancelAll();
    // Blocks until every job posted so far has ended (tests and shutdown only).
    void waitForIdle();
    bool idle() const;

  signals:
    void jobStarted(quint64 id, const QString& title);
    void jobProgress(quint64 id, double fraction_done, const QString& stage);
    void jobFinished(quint64 id);
    void jobCancelled(quint64 id);
    void jobFailed(quint64 id, const QString& message);
    // Interactive jobs that throw an Error say so here (a cancelled one says nothing).
    void interactiveFailed(const QString& channel, const QString& message);

  private:
    struct LongJob;
    struct InteractiveJob;
    class Context;

    void wakeLocked();
    void runPending();  // on the compute thread
    void runInteractive();
    void runLong(const std::shared_ptr<LongJob>& job);

    QString device_;
    QThread thread_;
    QObject* waker_ = nullptr;  // lives on thread_, receives the queued wake-ups

    mutable std::mutex mutex_;
    std::condition_variable idle_changed_;
    std::map<QString, std::shared_ptr<InteractiveJob>> interactive_;  // pending, per channel
    std::map<QString, std::shared_ptr<InteractiveJob>> running_interactive_;
    std::deque<std::shared_ptr<LongJob>> queue_;
    std::shared_ptr<LongJob> running_long_;
    JobId next_id_ = 1;
    bool wake_queued_ = false;
    bool running_ = false;
    bool in_long_job_ = false;
};

}  // namespace radon::ui
