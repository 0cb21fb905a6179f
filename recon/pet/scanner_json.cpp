#include "recon/pet/scanner_json.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "kernels/core/error.h"
#include "recon/io/regular_file.h"
#include "recon/pet/scanner_presets_data.h"

namespace radon::recon {
namespace {

using nlohmann::json;

// Reads the fields of one JSON object, remembering which were read so that unknown (misspelt)
// fields can be refused. `where` prefixes field names of nested objects ("tof.").
class Fields {
  public:
    Fields(const json& object, std::string origin, std::string where)
        : object_(object), origin_(std::move(origin)), where_(std::move(where)) {}

    bool has(const char* key) {
        known_.insert(key);
        return object_.contains(key);
    }

    double number(const char* key, const char* expected) {
        const json& v = get(key, expected);
        if (!v.is_number()) wrong(key, v, expected);
        return v.get<double>();
    }
    double number(const char* key, const char* expected, double fallback) {
        return has(key) ? number(key, expected) : fallback;
    }
    int integer(const char* key, const char* expected) {
        const json& v = get(key, expected);
        if (!v.is_number_integer() || v.get<long long>() < -2147483647LL ||
            v.get<long long>() > 2147483647LL)
            wrong(key, v, expected);
        return v.get<int>();
    }
    int integer(const char* key, const char* expected, int fallback) {
        return has(key) ? integer(key, expected) : fallback;
    }
    std::string text(const char* key, const char* expected) {
        const json& v = get(key, expected);
        if (!v.is_string()) wrong(key, v, expected);
        return v.get<std::string>();
    }
    Vec3 vec3(const json& v, const std::string& field) {
        if (!v.is_array() || v.size() != 3 || !v[0].is_number() || !v[1].is_number() ||
            !v[2].is_number())
            throw InvalidArgument(origin_ + ": field '" + where_ + field + "' is " + v.dump() +
                                  ", expected three numbers [x, y, z] (mm)");
        return {v[0].get<double>(), v[1].get<double>(), v[2].get<double>()};
    }
    const json& get(const char* key, const char* expected) {
        known_.insert(key);
        if (!object_.contains(key))
            throw InvalidArgument(origin_ + ": field '" + where_ + key + "' is missing, expected " +
                                  expected);
        return object_.at(key);
    }
    void refuse_unknown() const {
        for (auto it = object_.begin(); it != object_.end(); ++it)
            if (!known_.count(it.key())) {
                std::string list;
                for (const std::string& k : known_)
                    list += (list.empty() ? "" : ", ") + k;
                throw InvalidArgument(origin_ + ": unknown field '" + where_ + it.key() +
                                      "', expected one of: " + list);
            }
    }

  private:
    [[noreturn]] void wrong(const char* key, const json& v, const char* expected) const {
        throw InvalidArgument(origin_ + ": field '" + where_ + key + "' is " + v.dump() +
                              ", expected " + expected);
    }

