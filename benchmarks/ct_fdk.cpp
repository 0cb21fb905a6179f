// Times FDK and its voxel-driven back projection on the problem (issue 12, "Measures"):
// 256^3 voxels from 360 cone-beam projections of 256^2 pixels, the one RTK's CPU FDK takes 67 s
// for on a 2-core machine of this kind (0.09 G voxel updates per second).
//
// Geometry: a full circle, source-isocentre 600 mm, source-detector 1200 mm, pixels of 1.6 mm
// (0.8 mm at the axis), volume of 0.8 mm voxels covering the field of view; the projections are
// the exact line integrals of the 3D Shepp-Logan phantom (half extent 90 mm), made once.
//
// Usage: bench_ct_fdk [--size N (256)] [--views V (360)] [--panel P (256)] [--runs R (5)]
//                     [--threads T (all)] [--device cpu|cuda] [--filter NAME (ram-lak)]
// Prints the machine and its load, then the medians (and spread) of R runs after one warm-up:
// FDK end to end, its weighting + filtering and its back projection, the back projector alone
// (unfiltered, same views), in seconds and in G voxel updates per second (voxels x views /
// back-projection time), with the back projector's process CPU time (what a shared machine's
// load does not change); and the PSNR of the FDK result against the phantom inside the field of
// view (peak 2, as RTK's tests).

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/voxel_backprojector.h"
#include "recon/algorithms/filtered_backprojection.h"
#include "recon/phantom/analytic_projections.h"
#include "recon/phantom/ellipsoid_phantom.h"

using namespace radon;
using namespace radon::recon;

