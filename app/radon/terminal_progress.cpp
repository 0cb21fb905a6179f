#include "app/radon/terminal_progress.h"

#include <unistd.h>

#include <cstdio>

namespace radon::cli {

TerminalProgress::TerminalProgress(std::string label)
    : label_(std::move(label)),
      enabled_(isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()) {}

TerminalProgress::~TerminalProgress() {
    if (drawn_) std::fprintf(stderr, "\n");
}

void TerminalProgress::report(double fraction_done) {
    if (!enabled_) return;
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    if (!drawn_ && elapsed < std::chrono::milliseconds(300)) return;
    const int percent = static_cast<int>(fraction_done * 100.0 + 0.5);
    if (percent == last_percent_) return;
    last_percent_ = percent;
    drawn_ = true;
    const int filled = percent * 30 / 100;
    std::fprintf(stderr, "\r%s [%.*s%*s] %3d%%", label_.c_str(), filled,
                 "##############################", 30 - filled, "", percent);
    std::fflush(stderr);
}

}  // namespace radon::cli
