#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "kernels/core/error.h"
#include "recon/phantom/ellipsoid_phantom.h"

namespace radon::recon {

namespace {

// Target CT numbers of the tissues, in HU.
constexpr double kAirHu = -1000;
constexpr double kFatHu = -100;
constexpr double kSoftTissueHu = 40;
constexpr double kLungHu = -850;
constexpr double kHeartHu = 45;  // blood and myocardium, a touch above muscle so it shows in CT
constexpr double kBloodHu = 50;
constexpr double kBoneHu = 700;
constexpr double kCanalHu = 20;  // cord and CSF
constexpr double kNoduleHu = 30;

// The phantom adds values, so each structure is written as the tissue it should show and the
// tissue it sits in; its own value is the difference. Keeping the pairs explicit is what keeps
// the sums right when a structure is moved or resized.
class Builder {
  public:
    void add(std::string label, Vec3 center, Vec3 semi_axes, double target_hu, double container_hu,
             Mat3 rotation = Mat3::identity()) {
        Ellipsoid e;
        e.label = std::move(label);
        e.center = center;
        e.semi_axes = semi_axes;
        e.rotation = rotation;
        e.value = (target_hu - container_hu) / 1000.0;
        ellipsoids.push_back(std::move(e));
    }

    std::vector<Ellipsoid> ellipsoids;
};

constexpr int kLevels = 12;  // thoracic vertebrae T1..T12, one rib pair each

// Superior-inferior position of level k (0 = T1): the 12 levels share the 332.5 mm field of view.
double level_z(int k) {
    return 152.5 - 27.5 * k;
}

// A rib pair follows an ellipse in a plane tilted about the left-right axis, so that its front
// lies below its back: that is why a chest radiograph shows the posterior and anterior arc of a
// rib at different heights. The bony part runs from beside the vertebral arch round the side
// to about the mid-clavicular line; the costal cartilage in front is left as soft tissue.
//
// Why a chain of short, overlapping ellipsoids and not a flat ellipsoid minus a smaller one:
// two nested ellipsoids of equal thickness leave a lens-shaped shell, whose faces curve in to
// the centre as a sheet a fraction of a millimetre thick. That sheet would cut through lungs
// and heart and show as rings of bone in CT slices near every rib.
void add_rib_pair(Builder& b, int k) {
    const std::string level = "T" + std::to_string(k + 1);
    // The upper ribs are shorter, following the narrow top of the rib cage.
    const double narrowing = k < 3 ? 0.35 * std::pow((3.0 - k) / 3.0, 2) : 0.0;
    const double a = 140 * (1 - narrowing), bb = 92 * (1 - 0.5 * narrowing);
    const double tilt = deg_to_rad(20);
    const Mat3 plane = rotation_x(tilt);
    // The back of the ellipse, not its centre, sits at the level's vertebra.
    const Vec3 center{0, 5, level_z(k) - bb * std::sin(tilt)};

    constexpr double kHalfLength = 16;  // of one segment, along the rib
    constexpr double kSpacing = 0.85 * kHalfLength;
    constexpr double kHalfWidth = 3.5;   // radial
    constexpr double kHalfHeight = 6.0;  // across the rib's plane
    // With segments this close, a ray across the rib meets on average pi/2 * L / spacing
    // segment-chords of full length; dividing the bone contrast by that keeps the rib's mean
    // line integral that of one solid bar, and keeps its CT numbers within bone (about +400 to
    // +1100 HU where segments overlap).
    const double coverage = kPi / 2 * kHalfLength / kSpacing;
    const double value_hu = kSoftTissueHu + (kBoneHu - kSoftTissueHu) / coverage;

    // The right rib, phi from the back (90 degrees) round the side (180) to the front (270); the
    // left one is its mirror image. Tips: 20 mm from the midline at the back, 55 mm at the front.
    const double phi_back = std::acos(-20.0 / a);
    const double phi_front = 2 * kPi - std::acos(-55.0 / a);
    auto point = [&](double phi) { return Vec3{a * std::cos(phi), bb * std::sin(phi), 0.0}; };
    // Arc length by the trapezoid rule; segments are placed at even arc-length steps.
    constexpr int kSteps = 4000;
    std::vector<double> arc(kSteps + 1, 0.0);
    const double dphi = (phi_front - phi_back) / kSteps;
    for (int i = 1; i <= kSteps; ++i) {
        arc[i] = arc[i - 1] + norm(point(phi_back + i * dphi) - point(phi_back + (i - 1) * dphi));
    }
    const double usable = arc[kSteps] - 2 * kHalfLength;
    const int segments = 1 + static_cast<int>(std::floor(usable / kSpacing));
    const double step = usable / (segments - 1);
    int cursor = 0;
    for (int s = 0; s < segments; ++s) {
        const double target = kHalfLength + s * step;
        while (cursor < kSteps && arc[cursor + 1] < target)
            ++cursor;
        const double frac = (target - arc[cursor]) / (arc[cursor + 1] - arc[cursor]);
        const double phi = phi_back + (cursor + frac) * dphi;
        const Vec3 tangent = normalized({-a * std::sin(phi), bb * std::cos(phi), 0.0});
        const Vec3 outward = normalized({bb * std::cos(phi), a * std::sin(phi), 0.0});
        for (int side = 0; side < 2; ++side) {
            // Mirrored axes; the frame stays right-handed because its third axis is a cross
            // product, and an axis's sign does not change the ellipsoid.
            const double m = side == 0 ? 1.0 : -1.0;
            const Vec3 p = point(phi);
            const Vec3 t{m * tangent.x, tangent.y, 0}, o{m * outward.x, outward.y, 0};
            const Mat3 frame = plane * Mat3::from_columns(t, o, cross(t, o));
            b.add("rib_" + level + (side == 0 ? "_right_" : "_left_") + std::to_string(s + 1),
                  center + plane * Vec3{m * p.x, p.y, 0}, {kHalfLength, kHalfWidth, kHalfHeight},
                  value_hu, kSoftTissueHu, frame);
        }
    }
}

}  // namespace

// A chest in patient LPS mm (x left, y posterior, z superior), centred on the world origin, for a
// 512 x 512 x 133 grid at 0.703125 x 0.703125 x 2.5 mm (360 x 360 x 332.5 mm). Values are
// mu / mu_water. Lungs, heart, aorta and the bones are kept apart from each other (by a
// millimetre or more), so each shows its own CT number; bone adds to bone only where the
// segments of one rib overlap.
EllipsoidPhantom thorax_phantom() {
    Builder b;

    // The trunk is far longer than the field of view, so the grid's first and last slices cut
    // through it almost at full width, as in a chest CT, instead of ending in a cap of air.
    b.add("body", {0, 0, 0}, {165, 115, 600}, kFatHu, kAirHu);
    b.add("soft_tissue", {0, 0, 0}, {155, 105, 590}, kSoftTissueHu, kFatHu);

    // Tilted so that the apices come towards the midline, where they rise through the ring
    // of the first ribs; the left lung more, so that its base makes room for the heart and the
    // cardiac border shows on an AP view.
    b.add("lung_right", {-72, 8, 15}, {48, 62, 125}, kLungHu, kSoftTissueHu,
          rotation_y(deg_to_rad(10)));
    b.add("lung_left", {77, 10, 25}, {40, 57, 114}, kLungHu, kSoftTissueHu,
          rotation_y(deg_to_rad(-16)));

    // Long axis towards the patient's left and front, where the apex of a heart points.
    b.add("heart", {16, -36, -58}, {56, 42, 50}, kHeartHu, kSoftTissueHu,
          rotation_z(deg_to_rad(-30)));
    b.add("aorta_descending", {23, 32, -20}, {10, 10, 130}, kBloodHu, kSoftTissueHu);
    b.add("sternum", {0, -90, 35}, {16, 6, 85}, kBoneHu, kSoftTissueHu);

    for (int k = 0; k < kLevels; ++k) {
        const std::string level = "T" + std::to_string(k + 1);
        const double z = level_z(k);
        b.add("vertebral_body_" + level, {0, 50, z}, {20, 15, 11}, kBoneHu, kSoftTissueHu);
        b.add("vertebral_arch_" + level, {0, 82, z}, {17, 15, 10}, kBoneHu, kSoftTissueHu);
        b.add("spinal_canal_" + level, {0, 76, z}, {7, 7, 8}, kCanalHu, kBoneHu);
    }

    for (int k = 0; k < kLevels; ++k)
        add_rib_pair(b, k);

    // Solid nodules of 8 to 15 mm diameter, well inside the lungs.
    b.add("nodule_right_upper", {-85, -5, 70}, {5, 5, 5}, kNoduleHu, kLungHu);
    b.add("nodule_right_lower", {-70, 30, -45}, {7.5, 7.5, 7.5}, kNoduleHu, kLungHu);
    b.add("nodule_left_upper", {95, 5, 75}, {4, 4, 4}, kNoduleHu, kLungHu);
    b.add("nodule_left_lower", {85, 40, -25}, {6, 6, 6}, kNoduleHu, kLungHu);

    return EllipsoidPhantom("thorax", std::move(b.ellipsoids));
}

std::array<int64_t, 3> default_thorax_size() {
    return {512, 512, 133};
}
Vec3 default_thorax_spacing() {
    return {0.703125, 0.703125, 2.5};
}

EllipsoidPhantom builtin_phantom(const std::string& name, const VolumeGrid& grid) {
    if (name == "thorax") return thorax_phantom();
    if (name == "shepp-logan") {
        return shepp_logan_phantom({0.5 * grid.size[0] * grid.spacing.x,
                                    0.5 * grid.size[1] * grid.spacing.y,
                                    0.5 * grid.size[2] * grid.spacing.z});
    }
    throw InvalidArgument("unknown phantom '" + name + "': expected thorax or shepp-logan");
}

VolumeGrid builtin_phantom_grid(const std::string& name,
                                const std::optional<std::array<int64_t, 3>>& size,
                                const std::optional<Vec3>& spacing) {
    builtin_phantom(name, centered_grid({1, 1, 1}, {1, 1, 1}));  // refuses an unknown name
    const bool thorax = name == "thorax";
    return centered_grid(
        size.value_or(thorax ? default_thorax_size() : std::array<int64_t, 3>{256, 256, 256}),
        spacing.value_or(thorax ? default_thorax_spacing() : Vec3{1, 1, 1}));
}

}  // namespace radon::recon
