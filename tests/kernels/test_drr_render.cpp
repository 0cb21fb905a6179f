// The CPU DRR engine's contracts: patches change nothing, every SIMD variant and the one-ray
// code a CUDA thread runs give the same image, cancel stops a render, bad settings are refused.

#include <QtTest>

#include <cstring>
#include <random>

#include "kernels/drr/drr_ray_setup.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/lanes_scalar.h"
#include "kernels/drr/siddon_walk.h"
#include "kernels/drr/trilinear_walk.h"
#include "tests/common/test_registry.h"
#include "tests/kernels/drr_test_support.h"

using namespace radon;
using radon::test::chord_through_grid;
using radon::test::constant_volume;

namespace {

// A lumpy volume with air around it: random values in a blob, zeros elsewhere.
Array<float> blob_volume(const VolumeGrid& grid, unsigned seed) {
    Array<float> v = Array<float>::allocate({grid.size[0], grid.size[1], grid.size[2]});
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 0.05f);
    for (int64_t k = 0; k < grid.size[2]; ++k)
        for (int64_t j = 0; j < grid.size[1]; ++j)
            for (int64_t i = 0; i < grid.size[0]; ++i) {
                const double x = (i + 0.5) / grid.size[0] - 0.5, y = (j + 0.5) / grid.size[1] - 0.5,
                             z = (k + 0.5) / grid.size[2] - 0.5;
                const bool inside = x * x + y * y + 0.5 * z * z < 0.16;
                v[i + grid.size[0] * (j + grid.size[1] * k)] = inside ? u(rng) : 0.0f;
            }
    return v;
}

VolumeGrid test_grid() {
    return centered_grid({48, 40, 32}, {1.2, 1.2, 2.0});
}

ProjectionGeometry test_view(double primary, double secondary, int64_t w, int64_t h) {
    CArmPose pose;
    pose.primary_deg = primary;
    pose.secondary_deg = secondary;
    pose.sad = 300;
    pose.sdd = 500;
    Detector d;
    d.width = w;
    d.height = h;
    d.delx = d.dely = 160.0 / std::max(w, h);
    return carm_projection(pose, d, test_grid().center());
}

std::vector<float> render(DrrRenderer& r, const ProjectionGeometry& g, const DrrSettings& s) {
    std::vector<float> out(static_cast<std::size_t>(g.width * g.height), -1.0f);
    r.render(g, s, out.data());
    return out;
}

class CancelAfterFirstReport final : public ProgressSink {
  public:
    explicit CancelAfterFirstReport(CancelToken& token) : token_(token) {}
    void report(double fraction) override {
        last = fraction;
        ++reports;
        token_.cancel();
    }
    double last = 0;
    int reports = 0;

  private:
    CancelToken& token_;
};

}  // namespace

class TestDrrRender : public QObject {
    Q_OBJECT

  private slots:
    void patched_equals_unpatched_data() {
        QTest::addColumn<int>("algorithm");
        QTest::addColumn<int>("reduction");
        QTest::newRow("siddon sum") << 0 << 0;
        QTest::newRow("siddon mip") << 0 << 1;
        QTest::newRow("trilinear sum") << 1 << 0;
        QTest::newRow("trilinear mip") << 1 << 1;
    }

    void patched_equals_unpatched() {
        QFETCH(int, algorithm);
        QFETCH(int, reduction);
        const VolumeGrid grid = test_grid();
        auto renderer = make_cpu_drr_renderer(grid, blob_volume(grid, 3));
        DrrSettings s;
        s.algorithm = static_cast<DrrAlgorithm>(algorithm);
        s.reduction = static_cast<DrrReduction>(reduction);
        s.step_voxels = 0.7;
        for (double primary : {0.0, 37.0, 90.0}) {
            const ProjectionGeometry g = test_view(primary, 15, 60, 60);
            const auto whole = render(*renderer, g, s);
            for (int64_t patch : {5, 12, 20, 30, 60}) {
                s.patch_size = patch;
                const auto patched = render(*renderer, g, s);
                QVERIFY2(
                    std::memcmp(whole.data(), patched.data(), whole.size() * 4) == 0,
                    qPrintable(QString("patch %1 at primary %2 differs").arg(patch).arg(primary)));
            }
            s.patch_size = 0;
        }
    }

