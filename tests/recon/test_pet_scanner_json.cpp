#include <QObject>
#include <QString>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "kernels/core/error.h"
#include "kernels/pet/sinogram_descriptor.h"
#include "recon/pet/scanner_json.h"
#include "recon/pet/scanner_presets_data.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"

using radon::test::invalid_argument_message;

using namespace radon;
using namespace radon::recon;

namespace {

// The published figures (STIR's scanner list, src/buildblock/Scanner.cxx): detectors per ring,
// rings, ring spacing, inner ring radius, average DOI. The presets must reproduce them.
struct Published {
    const char* id;
    int detectors_per_ring;
    int rings;
    double ring_spacing_mm;
    double inner_radius_mm;
    double average_doi_mm;
};

const Published kPublished[] = {
    {"ge_discovery_mi_4ring", 544, 36, 5.52296, 380.5 - 9.4, 9.4},
    {"ge_discovery_mi_5ring", 544, 45, 5.52296, 380.5 - 9.4, 9.4},
    {"siemens_biograph_mct", 672, 55, 4.054, 421.0, 7.0},
    {"siemens_biograph_vision_600", 798, 80, 3.29114, 410.0, 7.0},
    {"ge_signa_pet_mr", 448, 45, 5.56, 311.8, 8.5},
};

// Ring positions are sums of the pitch, so a few ulps of 5 mm times up to 80 rings.
constexpr double kMm = 1e-9;

std::string preset_text(const std::string& id) {
    for (const EmbeddedScannerPreset& p : embedded_scanner_presets())
        if (id == p.id) return p.json;
    return {};
}

// The DMI 4-ring preset with one field changed (or removed when `value` is null).
std::string dmi_with(const std::string& field, const nlohmann::json& value) {
    nlohmann::json j = nlohmann::json::parse(preset_text("ge_discovery_mi_4ring"));
    if (value.is_null())
        j.erase(field);
    else
        j[field] = value;
    return j.dump();
}

QString parse_message(const std::string& text) {
    return invalid_argument_message([&] { parse_scanner_json(text, "dmi.json"); });
}

}  // namespace

class TestPetScannerJson : public QObject {
    Q_OBJECT

  private slots:
    void presets_match_published_numbers() {
        for (const Published& p : kPublished) {
            const ScannerDescription d = scanner_preset(p.id);
            const pet::ScannerGeometry& g = d.scanner;
            const QString label = QString(p.id);
            QCOMPARE(g.detectors_per_ring, p.detectors_per_ring);
            QCOMPARE(g.rings, p.rings);
            QCOMPARE(g.crystal_count(), p.detectors_per_ring * p.rings);
            QVERIFY2(std::fabs(g.inner_radius_mm - p.inner_radius_mm) < kMm, qPrintable(label));
            QVERIFY2(std::fabs(g.average_doi_mm - p.average_doi_mm) < kMm, qPrintable(label));
            for (int r = 1; r < g.rings; ++r)
                QVERIFY2(std::fabs(g.ring_z_mm[static_cast<std::size_t>(r)] -
                                   g.ring_z_mm[static_cast<std::size_t>(r - 1)] -
                                   p.ring_spacing_mm) < kMm,
                         qPrintable(label));
            // Every crystal centre lies on a flat face at the effective radius (inner + DOI).
            for (int i = 0; i < g.detectors_per_ring; ++i) {
                const pet::Crystal& c = g.crystals[static_cast<std::size_t>(i)];
                const double depth = -(c.centre.x * c.normal.x + c.centre.y * c.normal.y);
                QVERIFY2(std::fabs(depth - (p.inner_radius_mm + p.average_doi_mm)) < 1e-6,
                         qPrintable(label));
            }
            // Crystal 0 anterior (-y), crystal N/2 opposite.
            QVERIFY(g.crystals[0].centre.y < 0 && std::fabs(g.crystals[0].centre.x) < 1e-6);
            const pet::Crystal& opposite =
                g.crystals[static_cast<std::size_t>(g.detectors_per_ring / 2)];
            QVERIFY(std::fabs(opposite.centre.x + g.crystals[0].centre.x) < 1e-6 &&
                    std::fabs(opposite.centre.y + g.crystals[0].centre.y) < 1e-6);
            // Every core value names its public source.
            std::set<std::string> sourced;
            for (const auto& s : d.sources)
                sourced.insert(s.first);
            for (const char* field :
                 {"radius_mm", "average_doi_mm", "detectors_per_ring", "rings",
                  "crystal_size_transaxial_mm", "crystal_size_axial_mm", "crystal_depth_mm",
                  "crystal_pitch_transaxial_mm", "crystal_pitch_axial_mm",
                  "crystals_per_block_transaxial", "crystals_per_block_axial", "tof.fwhm_ps",
                  "tof.bin_width_ps", "tof.bins"})
                QVERIFY2(sourced.count(field), qPrintable(label + ": no source for " + field));
        }
    }

