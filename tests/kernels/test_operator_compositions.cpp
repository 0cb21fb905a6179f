// The operator compositions (diagonal products, chains, subset stacks) against explicit dense
// matrix products, their adjointness with random operators, the element-wise helpers and the
// shape errors.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/operator/diagonal_product.h"
#include "kernels/operator/elementwise.h"
#include "kernels/operator/operator_chain.h"
#include "kernels/operator/subset_stack.h"
#include "tests/common/dense_operator.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using radon::test::DenseOperator;
using radon::test::invalid_argument_message;
using radon::test::random_vector;

namespace {

// Float results of operators with at most ~50 terms per sum, accumulated in double by the
// reference and stored as float: agreement to 1e-6 of the largest magnitude is float rounding.
constexpr double kTolerance = 1e-5;

void expect_close(const std::vector<float>& got, const std::vector<double>& want) {
    QCOMPARE(got.size(), want.size());
    double scale = 1e-30;
    for (const double w : want)
        scale = std::max(scale, std::fabs(w));
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (std::fabs(got[i] - want[i]) > kTolerance * scale)
            QFAIL(
                qPrintable(QString("element %1: %2, expected %3").arg(i).arg(got[i]).arg(want[i])));
    }
}

std::vector<float> forward(const LinearOperator& op, const std::vector<float>& x) {
    std::vector<float> y(static_cast<std::size_t>(op.out_shape().size()));
    op.apply(x.data(), int64_t(x.size()), y.data(), int64_t(y.size()));
    return y;
}

std::vector<float> backward(const LinearOperator& op, const std::vector<float>& y) {
    std::vector<float> x(static_cast<std::size_t>(op.in_shape().size()));
    op.apply_adjoint(y.data(), int64_t(y.size()), x.data(), int64_t(x.size()));
    return x;
}

// The dense matrix M applied to x and M^T to y, in double, from the definition.
std::vector<double> dense_apply(const std::vector<double>& m, int64_t rows, int64_t cols,
                                const std::vector<float>& x) {
    std::vector<double> y(static_cast<std::size_t>(rows), 0.0);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            y[r] += m[r * cols + c] * x[c];
    return y;
}
std::vector<double> dense_adjoint(const std::vector<double>& m, int64_t rows, int64_t cols,
                                  const std::vector<float>& y) {
    std::vector<double> x(static_cast<std::size_t>(cols), 0.0);
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
            x[c] += m[r * cols + c] * y[r];
    return x;
}

// <K x, y> = <x, K^T y> for random x and y; float arithmetic on short sums: 1e-5 relative.
void expect_adjoint(const LinearOperator& op, std::mt19937& rng) {
    for (int trial = 0; trial < 5; ++trial) {
        const std::vector<float> x = random_vector(op.in_shape().size(), rng);
        const std::vector<float> y = random_vector(op.out_shape().size(), rng);
        const double lhs = test::dot(forward(op, x), y), rhs = test::dot(x, backward(op, y));
        QVERIFY2(std::fabs(lhs - rhs) <= kTolerance * std::max(std::fabs(lhs), 1.0),
                 qPrintable(QString("%1: <Kx,y> %2, <x,K^T y> %3")
                                .arg(QString::fromStdString(op.description()))
                                .arg(lhs)
                                .arg(rhs)));
    }
}

std::shared_ptr<DenseOperator> random_dense(int64_t rows, int64_t cols, std::mt19937& rng) {
    return std::make_shared<DenseOperator>(
        rows, cols, DenseOperator::random_values(rows, cols, rng, -1.0, 1.0, 0.3));
}

}  // namespace

class TestOperatorCompositions : public QObject {
    Q_OBJECT

  private slots:
    void diagonalOnTheOutputIsDiagTimesMatrix() {
        std::mt19937 rng(1);
        const auto a = random_dense(7, 5, rng);
        const std::vector<float> d = random_vector(7, rng, 0.0, 2.0);
        const DiagonalProduct da(a, d, DiagonalSide::Output);
        std::vector<double> explicit_m = a->values();
        for (int64_t r = 0; r < 7; ++r)
            for (int64_t c = 0; c < 5; ++c)
                explicit_m[r * 5 + c] *= d[r];
        const std::vector<float> x = random_vector(5, rng), y = random_vector(7, rng);
        expect_close(forward(da, x), dense_apply(explicit_m, 7, 5, x));
        expect_close(backward(da, y), dense_adjoint(explicit_m, 7, 5, y));
        expect_adjoint(da, rng);
    }

