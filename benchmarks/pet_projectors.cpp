// Times Radon Studio's PET projectors (Joseph, forward and back, non-TOF and TOF sinogram) on one
// subset of a GE Discovery MI-like sinogram, side by side with parallelproj v2's C++ library when
// its path is given (benchmarks/build_parallelproj.sh builds it from its public source).
//
// The problem (issue 11, "Measures"): 544 crystals on a ring of radius 371.1 mm, 36 rings
// 5.52296 mm apart; 8 views (every 34th of 272) x 415 radial bins x 1296 planes (every ring
// pair) = 4.30 M LORs from the sinogram descriptor, radial fastest, then view, then plane;
// image 215 x 215 x 71 voxels of 2.78 mm centred on the scanner, holding a box of ones (the
// middle half transaxially, every plane). TOF as parallelproj's DMI benchmark: 29 bins of 25.37 mm, FWHM 57.7 mm (385 ps),
// 3 sigmas.
//
// parallelproj gets the very same LORs and image memory: its image axis 0 (slowest) is our z,
// axis 2 our x, and its LOR coordinates are permuted to (z, y, x) alike, so both walk the same
// bytes. Its TOF weights are renormalised to sum to one over the bins it visits, ours are
// divided by the truncation factor (kernels/pet/tof_weights.h), so TOF values differ slightly;
// the non-TOF projections are compared.
//
// Usage: bench_pet_projectors [--parallelproj LIB.so] [--runs N (5)] [--threads T (all)]
//                             [--skip-tof] [--skip-non-tof] [--ring-step S (1: every ring pair; S:
//                             every S-th plane, for quick checks)]
// Prints one line per projector and implementation: the median and the spread of N runs (after
// one warm-up run), in seconds and in million LORs per second.

#include <dlfcn.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/pet/lor_projector.h"
#include "kernels/pet/scanner_geometry.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "kernels/simd/cpu_features.h"

using namespace radon;
using namespace radon::pet;

