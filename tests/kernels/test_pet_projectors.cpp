// The PET projectors (Joseph non-TOF and TOF, sinogram and listmode; Siddon) on the CPU, against
// ground truth: adjointness, exact chord lengths, the TOF kernel's closed form, the sum over TOF
// bins, symmetry and the TOF sign.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>

#include "kernels/core/error.h"
#include "kernels/pet/joseph_lor.h"
#include "kernels/pet/lor_projector.h"
#include "tests/common/test_registry.h"
#include "tests/kernels/pet_test_support.h"

using namespace radon;
using namespace radon::pet;
using radon::test::LorSet;

namespace {

// A DMI-like TOF binning scaled to the small grid: sigma ~ 6.4 mm, bins of 5 mm, 3 sigmas.
TofBinning small_tof(int bins) {
    TofBinning t;
    t.bins = bins;
    t.bin_width_mm = 5.0f;
    t.fwhm_mm = 15.0f;
    t.truncation_sigmas = 3.0f;
    t.centre_offset_mm = 0.7f;
    return t;
}

LorProjectorConfig config(const PetImageGrid& g, PetModel model, std::optional<TofBinning> tof,
                          int threads) {
    LorProjectorConfig c;
    c.grid = g;
    c.model = model;
    c.tof = tof;
    c.cpu.threads = threads;
    return c;
}

// <A x, y> against <x, A^T y> in double, for positive x and y.
//
// Bound: every value either side is a float sum of non-negative terms (a LOR's samples or TOF
// weights; a voxel's contributions, summed per thread and then over threads), each term and each
// addition rounded once: a sum of m terms is within about m u of its exact value (u = 2^-24).
// The longest sums here have ~100 terms (a LOR's samples times bins, a voxel's LORs), so each
// side is within ~1e-5 of the exact (common) value <x, A^T y> = <A x, y> even in the worst case
// where every rounding goes the same way; the two sides then differ by at most 2e-5 relative.
// Rounding errors of a sum rarely add up (measured: ~1e-7), so 2e-5 is a safe bound that still
// catches any mismatch between forward and back arithmetic (a tap, a weight, a bin: >= 1e-3).
constexpr double kAdjointBound = 2e-5;

double adjoint_gap(const LorListProjector& op, uint32_t seed) {
    const std::vector<float> x = test::random_positive(op.in_shape().size(), seed);
    const std::vector<float> y = test::random_positive(op.out_shape().size(), seed + 1);
    std::vector<float> ax(op.out_shape().size(), -1.0f), aty(op.in_shape().size(), -1.0f);
    op.apply(x.data(), int64_t(x.size()), ax.data(), int64_t(ax.size()));
    op.apply_adjoint(y.data(), int64_t(y.size()), aty.data(), int64_t(aty.size()));
    const double lhs = test::dot(ax, y), rhs = test::dot(x, aty);
    return std::abs(lhs - rhs) / std::max(std::abs(lhs), 1e-30);
}

// Exact length of the segment p1 -> p2 inside [lo, hi] (double slab clipping).
double box_chord(const float* p1, const float* p2, const double lo[3], const double hi[3]) {
    double t0 = 0, t1 = 1, len2 = 0;
    for (int a = 0; a < 3; ++a) {
        const double d = double(p2[a]) - p1[a];
        len2 += d * d;
        if (d == 0) {
            if (p1[a] < lo[a] || p1[a] > hi[a]) return 0;
            continue;
        }
        double ta = (lo[a] - p1[a]) / d, tb = (hi[a] - p1[a]) / d;
        if (ta > tb) std::swap(ta, tb);
        t0 = std::max(t0, ta);
        t1 = std::min(t1, tb);
    }
    return t1 > t0 ? (t1 - t0) * std::sqrt(len2) : 0.0;
}

// TOF weight of bin k for a point at signed distance s, in double: the truncated Gaussian
// integrated over the bin and divided by the truncation factor erf(n / sqrt 2).
double tof_closed_form(const TofBinning& t, int k, double s) {
    const double sigma = t.fwhm_mm / (2.0 * std::sqrt(2.0 * std::log(2.0)));
    const double reach = t.truncation_sigmas * sigma;
    const double centre = (k - 0.5 * (t.bins - 1)) * t.bin_width_mm + t.centre_offset_mm;
    auto cdf = [&](double x) {
        x = std::clamp(x, -reach, reach);
        return 0.5 * std::erf(x / (sigma * std::sqrt(2.0)));
    };
    return (cdf(centre + 0.5 * t.bin_width_mm - s) - cdf(centre - 0.5 * t.bin_width_mm - s)) /
           std::erf(t.truncation_sigmas / std::sqrt(2.0));
}

// A grid of n x n x nz voxels of `mm`, centred on the world origin (n and nz odd: the centre
// voxel sits at the origin).
PetImageGrid centred_grid(int n, int nz, float mm) {
    PetImageGrid g{};
    g.dims[0] = g.dims[1] = n;
    g.dims[2] = nz;
    for (int a = 0; a < 3; ++a)
        g.voxel_mm[a] = mm;
    g.origin_mm[0] = g.origin_mm[1] = -0.5f * mm * float(n - 1);
    g.origin_mm[2] = -0.5f * mm * float(nz - 1);
    return g;
}

// A uniform cylinder (value 1) along z of radius r centred at (cx, cy), voxelised with each
// voxel's area fraction inside the circle (16 x 16 subsamples).
std::vector<float> cylinder(const PetImageGrid& g, double r, double cx, double cy) {
    std::vector<float> img(std::size_t(g.voxels()));
    const int sub = 16;
    for (int j = 0; j < g.dims[1]; ++j)
        for (int i = 0; i < g.dims[0]; ++i) {
            int inside = 0;
            for (int b = 0; b < sub; ++b)
                for (int a = 0; a < sub; ++a) {
                    const double x = g.origin_mm[0] + (i - 0.5 + (a + 0.5) / sub) * g.voxel_mm[0];
                    const double y = g.origin_mm[1] + (j - 0.5 + (b + 0.5) / sub) * g.voxel_mm[1];
                    inside += (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r;
                }
            for (int k = 0; k < g.dims[2]; ++k)
                img[std::size_t(i + g.dims[0] * (j + g.dims[1] * k))] = float(inside) / (sub * sub);
        }
    return img;
}

std::vector<float> forward(const LorListProjector& op, const std::vector<float>& x) {
    std::vector<float> y(std::size_t(op.out_shape().size()));
    op.apply(x.data(), int64_t(x.size()), y.data(), int64_t(y.size()));
    return y;
}

}  // namespace

class TestPetProjectors : public QObject {
    Q_OBJECT

