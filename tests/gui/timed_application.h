#pragma once

// The benchmarks of the main window and of the workspaces time every event the UI thread
// dispatches from its event loop while they record, so that a stall can be named: one event
// handler that runs too long, or several back to back.

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace radon::test {

class TimedApplication : public QApplication {
  public:
    using QApplication::QApplication;

    struct SlowEvent {
        double ms = 0;
        std::string what;
    };

    bool notify(QObject* receiver, QEvent* event) override {
        if (depth_ > 0 || !receiver || !recording_ || QThread::currentThread() != thread())
            return QApplication::notify(receiver, event);
        // The receiver may be gone afterwards (deleteLater): name it first.
        std::string what = std::string(receiver->metaObject()->className()) + " ";
        if (!receiver->objectName().isEmpty()) what += receiver->objectName().toStdString() + " ";
        what += "event " + std::to_string(static_cast<int>(event->type()));
        ++depth_;
        QElapsedTimer t;
        t.start();
        const bool result = QApplication::notify(receiver, event);
        --depth_;
        const double ms = 1e-6 * double(t.nsecsElapsed());
        if (ms > slowest_.ms) slowest_ = {ms, what};
        if (ms >= kSlowMs) slow_.push_back({ms, std::move(what)});
        return result;
    }

    void start_recording() {
        slow_.clear();
        slowest_ = {};
        recording_ = true;
    }
    // The events of at least kSlowMs since start_recording().
    std::vector<SlowEvent> stop_recording() {
        recording_ = false;
        return slow_;
    }
    // The slowest event since start_recording(), whatever its time.
    const SlowEvent& slowest() const { return slowest_; }

    static constexpr double kSlowMs = 25;

  private:
    int depth_ = 0;
    bool recording_ = false;
    std::vector<SlowEvent> slow_;
    SlowEvent slowest_;
};

// One line: how many events took kSlowMs or more during `phase`, and the slowest few.
inline void print_slow_events(const char* phase, std::vector<TimedApplication::SlowEvent> events) {
    std::sort(events.begin(), events.end(),
              [](const auto& a, const auto& b) { return a.ms > b.ms; });
    std::printf("UI events over %.0f ms during %s: %zu", TimedApplication::kSlowMs, phase,
                events.size());
    for (std::size_t i = 0; i < events.size() && i < 6; ++i)
        std::printf("%s %.0f ms %s", i ? "," : ";", events[i].ms, events[i].what.c_str());
    std::printf("\n");
}

}  // namespace radon::test