    void diagonalOnTheInputIsMatrixTimesDiag() {
        std::mt19937 rng(2);
        const auto a = random_dense(6, 9, rng);
        const std::vector<float> d = random_vector(9, rng, 0.0, 2.0);
        const DiagonalProduct ad(a, d, DiagonalSide::Input);
        std::vector<double> explicit_m = a->values();
        for (int64_t r = 0; r < 6; ++r)
            for (int64_t c = 0; c < 9; ++c)
                explicit_m[r * 9 + c] *= d[c];
        const std::vector<float> x = random_vector(9, rng), y = random_vector(6, rng);
        expect_close(forward(ad, x), dense_apply(explicit_m, 6, 9, x));
        expect_close(backward(ad, y), dense_adjoint(explicit_m, 6, 9, y));
        expect_adjoint(ad, rng);
    }

    void chainIsTheMatrixProduct() {
        std::mt19937 rng(3);
        const auto a = random_dense(4, 6, rng), b = random_dense(6, 5, rng),
                   c = random_dense(5, 3, rng);
        const OperatorChain abc({a, b, c});
        QCOMPARE(abc.in_shape().size(), int64_t(3));
        QCOMPARE(abc.out_shape().size(), int64_t(4));
        const std::vector<double> m = test::matrix_product(
            test::matrix_product(a->values(), b->values(), 4, 6, 5), c->values(), 4, 5, 3);
        const std::vector<float> x = random_vector(3, rng), y = random_vector(4, rng);
        expect_close(forward(abc, x), dense_apply(m, 4, 3, x));
        expect_close(backward(abc, y), dense_adjoint(m, 4, 3, y));
        expect_adjoint(abc, rng);
        // A chain of one is the operator itself.
        const OperatorChain just_a({a});
        const std::vector<float> x6 = random_vector(6, rng);
        expect_close(forward(just_a, x6), dense_apply(a->values(), 4, 6, x6));
    }

    void compositionsNestAndStayAdjoint() {
        std::mt19937 rng(4);
        const auto a = random_dense(8, 6, rng), b = random_dense(6, 4, rng);
        auto da =
            std::make_shared<DiagonalProduct>(a, random_vector(8, rng, 0, 1), DiagonalSide::Output);
        auto bd =
            std::make_shared<DiagonalProduct>(b, random_vector(4, rng, 0, 1), DiagonalSide::Input);
        const OperatorChain chain({da, bd});
        expect_adjoint(chain, rng);
    }

    void subsetStackIsTheFullMatrix() {
        // A "sinogram" of 3 radial bins x 5 views x 2 planes, split into 2 interleaved subsets
        // of views; each subset operator holds exactly its rows of the full matrix.
        std::mt19937 rng(5);
        OperatorShape out;
        out.dims = {3, 5, 2};
        out.axis_names = {"radial", "view", "plane"};
        const int64_t rows = out.size(), cols = 4;
        const std::vector<double> m = DenseOperator::random_values(rows, cols, rng, -1, 1, 0.2);
        std::vector<OperatorSubset> subsets;
        for (const auto& views : interleaved_subsets(5, 2)) {
            std::vector<int64_t> r = rows_with_index_along(out, 1, views);
            std::vector<double> part;
            for (const int64_t row : r)
                part.insert(part.end(), m.begin() + row * cols, m.begin() + (row + 1) * cols);
            subsets.push_back({std::make_shared<DenseOperator>(int64_t(r.size()), cols, part), r});
        }
        const SubsetStack stack(out, std::move(subsets));
        QCOMPARE(stack.subset_count(), 2);
        QVERIFY(stack.covers_all_rows());
        QVERIFY(stack.out_shape() == out);
        const std::vector<float> x = random_vector(cols, rng), y = random_vector(rows, rng);
        expect_close(forward(stack, x), dense_apply(m, rows, cols, x));
        expect_close(backward(stack, y), dense_adjoint(m, rows, cols, y));
        expect_adjoint(stack, rng);
        // Subset 1 holds views 1 and 3: gather its rows of the full result.
        const std::vector<float> full = forward(stack, x);
        std::vector<float> part(stack.rows(1).size());
        stack.gather_rows(1, full.data(), part.data(), MemorySpace::Host);
        expect_close(forward(stack.subset(1), x), std::vector<double>(part.begin(), part.end()));
    }

