// MLEM and OSEM on small dense systems against ground truth: a reference EM written here in
// double from the update formula, the known maximum-likelihood solution of a consistent system,
// the monotone log-likelihood of MLEM, factors folded into the matrix by hand, and cancel.

#include <QtTest>

#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/progress.h"
#include "kernels/operator/subset_stack.h"
#include "recon/algorithms/em_reconstruction.h"
#include "tests/common/dense_operator.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using namespace radon::recon;
using radon::test::DenseOperator;
using radon::test::invalid_argument_message;

namespace {

// A small emission system: `rows` bins, `cols` voxels, non-negative entries with some zeros.
struct System {
    int64_t rows = 0, cols = 0;
    std::vector<double> a;  // row-major
    std::vector<float> x_true, m, additive, y;
};

System random_system(int64_t rows, int64_t cols, unsigned seed, bool noise) {
    std::mt19937 rng(seed);
    System s;
    s.rows = rows;
    s.cols = cols;
    s.a = DenseOperator::random_values(rows, cols, rng, 0.0, 1.0, 0.4);
    s.x_true = test::random_vector(cols, rng, 5.0, 50.0);
    s.m = test::random_vector(rows, rng, 0.3, 1.0);
    s.additive = test::random_vector(rows, rng, 0.5, 3.0);
    s.y.resize(static_cast<std::size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) {
        double mean = 0;
        for (int64_t c = 0; c < cols; ++c)
            mean += s.a[r * cols + c] * s.x_true[c];
        mean = s.m[r] * mean + s.additive[r];
        s.y[r] = noise ? float(std::poisson_distribution<int>(mean)(rng)) : float(mean);
    }
    return s;
}

// EM from its formula, in double, with the subsets given as lists of rows:
// x_j <- x_j / sum_{i in S} m_i A_ij * sum_{i in S} m_i A_ij y_i / (m_i (A x)_i + a_i).
std::vector<double> reference_em(const System& s, const std::vector<std::vector<int64_t>>& subsets,
                                 int iterations, bool use_m, bool use_a) {
    std::vector<double> x(static_cast<std::size_t>(s.cols), 1.0);
    for (int it = 0; it < iterations; ++it) {
        for (const auto& rows : subsets) {
            std::vector<double> num(x.size(), 0.0), sens(x.size(), 0.0);
            for (const int64_t r : rows) {
                const double m = use_m ? s.m[r] : 1.0, add = use_a ? s.additive[r] : 0.0;
                double ax = 0;
                for (int64_t c = 0; c < s.cols; ++c)
                    ax += s.a[r * s.cols + c] * x[c];
                const double ybar = m * ax + add;
                for (int64_t c = 0; c < s.cols; ++c) {
                    sens[c] += m * s.a[r * s.cols + c];
                    if (ybar > 0) num[c] += m * s.a[r * s.cols + c] * s.y[r] / ybar;
                }
            }
            for (std::size_t c = 0; c < x.size(); ++c)
                x[c] = sens[c] > 0 ? x[c] * num[c] / sens[c] : 0.0;
        }
    }
    return x;
}

double max_relative_difference(const std::vector<float>& got, const std::vector<double>& want) {
    double scale = 0, worst = 0;
    for (const double w : want)
        scale = std::max(scale, std::fabs(w));
    for (std::size_t i = 0; i < got.size(); ++i)
        worst = std::max(worst, std::fabs(got[i] - want[i]) / scale);
    return worst;
}

std::shared_ptr<DenseOperator> dense(const System& s) {
    return std::make_shared<DenseOperator>(s.rows, s.cols, s.a);
}

// Subsets of a dense system's rows, interleaved, each its own dense operator.
std::shared_ptr<const SubsetStack> dense_stack(const System& s,
                                               const std::vector<std::vector<int64_t>>& subsets) {
    OperatorShape full;
    full.dims = {s.rows};
    std::vector<OperatorSubset> parts;
    for (const auto& rows : subsets) {
        std::vector<double> m;
        for (const int64_t r : rows)
            m.insert(m.end(), s.a.begin() + r * s.cols, s.a.begin() + (r + 1) * s.cols);
        parts.push_back({std::make_shared<DenseOperator>(int64_t(rows.size()), s.cols, m), rows});
    }
    return std::make_shared<SubsetStack>(full, std::move(parts));
}

class CancelAfter final : public ProgressSink {
  public:
    CancelAfter(CancelToken& token, double fraction) : token_(token), fraction_(fraction) {}
    void report(double f) override {
        if (f >= fraction_ - 1e-12) token_.cancel();
    }

