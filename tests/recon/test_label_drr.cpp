// Per-label DRRs: the channels of every label add up to the unlabelled DRR, a label subset
// equals the DRR of the volume masked by hand, and label maps that do not fit are refused with
// the file and the problem named.

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <vector>

#include "kernels/drr/drr_renderer.h"
#include "kernels/drr/label_drr.h"
#include "kernels/drr/label_map.h"
#include "kernels/physics/attenuation.h"
#include "recon/io/volume_io.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using namespace radon;
using namespace radon::recon;
using radon::test::invalid_argument_message;

namespace {

// The thorax phantom on a coarse, oblique grid, with a segmentation made from it: 0 outside
// the body, 1 soft tissue, 3 lung, 9 bone, and 500 for a box that cuts across all of them.
struct Scene {
    VolumeGrid grid;
    Array<float> mu;
    LabelMap labels;
};

VolumeGrid scene_grid() {
    VolumeGrid grid = centered_grid({60, 56, 36}, {6.5, 6.5, 9.5});
    grid.direction = rotation_z(deg_to_rad(12)) * rotation_x(deg_to_rad(-7));
    return grid;
}

Scene make_scene() {
    Scene s;
    s.grid = scene_grid();
    const Volume hu = thorax_phantom().voxelize_hu(s.grid);
    s.mu = Array<float>::allocate(hu.voxels.extents());
    convert_hu_to_attenuation(hu.voxels.host_data(), s.mu.host_data(), hu.voxels.size(),
                              kWaterAttenuation60keV);
    Array<uint16_t> labels = Array<uint16_t>::allocate(hu.voxels.extents());
    const int64_t nx = s.grid.size[0], ny = s.grid.size[1];
    for (int64_t i = 0; i < hu.voxels.size(); ++i) {
        const float v = hu.voxels[i];
        const int64_t x = i % nx, y = (i / nx) % ny, z = i / (nx * ny);
        uint16_t label = v < -990 ? 0 : v < -500 ? 3 : v > 300 ? 9 : 1;
        if (x >= 20 && x < 31 && y >= 10 && y < 40 && z >= 5 && z < 22) label = 500;
        labels[i] = label;
    }
    s.labels = make_label_map(s.grid.size, std::move(labels), "scene labels");
    return s;
}

ProjectionGeometry view(double primary, double secondary) {
    CArmPose pose;
    pose.primary_deg = primary;
    pose.secondary_deg = secondary;
    Detector d;
    d.width = 64;
    d.height = 48;
    d.delx = d.dely = 8.0;
    return carm_projection(pose, d, scene_grid().center());
}

std::vector<float> render_whole(const VolumeGrid& grid, const Array<float>& mu,
                                const ProjectionGeometry& g, const DrrSettings& settings) {
    std::vector<float> out(static_cast<std::size_t>(g.width * g.height));
    make_drr_renderer(DeviceKind::Cpu, grid, mu)->render(g, settings, out.data());
    return out;
}

// Float rounding between two renders of the same line integral that split the work
// differently (another box of voxels, another clip). A ray is a sum of at most
// n = 3 (nx + ny + nz) pieces (a slab crosses at most two other cell boundaries), each a float
// length times a float value:
// - recursive float summation of n terms errs by at most n u sum |term| (u = 2^-24), and
//   sum |term| is the line integral p itself (every term >= 0); twice that covers the rounding
//   of each length and product too;
// - the ray's float coordinates differ by rounding between the two grids, which moves each of
//   the at most n cell boundaries on the ray by about an ulp of tau (tau in [0, 1] runs from
//   the source to the pixel), that is u L mm for a ray of length L, handing at most
//   mu_max u L of line integral from one voxel to its neighbour.
// A wrongly masked voxel changes a line integral by up to a voxel's chord times its
// attenuation, about 0.1 here: thousands of times more than this bound.
double rounding_bound(const VolumeGrid& grid, const ProjectionGeometry& g, int64_t pixel,
                      double line_integral, double mu_max) {
    const double n = 3.0 * static_cast<double>(grid.size[0] + grid.size[1] + grid.size[2]);
    const double u = std::ldexp(1.0, -24);
    const double length = norm(
        g.pixel_center(static_cast<double>(pixel % g.width), static_cast<double>(pixel / g.width)) -
        g.source);
    return 2.0 * n * u * line_integral + n * u * length * mu_max;
}

float largest(const Array<float>& v) {
    return *std::max_element(v.host_data(), v.host_data() + v.size());
}

}  // namespace