    void mct_virtual_crystals_and_vendor_sinogram() {
        const ScannerDescription d = scanner_preset("Siemens Biograph mCT");
        int virtual_count = 0;
        for (int i = 0; i < d.scanner.detectors_per_ring; ++i)
            virtual_count += d.scanner.crystals[static_cast<std::size_t>(i)].is_virtual;
        QCOMPARE(virtual_count, 48);  // one in every 13 + 1
        QVERIFY(d.scanner.crystals[13].is_virtual && !d.scanner.crystals[12].is_virtual);
        // The vendor's span-11 sinogram: 400 radial x 168 views x 621 planes, 13 TOF bins of
        // 312.5 ps = 46.84 mm.
        const pet::SinogramDescriptor s(d.scanner, d.default_sinogram);
        QCOMPARE(s.radial_bins(), 400);
        QCOMPARE(s.views(), 168);
        QCOMPARE(s.planes(), 621);
        QCOMPARE(s.tof_bins(), 13);
        QVERIFY(std::fabs(s.spec().tof.bin_width_mm - 312.5 * 0.299792458 / 2) < 1e-4);
        const pet::SinogramDescriptor dmi(scanner_preset("ge_discovery_mi_4ring").scanner,
                                          scanner_preset("ge_discovery_mi_4ring").default_sinogram);
        QCOMPARE(dmi.radial_bins(), 415);
        QCOMPARE(dmi.views(), 272);
        QCOMPARE(dmi.planes(), 1296);
    }

    void presets_found_by_id_or_name_and_listed() {
        const std::vector<std::string> ids = scanner_preset_ids();
        QCOMPARE(ids.size(), std::size_t(6));
        for (const std::string& id : ids)
            QCOMPARE(scanner_preset(id).origin, "preset " + id);
        QCOMPARE(load_scanner("GE SIGNA PET/MR").scanner.detectors_per_ring, 448);
        QCOMPARE(load_scanner("demo").scanner.detectors_per_ring, 64);
        const QString m = invalid_argument_message([] { scanner_preset("mct"); });
        QVERIFY2(m.contains("unknown scanner preset 'mct'") && m.contains("siemens_biograph_mct") &&
                     m.contains("demo"),
                 qPrintable(m));
    }

