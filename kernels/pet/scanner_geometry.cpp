#include "kernels/pet/scanner_geometry.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kernels/core/error.h"

namespace radon::pet {
namespace {

constexpr double kPi = 3.14159265358979323846;

std::string number_text(double v) {
    std::ostringstream out;
    out.precision(10);
    out << v;
    return out.str();
}

// Every check names the scanner, the field, the value and the range it must lie in; NaN fails
// every range.
void check_int(const std::string& scanner, const char* field, long long value, long long lo,
               long long hi, const std::string& why = {}) {
    if (value >= lo && value <= hi) return;
    throw InvalidArgument("scanner '" + scanner + "': " + field + " is " + std::to_string(value) +
                          ", expected an integer in [" + std::to_string(lo) + ", " +
                          std::to_string(hi) + "]" + (why.empty() ? "" : " (" + why + ")"));
}

void check_real(const std::string& scanner, const char* field, double value, double lo, double hi,
                const std::string& why = {}) {
    if (value >= lo && value <= hi) return;
    throw InvalidArgument("scanner '" + scanner + "': " + field + " is " + number_text(value) +
                          ", expected a number in [" + number_text(lo) + ", " + number_text(hi) +
                          "]" + (why.empty() ? "" : " (" + why + ")"));
}

void check_positive(const std::string& scanner, const char* field, double value, double hi) {
    if (value > 0 && value <= hi) return;
    throw InvalidArgument("scanner '" + scanner + "': " + field + " is " + number_text(value) +
                          ", expected a number in (0, " + number_text(hi) + "]");
}

constexpr double kMaxLengthMm = 10000;
constexpr int kMaxCrystalsPerRing = 100000;
constexpr int kMaxRings = 10000;

// The crystals of one ring: `faces` flat faces at equal azimuth steps, face f centred at azimuth
// 2 pi f / faces before the final rotation, each holding crystals at `offsets` (mm along the
// face, in the direction crystal numbers increase) at `face_distance` from the axis. The ring is
// then turned about the axis so that crystal 0 lies at `first_azimuth` (radians), measured from
// the crystal 0 of `reference_distance` (so that DOI layers stay aligned).
std::vector<Crystal> ring_layout(int faces, const std::vector<double>& offsets,
                                 const std::vector<bool>& is_virtual,
                                 const std::vector<int>& block_in_face, double face_distance,
                                 double reference_distance, double first_azimuth) {
    const int blocks_per_face = block_in_face.empty() ? 1 : block_in_face.back() + 1;
    const double turn = first_azimuth - std::atan2(offsets.front(), reference_distance);
    std::vector<Crystal> ring;
    ring.reserve(static_cast<std::size_t>(faces) * offsets.size());
    for (int f = 0; f < faces; ++f) {
        const double alpha = 2 * kPi * f / faces + turn;
        const Vec3 outward{std::cos(alpha), std::sin(alpha), 0};
        const Vec3 along{-std::sin(alpha), std::cos(alpha), 0};
        for (std::size_t j = 0; j < offsets.size(); ++j) {
            Crystal c;
            c.centre = face_distance * outward + offsets[j] * along;
            c.normal = -outward;
            c.transaxial = along;
            c.axial = {0, 0, 1};
            c.is_virtual = is_virtual[j];
            c.module = f;
            c.block = f * blocks_per_face + (block_in_face.empty() ? 0 : block_in_face[j]);
            ring.push_back(c);
        }
    }
    return ring;
}

// Rejects modules wider than the polygon side they sit on (they would overlap their neighbours).
void check_faces_fit(const std::string& scanner, int faces, double face_width, double face_distance,
                     const char* width_fields) {
    const double side = 2 * face_distance * std::tan(kPi / faces);
    if (face_width <= side * (1 + 1e-9)) return;
    throw InvalidArgument("scanner '" + scanner + "': " + std::to_string(faces) +
                          " faces of width " + number_text(face_width) + " mm (" + width_fields +
                          ") overlap: at " + number_text(face_distance) +
                          " mm from the axis each face must be at most " + number_text(side) +
                          " mm wide");
}

// `axial_block`: each ring's axial block, or empty (all 0).
void fill_rings(ScannerGeometry& g, const std::vector<std::vector<Crystal>>& layers,
                const std::vector<int>& axial_block = {}) {
    g.crystals.clear();
    g.crystals.reserve(layers.size() * g.ring_z_mm.size() * layers.front().size());
    for (const auto& layer : layers)
        for (std::size_t r = 0; r < g.ring_z_mm.size(); ++r)
            for (Crystal c : layer) {
                c.centre.z = g.ring_z_mm[r];
                c.axial_block = axial_block.empty() ? 0 : axial_block[r];
                g.crystals.push_back(c);
            }
}

void finish_common(ScannerGeometry& g, int max_ring_difference, int min_angle_difference,
                   const TofBinning& tof) {
    check_int(g.name, "max_ring_difference", max_ring_difference, -1, g.rings - 1,
              "-1 means rings - 1");
    g.max_ring_difference = max_ring_difference < 0 ? g.rings - 1 : max_ring_difference;
    check_int(g.name, "min_angle_difference", min_angle_difference, 1, g.detectors_per_ring / 2,
              "smallest in-ring crystal distance of a LOR");
    g.min_angle_difference = min_angle_difference;
    validate_tof(tof, "scanner '" + g.name + "': tof");
    g.tof = tof;
}

void check_isocentre(const std::string& scanner, Vec3 p) {
    for (int i = 0; i < 3; ++i)
        check_real(scanner,
                   i == 0 ? "isocentre_lps[0]" : (i == 1 ? "isocentre_lps[1]" : "isocentre_lps[2]"),
                   p[i], -1e5, 1e5);
}

std::vector<double> centred_uniform_rings(int rings, double spacing) {
    std::vector<double> z(static_cast<std::size_t>(rings));
    for (int r = 0; r < rings; ++r)
        z[static_cast<std::size_t>(r)] = (r - 0.5 * (rings - 1)) * spacing;
    return z;
}

}  // namespace

void validate_tof(const TofBinning& tof, const std::string& what) {
    auto fail = [&](const char* field, double value, const std::string& range) {
        throw InvalidArgument(what + "." + field + " is " + number_text(value) + ", expected " +
                              range);
    };
    if (!(tof.bins >= 1 && tof.bins <= 10000))
        fail("bins", tof.bins, "an integer in [1, 10000] (1: no TOF)");
    if (!(tof.fwhm_mm >= 0 && tof.fwhm_mm <= kMaxLengthMm))
        fail("fwhm_mm", tof.fwhm_mm, "a number in [0, 10000] mm (0: no TOF)");
    if (tof.bins > 1 && !(tof.fwhm_mm > 0))
        fail("fwhm_mm", tof.fwhm_mm, "a number in (0, 10000] mm when bins > 1");
    if (tof.bins > 1 && !(tof.bin_width_mm > 0 && tof.bin_width_mm <= kMaxLengthMm))
        fail("bin_width_mm", tof.bin_width_mm, "a number in (0, 10000] mm when bins > 1");
    if (!(tof.truncation_sigmas > 0 && tof.truncation_sigmas <= 20))
        fail("truncation_sigmas", tof.truncation_sigmas, "a number in (0, 20]");
    if (!(std::fabs(tof.centre_offset_mm) <= kMaxLengthMm))
        fail("centre_offset_mm", tof.centre_offset_mm, "a number in [-10000, 10000] mm");
}

int nearest_crystal(const ScannerGeometry& g, const Vec3& world_lps, double& distance_mm) {
    distance_mm = 0;
    if (g.crystals.empty() || g.ring_z_mm.empty()) return -1;
    const Vec3 p = world_lps - g.isocentre_lps;
    // Rings are sorted by z: the nearest ring's crystals hold the nearest crystal whenever rings
    // are flat (every crystal of a ring at its z), as generated scanners are; explicit lists
    // whose rings are not flat are searched whole.
    const auto above = std::lower_bound(g.ring_z_mm.begin(), g.ring_z_mm.end(), p.z);
    int ring = static_cast<int>(above - g.ring_z_mm.begin());
    if (ring == g.rings || (ring > 0 && p.z - g.ring_z_mm[static_cast<std::size_t>(ring - 1)] <
                                            g.ring_z_mm[static_cast<std::size_t>(ring)] - p.z))
        --ring;
    bool flat = true;
    for (int i = 0; i < g.detectors_per_ring && flat; ++i)
        flat = g.crystals[static_cast<std::size_t>(g.crystal_id(ring, i))].centre.z ==
               g.ring_z_mm[static_cast<std::size_t>(ring)];
    int best = -1;
    double best_d2 = 0;
    auto consider = [&](int id) {
        const Vec3 d = g.crystals[static_cast<std::size_t>(id)].centre - p;
        const double d2 = dot(d, d);
        if (best < 0 || d2 < best_d2) {
            best = id;
            best_d2 = d2;
        }
    };
    if (flat) {
        for (int layer = 0; layer < g.doi_layers; ++layer)
            for (int i = 0; i < g.detectors_per_ring; ++i)
                consider(g.crystal_id(ring, i, layer));
    } else {
        for (int id = 0; id < g.crystal_count(); ++id)
            consider(id);
    }
    distance_mm = std::sqrt(best_d2);
    return best;
}

ScannerGeometry make_scanner(const RegularPolygonSpec& s) {
    ScannerGeometry g;
    g.name = s.name;
    check_positive(s.name, "inner_radius_mm", s.inner_radius_mm, kMaxLengthMm);
    check_real(s.name, "average_doi_mm", s.average_doi_mm, 0, 1000);
    check_int(s.name, "sides", s.sides, 3, kMaxCrystalsPerRing);
    check_int(s.name, "crystals_per_side", s.crystals_per_side, 1, kMaxCrystalsPerRing / s.sides);
    check_positive(s.name, "crystal_pitch_mm", s.crystal_pitch_mm, 1000);
    check_real(s.name, "first_crystal_azimuth_deg", s.first_crystal_azimuth_deg, -360, 360);
    check_isocentre(s.name, s.isocentre_lps);
    if (s.ring_z_mm.empty()) {
        check_int(s.name, "rings", s.rings, 1, kMaxRings);
        if (s.rings > 1) check_positive(s.name, "ring_spacing_mm", s.ring_spacing_mm, 1000);
        g.ring_z_mm = centred_uniform_rings(s.rings, s.ring_spacing_mm);
    } else {
        check_int(s.name, "ring_z_mm (count)", static_cast<long long>(s.ring_z_mm.size()), 1,
                  kMaxRings);
        for (std::size_t r = 0; r < s.ring_z_mm.size(); ++r) {
            check_real(s.name, "ring_z_mm[]", s.ring_z_mm[r], -kMaxLengthMm, kMaxLengthMm);
            if (r > 0 && !(s.ring_z_mm[r] > s.ring_z_mm[r - 1]))
                throw InvalidArgument("scanner '" + s.name + "': ring_z_mm[" + std::to_string(r) +
                                      "] is " + number_text(s.ring_z_mm[r]) +
                                      ", expected ring positions that increase (ring numbers "
                                      "increase toward superior, +z)");
        }
        g.ring_z_mm = s.ring_z_mm;
    }
    g.rings = static_cast<int>(g.ring_z_mm.size());
    g.detectors_per_ring = s.sides * s.crystals_per_side;
    g.inner_radius_mm = s.inner_radius_mm;
    g.average_doi_mm = s.average_doi_mm;
    g.isocentre_lps = s.isocentre_lps;

    const double face = s.inner_radius_mm + s.average_doi_mm;
    std::vector<double> offsets;
    for (int j = 0; j < s.crystals_per_side; ++j)
        offsets.push_back((j - 0.5 * (s.crystals_per_side - 1)) * s.crystal_pitch_mm);
    check_faces_fit(s.name, s.sides, s.crystals_per_side * s.crystal_pitch_mm, face,
                    "crystals_per_side x crystal_pitch_mm");
    fill_rings(g, {ring_layout(s.sides, offsets, std::vector<bool>(offsets.size(), false), {}, face,
                               face, s.first_crystal_azimuth_deg * kPi / 180)});
    finish_common(g, s.max_ring_difference, s.min_angle_difference, s.tof);
    return g;
}

ScannerGeometry make_scanner(const BlockScannerSpec& s) {
    ScannerGeometry g;
    g.name = s.name;
    check_positive(s.name, "radius_mm", s.radius_mm, kMaxLengthMm);
    check_int(s.name, "detectors_per_ring", s.detectors_per_ring, 3, kMaxCrystalsPerRing);
    check_int(s.name, "rings", s.rings, 1, kMaxRings);
    check_positive(s.name, "crystal_size_transaxial_mm", s.crystal_size_transaxial_mm, 1000);
    check_positive(s.name, "crystal_size_axial_mm", s.crystal_size_axial_mm, 1000);
    check_positive(s.name, "crystal_depth_mm", s.crystal_depth_mm, 1000);
    check_real(s.name, "crystal_pitch_transaxial_mm", s.crystal_pitch_transaxial_mm,
               s.crystal_size_transaxial_mm, 1000, "at least crystal_size_transaxial_mm");
    check_real(s.name, "crystal_pitch_axial_mm", s.crystal_pitch_axial_mm, s.crystal_size_axial_mm,
               1000, "at least crystal_size_axial_mm");
    check_real(s.name, "average_doi_mm", s.average_doi_mm, 0, s.crystal_depth_mm,
               "within the crystal depth");
    check_int(s.name, "crystals_per_block_transaxial", s.crystals_per_block_transaxial, 1,
              s.detectors_per_ring);
    check_int(s.name, "crystals_per_block_axial", s.crystals_per_block_axial, 1, s.rings);
    check_int(s.name, "virtual_crystals_per_block_transaxial",
              s.virtual_crystals_per_block_transaxial, 0, s.crystals_per_block_transaxial - 1);
    check_int(s.name, "blocks_per_module_transaxial", s.blocks_per_module_transaxial, 1,
              s.detectors_per_ring / s.crystals_per_block_transaxial);
    check_int(s.name, "blocks_per_module_axial", s.blocks_per_module_axial, 1,
              s.rings / s.crystals_per_block_axial);
    check_real(s.name, "block_gap_transaxial_mm", s.block_gap_transaxial_mm, 0, 1000);
    check_real(s.name, "block_gap_axial_mm", s.block_gap_axial_mm, 0, 1000);
    check_real(s.name, "module_gap_axial_mm", s.module_gap_axial_mm, 0, 1000);
    check_int(s.name, "doi_layers", s.doi_layers, 1, 16);
    check_real(s.name, "first_crystal_azimuth_deg", s.first_crystal_azimuth_deg, -360, 360);
    check_isocentre(s.name, s.isocentre_lps);

    const int module_crystals = s.crystals_per_block_transaxial * s.blocks_per_module_transaxial;
    if (s.detectors_per_ring % module_crystals != 0)
        throw InvalidArgument("scanner '" + s.name + "': detectors_per_ring is " +
                              std::to_string(s.detectors_per_ring) +
                              ", expected a multiple of crystals_per_block_transaxial x "
                              "blocks_per_module_transaxial = " +
                              std::to_string(module_crystals) + " (whole modules in a ring)");
    const int module_rings = s.crystals_per_block_axial * s.blocks_per_module_axial;
    if (s.rings % module_rings != 0)
        throw InvalidArgument("scanner '" + s.name + "': rings is " + std::to_string(s.rings) +
                              ", expected a multiple of crystals_per_block_axial x "
                              "blocks_per_module_axial = " +
                              std::to_string(module_rings) + " (whole modules along the axis)");
    const int modules = s.detectors_per_ring / module_crystals;
    if (modules < 3)
        throw InvalidArgument("scanner '" + s.name + "': " + std::to_string(modules) +
                              " modules per ring (detectors_per_ring / crystals per module), "
                              "expected at least 3 to enclose the axis");

    g.detectors_per_ring = s.detectors_per_ring;
    g.rings = s.rings;
    g.doi_layers = s.doi_layers;
    g.inner_radius_mm = s.radius_mm;
    g.average_doi_mm = s.doi_layers == 1 ? s.average_doi_mm : 0.5 * s.crystal_depth_mm;
    g.isocentre_lps = s.isocentre_lps;

    // Transaxial offsets of the crystals of one module, from its centre.
    const int c = s.crystals_per_block_transaxial;
    const int k = s.blocks_per_module_transaxial;
    const double p = s.crystal_pitch_transaxial_mm;
    const double block_step = c * p + s.block_gap_transaxial_mm;
    std::vector<double> offsets;
    std::vector<bool> is_virtual;
    std::vector<int> block_in_module;
    for (int b = 0; b < k; ++b)
        for (int j = 0; j < c; ++j) {
            offsets.push_back((b - 0.5 * (k - 1)) * block_step + (j - 0.5 * (c - 1)) * p);
            is_virtual.push_back(j >= c - s.virtual_crystals_per_block_transaxial);
            block_in_module.push_back(b);
        }
    const double reference = s.radius_mm + g.average_doi_mm;
    check_faces_fit(s.name, modules, k * c * p + (k - 1) * s.block_gap_transaxial_mm, reference,
                    "blocks_per_module_transaxial x crystals_per_block_transaxial x "
                    "crystal_pitch_transaxial_mm + block gaps");

    // Axial: the crystal pitch, plus a gap at every block boundary (the module gap where the
    // boundary is also a module boundary).
    g.ring_z_mm.resize(static_cast<std::size_t>(s.rings));
    std::vector<int> axial_block(static_cast<std::size_t>(s.rings));
    for (int r = 0; r < s.rings; ++r) {
        const int block = r / s.crystals_per_block_axial;
        axial_block[static_cast<std::size_t>(r)] = block;
        const int module = r / module_rings;
        g.ring_z_mm[static_cast<std::size_t>(r)] = r * s.crystal_pitch_axial_mm +
                                                   (block - module) * s.block_gap_axial_mm +
                                                   module * s.module_gap_axial_mm;
    }
    const double mid = 0.5 * (g.ring_z_mm.front() + g.ring_z_mm.back());
    for (double& z : g.ring_z_mm)
        z -= mid;

    std::vector<std::vector<Crystal>> layers;
    for (int l = 0; l < s.doi_layers; ++l) {
        const double depth =
            s.doi_layers == 1 ? s.average_doi_mm : (l + 0.5) * s.crystal_depth_mm / s.doi_layers;
        layers.push_back(ring_layout(modules, offsets, is_virtual, block_in_module,
                                     s.radius_mm + depth, reference,
                                     s.first_crystal_azimuth_deg * kPi / 180));
    }
    fill_rings(g, layers, axial_block);
    finish_common(g, s.max_ring_difference, s.min_angle_difference, s.tof);
    return g;
}

ScannerGeometry make_scanner(const ExplicitScannerSpec& s) {
    ScannerGeometry g;
    g.name = s.name;
    check_int(s.name, "detectors_per_ring", s.detectors_per_ring, 3, kMaxCrystalsPerRing);
    check_int(s.name, "rings", s.rings, 1, kMaxRings);
    check_isocentre(s.name, s.isocentre_lps);
    const long long expected = static_cast<long long>(s.detectors_per_ring) * s.rings;
    if (static_cast<long long>(s.centres.size()) != expected)
        throw InvalidArgument(
            "scanner '" + s.name + "': " + std::to_string(s.centres.size()) +
            " crystal centres, expected detectors_per_ring x rings = " + std::to_string(expected));
    if (!s.normals.empty() && s.normals.size() != s.centres.size())
        throw InvalidArgument("scanner '" + s.name + "': " + std::to_string(s.normals.size()) +
                              " normals, expected none or one per crystal (" +
                              std::to_string(s.centres.size()) + ")");
    g.detectors_per_ring = s.detectors_per_ring;
    g.rings = s.rings;
    g.isocentre_lps = s.isocentre_lps;
    g.crystals.resize(s.centres.size());
    double radius_sum = 0;
    for (std::size_t i = 0; i < s.centres.size(); ++i) {
        const Vec3 c = s.centres[i];
        for (int a = 0; a < 3; ++a)
            if (!(std::fabs(c[a]) <= kMaxLengthMm))
                throw InvalidArgument("scanner '" + s.name + "': crystal " + std::to_string(i) +
                                      " centre component " + std::to_string(a) + " is " +
                                      number_text(c[a]) + ", expected a number in [-10000, 10000]");
        const double r = std::hypot(c.x, c.y);
        if (!(r > 0))
            throw InvalidArgument("scanner '" + s.name + "': crystal " + std::to_string(i) +
                                  " lies on the scanner axis, expected a distance > 0 from it");
        Vec3 n = s.normals.empty() ? Vec3{-c.x / r, -c.y / r, 0} : s.normals[i];
        const double len = norm(n);
        if (!(std::fabs(len - 1) <= 1e-3))
            throw InvalidArgument("scanner '" + s.name + "': crystal " + std::to_string(i) +
                                  " normal has length " + number_text(len) +
                                  ", expected a unit vector");
        n = normalized(n);
        Crystal& out = g.crystals[i];
        out.centre = c;
        out.normal = n;
        out.axial = {0, 0, 1};
        out.transaxial = normalized(cross(out.axial, -n));
        out.module = out.block = out.axial_block = -1;
        radius_sum += r;
    }
    // Ring z: the mean z of each ring's crystals.
    g.ring_z_mm.assign(static_cast<std::size_t>(s.rings), 0.0);
    for (int r = 0; r < s.rings; ++r) {
        double z = 0;
        for (int j = 0; j < s.detectors_per_ring; ++j)
            z += s.centres[static_cast<std::size_t>(r * s.detectors_per_ring + j)].z;
        g.ring_z_mm[static_cast<std::size_t>(r)] = z / s.detectors_per_ring;
    }
    g.inner_radius_mm = radius_sum / static_cast<double>(s.centres.size());
    g.average_doi_mm = 0;
    finish_common(g, s.max_ring_difference, s.min_angle_difference, s.tof);
    return g;
}

}  // namespace radon::pet