class TestLabelDrr : public QObject {
    Q_OBJECT

  private slots:
    void labelMapExtents() {
        const Scene s = make_scene();
        std::vector<uint16_t> present;
        for (const LabelExtent& e : s.labels.present)
            present.push_back(e.label);
        QCOMPARE(present, (std::vector<uint16_t>{0, 1, 3, 9, 500}));
        // Every voxel counted once; each label's box is exactly the box of its voxels.
        int64_t total = 0;
        for (const LabelExtent& e : s.labels.present) {
            total += e.voxels;
            std::array<int64_t, 3> lo{1 << 30, 1 << 30, 1 << 30}, hi{-1, -1, -1};
            const int64_t nx = s.grid.size[0], ny = s.grid.size[1];
            for (int64_t i = 0; i < s.labels.labels.size(); ++i) {
                if (s.labels.labels[i] != e.label) continue;
                const int64_t idx[3] = {i % nx, (i / nx) % ny, i / (nx * ny)};
                for (int a = 0; a < 3; ++a) {
                    lo[a] = std::min(lo[a], idx[a]);
                    hi[a] = std::max(hi[a], idx[a]);
                }
            }
            QCOMPARE(e.lo, lo);
            QCOMPARE(e.hi, hi);
        }
        QCOMPARE(total, s.grid.voxel_count());
        const LabelExtent* box = s.labels.find(500);
        QVERIFY(box);
        QCOMPARE(box->lo, (std::array<int64_t, 3>{20, 10, 5}));
        QCOMPARE(box->hi, (std::array<int64_t, 3>{30, 39, 21}));
        QVERIFY(!s.labels.find(2));
    }

    void channelsAddUpToTheUnlabelledDrr() {
        const Scene s = make_scene();
        LabelDrrRenderer renderer(DeviceKind::Cpu, s.grid, s.mu, s.labels);
        const std::vector<uint16_t> labels = all_labels(s.labels);
        const double mu_max = largest(s.mu);
        double worst = 0, highest = 0;
        for (auto [primary, secondary] : {std::pair{0.0, 0.0}, {37.0, -15.0}, {-90.0, 25.0}}) {
            const ProjectionGeometry g = view(primary, secondary);
            const int64_t pixels = g.width * g.height;
            DrrSettings settings;
            const std::vector<float> whole = render_whole(s.grid, s.mu, g, settings);
            std::vector<float> channels(static_cast<std::size_t>(pixels * labels.size()), -1.0f);
            renderer.render_channels(labels, g, settings, channels.data());
            int64_t crossing = 0;
            for (int64_t p = 0; p < pixels; ++p) {
                double sum = 0;
                for (std::size_t c = 0; c < labels.size(); ++c) {
                    const float v = channels[c * pixels + p];
                    QVERIFY(v >= 0.0f);
                    sum += v;
                }
                const double error = std::fabs(sum - whole[p]);
                worst = std::max(worst, error);
                if (!(error <= rounding_bound(s.grid, g, p, whole[p], mu_max))) {
                    QFAIL(qPrintable(QString("view %1/%2 pixel %3: channels add up to %4, the "
                                             "DRR is %5")
                                         .arg(primary)
                                         .arg(secondary)
                                         .arg(p)
                                         .arg(sum, 0, 'g', 9)
                                         .arg(whole[p], 0, 'g', 9)));
                }
                if (whole[p] > 1.0f) ++crossing;
                highest = std::max(highest, static_cast<double>(whole[p]));
            }
            QVERIFY(crossing > pixels / 4);  // the view does see the body
        }
        qInfo("largest difference, channel sum vs DRR: %.3g (line integrals up to %.3g)", worst,
              highest);
    }