    void file_reads_like_its_preset() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("vision.json").toStdString();
        std::ofstream(path) << preset_text("siemens_biograph_vision_600");
        const ScannerDescription d = load_scanner(path);
        QCOMPARE(d.origin, path);
        QCOMPARE(d.scanner.detectors_per_ring, 798);
        QCOMPARE(d.scanner.tof.bins, 39);
        const std::string missing = dir.filePath("none.json").toStdString();
        const QString m = invalid_argument_message([&] { load_scanner(missing); });
        QVERIFY2(m.contains(QString::fromStdString(missing)), qPrintable(m));
    }

    void bad_fields_name_file_field_and_range() {
        QString m = parse_message(dmi_with("rings", nullptr));
        QVERIFY2(m.startsWith("dmi.json: field 'rings' is missing") && m.contains("[1, 10000]"),
                 qPrintable(m));
        m = parse_message(dmi_with("detectors_per_ring", 545));
        QVERIFY2(m.startsWith("dmi.json:") && m.contains("detectors_per_ring is 545") &&
                     m.contains("multiple of"),
                 qPrintable(m));
        m = parse_message(dmi_with("average_doi_mm", 30));
        QVERIFY2(m.startsWith("dmi.json:") && m.contains("average_doi_mm is 30") &&
                     m.contains("[0, 25]"),
                 qPrintable(m));
        m = parse_message(dmi_with("max_ring_difference", 36));
        QVERIFY2(m.contains("max_ring_difference is 36") && m.contains("[-1, 35]"), qPrintable(m));
        m = parse_message(dmi_with("rings", "36"));
        QVERIFY2(m.contains("field 'rings' is \"36\"") && m.contains("integer"), qPrintable(m));
        m = parse_message(dmi_with("ring", 36));
        QVERIFY2(m.contains("unknown field 'ring'"), qPrintable(m));
        m = parse_message(dmi_with("model", "cylinder"));
        QVERIFY2(m.contains("model") && m.contains("regular_polygon"), qPrintable(m));
        m = parse_message(dmi_with("tof", nlohmann::json{{"bins", 0}, {"fwhm_ps", 385}}));
        QVERIFY2(m.startsWith("dmi.json:") && m.contains("tof.bins is 0"), qPrintable(m));
        m = parse_message(
            dmi_with("default_sinogram", nlohmann::json{{"span", 4}, {"radial_bins", 415}}));
        QVERIFY2(m.startsWith("dmi.json:") && m.contains("span is 4") && m.contains("odd"),
                 qPrintable(m));
        m = parse_message("{\"name\": ");
        QVERIFY2(m.startsWith("dmi.json: not valid JSON"), qPrintable(m));
    }

    void yrt_pet_files_are_read() {
        // YRT-PET's documented example, with one DOI layer (two are refused).
        nlohmann::json yrt = {{"VERSION", 3.1},
                              {"scannerName", "myscanner"},
                              {"axialFOV", 250.0},
                              {"crystalSize_z", 1.0},
                              {"crystalSize_trans", 1.0},
                              {"crystalDepth", 8.0},
                              {"scannerRadius", 200.0},
                              {"detsPerRing", 800},
                              {"numRings", 150},
                              {"numDOI", 2},
                              {"maxRingDiff", 50},
                              {"minAngDiff", 230},
                              {"fwhm", 0.2},
                              {"energyLLD", 400},
                              {"collimatorRadius", 167.4}};
        QString m = invalid_argument_message([&] { parse_scanner_json(yrt.dump(), "y.json"); });
        QVERIFY2(m.startsWith("y.json: field 'numDOI' is 2") && m.contains("expected 1"),
                 qPrintable(m));
        yrt["numDOI"] = 1;
        const ScannerDescription d = parse_scanner_json(yrt.dump(), "y.json");
        QCOMPARE(d.scanner.detectors_per_ring, 800);
        QCOMPARE(d.scanner.rings, 150);
        QCOMPARE(d.scanner.max_ring_difference, 50);
        QVERIFY(std::fabs(d.scanner.ring_z_mm[1] - d.scanner.ring_z_mm[0] - 250.0 / 150) < kMm);
        const pet::Crystal& c0 = d.scanner.crystals[0];
        QVERIFY(std::fabs(std::hypot(c0.centre.x, c0.centre.y) - 200) < 1e-6);
        // minAngDiff 230 of 800: radial positions with |t| <= 400 - 230.
        QCOMPARE(pet::SinogramDescriptor(d.scanner, {}).radial_bins(), 2 * 170 + 1);
        yrt["scannerRadius"] = -5;
        m = invalid_argument_message([&] { parse_scanner_json(yrt.dump(), "y.json"); });
        QVERIFY2(
            m.startsWith("y.json: field 'scannerRadius' is -5") && m.contains("[0.001, 10000]"),
            qPrintable(m));
    }

    void yrt_pet_lut_gives_the_crystals() {
        // A LUT written from the demo scanner (YRT-PET's layout: x y z, then the orientation
        // pointing out of the scanner) reads back as the same crystals.
        const pet::ScannerGeometry demo = scanner_preset("demo").scanner;
        QTemporaryDir dir;
        const std::string lut = dir.filePath("demo.lut").toStdString();
        {
            std::ofstream out(lut, std::ios::binary);
            for (const pet::Crystal& c : demo.crystals) {
                const float e[6] = {float(c.centre.x),  float(c.centre.y),  float(c.centre.z),
                                    float(-c.normal.x), float(-c.normal.y), float(-c.normal.z)};
                out.write(reinterpret_cast<const char*>(e), sizeof(e));
            }
        }
        nlohmann::json yrt = {{"VERSION", 3.1},
                              {"scannerName", "demo lut"},
                              {"detCoord", "demo.lut"},
                              {"axialFOV", 16.8},
                              {"crystalSize_z", 4.0},
                              {"crystalSize_trans", 4.0},
                              {"crystalDepth", 10.0},
                              {"scannerRadius", 150.0},
                              {"detsPerRing", 64},
                              {"numRings", 4},
                              {"numDOI", 1},
                              {"maxRingDiff", 3},
                              {"minAngDiff", 2}};
        const std::string path = dir.filePath("demo_yrt.json").toStdString();
        std::ofstream(path) << yrt.dump();
        const ScannerDescription d = load_scanner(path);
        QCOMPARE(d.scanner.crystal_count(), demo.crystal_count());
        for (std::size_t i = 0; i < demo.crystals.size(); ++i) {
            QVERIFY(norm(d.scanner.crystals[i].centre - demo.crystals[i].centre) < 1e-4);
            QVERIFY(norm(d.scanner.crystals[i].normal - demo.crystals[i].normal) < 1e-6);
        }
        yrt["numRings"] = 5;
        std::ofstream(path) << yrt.dump();
        const QString m = invalid_argument_message([&] { load_scanner(path); });
        QVERIFY2(m.contains("demo.lut holds 6144 bytes") && m.contains("= 7680"), qPrintable(m));
    }
};

RADON_TEST_CLASS(TestPetScannerJson);
#include "test_pet_scanner_json.moc"