  private slots:
    void adjointness_data() {
        QTest::addColumn<int>("model");
        QTest::addColumn<int>("mode");  // 0 non-TOF, 1 TOF sinogram, 2 TOF listmode
        QTest::addColumn<int>("threads");
        QTest::newRow("joseph non-TOF") << int(PetModel::Joseph) << 0 << 2;
        QTest::newRow("joseph non-TOF 1 thread") << int(PetModel::Joseph) << 0 << 1;
        QTest::newRow("joseph TOF sinogram") << int(PetModel::Joseph) << 1 << 2;
        QTest::newRow("joseph TOF listmode") << int(PetModel::Joseph) << 2 << 2;
        QTest::newRow("siddon non-TOF") << int(PetModel::Siddon) << 0 << 2;
    }
    void adjointness() {
        QFETCH(int, model);
        QFETCH(int, mode);
        QFETCH(int, threads);
        const PetImageGrid g = test::small_grid();
        for (uint32_t seed = 1; seed <= 3; ++seed) {
            LorSet lors = test::random_lors(g, 400, seed);
            std::optional<TofBinning> tof;
            if (mode) tof = small_tof(9);
            const LorProjectorConfig c = config(g, PetModel(model), tof, threads);
            double gap;
            if (mode == 2) {
                std::vector<int32_t> bins(std::size_t(lors.count()));
                std::mt19937 rng(seed);
                for (auto& b : bins)
                    b = int32_t(rng() % 9);
                gap = adjoint_gap(ListmodeProjector(lors.p1, lors.p2, bins, c), seed);
            } else {
                gap = adjoint_gap(LorListProjector(lors.p1, lors.p2, c), seed);
            }
            QVERIFY2(gap <= kAdjointBound,
                     qPrintable(QString("relative gap %1 > %2").arg(gap).arg(kAdjointBound)));
        }
    }