namespace {

constexpr int kCrystals = 544, kRings = 36, kViews = 272, kSubsets = 34, kRadial = 415;
constexpr double kRadius = 371.1, kRingSpacing = 5.52296;

struct Lors {
    std::vector<float> p1, p2;
};

// The sinogram descriptor's LORs (docs/CONVENTIONS.md, "PET"): 544 crystals on a ring of radius
// 371.1 mm (one crystal per side of a 544-gon), 36 rings; span 1 (every ring pair its own
// plane), 415 radial bins, one OSEM subset of 8 views (every 34th), radial fastest ("PVR"). With
// ring_step S only every S-th plane is kept.
Lors dmi_like_lors(int ring_step) {
    RegularPolygonSpec ring;
    ring.name = "DMI-like ring";
    ring.inner_radius_mm = kRadius;
    ring.sides = kCrystals;
    ring.crystals_per_side = 1;
    ring.crystal_pitch_mm = 4;
    ring.rings = kRings;
    ring.ring_spacing_mm = kRingSpacing;
    SinogramSpec spec;
    spec.radial_bins = kRadial;
    spec.axis_order = "PVR";
    const SinogramDescriptor sinogram(make_scanner(ring), spec);
    std::vector<int> views;
    for (int v = 0; v < kViews; v += kSubsets)
        views.push_back(v);
    const std::size_t per_plane = std::size_t(3) * kRadial * views.size();
    Lors all;
    all.p1.resize(per_plane * std::size_t(sinogram.planes()));
    all.p2.resize(all.p1.size());
    sinogram.fill_lor_endpoints(views, all.p1.data(), all.p2.data());
    if (ring_step == 1) return all;
    Lors kept;
    for (int plane = 0; plane < sinogram.planes(); plane += ring_step) {
        const auto from = std::ptrdiff_t(per_plane * std::size_t(plane));
        kept.p1.insert(kept.p1.end(), all.p1.begin() + from,
                       all.p1.begin() + from + std::ptrdiff_t(per_plane));
        kept.p2.insert(kept.p2.end(), all.p2.begin() + from,
                       all.p2.begin() + from + std::ptrdiff_t(per_plane));
    }
    return kept;
}

PetImageGrid dmi_grid() {
    PetImageGrid g{};
    g.dims[0] = g.dims[1] = 215;
    g.dims[2] = 71;
    for (int a = 0; a < 3; ++a) {
        g.voxel_mm[a] = 2.78f;
        g.origin_mm[a] = -0.5f * 2.78f * float(g.dims[a] - 1);
    }
    return g;
}

std::vector<float> box_image(const PetImageGrid& g) {
    std::vector<float> img(std::size_t(g.voxels()), 0.0f);
    for (int k = 0; k < g.dims[2]; ++k)
        for (int j = g.dims[1] / 4; j < 3 * g.dims[1] / 4; ++j)
            for (int i = g.dims[0] / 4; i < 3 * g.dims[0] / 4; ++i)
                img[std::size_t(i + g.dims[0] * (j + g.dims[1] * k))] = 1.0f;
    return img;
}

TofBinning dmi_tof() {
    TofBinning t;
    t.bins = 29;
    t.bin_width_mm = float(13 * 0.01302 * 299.792 / 2);
    t.fwhm_mm = float(299.792 / 2 * 0.385);
    t.truncation_sigmas = 3.0f;
    t.centre_offset_mm = 0.0f;
    return t;
}

struct Timing {
    double median, lo, hi;
};

Timing time_runs(int runs, const std::function<void()>& f) {
    f();  // warm-up: page faults, thread start, caches
    std::vector<double> t;
    for (int r = 0; r < runs; ++r) {
        const auto a = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
    }
    std::sort(t.begin(), t.end());
    const std::size_t n = t.size();
    const double med = n % 2 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    return {med, t.front(), t.back()};
}

void print_row(const char* what, const char* impl, const Timing& t, double lors, double ref) {
    std::printf("%-22s %-14s %8.3f s  [%6.3f .. %6.3f]  %6.2f M LOR/s", what, impl, t.median, t.lo,
                t.hi, lors / t.median / 1e6);
    if (ref > 0) std::printf("  %5.2fx parallelproj", ref / t.median);
    std::printf("\n");
    std::fflush(stdout);
}

std::string loadavg() {
    std::ifstream f("/proc/loadavg");
    std::string a, b, c;
    f >> a >> b >> c;
    return a + " " + b + " " + c;
}

// parallelproj v2's C entry points (include/parallelproj.h).
using PpFwd = void (*)(const float*, const float*, const float*, const float*, const float*, float*,
                       std::size_t, const int*, int, int);
using PpBack = void (*)(const float*, const float*, float*, const float*, const float*,
                        const float*, std::size_t, const int*, int, int);
using PpTofFwd = void (*)(const float*, const float*, const float*, const float*, const float*,
                          float*, std::size_t, const int*, float, const float*, const float*, float,
                          short, unsigned char, unsigned char, int, int);
using PpTofBack = void (*)(const float*, const float*, float*, const float*, const float*,
                           const float*, std::size_t, const int*, float, const float*, const float*,
                           float, short, unsigned char, unsigned char, int, int);

}  // namespace