    // The one-call form finds the view axis by name and builds the same stack.
    void subsetsByViews() {
        std::mt19937 rng(9);
        OperatorShape out;
        out.dims = {2, 3, 6};
        out.axis_names = {"plane", "radial", "view"};
        const int64_t rows = out.size(), cols = 5;
        const std::vector<double> m = DenseOperator::random_values(rows, cols, rng, -1, 1, 0.2);
        std::vector<std::vector<int64_t>> seen;
        const auto stack = subsets_by_views(out, 3, [&](const std::vector<int64_t>& views) {
            seen.push_back(views);
            std::vector<double> part;
            for (const int64_t r : rows_with_index_along(out, 2, views))
                part.insert(part.end(), m.begin() + r * cols, m.begin() + (r + 1) * cols);
            return std::make_shared<DenseOperator>(int64_t(part.size()) / cols, cols, part);
        });
        QCOMPARE(stack->subset_count(), 3);
        QCOMPARE(seen, (std::vector<std::vector<int64_t>>{{0, 3}, {1, 4}, {2, 5}}));
        const std::vector<float> x = random_vector(cols, rng), y = random_vector(rows, rng);
        expect_close(forward(*stack, x), dense_apply(m, rows, cols, x));
        expect_close(backward(*stack, y), dense_adjoint(m, rows, cols, y));
        OperatorShape unnamed;
        unnamed.dims = {4, 4};
        QVERIFY(invalid_argument_message([&] {
                    subsets_by_views(unnamed, 2, [](const std::vector<int64_t>&) {
                        return std::shared_ptr<const LinearOperator>();
                    });
                }).contains("no axis named \"view\""));
    }

    void rowsNotInAnySubsetAreZero() {
        std::mt19937 rng(6);
        OperatorShape out;
        out.dims = {4};
        const auto a = random_dense(2, 3, rng);
        const SubsetStack stack(out, {{a, {3, 1}}});
        QVERIFY(!stack.covers_all_rows());
        const std::vector<float> x = random_vector(3, rng);
        const std::vector<float> ax = forward(*a, x), y = forward(stack, x);
        QCOMPARE(y[0], 0.0f);
        QCOMPARE(y[2], 0.0f);
        QCOMPARE(y[3], ax[0]);
        QCOMPARE(y[1], ax[1]);
        expect_adjoint(stack, rng);
    }

    void rowsAlongAnAxisMatchNestedLoops() {
        OperatorShape s;
        s.dims = {3, 4, 5};
        for (int axis = 0; axis < 3; ++axis) {
            const std::vector<int64_t> wanted = {0, 2};
            std::vector<int64_t> expected;
            for (int64_t k = 0; k < 5; ++k)
                for (int64_t j = 0; j < 4; ++j)
                    for (int64_t i = 0; i < 3; ++i) {
                        const int64_t idx[3] = {i, j, k};
                        if (idx[axis] == 0 || idx[axis] == 2)
                            expected.push_back(i + 3 * (j + 4 * k));
                    }
            std::sort(expected.begin(), expected.end());
            QCOMPARE(rows_with_index_along(s, axis, wanted), expected);
        }
        QVERIFY(invalid_argument_message([&] {
                    rows_with_index_along(s, 3, {0});
                }).contains("axes 0 to 2"));
        QVERIFY(
            invalid_argument_message([&] { rows_with_index_along(s, 1, {4}); }).contains("[0, 3]"));
        const auto sub = interleaved_subsets(7, 3);
        QCOMPARE(sub.size(), std::size_t(3));
        QCOMPARE(sub[0], (std::vector<int64_t>{0, 3, 6}));
        QCOMPARE(sub[2], (std::vector<int64_t>{2, 5}));
        QVERIFY(invalid_argument_message([&] { interleaved_subsets(4, 5); }).contains("1 to 4"));
    }

