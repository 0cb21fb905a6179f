// The PET scanner chooser: presets and files load and are emitted; every edit of the parametric
// description is read back by recon's scanner reader, and emitted when it accepts it, or shown
// against the field its message names when it does not.

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <vector>

#include "recon/pet/scanner_json.h"
#include "tests/common/test_registry.h"
#include "ui/pet/scanner_chooser.h"

using namespace radon;
using radon::ui::ScannerChooser;

namespace {

// Replaces the field's text in one edit, as a paste over the selection does: one textEdited.
void type_into(ScannerChooser& chooser, const QString& field, const QString& text) {
    QLineEdit* edit = chooser.field(field);
    QVERIFY2(edit != nullptr, qPrintable(field));
    edit->selectAll();
    edit->insert(text);
}

}  // namespace

class TestScannerChooser : public QObject {
    Q_OBJECT

  private slots:
    void presets_are_listed_and_emitted() {
        ScannerChooser chooser;
        auto* presets = chooser.findChild<QComboBox*>("scannerPresets");
        QVERIFY(presets != nullptr);
        QCOMPARE(presets->count(), int(recon::scanner_preset_ids().size()));
        QCOMPARE(chooser.description().scanner.name, std::string("Demo"));
        std::vector<recon::ScannerDescription> seen;
        connect(&chooser, &ScannerChooser::scannerChanged,
                [&](const recon::ScannerDescription& d) { seen.push_back(d); });
        chooser.selectPreset("siemens_biograph_vision_600");
        QCOMPARE(int(seen.size()), 1);
        QCOMPARE(seen[0].scanner.crystal_count(), 798 * 80);
        QCOMPARE(presets->currentData().toString(), QString("siemens_biograph_vision_600"));
        // The block model's fields, its TOF and its default sinogram, named as in the file.
        const QStringList names = chooser.fieldNames();
        for (const char* name :
             {"radius_mm", "crystals_per_block_transaxial", "blocks_per_module_transaxial",
              "block_gap_axial_mm", "crystal_pitch_axial_mm", "average_doi_mm", "doi_layers",
              "tof.fwhm_ps", "tof.bins", "default_sinogram.span"})
            QVERIFY2(names.contains(name), name);
        QCOMPARE(chooser.field("rings")->text(), QString("80"));
        QCOMPARE(chooser.field("crystal_pitch_axial_mm")->text(), QString("3.29114"));
    }

    // Each keystroke that leaves a valid description emits it.
    void typing_emits_each_valid_value() {
        ScannerChooser chooser;
        chooser.selectPreset("demo");
        std::vector<double> radii;
        connect(&chooser, &ScannerChooser::scannerChanged, [&](const recon::ScannerDescription& d) {
            radii.push_back(d.scanner.inner_radius_mm);
        });
        chooser.field("inner_radius_mm")->selectAll();
        QTest::keyClicks(chooser.field("inner_radius_mm"), "1605");
        // "1": 16 faces of 48 mm do not fit at 6 mm from the axis; "16" neither; then 160, 1605.
        QCOMPARE(radii, (std::vector<double>{160, 1605}));
    }

    // A valid edit is emitted at once: the description is the reader's for the edited JSON.
    void a_valid_edit_is_emitted() {
        ScannerChooser chooser;
        chooser.selectPreset("demo");
        std::vector<recon::ScannerDescription> seen;
        connect(&chooser, &ScannerChooser::scannerChanged,
                [&](const recon::ScannerDescription& d) { seen.push_back(d); });
        type_into(chooser, "rings", "6");
        QCOMPARE(int(seen.size()), 1);
        const pet::ScannerGeometry& s = seen[0].scanner;
        QCOMPARE(s.rings, 6);
        QCOMPARE(s.crystal_count(), 16 * 4 * 6);
        // Rings 4.2 mm apart, centred on z = 0.
        QVERIFY(std::fabs(s.ring_z_mm.front() + 2.5 * 4.2) < 1e-9);
        QVERIFY(std::fabs(s.ring_z_mm.back() - 2.5 * 4.2) < 1e-9);
        QVERIFY(chooser.invalidField().isEmpty());
        QVERIFY(chooser.errorText().isEmpty());

        type_into(chooser, "inner_radius_mm", "200.5");
        QCOMPARE(int(seen.size()), 2);
        QCOMPARE(seen[1].scanner.rings, 6);  // the earlier edit stays
        QCOMPARE(seen[1].scanner.inner_radius_mm, 200.5);
        QVERIFY(std::fabs(seen[1].scanner.effective_radius_mm() - 205.5) < 1e-12);

        // TOF in ps, converted by the reader to mm along the LOR.
        type_into(chooser, "tof.fwhm_ps", "400");
        QCOMPARE(int(seen.size()), 3);
        QVERIFY(std::fabs(seen[2].scanner.tof.fwhm_mm - 400 * pet::kTofMmPerPs) < 1e-3);
    }

