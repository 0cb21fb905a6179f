#pragma once

#include <chrono>
#include <string>

#include "kernels/core/progress.h"

namespace radon::cli {

// A progress bar on stderr, drawn only when stderr is a terminal and the operation lasts long
// enough to be worth one (so pipes and logs stay clean).
class TerminalProgress final : public ProgressSink {
  public:
    explicit TerminalProgress(std::string label);
    ~TerminalProgress() override;
    void report(double fraction_done) override;

  private:
    std::string label_;
    bool enabled_;
    bool drawn_ = false;
    int last_percent_ = -1;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace radon::cli