    // The CUDA backend runs the per-ray templates with ScalarLanes, one ray per thread; here
    // the same scalar code is run on the CPU and compared with the SIMD engine, bit for bit.
    void scalar_lanes_match_engine() {
        const VolumeGrid grid = test_grid();
        const Array<float> vol = blob_volume(grid, 5);
        for (SimdLevel level : {SimdLevel::Baseline, SimdLevel::Avx2, SimdLevel::Avx512}) {
            if (level > detected_simd_level()) continue;
            auto renderer = make_cpu_drr_renderer(grid, vol, level);
            for (int algorithm = 0; algorithm < 2; ++algorithm) {
                DrrSettings s;
                s.algorithm = static_cast<DrrAlgorithm>(algorithm);
                s.reduction = DrrReduction::Max;  // the full box: the params are reproducible here
                const ProjectionGeometry g = test_view(25, -10, 33, 21);
                const auto image = render(*renderer, g, s);

                // MIP walks the whole volume: no occupancy clipping to reproduce here.
                const DrrRayParams p = drr_ray_params(grid, g, s, nullptr);
                for (int64_t r = 0; r < g.height; ++r) {
                    for (int64_t c = 0; c < g.width; ++c) {
                        const auto ray = clip_ray<ScalarLanes>(p, float(c), float(r));
                        float v = 0;
                        if (ray.hit) {
                            v = algorithm == 0
                                    ? siddon_walk<ScalarLanes>(p, vol.host_data(), ray,
                                                               dominant_axis<ScalarLanes>(ray))
                                    : trilinear_walk<ScalarLanes>(p, vol.host_data(), ray);
                        }
                        const float got = image[static_cast<std::size_t>(r * g.width + c)];
                        QVERIFY2(got == v, qPrintable(QString("%1 %2 pixel %3,%4: %5 vs %6")
                                                          .arg(to_string(level))
                                                          .arg(algorithm)
                                                          .arg(c)
                                                          .arg(r)
                                                          .arg(got, 0, 'g', 9)
                                                          .arg(v, 0, 'g', 9)));
                    }
                }
            }
        }
    }

    void simd_variants_agree() {
        const VolumeGrid grid = test_grid();
        const Array<float> vol = blob_volume(grid, 9);
        for (int algorithm = 0; algorithm < 2; ++algorithm) {
            DrrSettings s;
            s.algorithm = static_cast<DrrAlgorithm>(algorithm);
            const ProjectionGeometry g = test_view(-45, 30, 41, 29);
            auto base = make_cpu_drr_renderer(grid, vol, SimdLevel::Baseline);
            const auto reference = render(*base, g, s);
            for (SimdLevel level : {SimdLevel::Avx2, SimdLevel::Avx512}) {
                if (level > detected_simd_level()) continue;
                auto r = make_cpu_drr_renderer(grid, vol, level);
                const auto image = render(*r, g, s);
                QVERIFY(std::memcmp(image.data(), reference.data(), image.size() * 4) == 0);
            }
        }
    }

    // Clipping rays to the occupied box must not change a sum: the skipped voxels are zero.
    void empty_space_skipping_is_exact() {
        const VolumeGrid grid = test_grid();
        const Array<float> vol = blob_volume(grid, 11);
        auto renderer = make_cpu_drr_renderer(grid, vol);
        // Same volume with one far corner voxel made non-zero, which widens the box to all.
        Array<float> padded = Array<float>::allocate(vol.extents());
        std::memcpy(padded.host_data(), vol.host_data(), vol.bytes());
        padded[0] = 1e-30f;
        auto full = make_cpu_drr_renderer(grid, padded);
        const ProjectionGeometry g = test_view(10, 5, 50, 40);
        const auto clipped = render(*renderer, g, DrrSettings{});
        const auto unclipped = render(*full, g, DrrSettings{});
        for (std::size_t i = 0; i < clipped.size(); ++i) {
            QVERIFY(std::fabs(clipped[i] - unclipped[i]) <= 1e-5f * (1 + unclipped[i]));
        }
    }

    void cancel_stops_render() {
        const VolumeGrid grid = test_grid();
        auto renderer = make_cpu_drr_renderer(grid, blob_volume(grid, 1));
        const ProjectionGeometry g = test_view(0, 0, 120, 120);
        DrrSettings s;
        s.patch_size = 10;  // 144 patches
        CancelToken token;
        CancelAfterFirstReport sink(token);
        RunControl control;
        control.cancel = &token;
        control.progress = &sink;
        std::vector<float> out(120 * 120, -1.0f);
        QVERIFY_THROWS_EXCEPTION(Cancelled, renderer->render(g, s, out.data(), control));
        QCOMPARE(sink.reports, 1);
        QVERIFY(sink.last < 0.05);
        // Most of the image was never rendered.
        const auto untouched = std::count(out.begin(), out.end(), -1.0f);
        QVERIFY(untouched > 120 * 120 * 9 / 10);
        // A cancelled token fails the next render at once; after reset it renders again.
        QVERIFY_THROWS_EXCEPTION(Cancelled, renderer->render(g, s, out.data(), control));
        token.reset();
        control.progress = nullptr;
        renderer->render(g, s, out.data(), control);
        QCOMPARE(std::count(out.begin(), out.end(), -1.0f), 0);
    }