    // Every LOR that misses the grid projects to zero and back-projects nothing; a zero-length
    // LOR too.
    void misses_are_zero() {
        const PetImageGrid g = test::small_grid();
        LorSet s;
        s.add(-100, 100, 0, 100, 100, 0);
        s.add(0, 0, 0, 0, 0, 0);
        s.add(-100, 0, 50, 100, 0, 50);
        for (PetModel m : {PetModel::Joseph, PetModel::Siddon}) {
            LorListProjector op(s.p1, s.p2, config(g, m, std::nullopt, 2));
            const std::vector<float> x(std::size_t(g.voxels()), 1.0f);
            std::vector<float> y(3, -1.0f), back(x.size(), -1.0f);
            op.apply(x.data(), int64_t(x.size()), y.data(), 3);
            QCOMPARE(y, std::vector<float>(3, 0.0f));
            const std::vector<float> ones(3, 1.0f);
            op.apply_adjoint(ones.data(), 3, back.data(), int64_t(back.size()));
            QCOMPARE(back, std::vector<float>(back.size(), 0.0f));
        }
    }

    // Siddon through a uniform image: the exact length of the segment inside the grid's box.
    // Bound: float positions and a float sum of up to ~40 pieces: 1e-5 of the chord + 1e-4 mm.
    void siddon_exact_chords() {
        const PetImageGrid g = test::small_grid();
        const LorSet lors = test::random_lors(g, 300, 7);
        LorListProjector op(lors.p1, lors.p2, config(g, PetModel::Siddon, std::nullopt, 2));
        const std::vector<float> ones(std::size_t(g.voxels()), 1.0f);
        std::vector<float> y(std::size_t(lors.count()));
        op.apply(ones.data(), int64_t(ones.size()), y.data(), int64_t(y.size()));
        double lo[3], hi[3];
        test::grid_box(g, lo, hi);
        for (int64_t n = 0; n < lors.count(); ++n) {
            const double chord = box_chord(&lors.p1[3 * n], &lors.p2[3 * n], lo, hi);
            QVERIFY2(std::abs(y[n] - chord) <= 1e-5 * chord + 1e-4,
                     qPrintable(QString("LOR %1: %2 vs chord %3").arg(n).arg(y[n]).arg(chord)));
        }
    }