    const json& object_;
    std::string origin_;
    std::string where_;
    std::set<std::string> known_;
};

const json& object_field(Fields& f, const char* key, const std::string& origin) {
    const json& v = f.get(key, "a JSON object");
    if (!v.is_object())
        throw InvalidArgument(origin + ": field '" + key + "' is " + v.dump() +
                              ", expected a JSON object");
    return v;
}

// TOF in ps, as vendors and papers give it; the kernels take mm along the LOR.
pet::TofBinning read_tof(const json& j, const std::string& origin) {
    if (!j.is_object())
        throw InvalidArgument(origin + ": field 'tof' is " + j.dump() + ", expected a JSON object");
    Fields f(j, origin, "tof.");
    pet::TofBinning tof;
    tof.bins = f.integer("bins", "an integer in [1, 10000] (1: no TOF)");
    tof.bin_width_mm = static_cast<float>(
        f.number("bin_width_ps", "a number of ps in (0, 66700] when bins > 1", 0) *
        pet::kTofMmPerPs);
    tof.fwhm_mm = static_cast<float>(
        f.number("fwhm_ps", "a number of ps in [0, 66700] (0: no TOF)") * pet::kTofMmPerPs);
    tof.truncation_sigmas =
        static_cast<float>(f.number("truncation_sigmas", "a number in (0, 20]", 3));
    tof.centre_offset_mm = static_cast<float>(
        f.number("centre_offset_ps", "a number of ps in [-66700, 66700]", 0) * pet::kTofMmPerPs);
    f.refuse_unknown();
    return tof;
}

pet::SinogramSpec read_sinogram(const json& j, const std::string& origin) {
    if (!j.is_object())
        throw InvalidArgument(origin + ": field 'default_sinogram' is " + j.dump() +
                              ", expected a JSON object");
    Fields f(j, origin, "default_sinogram.");
    pet::SinogramSpec s;
    s.radial_bins = f.integer("radial_bins", "an integer >= 0 (0: all radial positions)", 0);
    s.span = f.integer("span", "an odd integer >= 1", 1);
    s.max_ring_difference =
        f.integer("max_ring_difference", "an integer >= -1 (-1: the scanner's)", -1);
    s.view_mashing = f.integer("view_mashing", "an integer dividing detectors_per_ring / 2", 1);
    if (f.has("axis_order")) s.axis_order = f.text("axis_order", "a permutation of \"RVP\"");
    f.refuse_unknown();
    return s;
}

Vec3 read_isocentre(Fields& f) {
    if (!f.has("isocentre_lps")) return {};
    return f.vec3(f.get("isocentre_lps", "three numbers [x, y, z] (mm)"), "isocentre_lps");
}

pet::ScannerGeometry read_block(Fields& f, const std::string& name, const pet::TofBinning& tof) {
    pet::BlockScannerSpec s;
    s.name = name;
    s.radius_mm = f.number("radius_mm", "a number of mm in (0, 10000]");
    s.average_doi_mm = f.number("average_doi_mm", "a number of mm in [0, crystal_depth_mm]");
    s.detectors_per_ring = f.integer("detectors_per_ring", "an integer in [3, 100000]");
    s.rings = f.integer("rings", "an integer in [1, 10000]");
    s.crystal_size_transaxial_mm =
        f.number("crystal_size_transaxial_mm", "a number of mm in (0, 1000]");
    s.crystal_size_axial_mm = f.number("crystal_size_axial_mm", "a number of mm in (0, 1000]");
    s.crystal_depth_mm = f.number("crystal_depth_mm", "a number of mm in (0, 1000]");
    s.crystal_pitch_transaxial_mm = f.number(
        "crystal_pitch_transaxial_mm", "a number of mm in [crystal_size_transaxial_mm, 1000]");
    s.crystal_pitch_axial_mm =
        f.number("crystal_pitch_axial_mm", "a number of mm in [crystal_size_axial_mm, 1000]");
    s.crystals_per_block_transaxial =
        f.integer("crystals_per_block_transaxial", "an integer in [1, detectors_per_ring]");
    s.crystals_per_block_axial = f.integer("crystals_per_block_axial", "an integer in [1, rings]");
    s.virtual_crystals_per_block_transaxial =
        f.integer("virtual_crystals_per_block_transaxial",
                  "an integer in [0, crystals_per_block_transaxial - 1]", 0);
    s.blocks_per_module_transaxial =
        f.integer("blocks_per_module_transaxial", "an integer >= 1", 1);
    s.blocks_per_module_axial = f.integer("blocks_per_module_axial", "an integer >= 1", 1);
    s.block_gap_transaxial_mm =
        f.number("block_gap_transaxial_mm", "a number of mm in [0, 1000]", 0);
    s.block_gap_axial_mm = f.number("block_gap_axial_mm", "a number of mm in [0, 1000]", 0);
    s.module_gap_axial_mm = f.number("module_gap_axial_mm", "a number of mm in [0, 1000]", 0);
    s.doi_layers = f.integer("doi_layers", "an integer in [1, 16]");
    s.max_ring_difference =
        f.integer("max_ring_difference", "an integer in [-1, rings - 1] (-1: rings - 1)");
    s.min_angle_difference =
        f.integer("min_angle_difference", "an integer in [1, detectors_per_ring / 2]");
    s.first_crystal_azimuth_deg =
        f.number("first_crystal_azimuth_deg", "a number of degrees in [-360, 360]", -90);
    s.isocentre_lps = read_isocentre(f);
    s.tof = tof;
    return pet::make_scanner(s);
}

pet::ScannerGeometry read_polygon(Fields& f, const std::string& name, const pet::TofBinning& tof) {
    pet::RegularPolygonSpec s;
    s.name = name;
    s.inner_radius_mm = f.number("inner_radius_mm", "a number of mm in (0, 10000]");
    s.average_doi_mm = f.number("average_doi_mm", "a number of mm in [0, 1000]");
    s.sides = f.integer("sides", "an integer in [3, 100000]");
    s.crystals_per_side = f.integer("crystals_per_side", "an integer >= 1");
    s.crystal_pitch_mm = f.number("crystal_pitch_mm", "a number of mm in (0, 1000]");
    if (f.has("ring_z_mm")) {
        const json& z = f.get("ring_z_mm", "a list of increasing ring positions (mm)");
        if (!z.is_array() || z.empty())
            throw InvalidArgument("field 'ring_z_mm' is " + z.dump() +
                                  ", expected a list of increasing ring positions (mm)");
        for (const json& v : z) {
            if (!v.is_number())
                throw InvalidArgument("field 'ring_z_mm' holds " + v.dump() +
                                      ", expected numbers (mm)");
            s.ring_z_mm.push_back(v.get<double>());
        }
    } else {
        s.rings = f.integer("rings", "an integer in [1, 10000] (or give ring_z_mm)");
        s.ring_spacing_mm = f.number("ring_spacing_mm", "a number of mm in (0, 1000]");
    }
    s.max_ring_difference =
        f.integer("max_ring_difference", "an integer in [-1, rings - 1] (-1: rings - 1)", -1);
    s.min_angle_difference =
        f.integer("min_angle_difference", "an integer in [1, detectors_per_ring / 2]", 1);
    s.first_crystal_azimuth_deg =
        f.number("first_crystal_azimuth_deg", "a number of degrees in [-360, 360]", -90);
    s.isocentre_lps = read_isocentre(f);
    s.tof = tof;
    return pet::make_scanner(s);
}

pet::ScannerGeometry read_explicit(Fields& f, const std::string& name, const pet::TofBinning& tof) {
    pet::ExplicitScannerSpec s;
    s.name = name;
    s.detectors_per_ring = f.integer("detectors_per_ring", "an integer in [3, 100000]");
    s.rings = f.integer("rings", "an integer in [1, 10000]");
    const json& centres = f.get("crystal_centres_mm", "a list of [x, y, z] (mm), one per crystal");
    if (!centres.is_array())
        throw InvalidArgument(
            "field 'crystal_centres_mm' is not a list, expected a list of "
            "[x, y, z] (mm), one per crystal");
    for (const json& c : centres)
        s.centres.push_back(f.vec3(c, "crystal_centres_mm[]"));
    if (f.has("crystal_normals")) {
        const json& normals = f.get("crystal_normals", "a list of unit [x, y, z]");
        if (!normals.is_array())
            throw InvalidArgument(
                "field 'crystal_normals' is not a list, expected a list of "
                "unit vectors [x, y, z], one per crystal");
        for (const json& n : normals)
            s.normals.push_back(f.vec3(n, "crystal_normals[]"));
    }
    s.max_ring_difference =
        f.integer("max_ring_difference", "an integer in [-1, rings - 1] (-1: rings - 1)", -1);
    s.min_angle_difference =
        f.integer("min_angle_difference", "an integer in [1, detectors_per_ring / 2]", 1);
    s.isocentre_lps = read_isocentre(f);
    s.tof = tof;
    return pet::make_scanner(s);
}

// A YRT-PET scanner file (its documented fields: VERSION, scannerName, detCoord, axialFOV,
// crystalSize_trans, crystalSize_z, crystalDepth, scannerRadius, detsPerRing, numRings, numDOI,
// maxRingDiff, minAngDiff, and the scatter-only collimatorRadius, fwhm, energyLLD). With a LUT
// (detCoord: float32 x y z and an outward unit orientation per element, in-ring index fastest,
// then ring) the crystals are taken from it as they are; without one, `scannerRadius` is taken
// as the radius of the crystal centres on a polygon of detsPerRing / detsPerBlock sides, rings
// axialFOV / numRings apart.
ScannerDescription read_yrt(Fields& f, const std::string& origin) {
    ScannerDescription d;
    d.origin = origin;
    d.model = "yrt-pet";
    f.number("VERSION", "a number (YRT-PET's scanner file version)");
    const std::string name = f.text("scannerName", "the scanner's name (a string)");
    const double axial_fov = f.number("axialFOV", "a number of mm > 0");
    const double size_trans = f.number("crystalSize_trans", "a number of mm in (0, 1000]");
    f.number("crystalSize_z", "a number of mm in (0, 1000]");
    f.number("crystalDepth", "a number of mm in (0, 1000]");
    const double radius = f.number("scannerRadius", "a number of mm in (0, 10000]");
    const int per_ring = f.integer("detsPerRing", "an integer in [3, 100000]");
    const int rings = f.integer("numRings", "an integer in [1, 10000]");
    const int doi = f.integer("numDOI", "1 (sinograms and this reader take one layer)");
    const int mrd = f.integer("maxRingDiff", "an integer in [0, numRings - 1]");
    const int min_ang = f.integer("minAngDiff", "an integer in [1, detsPerRing / 2]");
    const int per_block = f.integer("detsPerBlock", "an integer dividing detsPerRing", 1);
    for (const char* scatter_only : {"collimatorRadius", "fwhm", "energyLLD"})
        if (f.has(scatter_only))
            f.number(scatter_only, "a number (used only in scatter estimation)");
    // Checked under YRT-PET's names, so that the message names the field in the user's file.
    auto in_range = [&](const char* field, double v, double lo, double hi, const char* unit) {
        if (v >= lo && v <= hi) return;
        std::ostringstream msg;
        msg << origin << ": field '" << field << "' is " << v << ", expected " << unit << " in ["
            << lo << ", " << hi << "]";
        throw InvalidArgument(msg.str());
    };
    in_range("scannerRadius", radius, 1e-3, 10000, "a number of mm");
    in_range("axialFOV", axial_fov, 1e-3, 10000, "a number of mm");
    in_range("crystalSize_trans", size_trans, 1e-3, 1000, "a number of mm");
    in_range("detsPerRing", per_ring, 3, 100000, "an integer");
    in_range("numRings", rings, 1, 10000, "an integer");
    in_range("maxRingDiff", mrd, 0, rings - 1, "an integer");
    in_range("minAngDiff", min_ang, 1, per_ring / 2, "an integer");
    if (doi != 1)
        throw InvalidArgument(origin + ": field 'numDOI' is " + std::to_string(doi) +
                              ", expected 1 (DOI layers are not read from YRT-PET files)");
    if (f.has("detCoord")) {
        const std::string lut_name = f.text("detCoord", "the LUT file's path (a string)");
        const auto slash = origin.find_last_of('/');
        const std::string lut =
            (!lut_name.empty() && lut_name[0] == '/') || slash == std::string::npos
                ? lut_name
                : origin.substr(0, slash + 1) + lut_name;
        detail::require_regular_file(lut, origin + ": its LUT " + lut + " ");
        std::ifstream in(lut, std::ios::binary | std::ios::ate);
        if (!in) throw InvalidArgument(origin + ": cannot open its LUT " + lut);
        const long long count = static_cast<long long>(per_ring) * rings;
        const long long bytes = static_cast<long long>(in.tellg());
        if (bytes != count * 6 * 4)
            throw InvalidArgument(origin + ": its LUT " + lut + " holds " + std::to_string(bytes) +
                                  " bytes, expected detsPerRing x "
                                  "numRings x 6 float32 = " +
                                  std::to_string(count * 24));
        std::vector<float> values(static_cast<std::size_t>(count * 6));
        in.seekg(0);
        in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(bytes));
        if (!in) throw InvalidArgument(origin + ": cannot read its LUT " + lut);
        pet::ExplicitScannerSpec s;
        s.name = name;
        s.detectors_per_ring = per_ring;
        s.rings = rings;
        s.max_ring_difference = mrd;
        s.min_angle_difference = min_ang;
        for (long long i = 0; i < count; ++i) {
            const float* e = &values[static_cast<std::size_t>(6 * i)];
            s.centres.push_back({e[0], e[1], e[2]});
            s.normals.push_back({-e[3], -e[4], -e[5]});  // YRT-PET's point outward
        }
        d.scanner = pet::make_scanner(s);
    } else {
        if (per_block < 1 || per_ring % per_block != 0)
            throw InvalidArgument(
                origin + ": field 'detsPerBlock' is " + std::to_string(per_block) +
                ", expected a divisor of detsPerRing (" + std::to_string(per_ring) + ")");
        pet::RegularPolygonSpec s;
        s.name = name;
        s.inner_radius_mm = radius;
        s.average_doi_mm = 0;
        s.sides = per_ring / per_block;
        s.crystals_per_side = per_block;
        s.crystal_pitch_mm = size_trans;
        s.rings = rings;
        s.ring_spacing_mm = axial_fov / rings;
        s.max_ring_difference = mrd;
        s.min_angle_difference = min_ang;
        d.scanner = pet::make_scanner(s);
    }
    f.refuse_unknown();
    d.default_sinogram.max_ring_difference = -1;
    return d;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

ScannerDescription parse(const std::string& text, const std::string& origin) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw InvalidArgument(origin + ": not valid JSON (" + e.what() + ")");
    }
    if (!j.is_object())
        throw InvalidArgument(origin + ": expected a JSON object describing a PET scanner");
    Fields f(j, origin, "");
    if (j.contains("scannerName") && !j.contains("model")) {
        try {
            ScannerDescription d = read_yrt(f, origin);
            d.json = j.dump();
            return d;
        } catch (const InvalidArgument& e) {
            const std::string what = e.what();
            if (what.compare(0, origin.size(), origin) == 0) throw;
            throw InvalidArgument(origin + ": " + what);
        }
    }
    if (f.has("format") && f.text("format", "\"radon-pet-scanner\"") != "radon-pet-scanner")
        throw InvalidArgument(origin + ": field 'format' is " + j.at("format").dump() +
                              ", expected \"radon-pet-scanner\"");
    if (f.has("version") && f.integer("version", "1") != 1)
        throw InvalidArgument(origin + ": field 'version' is " + j.at("version").dump() +
                              ", expected 1");

