#pragma once

#include <atomic>

#include "kernels/core/error.h"

namespace radon {

// Set from any thread (a GUI button, a signal handler); long operations poll it between chunks.
class CancelToken {
  public:
    void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
    void reset() { cancelled_.store(false, std::memory_order_relaxed); }
    bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
    void throw_if_cancelled() const {
        if (cancelled()) throw Cancelled();
    }

  private:
    std::atomic<bool> cancelled_{false};
};

// Receives the fraction done (0..1) of a long operation; a terminal bar in the CLI, a progress
// dialog in the GUI. Called from the thread that runs the operation.
class ProgressSink {
  public:
    virtual ~ProgressSink() = default;
    virtual void report(double fraction_done) = 0;
};

// Passes one part's progress on as its share of a whole: part k of n reports into
// [k / n, (k + 1) / n] of the whole. A null `whole` swallows the reports.
class ShareOfProgress final : public ProgressSink {
  public:
    ShareOfProgress(ProgressSink* whole, double start, double share)
        : whole_(whole), start_(start), share_(share) {}
    void report(double fraction_done) override {
        const double part = fraction_done < 0 ? 0 : fraction_done > 1 ? 1 : fraction_done;
        if (whole_) whole_->report(start_ + share_ * part);
    }

  private:
    ProgressSink* whole_;
    double start_, share_;
};

// The control a long operation receives: both members are optional.
struct RunControl {
    const CancelToken* cancel = nullptr;
    ProgressSink* progress = nullptr;

    void check_cancel() const {
        if (cancel) cancel->throw_if_cancelled();
    }
    void report(double fraction_done) const {
        if (progress) progress->report(fraction_done);
    }
};

}  // namespace radon