    void progress_reaches_one() {
        const VolumeGrid grid = test_grid();
        auto renderer = make_cpu_drr_renderer(grid, blob_volume(grid, 1));
        struct Sink final : ProgressSink {
            std::vector<double> seen;
            void report(double f) override { seen.push_back(f); }
        } sink;
        RunControl control;
        control.progress = &sink;
        std::vector<float> out(100 * 100);
        DrrSettings s;
        s.patch_size = 25;
        renderer->render(test_view(0, 0, 100, 100), s, out.data(), control);
        QCOMPARE(sink.seen.size(), std::size_t(16));
        QVERIFY(std::is_sorted(sink.seen.begin(), sink.seen.end()));
        QCOMPARE(sink.seen.back(), 1.0);
    }

    void bad_settings_are_refused() {
        const VolumeGrid grid = test_grid();
        auto renderer = make_cpu_drr_renderer(grid, blob_volume(grid, 1));
        std::vector<float> out(100 * 100);
        DrrSettings s;
        s.patch_size = 30;
        try {
            renderer->render(test_view(0, 0, 100, 100), s, out.data());
            QFAIL("a patch size that does not tile was accepted");
        } catch (const InvalidArgument& e) {
            QVERIFY(QString(e.what()).contains("does not tile"));
        }
        s.patch_size = 0;
        s.step_voxels = 0;
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 renderer->render(test_view(0, 0, 100, 100), s, out.data()));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, parse_drr_algorithm("raymarch"));
        QVERIFY_THROWS_EXCEPTION(InvalidArgument, parse_drr_reduction("avg"));
        // Extents that do not match the grid.
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 make_cpu_drr_renderer(grid, Array<float>::allocate({3, 3, 3})));
    }

    // An empty volume renders zeros without walking anything.
    void all_zero_volume() {
        const VolumeGrid grid = test_grid();
        auto renderer = make_cpu_drr_renderer(grid, constant_volume(grid, 0.0f));
        const auto image = render(*renderer, test_view(0, 0, 20, 20), DrrSettings{});
        QCOMPARE(std::count(image.begin(), image.end(), 0.0f), 400);
    }

    // Maximum intensity: the largest voxel value the ray passes through.
    void mip_finds_the_hottest_voxel() {
        const VolumeGrid grid = centered_grid({20, 20, 20}, {1, 1, 1});
        Array<float> vol = constant_volume(grid, 0.01f);
        vol[7 + 20 * (10 + 20 * 10)] = 5.0f;  // voxel (7, 10, 10): centre at x = -2.5
        auto renderer = make_cpu_drr_renderer(grid, vol);
        DrrSettings s;
        s.reduction = DrrReduction::Max;
        float v = 0;
        renderer->render(test::single_ray({-2.5, -40, 0.5}, {-2.5, 40, 0.5}), s, &v);
        QCOMPARE(v, 5.0f);
        renderer->render(test::single_ray({2.5, -40, 0.5}, {2.5, 40, 0.5}), s, &v);
        QCOMPARE(v, 0.01f);
    }

    // docs/CONVENTIONS.md: at AP the patient's left is on the image's right (columns run
    // along +x, L) and superior is at the top (rows run along -z); at LAT-L (detector at the
    // patient's left) columns run towards posterior.
    void markers_land_where_the_conventions_say() {
        const VolumeGrid grid = centered_grid({41, 41, 41}, {2, 2, 2});
        Array<float> vol = constant_volume(grid, 0.0f);
        // One bright voxel 20 mm left (+x), 20 mm posterior (+y), 30 mm superior (+z).
        const Vec3 marker{20, 20, 30};
        const Vec3 index = grid.world_to_index(marker);
        vol[static_cast<int64_t>(index.x) +
            41 * (static_cast<int64_t>(index.y) + 41 * static_cast<int64_t>(index.z))] = 1.0f;
        auto renderer = make_cpu_drr_renderer(grid, vol);
        Detector d;
        d.width = d.height = 101;
        d.delx = d.dely = 1.0;
        auto brightest = [&](CArmPreset preset) {
            const ProjectionGeometry g = carm_projection(preset_pose(preset), d, grid.center());
            const auto image = render(*renderer, g, DrrSettings{});
            const auto at = std::max_element(image.begin(), image.end()) - image.begin();
            return std::pair<int64_t, int64_t>{at % 101, at / 101};
        };
        const auto [ap_col, ap_row] = brightest(CArmPreset::AP);
        QVERIFY(ap_col > 50);  // left of the patient: right half of the image
        QVERIFY(ap_row < 50);  // superior: top half
        const auto [lat_col, lat_row] = brightest(CArmPreset::LatLeft);
        QVERIFY(lat_col > 50);  // posterior: right half at LAT-L
        QVERIFY(lat_row < 50);
        const auto [pa_col, pa_row] = brightest(CArmPreset::PA);
        QVERIFY(pa_col < 50);  // seen from behind, the left is on the left
        QVERIFY(pa_row < 50);
    }
};

RADON_TEST_CLASS(TestDrrRender);
#include "test_drr_render.moc"
