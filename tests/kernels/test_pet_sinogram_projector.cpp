// The sinogram projector: the descriptor's LORs through the PET projectors, whole or by OSEM
// subsets of views, and a point source seen end to end (image -> sinogram bin and TOF bin).

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/pet/scanner_geometry.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "kernels/pet/sinogram_projector.h"
#include "tests/common/test_registry.h"

using namespace radon;
using namespace radon::pet;

namespace {

// 64 crystals per ring on a 16-sided polygon, 4 rings: small enough for every bin to be checked.
ScannerGeometry small_scanner() {
    RegularPolygonSpec s;
    s.inner_radius_mm = 150;
    s.average_doi_mm = 5;
    s.sides = 16;
    s.crystals_per_side = 4;
    s.crystal_pitch_mm = 12;
    s.rings = 4;
    s.ring_spacing_mm = 4.2;
    return make_scanner(s);
}

LorProjectorConfig config_for(int n, double voxel_mm, int nz, double voxel_z_mm) {
    LorProjectorConfig c;
    c.grid.dims[0] = c.grid.dims[1] = n;
    c.grid.dims[2] = nz;
    c.grid.voxel_mm[0] = c.grid.voxel_mm[1] = static_cast<float>(voxel_mm);
    c.grid.voxel_mm[2] = static_cast<float>(voxel_z_mm);
    c.grid.origin_mm[0] = c.grid.origin_mm[1] = static_cast<float>(-0.5 * (n - 1) * voxel_mm);
    c.grid.origin_mm[2] = static_cast<float>(-0.5 * (nz - 1) * voxel_z_mm);
    c.cpu.threads = 2;
    return c;
}

std::vector<float> random_values(int64_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (float& x : v)
        x = u(rng);
    return v;
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += double(a[i]) * b[i];
    return s;
}

SinogramSpec tof_spec(const char* order) {
    SinogramSpec spec;
    spec.axis_order = order;
    spec.tof.bins = 9;
    spec.tof.bin_width_mm = 25;
    spec.tof.fwhm_mm = 40;
    spec.tof.truncation_sigmas = 3;
    return spec;
}

}  // namespace

class TestPetSinogramProjector : public QObject {
    Q_OBJECT

  private slots:
    // OSEM's subsets: each subset's projector computes the same numbers the whole sinogram's
    // does for those views (same LORs, same per-LOR code), wherever the view axis sits.
    void subsets_hold_the_whole_sinograms_values() {
        const ScannerGeometry scanner = small_scanner();
        for (const char* order : {"RVP", "VPR", "PRV", "RVPT"}) {
            const SinogramSpec spec =
                std::string(order).back() == 'T' ? tof_spec(order) : SinogramSpec{};
            SinogramSpec s = spec;
            s.axis_order = order;
            const SinogramDescriptor sinogram(scanner, s);
            const LorProjectorConfig config = config_for(24, 9.0, 4, 4.2);
            const auto whole = make_sinogram_projector(sinogram, config);
            const auto stack = make_view_subsets(sinogram, config, 4);
            QCOMPARE(stack->subset_count(), 4);
            QVERIFY(stack->covers_all_rows());
            QCOMPARE(whole->out_shape().size(), sinogram.bins());
            const std::vector<float> image = random_values(config.grid.voxels(), 7);
            std::vector<float> y_whole(static_cast<std::size_t>(sinogram.bins()));
            std::vector<float> y_stack(y_whole.size());
            whole->apply(image.data(), int64_t(image.size()), y_whole.data(),
                         int64_t(y_whole.size()));
            stack->apply(image.data(), int64_t(image.size()), y_stack.data(),
                         int64_t(y_stack.size()));
            QVERIFY2(y_whole == y_stack, order);
            double total = 0;
            for (const float v : y_whole)
                total += v;
            QVERIFY(total > 0);

            // The adjoints agree to float rounding (the sums run in another order).
            const std::vector<float> y = random_values(sinogram.bins(), 11);
            std::vector<float> x_whole(image.size()), x_stack(image.size());
            whole->apply_adjoint(y.data(), int64_t(y.size()), x_whole.data(),
                                 int64_t(x_whole.size()));
            stack->apply_adjoint(y.data(), int64_t(y.size()), x_stack.data(),
                                 int64_t(x_stack.size()));
            double worst = 0, largest = 0;
            for (std::size_t i = 0; i < x_whole.size(); ++i) {
                worst = std::max(worst, double(std::fabs(x_whole[i] - x_stack[i])));
                largest = std::max(largest, double(std::fabs(x_whole[i])));
            }
            QVERIFY2(worst <= 1e-5 * largest, order);
            // And the stack is the adjoint of itself: <A x, y> = <x, A^T y>.
            const double lhs = dot(y_stack, y), rhs = dot(image, x_stack);
            QVERIFY2(std::fabs(lhs - rhs) <= 1e-5 * std::fabs(lhs), order);
        }
    }