    ScannerDescription d;
    d.origin = origin;
    d.json = j.dump();
    const std::string name = f.text("name", "the scanner's name (a string)");
    d.model = f.text("model", "\"block\", \"regular_polygon\" or \"explicit\"");
    const pet::TofBinning tof =
        f.has("tof") ? read_tof(f.get("tof", "a JSON object"), origin) : pet::TofBinning{};
    if (f.has("default_sinogram"))
        d.default_sinogram = read_sinogram(f.get("default_sinogram", "a JSON object"), origin);
    if (f.has("sources")) {
        const json& sources = object_field(f, "sources", origin);
        for (auto it = sources.begin(); it != sources.end(); ++it)
            d.sources.emplace_back(it.key(), it->is_string() ? it->get<std::string>() : it->dump());
    }
    if (f.has("disagreements")) {
        const json& list = f.get("disagreements", "a list of strings");
        if (!list.is_array())
            throw InvalidArgument(origin + ": field 'disagreements' is " + list.dump() +
                                  ", expected a list of strings");
        for (const json& s : list)
            d.disagreements.push_back(s.is_string() ? s.get<std::string>() : s.dump());
    }
    try {
        if (d.model == "block")
            d.scanner = read_block(f, name, tof);
        else if (d.model == "regular_polygon")
            d.scanner = read_polygon(f, name, tof);
        else if (d.model == "explicit")
            d.scanner = read_explicit(f, name, tof);
        else
            throw InvalidArgument("field 'model' is \"" + d.model +
                                  "\", expected \"block\", \"regular_polygon\" or \"explicit\"");
        f.refuse_unknown();
        d.default_sinogram.tof = d.scanner.tof;
        // The default sinogram must be one the descriptor accepts.
        pet::SinogramDescriptor check(d.scanner, d.default_sinogram);
    } catch (const InvalidArgument& e) {
        const std::string what = e.what();
        if (what.compare(0, origin.size(), origin) == 0) throw;
        throw InvalidArgument(origin + ": " + what);
    }
    return d;
}

}  // namespace