    // A subset renders exactly as the whole volume masked by hand to those labels.
    void subsetEqualsTheVolumeMaskedByHand() {
        const Scene s = make_scene();
        LabelDrrRenderer renderer(DeviceKind::Cpu, s.grid, s.mu, s.labels);
        const double mu_max = largest(s.mu);
        double worst = 0;
        for (const std::vector<uint16_t>& subset :
             {std::vector<uint16_t>{9}, std::vector<uint16_t>{3, 500}, std::vector<uint16_t>{0}}) {
            Array<float> masked = Array<float>::allocate(s.mu.extents());
            for (int64_t i = 0; i < s.mu.size(); ++i) {
                const bool keep =
                    std::find(subset.begin(), subset.end(), s.labels.labels[i]) != subset.end();
                masked[i] = keep ? s.mu[i] : 0.0f;
            }
            for (DrrAlgorithm algorithm : {DrrAlgorithm::Siddon, DrrAlgorithm::Trilinear}) {
                DrrSettings settings;
                settings.algorithm = algorithm;
                const ProjectionGeometry g = view(25, 10);
                const std::vector<float> want = render_whole(s.grid, masked, g, settings);
                std::vector<float> got(want.size(), -1.0f);
                renderer.render_subset(subset, g, settings, got.data());
                for (int64_t p = 0; p < static_cast<int64_t>(want.size()); ++p) {
                    const double error = std::fabs(got[p] - want[p]);
                    worst = std::max(worst, error);
                    if (error <= rounding_bound(s.grid, g, p, want[p], mu_max)) continue;
                    QFAIL(qPrintable(QString("%1, pixel %2: %3 vs %4")
                                         .arg(to_string(algorithm))
                                         .arg(p)
                                         .arg(got[p], 0, 'g', 9)
                                         .arg(want[p], 0, 'g', 9)));
                }
            }
        }
        qInfo("largest difference, subset vs hand-masked volume: %.3g", worst);
    }

    // A channel is the subset of its one label, bit for bit; a MIP channel sees only its label.
    void channelIsItsLabelAlone() {
        const Scene s = make_scene();
        LabelDrrRenderer renderer(DeviceKind::Cpu, s.grid, s.mu, s.labels);
        const ProjectionGeometry g = view(-20, 5);
        const int64_t pixels = g.width * g.height;
        DrrSettings settings;
        std::vector<float> channels(static_cast<std::size_t>(2 * pixels));
        renderer.render_channels({500, 3}, g, settings, channels.data());
        std::vector<float> alone(static_cast<std::size_t>(pixels));
        renderer.render_subset({3}, g, settings, alone.data());
        QVERIFY(std::equal(alone.begin(), alone.end(), channels.begin() + pixels));

        settings.reduction = DrrReduction::Max;
        renderer.render_subset({9}, g, settings, alone.data());
        float bone_max = 0;
        for (int64_t i = 0; i < s.mu.size(); ++i)
            if (s.labels.labels[i] == 9) bone_max = std::max(bone_max, s.mu[i]);
        for (float v : alone)
            QVERIFY(v <= bone_max);
        QCOMPARE(*std::max_element(alone.begin(), alone.end()), bone_max);
    }

    void unknownLabelsAreRefused() {
        const Scene s = make_scene();
        LabelDrrRenderer renderer(DeviceKind::Cpu, s.grid, s.mu, s.labels);
        const ProjectionGeometry g = view(0, 0);
        std::vector<float> out(static_cast<std::size_t>(g.width * g.height));
        const QString m = invalid_argument_message([&] {
            renderer.render_subset({3, 4}, g, DrrSettings{}, out.data());
        });
        QVERIFY2(
            m.startsWith("scene labels: label 4 does not occur") && m.contains("0, 1, 3, 9, 500"),
            qPrintable(m));
        QVERIFY(invalid_argument_message([&] {
                    renderer.render_subset({}, g, DrrSettings{}, out.data());
                }).contains("no label"));
    }