  private:
    CancelToken& token_;
    double fraction_;
};

}  // namespace

class TestEmReconstruction : public QObject {
    Q_OBJECT

  private slots:
    // The update itself: MLEM and OSEM equal the double-precision reference within float
    // rounding (1e-4 of the largest voxel after 20 iterations of 60 x 12 float products).
    void matchesTheReferenceUpdate() {
        const System s = random_system(60, 12, 11, true);
        PoissonModel model{s.m, s.additive};
        EmOptions options;
        options.iterations = 20;
        std::vector<float> x(12, 1.0f);
        mlem(dense(s), s.y, model, x, options);
        std::vector<int64_t> all(60);
        std::iota(all.begin(), all.end(), int64_t(0));
        double d = max_relative_difference(x, reference_em(s, {all}, 20, true, true));
        QVERIFY2(d < 1e-4, qPrintable(QString("MLEM vs reference: %1").arg(d)));

        const auto subsets = interleaved_subsets(60, 4);
        std::vector<float> xo(12, 1.0f);
        osem(dense_stack(s, subsets), s.y, model, xo, options);
        d = max_relative_difference(xo, reference_em(s, subsets, 20, true, true));
        QVERIFY2(d < 1e-4, qPrintable(QString("OSEM vs reference: %1").arg(d)));
    }

    // MLEM never lowers the Poisson likelihood (Shepp and Vardi 1982). Float rounding may
    // move it by ~1e-7 of its size near convergence; the bound allows 1e-6.
    void mlemLogLikelihoodRisesEveryIteration() {
        for (unsigned seed : {1u, 2u, 3u}) {
            const System s = random_system(80, 16, seed, true);
            EmOptions options;
            options.iterations = 30;
            std::vector<int> seen;
            options.on_iteration = [&](int k, double) { seen.push_back(k); };
            std::vector<float> x(16, 1.0f);
            const EmResult r = mlem(dense(s), s.y, {s.m, s.additive}, x, options);
            QCOMPARE(r.log_likelihood.size(), std::size_t(31));
            QCOMPARE(seen.size(), std::size_t(30));
            QCOMPARE(seen.back(), 30);
            QVERIFY(r.log_likelihood[1] > r.log_likelihood[0]);
            for (std::size_t k = 1; k < r.log_likelihood.size(); ++k) {
                const double rise = r.log_likelihood[k] - r.log_likelihood[k - 1];
                QVERIFY2(rise >= -1e-6 * std::fabs(r.log_likelihood[k]),
                         qPrintable(QString("seed %1 iteration %2: %3 -> %4")
                                        .arg(seed)
                                        .arg(k)
                                        .arg(r.log_likelihood[k - 1])
                                        .arg(r.log_likelihood[k])));
            }
        }
    }

    // OSEM with one subset is MLEM: same images bit for bit, same log-likelihoods.
    void osemWithOneSubsetIsMlem() {
        const System s = random_system(40, 10, 5, true);
        EmOptions options;
        options.iterations = 7;
        std::vector<float> a(10, 1.0f), b(10, 1.0f);
        const EmResult ra = mlem(dense(s), s.y, {s.m, s.additive}, a, options);
        std::vector<int64_t> all(40);
        std::iota(all.begin(), all.end(), int64_t(0));
        const EmResult rb = osem(dense_stack(s, {all}), s.y, {s.m, s.additive}, b, options);
        QCOMPARE(a, b);
        QCOMPARE(ra.log_likelihood, rb.log_likelihood);
    }