ScannerDescription parse_scanner_json(const std::string& text, const std::string& origin) {
    return parse(text, origin);
}

ScannerDescription read_scanner_file(const std::string& path) {
    detail::require_regular_file(path, path + ": ");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InvalidArgument(path + ": cannot open the scanner file");
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) throw InvalidArgument(path + ": cannot read the scanner file");
    return parse(text.str(), path);
}

std::vector<std::string> scanner_preset_ids() {
    std::vector<std::string> ids;
    for (const EmbeddedScannerPreset& p : embedded_scanner_presets())
        ids.push_back(p.id);
    return ids;
}

// The embedded preset whose id or name is `id_or_name` (case-insensitive), or null.
static const EmbeddedScannerPreset* find_preset(const std::string& id_or_name) {
    const std::string wanted = lower(id_or_name);
    for (const EmbeddedScannerPreset& p : embedded_scanner_presets()) {
        if (lower(p.id) == wanted) return &p;
        const json j = json::parse(p.json, nullptr, false);
        if (j.is_object() && j.contains("name") && j["name"].is_string() &&
            lower(j["name"].get<std::string>()) == wanted)
            return &p;
    }
    return nullptr;
}

ScannerDescription scanner_preset(const std::string& id_or_name) {
    if (const EmbeddedScannerPreset* p = find_preset(id_or_name))
        return parse(p->json, std::string("preset ") + p->id);
    std::string list;
    for (const std::string& id : scanner_preset_ids())
        list += (list.empty() ? "" : ", ") + id;
    throw InvalidArgument("unknown scanner preset '" + id_or_name + "', expected one of: " + list +
                          " (or the path of a scanner .json file)");
}

ScannerDescription load_scanner(const std::string& preset_or_path) {
    if (find_preset(preset_or_path)) return scanner_preset(preset_or_path);
    if (preset_or_path.find('/') != std::string::npos ||
        lower(preset_or_path).find(".json") != std::string::npos)
        return read_scanner_file(preset_or_path);
    return scanner_preset(preset_or_path);  // throws, listing the presets
}

}  // namespace radon::recon
