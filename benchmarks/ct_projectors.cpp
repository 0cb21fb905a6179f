// Times Radon Studio's ray-driven CT projector (make_ct_projector): forward projection and its
// exact adjoint (ray-driven back projection), Siddon and trilinear, on the CPU or CUDA.
//
// The problem (issue 12, "Measures"): a 256^3 volume of 1 mm voxels holding a uniform cylinder
// (radius 100 mm, mu 0.02/mm, along z), 360 views of 256 x 256 pixels over a full circle, cone
// beam at 600 mm source-isocentre and 1200 mm source-detector with 2 mm pixels (RTK's test
// setting scaled to this volume), or parallel beam with 1 mm pixels. The back projection
// back-projects the forward projection.
//
// Usage: bench_ct_projectors [--runs N (5)] [--threads T (all)] [--beam cone|parallel]
//                            [--algorithm siddon|trilinear|both] [--size N (256)]
//                            [--views V (360)] [--device cpu|cuda]
// Prints one line per projector and direction: the median and the spread of N runs (after one
// warm-up run) in seconds, rays per second, and voxel updates per second, the updates being
// the sum over rays of the voxels each ray touches (Siddon: the pieces of positive length;
// trilinear: 8 per sample), counted once beforehand with the projector's own per-ray code.

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/ct/ct_projector.h"
#include "kernels/ct/ct_ray_setup.h"
#include "kernels/ct/ct_rays.h"
#include "kernels/drr/lanes_scalar.h"

using namespace radon;

namespace {

struct Timing {
    double median, lo, hi;
};

Timing time_runs(int runs, const std::function<void()>& work) {
    work();  // warm-up: first touch of the output, caches, the GPU's lazy setup
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        t.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(t.begin(), t.end());
    return {t[t.size() / 2], t.front(), t.back()};
}

// Counts calls instead of adding: one per voxel update.
struct CountAdd {
    int64_t* count;
    void operator()(float*, float) const { ++*count; }
};

// `scratch` (grid.voxel_count() floats) is only where the walk points; nothing is written.
int64_t voxel_updates(const CtGeometry& g, const VolumeGrid& grid,
                      const CtProjectorSettings& settings, float* scratch) {
    const std::vector<DrrRayParams> params = ct_ray_params(g, grid, settings);
    const bool parallel = g.beam == CtBeam::Parallel;
    const bool trilinear = settings.algorithm == DrrAlgorithm::Trilinear;
    int64_t total = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : total)
    for (int64_t line = 0; line < g.view_count() * g.rows; ++line) {
        int64_t count = 0;
        CountAdd add{&count};
        const DrrRayParams& p = params[std::size_t(line / g.rows)];
        for (int64_t c = 0; c < g.columns; ++c)
            ct_back_one<ScalarLanes>(p, parallel, trilinear, scratch, float(c),
                                     float(line % g.rows), 1.0f, add);
        total += count;
    }
    return total;
}

void usage() {
    std::fprintf(
        stderr,
        "usage: bench_ct_projectors [--runs N] [--threads T] [--beam cone|parallel] "
        "[--algorithm siddon|trilinear|both] [--size N] [--views V] [--device cpu|cuda]\n");
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    // Each line as soon as it is measured: a full run takes minutes on a small machine.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    int runs = 5, threads = 0, size = 256, views = 360;
    std::string beam = "cone", algorithm = "both", device = "cpu";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage();
            return argv[++i];
        };
        if (a == "--runs") {
            runs = std::max(1, std::atoi(next().c_str()));
        } else if (a == "--threads") {
            threads = std::atoi(next().c_str());
        } else if (a == "--beam") {
            beam = next();
        } else if (a == "--algorithm") {
            algorithm = next();
        } else if (a == "--size") {
            size = std::max(8, std::atoi(next().c_str()));
        } else if (a == "--views") {
            views = std::max(1, std::atoi(next().c_str()));
        } else if (a == "--device") {
            device = next();
        } else {
            usage();
        }
    }
    try {
        const VolumeGrid grid = centered_grid({size, size, size}, {1.0, 1.0, 1.0});
        std::vector<float> volume(std::size_t(grid.voxel_count()), 0.0f);
        const double radius = 100.0 * size / 256.0;
        for (int64_t k = 0; k < size; ++k)
            for (int64_t j = 0; j < size; ++j)
                for (int64_t i = 0; i < size; ++i) {
                    const Vec3 p = grid.index_to_world({double(i), double(j), double(k)});
                    if (p.x * p.x + p.y * p.y <= radius * radius)
                        volume[std::size_t((k * size + j) * size + i)] = 0.02f;
                }
        CircularTrajectory t;
        t.beam = parse_ct_beam(beam);
        t.angles_deg = evenly_spaced_angles(views, 0.0, 360.0);
        t.columns = size;
        t.rows = size;
        t.pixel_u_mm = t.pixel_v_mm = t.beam == CtBeam::Cone ? 2.0 : 1.0;
        const CtGeometry g = circular_geometry(t);

        std::vector<DrrAlgorithm> algorithms;
        if (algorithm == "siddon" || algorithm == "both")
            algorithms.push_back(DrrAlgorithm::Siddon);
        if (algorithm == "trilinear" || algorithm == "both")
            algorithms.push_back(DrrAlgorithm::Trilinear);
        if (algorithms.empty()) usage();

        std::printf("CT projector: %d^3 volume, %d views of %d x %d (%s beam), %s, %d threads\n",
                    size, views, size, size, beam.c_str(), cpu_model_name().c_str(),
                    threads > 0 ? threads : omp_get_max_threads());
        std::printf("medians of %d runs after one warm-up, [fastest .. slowest]\n", runs);
        const double rays = double(g.pixel_count());
        std::vector<float> stack(std::size_t(g.pixel_count()));
        std::vector<float> back(volume.size());
        for (DrrAlgorithm alg : algorithms) {
            CtProjectorSettings s;
            s.algorithm = alg;
            s.threads = threads;
            std::string note;
            const auto op = make_ct_projector(g, grid, s, parse_device_kind(device), &note);
            if (!note.empty()) std::printf("%s\n", note.c_str());
            const double updates = double(voxel_updates(g, grid, s, back.data()));
            std::printf("%s: %.3g voxel updates (%.0f per ray)\n", op->description().c_str(),
                        updates, updates / rays);
            const Timing f = time_runs(runs, [&] {
                op->apply(volume.data(), int64_t(volume.size()), stack.data(),
                          int64_t(stack.size()));
            });
            const Timing b = time_runs(runs, [&] {
                op->apply_adjoint(stack.data(), int64_t(stack.size()), back.data(),
                                  int64_t(back.size()));
            });
            for (int d = 0; d < 2; ++d) {
                const Timing& tm = d == 0 ? f : b;
                std::printf(
                    "  %-9s %-8s %8.3f s [%7.3f .. %7.3f]  %7.2f M rays/s  %6.3f G voxel "
                    "updates/s\n",
                    to_string(alg), d == 0 ? "forward" : "back", tm.median, tm.lo, tm.hi,
                    rays / tm.median / 1e6, updates / tm.median / 1e9);
            }
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_ct_projectors: %s\n", e.what());
        return 1;
    }
    return 0;
}