int main(int argc, char** argv) {
    std::string lib;
    int runs = 5, threads = 0, ring_step = 1;
    bool tof_too = true, non_tof_too = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--parallelproj" && i + 1 < argc) {
            lib = argv[++i];
        } else if (a == "--runs" && i + 1 < argc) {
            runs = std::atoi(argv[++i]);
        } else if (a == "--threads" && i + 1 < argc) {
            threads = std::atoi(argv[++i]);
        } else if (a == "--ring-step" && i + 1 < argc) {
            ring_step = std::atoi(argv[++i]);
        } else if (a == "--skip-non-tof") {
            non_tof_too = false;
        } else if (a == "--skip-tof") {
            tof_too = false;
        } else {
            std::fprintf(stderr,
                         "usage: bench_pet_projectors [--parallelproj LIB.so] [--runs N (5)] "
                         "[--threads T] [--skip-tof] [--skip-non-tof] [--ring-step S (1)]\n");
            return 2;
        }
    }
    if (runs < 1 || ring_step < 1) {
        std::fprintf(stderr, "bench_pet_projectors: --runs and --ring-step must be at least 1\n");
        return 2;
    }
    if (threads > 0) omp_set_num_threads(threads);

    void* handle = nullptr;
    if (!lib.empty()) {
        handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            std::fprintf(stderr, "bench_pet_projectors: cannot load %s: %s\n", lib.c_str(),
                         dlerror());
            return 2;
        }
    }
    auto sym = [&](const char* name) {
        void* s = handle ? dlsym(handle, name) : nullptr;
        if (handle && !s) {
            std::fprintf(stderr, "bench_pet_projectors: %s has no %s (not parallelproj v2?)\n",
                         lib.c_str(), name);
            std::exit(2);
        }
        return s;
    };
    const auto pp_fwd = reinterpret_cast<PpFwd>(sym("joseph3d_fwd"));
    const auto pp_back = reinterpret_cast<PpBack>(sym("joseph3d_back"));
    const auto pp_tof_fwd = reinterpret_cast<PpTofFwd>(sym("joseph3d_tof_sino_fwd"));
    const auto pp_tof_back = reinterpret_cast<PpTofBack>(sym("joseph3d_tof_sino_back"));

    const PetImageGrid g = dmi_grid();
    Lors lors = dmi_like_lors(ring_step);
    const std::size_t n = lors.p1.size() / 3;
    const std::vector<float> image = box_image(g);
    const TofBinning tof = dmi_tof();

    std::printf(
        "PET projector benchmark: %zu LORs (8 views x 415 radial x %zu planes), image "
        "215 x 215 x 71 of 2.78 mm\n",
        n, n / (8 * kRadial));
    std::printf("CPU: %s, %d threads, SIMD variant %s; load average at start: %s\n",
                cpu_model_name().c_str(), omp_get_max_threads(), to_string(detected_simd_level()),
                loadavg().c_str());
    std::printf("medians of %d runs after one warm-up, [fastest .. slowest]\n", runs);

    // parallelproj's view of the same memory: axes (z, y, x), coordinates permuted alike.
    std::vector<float> pp1(3 * n), pp2(3 * n);
    for (std::size_t i = 0; i < n; ++i)
        for (int a = 0; a < 3; ++a) {
            pp1[3 * i + a] = lors.p1[3 * i + 2 - a];
            pp2[3 * i + a] = lors.p2[3 * i + 2 - a];
        }
    const int pp_dims[3] = {g.dims[2], g.dims[1], g.dims[0]};
    const float pp_origin[3] = {g.origin_mm[2], g.origin_mm[1], g.origin_mm[0]};
    const float pp_voxel[3] = {g.voxel_mm[2], g.voxel_mm[1], g.voxel_mm[0]};

    LorProjectorConfig c;
    c.grid = g;
    const LorListProjector joseph(lors.p1, lors.p2, c);
    c.tof = tof;
    const LorListProjector joseph_tof(std::move(lors.p1), std::move(lors.p2), c);
    std::printf("back projection threads: %d (one image copy per extra thread)\n",
                pet_back_cpu_threads(g, c.cpu));

    const double lor_count = double(n);
    std::vector<float> ours(n), theirs(handle ? n : 0), back(image.size()),
        pp_back_img(image.size());
    const std::vector<float> ones(n, 1.0f);

    double ref = 0;
    if (non_tof_too) {
        if (handle) {
            const Timing t = time_runs(runs, [&] {
                pp_fwd(pp1.data(), pp2.data(), image.data(), pp_origin, pp_voxel, theirs.data(), n,
                       pp_dims, 0, 64);
            });
            print_row("Joseph forward", "parallelproj", t, lor_count, 0);
            ref = t.median;
        }
        print_row("Joseph forward", "radon",
                  time_runs(runs,
                            [&] {
                                joseph.apply(image.data(), int64_t(image.size()), ours.data(),
                                             int64_t(n));
                            }),
                  lor_count, ref);
        if (handle) {
            double worst = 0, peak = 0;
            for (std::size_t i = 0; i < n; ++i) {
                worst = std::max(worst, double(std::abs(ours[i] - theirs[i])));
                peak = std::max(peak, double(theirs[i]));
            }
            std::printf(
                "  forward: largest difference to parallelproj %.3g mm (largest value %.1f mm)\n",
                worst, peak);
            const Timing t = time_runs(runs, [&] {
                std::fill(pp_back_img.begin(), pp_back_img.end(), 0.0f);
                pp_back(pp1.data(), pp2.data(), pp_back_img.data(), pp_origin, pp_voxel,
                        ones.data(), n, pp_dims, 0, 64);
            });
            print_row("Joseph back", "parallelproj", t, lor_count, 0);
            ref = t.median;
        }
        print_row("Joseph back", "radon",
                  time_runs(runs,
                            [&] {
                                joseph.apply_adjoint(ones.data(), int64_t(n), back.data(),
                                                     int64_t(back.size()));
                            }),
                  lor_count, ref);
        if (handle) {
            // The two models differ in two places: parallelproj samples a LOR only inside the box
            // of voxel faces, Radon Studio wherever the bilinear interpolant is not zero (up to a
            // voxel centre beyond the outermost centres), which changes the outermost voxels; and a
            // LOR at exactly 45 degrees between two axes (the ring has such diagonals) is sampled
            // along x by Radon Studio and along y by parallelproj, which changes the voxels those
            // LORs cross.
            double worst = 0, worst_inside = 0, peak = 0;
            for (int k = 0; k < g.dims[2]; ++k)
                for (int j = 0; j < g.dims[1]; ++j)
                    for (int i = 0; i < g.dims[0]; ++i) {
                        const std::size_t v = std::size_t(i + g.dims[0] * (j + g.dims[1] * k));
                        const double d = std::abs(back[v] - pp_back_img[v]);
                        worst = std::max(worst, d);
                        const bool face = i == 0 || j == 0 || k == 0 || i == g.dims[0] - 1 ||
                                          j == g.dims[1] - 1 || k == g.dims[2] - 1;
                        if (!face) worst_inside = std::max(worst_inside, d);
                        peak = std::max(peak, double(pp_back_img[v]));
                    }
            std::printf(
                "  back: largest difference to parallelproj %.3g inside, %.3g on the grid's "
                "faces (largest value %.1f)\n",
                worst_inside, worst, peak);
        }
    }
    if (!tof_too) return 0;

    const std::size_t bins = std::size_t(tof.bins);
    std::vector<float> ours_tof(n * bins), theirs_tof(handle ? n * bins : 0);
    const std::vector<float> ones_tof(n * bins, 1.0f);
    const float sigma = tof_sigma_mm(tof), offset = 0.0f;
    ref = 0;
    if (handle) {
        const Timing t = time_runs(runs, [&] {
            pp_tof_fwd(pp1.data(), pp2.data(), image.data(), pp_origin, pp_voxel, theirs_tof.data(),
                       n, pp_dims, tof.bin_width_mm, &sigma, &offset, tof.truncation_sigmas,
                       short(tof.bins), 0, 0, 0, 64);
        });
        print_row("Joseph TOF forward", "parallelproj", t, lor_count, 0);
        ref = t.median;
    }
    print_row("Joseph TOF forward", "radon",
              time_runs(runs,
                        [&] {
                            joseph_tof.apply(image.data(), int64_t(image.size()), ours_tof.data(),
                                             int64_t(ours_tof.size()));
                        }),
              lor_count, ref);
    if (handle) {
        double sum_ours = 0, sum_theirs = 0;
        for (std::size_t i = 0; i < ours_tof.size(); ++i) {
            sum_ours += ours_tof[i];
            sum_theirs += theirs_tof[i];
        }
        std::printf("  TOF forward: total %.6g (radon) vs %.6g (parallelproj)\n", sum_ours,
                    sum_theirs);
        const Timing t = time_runs(runs, [&] {
            std::fill(pp_back_img.begin(), pp_back_img.end(), 0.0f);
            pp_tof_back(pp1.data(), pp2.data(), pp_back_img.data(), pp_origin, pp_voxel,
                        ones_tof.data(), n, pp_dims, tof.bin_width_mm, &sigma, &offset,
                        tof.truncation_sigmas, short(tof.bins), 0, 0, 0, 64);
        });
        print_row("Joseph TOF back", "parallelproj", t, lor_count, 0);
        ref = t.median;
    }
    print_row("Joseph TOF back", "radon",
              time_runs(runs,
                        [&] {
                            joseph_tof.apply_adjoint(ones_tof.data(), int64_t(ones_tof.size()),
                                                     back.data(), int64_t(back.size()));
                        }),
              lor_count, ref);
    std::printf("load average at end: %s\n", loadavg().c_str());
    return 0;
}