    // A point source off centre, end to end: the bin whose LOR passes nearest the point gets
    // counts, every bin with counts has its LOR within Joseph's reach of the point (the
    // interpolation spreads a voxel over its neighbours: at most one voxel step along each axis
    // across the LOR), and along the nearest LOR the TOF bin with the most counts is the one the
    // descriptor predicts for the point (positive bins toward p2).
    void point_source_lands_in_the_predicted_bin_and_tof_bin() {
        const ScannerGeometry scanner = small_scanner();
        const SinogramDescriptor sinogram(scanner, tof_spec("RVPT"));
        const double voxel = 3.0, voxel_z = 4.2;
        const LorProjectorConfig config = config_for(61, voxel, 4, voxel_z);
        const auto projector = make_sinogram_projector(sinogram, config);
        std::vector<float> image(static_cast<std::size_t>(config.grid.voxels()), 0.0f);
        const int i = 45, j = 18, k = 1;  // (+42, -36, -2.1) mm: left, anterior, inferior half
        image[static_cast<std::size_t>(i + 61 * (j + 61 * k))] = 1.0f;
        const Vec3 point{config.grid.origin_mm[0] + i * voxel, config.grid.origin_mm[1] + j * voxel,
                         config.grid.origin_mm[2] + k * voxel_z};
        std::vector<float> y(static_cast<std::size_t>(sinogram.bins()));
        projector->apply(image.data(), int64_t(image.size()), y.data(), int64_t(y.size()));

        const int tof_bins = sinogram.tof_bins();
        auto lor_sum = [&](int64_t lor) {
            double sum = 0;
            for (int t = 0; t < tof_bins; ++t)
                sum += y[static_cast<std::size_t>(lor * tof_bins + t)];
            return sum;
        };
        auto distance = [&](int64_t lor) {
            Vec3 a, b;
            sinogram.lor_endpoints(sinogram.bin_at(lor * tof_bins), a, b);
            const Vec3 d = normalized(b - a);
            const Vec3 w = point - a;
            return norm(w - dot(w, d) * d);
        };
        const double reach = std::sqrt(2 * voxel * voxel + voxel_z * voxel_z);
        int64_t nearest = 0;
        int with_counts = 0;
        for (int64_t lor = 0; lor < sinogram.spatial_bins(); ++lor) {
            const double dist = distance(lor);
            if (dist < distance(nearest)) nearest = lor;
            if (lor_sum(lor) > 0) {
                ++with_counts;
                QVERIFY2(dist < reach,
                         qPrintable(
                             QString("LOR %1 has counts %2 mm from the point").arg(lor).arg(dist)));
            }
        }
        QVERIFY(with_counts > 0);
        QVERIFY(lor_sum(nearest) > 0);
        QVERIFY(distance(nearest) < voxel);

        const SinogramBin bin = sinogram.bin_at(nearest * tof_bins);
        Vec3 p1, p2;
        sinogram.lor_endpoints(bin, p1, p2);
        int best_tof = 0;
        for (int t = 1; t < tof_bins; ++t)
            if (y[static_cast<std::size_t>(nearest * tof_bins + t)] >
                y[static_cast<std::size_t>(nearest * tof_bins + best_tof)])
                best_tof = t;
        QCOMPARE(best_tof, sinogram.tof_bin_of_point(p1, p2, point));
        // The point is not at the LOR's middle: the peak is off the centre bin, on its side.
        const double s = dot(point - 0.5 * (p1 + p2), normalized(p2 - p1));
        QVERIFY(std::fabs(s) > sinogram.spec().tof.bin_width_mm);
        QCOMPARE(best_tof > (tof_bins - 1) / 2, s > 0);
    }

    // Attenuation depends on the LOR alone: every TOF bin of a LOR gets the non-TOF sinogram's
    // factor, exp(-mu x chord); through the centre of a uniform block the chord is its width.
    void attenuation_factors_repeat_over_tof_bins() {
        const SinogramDescriptor tof(small_scanner(), tof_spec("RVPT"));
        const SinogramDescriptor plain = tof.without_tof();
        QVERIFY(!plain.has_tof_axis());
        QCOMPARE(plain.spatial_bins(), tof.spatial_bins());
        const LorProjectorConfig config = config_for(20, 5.0, 4, 4.2);  // a 100 mm block
        const std::vector<float> mu(static_cast<std::size_t>(config.grid.voxels()), 0.0096f);
        const std::vector<float> with_tof = sinogram_attenuation_factors(tof, config, mu);
        const std::vector<float> without = sinogram_attenuation_factors(plain, config, mu);
        QCOMPARE(int64_t(with_tof.size()), tof.bins());
        QCOMPARE(int64_t(without.size()), plain.bins());
        for (int64_t lor = 0; lor < plain.spatial_bins(); ++lor)
            for (int t = 0; t < tof.tof_bins(); ++t)
                QCOMPARE(with_tof[static_cast<std::size_t>(lor * tof.tof_bins() + t)],
                         without[static_cast<std::size_t>(lor)]);
        // The centre bin of view 0 in the first plane (ring 0 to ring 0) crosses the block along y.
        SinogramBin centre;
        centre.radial = -plain.min_tangential();
        const float factor = without[static_cast<std::size_t>(plain.offset(centre))];
        QVERIFY2(std::fabs(factor - std::exp(-0.0096f * 100.0f)) < 2e-3f,
                 qPrintable(QString::number(factor)));
    }

    void a_tof_axis_that_is_not_fastest_is_refused() {
        const SinogramDescriptor sinogram(small_scanner(), tof_spec("TRVP"));
        try {
            make_sinogram_projector(sinogram, config_for(8, 10.0, 2, 4.2));
            QFAIL("expected InvalidArgument");
        } catch (const InvalidArgument& e) {
            QVERIFY2(std::string(e.what()).find("ending in T") != std::string::npos, e.what());
        }
    }
};

RADON_TEST_CLASS(TestPetSinogramProjector);

#include "test_pet_sinogram_projector.moc"
