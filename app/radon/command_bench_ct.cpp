// radon bench ct: times the CT projectors (forward and adjoint, ray-driven) and filtered back
// projection (FDK on a cone-beam scan, FBP on a 2D parallel one), with G voxel updates/s.

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <sstream>

#include "app/radon/arguments.h"
#include "app/radon/bench_timing.h"
#include "app/radon/commands.h"
#include "app/radon/ct_options.h"
#include "recon/bench/peak_memory.h"
#include "kernels/core/error.h"
#include "kernels/core/sample_summary.h"
#include "kernels/simd/cpu_features.h"
#include "recon/algorithms/filtered_backprojection.h"
#include "recon/io/atomic_file.h"

namespace radon::cli {
namespace {

const char* kUsage = R"(usage: radon bench ct [options]

Times, as the median of --runs after a warm-up: the ray-driven CT projector forward (A x) and
its adjoint (A^T y) and FDK on a cone-beam scan (default 256^3 voxels of 1 mm, 360 views of
256 x 256 pixels of 1.6 mm, source-isocentre 1000 mm, source-detector 1500 mm, the problem
benchmarks/ct_peers.py gives RTK), and FBP on a 2D parallel scan (default 512^2 pixels from 720
views of 768 pixels, ASTRA's problem there). Each row gives seconds and G voxel updates per
second (voxels x views / time; for the forward projection the same count of ray-voxel pairs).
Results go to PREFIX.csv.
  --size N                    cone-beam image N^3 (default 256)
  --views N                   cone-beam views (default 360)
  --detector N                cone-beam panel N x N (default 256)
  --size-2d N, --views-2d N, --detector-2d N    the 2D problem (default 512, 720, 768)
  --tests LIST                forward,adjoint,fdk,fbp (default all)
  --runs N                    timed runs (default 3)
  --out PREFIX                (default bench_ct)
  --algorithm siddon|trilinear, --threads N, --device cpu|cuda   as for radon ct recon
)";

struct Row {
    std::string test, problem;
    SampleSummary seconds;
    double updates = 0;
};

}  // namespace

int run_bench_ct(const std::vector<std::string>& raw) {
    std::vector<std::string> value_options = {"--size",    "--views",    "--detector",
                                              "--size-2d", "--views-2d", "--detector-2d",
                                              "--tests",   "--runs",     "--out"};
    value_options.insert(value_options.end(), ct_projector_options().begin(),
                         ct_projector_options().end());
    const Arguments args(raw, value_options, {"--help", "-h"});
    if (args.flag("--help") || args.flag("-h")) {
        std::cout << kUsage;
        return 0;
    }
    if (!args.positional().empty())
        throw InvalidArgument("unexpected argument '" + args.positional()[0] + "'");
    const Range count{1, 65536, false, "", ""};
    const int64_t n = args.integer_in("--size", 256, count);
    const int64_t views = args.integer_in("--views", 360, count);
    const int64_t det = args.integer_in("--detector", 256, count);
    const int64_t n2 = args.integer_in("--size-2d", 512, count);
    const int64_t views2 = args.integer_in("--views-2d", 720, count);
    const int64_t det2 = args.integer_in("--detector-2d", 768, count);
    const int runs =
        static_cast<int>(args.integer_in("--runs", 3, {1, 1000, false, "timed runs", ""}));
    const std::string prefix = args.text("--out", "bench_ct");
    const CtProjectorSettings settings = ct_projector_from_arguments(args);
    const DeviceKind device = ct_device_from_arguments(args);
    std::vector<std::string> tests;
    {
        std::stringstream list(args.text("--tests", "forward,adjoint,fdk,fbp"));
        std::string t;
        while (std::getline(list, t, ',')) {
            if (t != "forward" && t != "adjoint" && t != "fdk" && t != "fbp")
                throw InvalidArgument("--tests: unknown test '" + t +
                                      "': expected forward, adjoint, fdk or fbp");
            tests.push_back(t);
        }
    }

    // The peers' problems (benchmarks/ct_peers.py): the detector covers the grid at the isocentre.
    CircularTrajectory cone;
    cone.angles_deg = evenly_spaced_angles(views, 0, 360);
    cone.source_isocenter_mm = 1000;
    cone.source_detector_mm = 1500;
    cone.columns = cone.rows = det;
    cone.pixel_u_mm = cone.pixel_v_mm = 1.6 * double(n) / double(det);
    const CtGeometry cone_geometry = circular_geometry(cone);
    const VolumeGrid cone_grid = centered_grid({n, n, n}, {1, 1, 1});
    CircularTrajectory parallel;
    parallel.beam = CtBeam::Parallel;
    parallel.angles_deg = evenly_spaced_angles(views2, 0, 180);
    parallel.columns = det2;
    parallel.rows = 1;
    parallel.pixel_u_mm = parallel.pixel_v_mm = 1.0;
    const CtGeometry parallel_geometry = circular_geometry(parallel);
    const VolumeGrid parallel_grid = centered_grid({n2, n2, 1}, {1, 1, 1});

    std::printf("radon bench ct: CPU %s, SIMD %s\ncone: %s; image %s\n2D: %s; image %s\n",
                cpu_model_name().c_str(), to_string(detected_simd_level()),
                ct_geometry_line(cone_geometry).c_str(), ct_grid_line(cone_grid).c_str(),
                ct_geometry_line(parallel_geometry).c_str(), ct_grid_line(parallel_grid).c_str());
    std::printf("medians of %d runs after a warm-up\n\n%-8s %-10s %10s %10s %10s %12s\n", runs,
                "test", "problem", "median s", "min s", "max s", "G updates/s");
    recon::reset_peak_memory();
    std::vector<Row> rows;
    const auto report = [&](const std::string& test, const std::string& problem,
                            const SampleSummary& s, double updates) {
        rows.push_back({test, problem, s, updates});
        std::printf("%-8s %-10s %10.3f %10.3f %10.3f %12.3f\n", test.c_str(), problem.c_str(),
                    s.median, s.min, s.max, updates / s.median / 1e9);
        std::fflush(stdout);
    };
    const double cone_updates = double(cone_grid.voxel_count()) * double(views);
    std::vector<float> volume, stack;
    for (const std::string& test : tests) {
        if (test == "forward" || test == "adjoint") {
            const auto projector = make_ct_projector(cone_geometry, cone_grid, settings, device);
            volume.assign(static_cast<std::size_t>(cone_grid.voxel_count()), 1.0f);
            stack.assign(static_cast<std::size_t>(cone_geometry.pixel_count()), 1.0f);
            if (test == "forward")
                report(test, "cone",
                       time_runs(runs,
                                 [&] {
                                     projector->apply(volume.data(), int64_t(volume.size()),
                                                      stack.data(), int64_t(stack.size()));
                                 }),
                       cone_updates);
            else
                report(test, "cone",
                       time_runs(runs,
                                 [&] {
                                     projector->apply_adjoint(stack.data(), int64_t(stack.size()),
                                                              volume.data(),
                                                              int64_t(volume.size()));
                                 }),
                       cone_updates);
        } else {
            const bool fdk = test == "fdk";
            const CtGeometry& g = fdk ? cone_geometry : parallel_geometry;
            const VolumeGrid& grid = fdk ? cone_grid : parallel_grid;
            recon::FilteredBackprojectionSettings s;
            s.threads = settings.threads;
            s.device = device;
            s.memory_path = settings.memory_path;
            stack.assign(static_cast<std::size_t>(g.pixel_count()), 1.0f);
            report(test, fdk ? "cone" : "parallel-2d",
                   time_runs(runs,
                             [&] {
                                 volume = recon::filtered_backprojection(stack.data(), stack.size(),
                                                                         g, grid, s);
                             }),
                   double(grid.voxel_count()) * double(g.view_count()));
        }
    }
    std::printf("\npeak memory %.0f MB\n", recon::peak_memory_mb());
    std::ostringstream csv;
    csv << "test,problem,voxels_x_views,median_s,min_s,max_s,g_updates_per_s\n";
    for (const Row& r : rows)
        csv << r.test << ',' << r.problem << ',' << static_cast<int64_t>(r.updates) << ','
            << r.seconds.median << ',' << r.seconds.min << ',' << r.seconds.max << ','
            << r.updates / r.seconds.median / 1e9 << '\n';
    write_bench_csv(prefix, csv.str());
    return 0;
}

}  // namespace radon::cli
