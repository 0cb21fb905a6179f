#include "app/radon/bench_timing.h"

#include <chrono>
#include <cstdio>
#include <vector>

#include "recon/io/atomic_file.h"

namespace radon::cli {

SampleSummary time_runs(int runs, const std::function<void()>& run) {
    run();
    std::vector<double> t;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        run();
        t.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return summarize(t);
}

void write_bench_csv(const std::string& prefix, const std::string& csv) {
    recon::AtomicFileSet files;
    files.add_text(prefix + ".csv", csv);
    files.commit();
    std::printf("wrote %s.csv\n", prefix.c_str());
}

}  // namespace radon::cli