    void shapeErrorsNameBothShapes() {
        std::mt19937 rng(7);
        OperatorShape in_a, out_a, in_b, out_b;
        in_a.dims = {4, 2};
        in_a.axis_names = {"x", "y"};
        out_a.dims = {3};
        in_b.dims = {5};
        out_b.dims = {9};
        out_b.axis_names = {"radial"};
        const auto a = std::make_shared<DenseOperator>(in_a, out_a, std::vector<double>(24, 1.0));
        const auto b = std::make_shared<DenseOperator>(in_b, out_b, std::vector<double>(45, 1.0));
        const QString chain = invalid_argument_message([&] { OperatorChain({a, b}); });
        QVERIFY2(chain.contains("takes 4 (x) x 2 (y)") && chain.contains("gives 9 (radial)"),
                 qPrintable(chain));
        const QString diag = invalid_argument_message(
            [&] { DiagonalProduct(a, std::vector<float>(8), DiagonalSide::Output); });
        QVERIFY2(diag.contains("8 values") && diag.contains("3"), qPrintable(diag));
        const QString diag_in = invalid_argument_message(
            [&] { DiagonalProduct(a, std::vector<float>(3), DiagonalSide::Input); });
        QVERIFY2(diag_in.contains("4 (x) x 2 (y)"), qPrintable(diag_in));
        OperatorShape full;
        full.dims = {12};
        const QString stack_in = invalid_argument_message([&] {
            SubsetStack(full, {{a, {0, 1, 2}}, {b, {3, 4, 5, 6, 7, 8, 9, 10, 11}}});
        });
        QVERIFY2(stack_in.contains("5") && stack_in.contains("4 (x) x 2 (y)"),
                 qPrintable(stack_in));
        const auto a2 = std::make_shared<DenseOperator>(in_a, out_a, std::vector<double>(24, 1.0));
        const QString twice = invalid_argument_message([&] {
            SubsetStack(full, {{a, {0, 1, 2}}, {a2, {2, 3, 4}}});
        });
        QVERIFY2(twice.contains("row 2") && twice.contains("subset 0"), qPrintable(twice));
        const QString outside = invalid_argument_message([&] {
            SubsetStack(full, {{a, {0, 1, 12}}});
        });
        QVERIFY2(outside.contains("row 12") && outside.contains("12"), qPrintable(outside));
        const QString count = invalid_argument_message([&] { SubsetStack(full, {{a, {0, 1}}}); });
        QVERIFY2(count.contains("2 rows") && count.contains("gives 3"), qPrintable(count));
        // The call itself: a wrong-sized input names the expected shape.
        std::vector<float> x(7), y(3);
        const QString call =
            invalid_argument_message([&] { OperatorChain({a}).apply(x.data(), 7, y.data(), 3); });
        QVERIFY2(call.contains("4 (x) x 2 (y)"), qPrintable(call));
    }

    void elementwiseHelpers() {
        const std::vector<float> a = {1, 2, 3, 4}, b = {2, 0, -1, 0.5f};
        std::vector<float> out(4);
        elementwise(BinaryOp::Multiply, a.data(), b.data(), out.data(), 4, MemorySpace::Host);
        QCOMPARE(out, (std::vector<float>{2, 0, -3, 2}));
        elementwise(BinaryOp::Add, a.data(), b.data(), out.data(), 4, MemorySpace::Host);
        QCOMPARE(out, (std::vector<float>{3, 2, 2, 4.5f}));
        // Nothing divided by zero or a negative: 0, never inf or NaN.
        elementwise(BinaryOp::Divide, a.data(), b.data(), out.data(), 4, MemorySpace::Host);
        QCOMPARE(out, (std::vector<float>{0.5f, 0, 0, 8}));
        // In place.
        out = a;
        elementwise(BinaryOp::Multiply, out.data(), b.data(), out.data(), 4, MemorySpace::Host);
        QCOMPARE(out, (std::vector<float>{2, 0, -3, 2}));
        std::vector<float> part(2);
        const std::vector<int64_t> rows = {3, 1};
        gather(a.data(), rows.data(), part.data(), 2, MemorySpace::Host);
        QCOMPARE(part, (std::vector<float>{4, 2}));
        std::vector<float> full(4, -1);
        scatter(part.data(), rows.data(), full.data(), 2, MemorySpace::Host);
        QCOMPARE(full, (std::vector<float>{-1, 2, -1, 4}));
        fill(full.data(), 7.0f, 4, MemorySpace::Host);
        QCOMPARE(full, (std::vector<float>(4, 7.0f)));
        // The Poisson log-likelihood from its definition; bins expecting nothing add 0, not NaN.
        const std::vector<float> y = {3, 0, 2, 5}, ybar = {1.5f, 2, 0, 4};
        const double want = (3 * std::log(1.5) - 1.5) + (-2.0) + 0.0 + (5 * std::log(4.0) - 4);
        const double got = poisson_log_likelihood(y.data(), ybar.data(), 4, MemorySpace::Host);
        QVERIFY(std::fabs(got - want) < 1e-6);
    }