    void hugeChannelStacksAreRefused() {
        const QString m =
            invalid_argument_message([] { check_channel_stack_fits(65536, 100000, 100000); });
        QVERIFY2(m.contains("65536 channels") && m.contains("GiB"), qPrintable(m));
        QVERIFY(
            invalid_argument_message([] { check_channel_stack_fits(100, 512, 512); }).isEmpty());
    }

    // Label maps read from files, checked against the volume's grid and values.
    void labelMapFromFile() {
        QTemporaryDir dir;
        const VolumeGrid grid = scene_grid();
        auto write = [&](const VolumeGrid& g, const std::function<float(int64_t)>& value,
                         const std::string& name) {
            Volume v = Volume::allocate(g, VoxelUnit::Hounsfield);
            for (int64_t i = 0; i < v.voxels.size(); ++i)
                v.voxels[i] = value(i);
            const std::string path =
                (std::filesystem::path(dir.path().toStdString()) / name).string();
            write_volume(v, path);
            return path;
        };
        auto check = [&](const std::string& path) {
            return invalid_argument_message([&] {
                const Volume map = read_volume(path);
                make_label_map(grid, map.grid, map.voxels, path);
            });
        };
        auto stripes = [](int64_t i) { return static_cast<float>(i % 7 == 0 ? 12 : 0); };

        // A good one, in a format that stores its geometry as float (NIfTI): accepted.
        const std::string good = write(grid, stripes, "labels.nii.gz");
        QCOMPARE(check(good), QString());
        const Volume read = read_volume(good);
        const LabelMap map = make_label_map(grid, read.grid, read.voxels, good);
        QCOMPARE(map.present.size(), std::size_t(2));
        QCOMPARE(map.present[1].label, uint16_t(12));

        VolumeGrid other = grid;
        other.size[2] = 35;
        QString m = check(write(other, stripes, "short.nrrd"));
        QVERIFY2(m.contains("short.nrrd") && m.contains("60x56x35") && m.contains("60x56x36"),
                 qPrintable(m));

        other = grid;
        other.origin = other.origin + Vec3{0, 0, 9.5};  // one slice off
        m = check(write(other, stripes, "shifted.nrrd"));
        QVERIFY2(m.contains("shifted.nrrd") && m.contains("origin") && m.contains("grid"),
                 qPrintable(m));

        other = grid;
        other.spacing[0] = 6.4;
        m = check(write(other, stripes, "spacing.mha"));
        QVERIFY2(m.contains("spacing.mha") && m.contains("spacing"), qPrintable(m));

        other = grid;
        other.direction = Mat3::identity();
        QVERIFY(check(write(other, stripes, "direction.nrrd")).contains("direction"));

        // Within the tolerance: a hundredth of a voxel off is the same grid.
        other = grid;
        other.origin = other.origin + Vec3{0.01 * 6.5, 0, 0};
        QCOMPARE(check(write(other, stripes, "nearly.nrrd")), QString());

        for (auto [value, name] : {std::pair{2.5f, "fraction.nrrd"},
                                   {-1.0f, "negative.nrrd"},
                                   {70000.0f, "large.nrrd"}}) {
            const float bad = value;
            m = check(write(
                grid, [&](int64_t i) { return i == 1000 ? bad : 3.0f; }, name));
            QVERIFY2(m.contains(name) && m.contains("whole numbers in [0, 65535]") &&
                         m.contains("voxel (40, 16, 0)"),
                     qPrintable(m));
        }
        // Non-finite values never reach a label map (read_volume refuses them first); in
        // memory they are refused like any other non-label.
        Array<float> nan = Array<float>::allocate({grid.size[0], grid.size[1], grid.size[2]});
        std::fill(nan.host_data(), nan.host_data() + nan.size(),
                  std::numeric_limits<float>::quiet_NaN());
        m = invalid_argument_message([&] { make_label_map(grid, grid, nan, "nan labels"); });
        QVERIFY2(m.startsWith("nan labels: ") && m.contains(QString::number(grid.voxel_count())),
                 qPrintable(m));
    }
};

RADON_TEST_CLASS(TestLabelDrr);
#include "test_label_drr.moc"