    // Joseph through a uniform cylinder (partial-volume voxels), transaxial LORs at random angles
    // and offsets up to 0.8 R: the exact chord 2 sqrt(R^2 - d^2).
    // Bound: Joseph integrates the bilinearly interpolated image with one sample per plane (a
    // midpoint rule of step step_mm). Inside the cylinder the image is exactly 1; at each of the
    // two edges the integrand steps from 1 to 0 over the ~1-voxel partial-volume band, and a
    // midpoint rule over a step edge is off by at most half a step: |error| <= step_mm per LOR.
    // Partial volumes conserve the area, so the errors average out over LORs: the mean error over
    // the LORs is bounded by 0.1 step_mm (measured: mean -0.02, worst 0.24 steps).
    void joseph_cylinder_chords() {
        const PetImageGrid g = centred_grid(61, 3, 2.0f);
        const double R = 40.0;
        const std::vector<float> img = cylinder(g, R, 1.3, -0.7);
        std::mt19937 rng(11);
        std::uniform_real_distribution<double> angle(0, M_PI), offset(-0.8 * R, 0.8 * R);
        LorSet lors;
        std::vector<double> chords;
        for (int i = 0; i < 500; ++i) {
            const double th = angle(rng), d = offset(rng);
            const double ux = std::cos(th), uy = std::sin(th);
            const double px = 1.3 - uy * d, py = -0.7 + ux * d, L = 150;
            lors.add(float(px - L * ux), float(py - L * uy), 0.0f, float(px + L * ux),
                     float(py + L * uy), 0.0f);
            chords.push_back(2 * std::sqrt(R * R - d * d));
        }
        LorListProjector op(lors.p1, lors.p2, config(g, PetModel::Joseph, std::nullopt, 2));
        const std::vector<float> y = forward(op, img);
        double mean = 0, worst = 0;
        for (int64_t n = 0; n < lors.count(); ++n) {
            const JosephLor l = joseph_lor(g, &lors.p1[3 * n], &lors.p2[3 * n]);
            const double err = y[n] - chords[n];
            QVERIFY2(std::abs(err) <= l.step_mm,
                     qPrintable(QString("LOR %1: %2 vs chord %3 (step %4 mm)")
                                    .arg(n)
                                    .arg(y[n])
                                    .arg(chords[n])
                                    .arg(l.step_mm)));
            mean += err / l.step_mm;
            worst = std::max(worst, std::abs(err) / l.step_mm);
        }
        mean /= double(lors.count());
        qInfo("cylinder chords: mean error %.4f steps, worst %.3f steps", mean, worst);
        QVERIFY2(std::abs(mean) <= 0.1, qPrintable(QString("mean error %1 steps").arg(mean)));
    }

    // LORs through the centre of a centred cylinder at angles related by the grid's symmetries
    // (90 degree turns, mirrors in x and y) give equal projections. Bound: the mirrored LORs
    // round their plane coordinates differently: 1e-5 relative.
    void symmetric_phantom_symmetric_projections() {
        const PetImageGrid g = centred_grid(41, 5, 2.5f);
        const std::vector<float> img = cylinder(g, 35.0, 0.0, 0.0);
        for (double deg : {0.0, 17.0, 30.0, 45.0, 61.0}) {
            LorSet lors;
            const double L = 200;
            for (double a : {deg, 90 - deg, 90 + deg, 180 - deg, -deg, 270 + deg}) {
                const double th = a * M_PI / 180.0;
                lors.add(float(-L * std::cos(th)), float(-L * std::sin(th)), 2.5f,
                         float(L * std::cos(th)), float(L * std::sin(th)), 2.5f);
            }
            for (PetModel m : {PetModel::Joseph, PetModel::Siddon}) {
                LorListProjector op(lors.p1, lors.p2, config(g, m, std::nullopt, 1));
                const std::vector<float> y = forward(op, img);
                for (float v : y)
                    QVERIFY2(std::abs(v - y[0]) <= 1e-5 * y[0],
                             qPrintable(QString("%1 deg: %2 vs %3").arg(deg).arg(v).arg(y[0])));
            }
        }
    }