    // On device memory the helpers run the same arithmetic (elementwise_math.h) as on the host:
    // identical bits for the element-wise results, the log-likelihood to double rounding; the
    // compositions stage a dense operator and match the host within float rounding.
    void deviceMatchesHost() {
        if (!cuda_unavailable_reason().empty())
            QSKIP(
                qPrintable("no CUDA device: " + QString::fromStdString(cuda_unavailable_reason())));
        std::mt19937 rng(8);
        const int64_t n = 100003;
        const std::vector<float> a = random_vector(n, rng, 0, 2), b = random_vector(n, rng, -1, 2);
        auto up = [&](const std::vector<float>& v) {
            Array<float> d = allocate_values(int64_t(v.size()), MemorySpace::Device);
            copy_values(d.device_data(), MemorySpace::Device, v.data(), MemorySpace::Host,
                        d.size());
            return d;
        };
        auto down = [&](const Array<float>& d) {
            std::vector<float> v(static_cast<std::size_t>(d.size()));
            copy_values(v.data(), MemorySpace::Host, d.device_data(), MemorySpace::Device,
                        d.size());
            return v;
        };
        const Array<float> da = up(a), db = up(b);
        Array<float> dout = allocate_values(n, MemorySpace::Device);
        std::vector<float> host(static_cast<std::size_t>(n));
        for (BinaryOp op : {BinaryOp::Multiply, BinaryOp::Divide, BinaryOp::Add}) {
            elementwise(op, da.device_data(), db.device_data(), dout.device_data(), n,
                        MemorySpace::Device);
            elementwise(op, a.data(), b.data(), host.data(), n, MemorySpace::Host);
            QVERIFY(down(dout) == host);
        }
        const double ll_host = poisson_log_likelihood(a.data(), b.data(), n, MemorySpace::Host);
        const double ll_device =
            poisson_log_likelihood(da.device_data(), db.device_data(), n, MemorySpace::Device);
        QVERIFY(std::fabs(ll_host - ll_device) <= 1e-12 * std::fabs(ll_host));

        // A stack of two subsets of diagonal products, on device memory.
        OperatorShape out;
        out.dims = {3, 4};
        const auto m = random_dense(12, 5, rng);
        std::vector<OperatorSubset> subsets;
        for (const auto& views : interleaved_subsets(4, 2)) {
            const std::vector<int64_t> rows = rows_with_index_along(out, 1, views);
            std::vector<double> part;
            for (const int64_t r : rows)
                part.insert(part.end(), m->values().begin() + r * 5,
                            m->values().begin() + (r + 1) * 5);
            auto dense = std::make_shared<DenseOperator>(int64_t(rows.size()), 5, part);
            auto scaled = std::make_shared<DiagonalProduct>(
                std::make_shared<test::DeviceStagedOperator>(dense),
                random_vector(int64_t(rows.size()), rng, 0, 1), DiagonalSide::Output);
            subsets.push_back({scaled, rows});
        }
        const SubsetStack stack(out, std::move(subsets));
        const std::vector<float> x = random_vector(5, rng), y = random_vector(12, rng);
        const Array<float> dx = up(x), dy = up(y);
        Array<float> dfx = allocate_values(12, MemorySpace::Device),
                     dby = allocate_values(5, MemorySpace::Device);
        stack.apply(dx, dfx);
        stack.apply_adjoint(dy, dby);
        const std::vector<float> fx = forward(stack, x);
        expect_close(down(dfx), std::vector<double>(fx.begin(), fx.end()));
        const std::vector<float> by = backward(stack, y);
        expect_close(down(dby), std::vector<double>(by.begin(), by.end()));
    }

    void deviceMemoryWithoutCudaIsAClearError() {
        if (built_with_cuda()) QSKIP("this build has CUDA: the stand-in is not linked");
        float v = 0;
        const QString m =
            test::thrown_message<Error>([&] { fill(&v, 1.0f, 1, MemorySpace::Device); });
        QVERIFY2(m.contains("no CUDA backend") && m.contains("-DRADON_CUDA=ON"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestOperatorCompositions);
#include "test_operator_compositions.moc"