    // A consistent, well-posed system (y = A x_true exactly, A of full column rank) has x_true
    // as its unique maximum-likelihood solution. A is 2 stacked copies of I + 0.1 R, whose
    // columns are nearly orthogonal, so EM converges geometrically: after 400 iterations every
    // voxel is within 1e-5 of x_true (the figure reached is printed).
    void mlemConvergesToTheKnownSolution() {
        std::mt19937 rng(9);
        const int64_t n = 8, rows = 2 * n;
        std::vector<double> a(static_cast<std::size_t>(rows * n));
        std::uniform_real_distribution<double> u(0.0, 0.1);
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c = 0; c < n; ++c)
                a[r * n + c] = (r % n == c ? 1.0 : 0.0) + u(rng);
        const std::vector<float> x_true = test::random_vector(n, rng, 1.0, 10.0);
        std::vector<float> y(static_cast<std::size_t>(rows));
        for (int64_t r = 0; r < rows; ++r) {
            double s = 0;
            for (int64_t c = 0; c < n; ++c)
                s += a[r * n + c] * x_true[c];
            y[r] = float(s);
        }
        EmOptions options;
        options.iterations = 400;
        std::vector<float> x(n, 1.0f);
        const EmResult r = mlem(std::make_shared<DenseOperator>(rows, n, a), y, {}, x, options);
        double worst = 0;
        for (int64_t c = 0; c < n; ++c)
            worst = std::max(worst, double(std::fabs(x[c] - x_true[c]) / x_true[c]));
        qInfo("MLEM, 400 iterations: max relative error to x_true %g", worst);
        QVERIFY2(worst < 1e-5, qPrintable(QString("max relative error %1").arg(worst)));
        // At y = ybar the log-likelihood is sum(y log y - y), its maximum.
        double best = 0;
        for (const float v : y)
            best += v * std::log(double(v)) - v;
        QVERIFY(std::fabs(r.log_likelihood.back() - best) < 1e-5 * std::fabs(best));
    }

    // The factors m inside the model equal m folded into the matrix by hand (diag(m) A with no
    // factors); the additive term equals the reference written with a in the denominator.
    void factorsAndAdditiveTermAsFoldedByHand() {
        const System s = random_system(50, 9, 21, true);
        EmOptions options;
        options.iterations = 15;
        std::vector<float> with_m(9, 1.0f), folded(9, 1.0f);
        mlem(dense(s), s.y, {s.m, {}}, with_m, options);
        std::vector<double> scaled = s.a;
        for (int64_t r = 0; r < s.rows; ++r)
            for (int64_t c = 0; c < s.cols; ++c)
                scaled[r * s.cols + c] *= s.m[r];
        mlem(std::make_shared<DenseOperator>(s.rows, s.cols, scaled), s.y, {}, folded, options);
        std::vector<double> folded_d(folded.begin(), folded.end());
        QVERIFY(max_relative_difference(with_m, folded_d) < 1e-5);

        std::vector<float> with_a(9, 1.0f);
        mlem(dense(s), s.y, {{}, s.additive}, with_a, options);
        std::vector<int64_t> all(50);
        std::iota(all.begin(), all.end(), int64_t(0));
        QVERIFY(max_relative_difference(with_a, reference_em(s, {all}, 15, false, true)) < 1e-4);
        // And the additive term matters: without it the image differs.
        std::vector<float> without(9, 1.0f);
        mlem(dense(s), s.y, {}, without, options);
        QVERIFY(max_relative_difference(without, reference_em(s, {all}, 15, false, true)) > 1e-2);
    }

    // A voxel no bin sees stays 0 and a bin that expects nothing (but holds counts) adds
    // nothing: no NaN or inf anywhere.
    void unseenVoxelsAndEmptyBinsGiveNoNan() {
        System s = random_system(20, 6, 31, true);
        for (int64_t r = 0; r < s.rows; ++r)
            s.a[r * s.cols + 2] = 0.0;  // voxel 2 is outside every line
        for (int64_t c = 0; c < s.cols; ++c)
            s.a[4 * s.cols + c] = 0.0;  // bin 4 sees nothing...
        s.y[4] = 7;                     // ...yet holds counts
        EmOptions options;
        options.iterations = 5;
        std::vector<float> x(6, 1.0f);
        const EmResult r = mlem(dense(s), s.y, {s.m, {}}, x, options);
        QCOMPARE(x[2], 0.0f);
        for (const float v : x)
            QVERIFY(std::isfinite(v));
        for (const double ll : r.log_likelihood)
            QVERIFY(std::isfinite(ll));
        for (std::size_t k = 1; k < r.log_likelihood.size(); ++k)
            QVERIFY(r.log_likelihood[k] >=
                    r.log_likelihood[k - 1] - 1e-6 * std::fabs(r.log_likelihood[k]));
    }

    // Cancelled after the second of 3 x 2 sub-iterations: the image is exactly that of the first
    // two subsets run once, and Cancelled is thrown.
    void cancelStopsBetweenSubIterations() {
        const System s = random_system(30, 8, 41, true);
        const auto subsets = interleaved_subsets(30, 3);
        EmReconstructor recon(dense_stack(s, subsets), {s.m, s.additive});
        recon.prepare();
        CancelToken token;
        CancelAfter sink(token, 2.0 / 6.0);
        EmOptions options;
        options.iterations = 2;
        options.control = {&token, &sink};
        std::vector<float> x(8, 1.0f);
        const QString m = test::thrown_message<Cancelled>([&] { recon.run(s.y, x, options); });
        QVERIFY(!m.isEmpty());
        std::vector<float> expected(8, 1.0f);
        EmOptions once;
        once.iterations = 1;
        // The same first two subsets on their own: same sensitivities, same order.
        osem(dense_stack(s, {subsets[0], subsets[1]}), s.y, {s.m, s.additive}, expected, once);
        QCOMPARE(x, expected);
    }

    void imagesEveryNIterations() {
        const System s = random_system(30, 5, 51, true);
        EmOptions options;
        options.iterations = 7;
        options.image_every = 3;
        std::vector<int> saved;
        std::vector<float> third;
        options.on_image = [&](int k, const std::vector<float>& img) {
            saved.push_back(k);
            if (k == 3) third = img;
        };
        std::vector<float> x(5, 1.0f);
        mlem(dense(s), s.y, {}, x, options);
        QCOMPARE(saved, (std::vector<int>{3, 6, 7}));
        std::vector<float> x3(5, 1.0f);
        options.iterations = 3;
        options.on_image = nullptr;
        mlem(dense(s), s.y, {}, x3, options);
        QCOMPARE(third, x3);
    }

    // Every sub-iteration reports, in order, the image the reference update gives after exactly
    // that many subset updates.
    void subIterationsReportTheirImages() {
        const System s = random_system(30, 6, 61, true);
        const auto subsets = interleaved_subsets(30, 3);
        EmOptions options;
        options.iterations = 2;
        std::vector<std::pair<int, int>> seen;
        std::vector<std::vector<float>> images;
        options.on_subiteration = [&](int it, int k, const std::vector<float>& img) {
            seen.emplace_back(it, k);
            images.push_back(img);
        };
        std::vector<float> x(6, 1.0f);
        osem(dense_stack(s, subsets), s.y, {s.m, s.additive}, x, options);
        QCOMPARE(seen, (std::vector<std::pair<int, int>>{
                           {1, 0}, {1, 1}, {1, 2}, {2, 0}, {2, 1}, {2, 2}}));
        QCOMPARE(images.back(), x);
        // After the first two updates: the first two subsets run once, on their own.
        std::vector<float> two(6, 1.0f);
        EmOptions once;
        once.iterations = 1;
        osem(dense_stack(s, {subsets[0], subsets[1]}), s.y, {s.m, s.additive}, two, once);
        QCOMPARE(images[1], two);
        // After the third: the reference's first iteration.
        const double d =
            max_relative_difference(images[2], reference_em(s, subsets, 1, true, true));
        QVERIFY2(d < 1e-5, qPrintable(QString("after iteration 1: %1").arg(d)));
    }

    // The same OSEM on device memory (operators staged through the host, the EM arithmetic on
    // the device): the same images bit for bit, since each element-wise step is one IEEE
    // operation on both; log-likelihoods to double rounding.
    void deviceMatchesHost() {
        if (!cuda_unavailable_reason().empty())
            QSKIP(
                qPrintable("no CUDA device: " + QString::fromStdString(cuda_unavailable_reason())));
        const System s = random_system(40, 9, 71, true);
        const auto subsets = interleaved_subsets(40, 4);
        OperatorShape full;
        full.dims = {s.rows};
        std::vector<OperatorSubset> parts;
        for (const auto& rows : subsets) {
            std::vector<double> m;
            for (const int64_t r : rows)
                m.insert(m.end(), s.a.begin() + r * s.cols, s.a.begin() + (r + 1) * s.cols);
            parts.push_back({std::make_shared<test::DeviceStagedOperator>(
                                 std::make_shared<DenseOperator>(int64_t(rows.size()), s.cols, m)),
                             rows});
        }
        const auto stack = std::make_shared<SubsetStack>(full, std::move(parts));
        EmOptions options;
        options.iterations = 5;
        std::vector<float> host(9, 1.0f), device(9, 1.0f);
        const EmResult rh = osem(stack, s.y, {s.m, s.additive}, host, options, MemorySpace::Host);
        const EmResult rd =
            osem(stack, s.y, {s.m, s.additive}, device, options, MemorySpace::Device);
        QCOMPARE(device, host);
        for (std::size_t k = 0; k < rh.log_likelihood.size(); ++k)
            QVERIFY(std::fabs(rh.log_likelihood[k] - rd.log_likelihood[k]) <=
                    1e-9 * std::fabs(rh.log_likelihood[k]));
    }

    void badInputIsNamed() {
        const System s = random_system(10, 4, 61, false);
        EmOptions options;
        std::vector<float> x(4, 1.0f);
        std::vector<float> y = s.y;
        y[3] = -1;
        QString m = invalid_argument_message([&] { mlem(dense(s), y, {}, x, options); });
        QVERIFY2(m.contains("measured data") && m.contains("element 3"), qPrintable(m));
        m = invalid_argument_message([&] {
            mlem(dense(s), s.y, {std::vector<float>(9, 1.0f), {}}, x, options);
        });
        QVERIFY2(m.contains("multiplicative factors") && m.contains("9") && m.contains("10"),
                 qPrintable(m));
        std::vector<float> a(10, 0.0f);
        a[0] = std::nanf("");
        m = invalid_argument_message([&] { mlem(dense(s), s.y, {{}, a}, x, options); });
        QVERIFY2(m.contains("additive term") && m.contains("element 0"), qPrintable(m));
        std::vector<float> bad_x(5, 1.0f);
        m = invalid_argument_message([&] { mlem(dense(s), s.y, {}, bad_x, options); });
        QVERIFY2(m.contains("initial image") && m.contains("expected 4"), qPrintable(m));
        options.iterations = -1;
        m = invalid_argument_message([&] { mlem(dense(s), s.y, {}, x, options); });
        QVERIFY2(m.contains("-1 iterations"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestEmReconstruction);
#include "test_em_reconstruction.moc"
