#pragma once

#include <functional>
#include <string>

#include "kernels/core/sample_summary.h"

namespace radon::cli {

// Runs `run` once to warm up (page faults, thread start, caches, FFT plans), then `runs` times,
// and summarises the timed runs (seconds).
SampleSummary time_runs(int runs, const std::function<void()>& run);

// Writes a benchmark's table as PREFIX.csv, all or nothing, and says so on stdout.
void write_bench_csv(const std::string& prefix, const std::string& csv);

}  // namespace radon::cli