    // One hot voxel on an x-parallel LOR through its centre: Joseph samples it with weight one,
    // so TOF bin k holds voxel_x * w_k(s), s the voxel's signed distance from the LOR's midpoint,
    // with w_k the closed form (truncated Gaussian over the bin, over erf(3 / sqrt 2)); bins
    // beyond the truncation hold exactly zero. Bound: float erf and the float s: 1e-5 relative
    // plus 1e-6 mm.
    void tof_point_source_closed_form() {
        const PetImageGrid g = centred_grid(21, 5, 2.0f);
        std::vector<float> img(std::size_t(g.voxels()), 0.0f);
        img[std::size_t(13 + 21 * (10 + 21 * 2))] = 1.0f;  // at (6, 0, 0) mm
        const TofBinning tof = small_tof(13);
        LorSet lors;
        lors.add(-150, 0, 0, 170, 0, 0);  // midpoint x = 10: s = -4 mm
        lors.add(-170, 0, 0, 150, 0, 0);  // midpoint x = -10: s = 16 mm
        LorListProjector op(lors.p1, lors.p2, config(g, PetModel::Joseph, tof, 1));
        const std::vector<float> y = forward(op, img);
        const double sigma = tof.fwhm_mm / 2.354820045;
        int zeros = 0;
        for (int n = 0; n < 2; ++n) {
            const double s = n == 0 ? -4.0 : 16.0;
            for (int k = 0; k < tof.bins; ++k) {
                const double expect = 2.0 * tof_closed_form(tof, k, s);
                const float got = y[std::size_t(n * tof.bins + k)];
                QVERIFY2(
                    std::abs(got - expect) <= 1e-5 * expect + 1e-6,
                    qPrintable(
                        QString("LOR %1 bin %2: %3 vs %4").arg(n).arg(k).arg(got).arg(expect)));
                const double centre = (k - 6) * 5.0 + 0.7;
                if (std::abs(centre - s) - 2.5 > 3 * sigma) {
                    QCOMPARE(got, 0.0f);
                    ++zeros;
                }
            }
        }
        QVERIFY(zeros > 4);
    }

    // The sign: a point source nearer p2 (s > 0) puts its counts in bins above the centre bin,
    // at the bin the convention predicts; swapping p1 and p2 moves them below.
    void tof_sign_point_nearer_p2() {
        const PetImageGrid g = centred_grid(21, 5, 2.0f);
        std::vector<float> img(std::size_t(g.voxels()), 0.0f);
        img[std::size_t(13 + 21 * (10 + 21 * 2))] = 1.0f;  // at x = 6 mm
        TofBinning tof = small_tof(13);
        LorSet lors;
        lors.add(-170, 0, 0, 150, 0,
                 0);  // p2 at +x: the source, 16 mm from the midpoint, is nearer p2
        lors.add(150, 0, 0, -170, 0, 0);  // swapped: nearer p1
        LorListProjector op(lors.p1, lors.p2, config(g, PetModel::Joseph, tof, 1));
        const std::vector<float> y = forward(op, img);
        const auto peak = [&](int n) {
            return int(std::max_element(y.begin() + n * tof.bins, y.begin() + (n + 1) * tof.bins) -
                       (y.begin() + n * tof.bins));
        };
        // s = 16 mm: centres (k - 6) * 5 + 0.7; nearest is k = 9 (15.7 mm). Swapped: s = -16 mm,
        // nearest k = 3 (-14.3 mm).
        QCOMPARE(peak(0), 9);
        QCOMPARE(peak(1), 3);
        QVERIFY(peak(0) > (tof.bins - 1) / 2 && peak(1) < (tof.bins - 1) / 2);
    }

    // With bins that cover every sample's whole kernel, the TOF weights of a sample telescope to
    // one, so the sum over bins equals the non-TOF projection. Bound: a float sum over ~50 bins of
    // float products: 1e-5 relative plus 1e-5 mm. With too few bins the sum falls short.
    void tof_sum_equals_non_tof() {
        const PetImageGrid g = test::small_grid();
        const LorSet lors = test::random_lors(g, 300, 5);
        const std::vector<float> x = test::random_positive(std::size_t(g.voxels()), 9);
        const TofBinning wide = small_tof(47);
        const std::vector<float> plain = forward(
            LorListProjector(lors.p1, lors.p2, config(g, PetModel::Joseph, std::nullopt, 2)), x);
        const std::vector<float> tof =
            forward(LorListProjector(lors.p1, lors.p2, config(g, PetModel::Joseph, wide, 2)), x);
        for (int64_t n = 0; n < lors.count(); ++n) {
            double sum = 0;
            for (int k = 0; k < wide.bins; ++k)
                sum += tof[std::size_t(n * wide.bins + k)];
            QVERIFY2(std::abs(sum - plain[n]) <= 1e-5 * plain[n] + 1e-5,
                     qPrintable(QString("LOR %1: %2 vs %3").arg(n).arg(sum).arg(plain[n])));
        }
        const TofBinning narrow = small_tof(3);
        const std::vector<float> cut =
            forward(LorListProjector(lors.p1, lors.p2, config(g, PetModel::Joseph, narrow, 2)), x);
        double total_cut = 0, total = 0;
        for (float v : cut)
            total_cut += v;
        for (float v : plain)
            total += v;
        QVERIFY(total_cut < 0.9 * total);
    }