namespace {

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Spread {
    double median, low, high;
};

Spread spread(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v.front(), v.back()};
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

int usage() {
    std::fprintf(stderr,
                 "usage: bench_ct_fdk [--size N] [--views V] [--panel P] [--runs R] "
                 "[--threads T] [--device cpu|cuda] [--filter NAME]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each line as it comes, also into a file
    int64_t size = 256, views = 360, panel = 256;
    int runs = 5, threads = 0;
    DeviceKind device = DeviceKind::Cpu;
    std::string filter = "ram-lak";
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (i + 1 >= argc) return usage();
            const char* v = argv[++i];
            if (a == "--size")
                size = std::atoll(v);
            else if (a == "--views")
                views = std::atoll(v);
            else if (a == "--panel")
                panel = std::atoll(v);
            else if (a == "--runs")
                runs = std::atoi(v);
            else if (a == "--threads")
                threads = std::atoi(v);
            else if (a == "--device")
                device = parse_device_kind(v);
            else if (a == "--filter")
                filter = v;
            else
                return usage();
        }
        if (size < 1 || views < 1 || panel < 1 || runs < 1 || threads < 0) return usage();

        CircularTrajectory t;
        t.angles_deg = evenly_spaced_angles(views, 0.0, 360.0);
        t.source_isocenter_mm = 600;
        t.source_detector_mm = 1200;
        t.columns = panel;
        t.rows = panel;
        t.pixel_u_mm = t.pixel_v_mm = 1.6 * 256.0 / double(panel);
        const CtGeometry g = circular_geometry(t);
        const double voxel_mm = 0.8 * 256.0 / double(size);
        const VolumeGrid grid = centered_grid({size, size, size}, {voxel_mm, voxel_mm, voxel_mm});
        const EllipsoidPhantom phantom = shepp_logan_phantom({90, 90, 90});

        std::printf("machine: %s, %d threads used of %d, load average %s\n",
                    cpu_model_name().c_str(), threads > 0 ? threads : omp_get_max_threads(),
                    omp_get_num_procs(), load_average().c_str());
        std::printf(
            "problem: %lld^3 voxels of %.3f mm from %lld projections of %lld^2 pixels, "
            "%s, device %s\n",
            (long long)size, voxel_mm, (long long)views, (long long)panel, filter.c_str(),
            to_string(device));
        double t0 = now();
        const std::vector<float> p = analytic_projections(phantom, g);
        std::printf("analytic projections: %.2f s (once)\n", now() - t0);

        FilteredBackprojectionSettings s;
        s.filter.window = parse_ramp_window(filter);
        s.threads = threads;
        s.device = device;
        const double updates = double(grid.voxel_count()) * double(views);
        std::vector<double> total, filtering, backprojection, alone, alone_cpu;
        std::vector<float> volume;
        FilteredBackprojectionReport report;
        for (int r = 0; r <= runs; ++r) {
            t0 = now();
            volume = filtered_backprojection(p.data(), p.size(), g, grid, s, {}, &report);
            const double seconds = now() - t0;
            if (r == 0) continue;  // warm-up
            total.push_back(seconds);
            filtering.push_back(report.weight_filter_seconds);
            backprojection.push_back(report.backproject_seconds);
        }
        if (!report.fallback_note.empty()) std::printf("note: %s\n", report.fallback_note.c_str());
        std::printf("back projector: %s\n", report.backprojector.c_str());
        VoxelBackprojectorSettings bs;
        bs.threads = threads;
        for (int r = 0; r <= runs; ++r) {
            t0 = now();
            const std::clock_t c0 = std::clock();
            const std::vector<float> bp = voxel_backproject(
                g, grid, p.data(), VoxelBackprojectionWeight::InverseSquareDepth, bs, device);
            if (r > 0) alone.push_back(now() - t0);
            if (r > 0) alone_cpu.push_back(double(std::clock() - c0) / CLOCKS_PER_SEC);
        }

        const Spread a = spread(total), f = spread(filtering), b = spread(backprojection),
                     o = spread(alone);
        std::printf("FDK end to end:          %8.3f s median (%.3f - %.3f), %d runs\n", a.median,
                    a.low, a.high, runs);
        std::printf("  weighting + filtering: %8.3f s median (%.3f - %.3f)\n", f.median, f.low,
                    f.high);
        std::printf(
            "  back projection:       %8.3f s median (%.3f - %.3f), %.3f G voxel "
            "updates/s\n",
            b.median, b.low, b.high, updates / b.median * 1e-9);
        std::printf(
            "back projector alone:    %8.3f s median (%.3f - %.3f), %.3f G voxel "
            "updates/s\n",
            o.median, o.low, o.high, updates / o.median * 1e-9);
        // On a shared machine the wall time depends on the other load; the CPU time does not.
        const double cpu = spread(alone_cpu).median;
        std::printf(
            "  its CPU time:          %8.3f s median, %.3f G voxel updates per CPU second\n", cpu,
            updates / cpu * 1e-9);
        std::printf(
            "RTK CPU FDK on this problem (issue 12, 2 cores): 67 s, 0.09 G updates/s: "
            "%.1fx faster end to end\n",
            67.0 / a.median);

        const std::vector<uint8_t> fov = voxels_seen_by_every_view(g, grid);
        double sq = 0;
        int64_t n = 0;
        for (int64_t k = 0; k < grid.size[2]; ++k)
            for (int64_t j = 0; j < grid.size[1]; ++j)
                for (int64_t i = 0; i < grid.size[0]; ++i) {
                    const std::size_t idx = std::size_t((k * grid.size[1] + j) * grid.size[0] + i);
                    if (!fov[idx]) continue;
                    const double ref =
                        phantom.value_at(grid.index_to_world({double(i), double(j), double(k)}));
                    sq += (volume[idx] - ref) * (volume[idx] - ref);
                    ++n;
                }
        std::printf("PSNR against the phantom inside the field of view: %.2f dB (peak 2)\n",
                    20.0 * std::log10(2.0) - 10.0 * std::log10(sq / double(n)));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_ct_fdk: %s\n", e.what());
        return 1;
    }
    return 0;
}