    // A value the reader refuses: nothing is emitted, the field its message names turns red with
    // the message; fixing it emits again and clears it.
    void a_bad_edit_names_its_field_and_is_not_emitted() {
        ScannerChooser chooser;
        chooser.selectPreset("demo");
        int emitted = 0;
        connect(&chooser, &ScannerChooser::scannerChanged, [&] { ++emitted; });
        struct Case {
            const char* field;
            const char* text;
            const char* named;     // the field the message names
            const char* mentions;  // what the message says of it
        };
        const Case cases[] = {
            {"rings", "0", "rings", "rings is 0"},  // make_scanner's range
            {"inner_radius_mm", "abc", "inner_radius_mm",
             "'inner_radius_mm' is \"abc\""},             // not a number (JSON type)
            {"sides", "4.5", "sides", "'sides' is 4.5"},  // not an integer
            {"tof.fwhm_ps", "-5", "tof.fwhm_ps",
             "tof.fwhm_mm is -0.749"},  // checked in mm, named in ps
            {"default_sinogram.span", "2", "default_sinogram.span",
             "span is 2"},  // the sinogram's check
            {"max_ring_difference", "9", "max_ring_difference", "max_ring_difference is 9"},
        };
        for (const Case& c : cases) {
            const QString before = chooser.field(c.field)->text();
            type_into(chooser, c.field, c.text);
            QCOMPARE(emitted, 0);
            QCOMPARE(chooser.invalidField(), QString(c.named));
            QVERIFY2(chooser.errorText().contains(c.mentions), qPrintable(chooser.errorText()));
            QVERIFY(!chooser.field(c.named)->styleSheet().isEmpty());
            QCOMPARE(chooser.field(c.named)->toolTip(), chooser.errorText());
            type_into(chooser, c.field, before);
            QCOMPARE(emitted, 1);
            emitted = 0;
            QVERIFY(chooser.invalidField().isEmpty());
            QVERIFY(chooser.field(c.named)->styleSheet().isEmpty());
        }
        QCOMPARE(chooser.description().scanner.rings, 4);
    }

    // On a block scanner a field that breaks another's constraint names the one the check names.
    void a_block_constraint_names_the_field_checked() {
        ScannerChooser chooser;
        chooser.selectPreset("siemens_biograph_vision_600");
        int emitted = 0;
        connect(&chooser, &ScannerChooser::scannerChanged, [&] { ++emitted; });
        type_into(chooser, "crystals_per_block_transaxial", "22");  // 798 is not a multiple of 22
        QCOMPARE(emitted, 0);
        QCOMPARE(chooser.invalidField(), QString("detectors_per_ring"));
        // 38 blocks of 22 crystals at 3.2908 mm are 72.4 mm wide, wider than the 38-gon's side
        // (69.0 mm at 417 mm from the axis).
        type_into(chooser, "detectors_per_ring", "836");
        QCOMPARE(emitted, 0);
        QVERIFY2(chooser.errorText().contains("overlap"), qPrintable(chooser.errorText()));
        // The message names the product of three fields; the first is marked.
        QCOMPARE(chooser.invalidField(), QString("blocks_per_module_transaxial"));
        // With RADON_SCANNER_SHOTS set to a folder, the chooser is saved there to be looked at.
        const QString folder = qEnvironmentVariable("RADON_SCANNER_SHOTS");
        if (!folder.isEmpty()) {
            chooser.resize(460, 760);
            chooser.grab().save(folder + "/scanner_chooser.png");
        }
        // At 440 mm the 38-gon's side is 2 x 447 x tan(pi / 38) = 74.0 mm: they fit.
        type_into(chooser, "radius_mm", "440");
        QVERIFY2(emitted == 1, qPrintable(chooser.errorText()));
        QCOMPARE(chooser.description().scanner.detectors_per_ring, 836);
        QVERIFY(chooser.invalidField().isEmpty());
    }

    void files_open_or_say_why_not() {
        QTemporaryDir dir;
        const QString good = dir.filePath("mine.json");
        {
            QFile f(good);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(recon::scanner_preset("demo").json.c_str());
        }
        ScannerChooser chooser;
        int emitted = 0;
        connect(&chooser, &ScannerChooser::scannerChanged, [&] { ++emitted; });
        QVERIFY(chooser.openFile(good));
        QCOMPARE(emitted, 1);
        QCOMPARE(QString::fromStdString(chooser.description().origin), good);
        const QString bad = dir.filePath("bad.json");
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"name\": \"x\", \"model\": \"block\"}");
        }
        QVERIFY(!chooser.openFile(bad));
        QCOMPARE(emitted, 1);
        QVERIFY(chooser.errorText().contains(bad));
        QVERIFY(chooser.errorText().contains("radius_mm"));
        QCOMPARE(QString::fromStdString(chooser.description().origin), good);
    }

    void field_named_in_messages() {
        const QStringList names{"rings",
                                "tof.bins",
                                "tof.fwhm_ps",
                                "default_sinogram.span",
                                "max_ring_difference",
                                "default_sinogram.max_ring_difference"};
        using radon::ui::scanner_field_named;
        QCOMPARE(scanner_field_named("preset demo: field 'tof.bins' is 0, expected", "D", names),
                 QString("tof.bins"));
        QCOMPARE(scanner_field_named("x: scanner 'D': tof.fwhm_mm is -1, expected", "D", names),
                 QString("tof.fwhm_ps"));
        QCOMPARE(scanner_field_named(
                     "x: sinogram of scanner 'D': max_ring_difference is 9, expected", "D", names),
                 QString("default_sinogram.max_ring_difference"));
        QCOMPARE(scanner_field_named("x: scanner 'D': max_ring_difference is 9, expected (-1 "
                                     "means rings - 1)",
                                     "D", names),
                 QString("max_ring_difference"));
        QCOMPARE(scanner_field_named("x: 3 faces overlap (see rings)", "D", names),
                 QString("rings"));
        QCOMPARE(scanner_field_named("x: nothing known", "D", names), QString());
    }
};

RADON_TEST_CLASS(TestScannerChooser);
#include "test_scanner_chooser.moc"