    // A listmode event (LOR n, bin k) projects to the TOF sinogram's value (n, k); the two share
    // the weights but not the loops. Bound: 1e-5 relative plus 1e-6 mm.
    void listmode_matches_sinogram() {
        const PetImageGrid g = test::small_grid();
        const LorSet lors = test::random_lors(g, 200, 3);
        const TofBinning tof = small_tof(9);
        const std::vector<float> x = test::random_positive(std::size_t(g.voxels()), 4);
        const std::vector<float> sino =
            forward(LorListProjector(lors.p1, lors.p2, config(g, PetModel::Joseph, tof, 2)), x);
        std::vector<float> p1, p2;
        std::vector<int32_t> bins;
        for (int64_t n = 0; n < lors.count(); ++n)
            for (int k = 0; k < tof.bins; ++k) {
                p1.insert(p1.end(), &lors.p1[3 * n], &lors.p1[3 * n] + 3);
                p2.insert(p2.end(), &lors.p2[3 * n], &lors.p2[3 * n] + 3);
                bins.push_back(k);
            }
        const std::vector<float> lm =
            forward(ListmodeProjector(p1, p2, bins, config(g, PetModel::Joseph, tof, 2)), x);
        for (std::size_t i = 0; i < lm.size(); ++i)
            QVERIFY2(std::abs(lm[i] - sino[i]) <= 1e-5 * sino[i] + 1e-6,
                     qPrintable(QString("event %1: %2 vs %3").arg(i).arg(lm[i]).arg(sino[i])));
    }

    void bad_input_is_refused() {
        const PetImageGrid g = test::small_grid();
        const LorSet lors = test::random_lors(g, 4, 1);
        PetImageGrid bad = g;
        bad.voxel_mm[1] = 0;
        QVERIFY_THROWS_EXCEPTION(
            InvalidArgument,
            LorListProjector(lors.p1, lors.p2, config(bad, PetModel::Joseph, std::nullopt, 1)));
        TofBinning zero = small_tof(0);
        QVERIFY_THROWS_EXCEPTION(
            InvalidArgument,
            LorListProjector(lors.p1, lors.p2, config(g, PetModel::Joseph, zero, 1)));
        QVERIFY_THROWS_EXCEPTION(
            InvalidArgument,
            LorListProjector(lors.p1, lors.p2, config(g, PetModel::Siddon, small_tof(5), 1)));
        std::vector<int32_t> bins(std::size_t(lors.count()), 9);
        QVERIFY_THROWS_EXCEPTION(InvalidArgument,
                                 ListmodeProjector(lors.p1, lors.p2, bins,
                                                   config(g, PetModel::Joseph, small_tof(9), 1)));
        std::vector<float> short_p2(lors.p2.begin(), lors.p2.end() - 3);
        QVERIFY_THROWS_EXCEPTION(
            InvalidArgument,
            LorListProjector(lors.p1, short_p2, config(g, PetModel::Joseph, std::nullopt, 1)));
    }
};

RADON_TEST_CLASS(TestPetProjectors);
#include "test_pet_projectors.moc"
