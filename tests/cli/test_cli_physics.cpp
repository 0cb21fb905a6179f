// radon drr's physics options, run as a user runs them: HU models, output kinds, per-label
// channels and subsets, 16-bit PNGs, and one-line refusals of bad values.

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

#include "recon/io/image_io.h"
#include "recon/io/volume_io.h"
#include "tests/cli/cli_runner.h"
#include "tests/common/test_registry.h"

using namespace radon;
using radon::test::kSmallPhantom;
using radon::test::Run;
using radon::test::run_radon;

namespace {

const QStringList kView = {"--height", "24", "--width", "30", "--delx", "7"};

QJsonObject read_json(const QString& path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

// The small phantom's grid (kSmallPhantom: 48^3 voxels of 4 mm, centred) with labels: 0 outside
// a centred box, 2 in its left half, 5 in its right half, 9 in a slab through both.
QString write_labels(const QTemporaryDir& dir, const QString& name, int size = 48) {
    recon::Volume labels = recon::Volume::allocate(centered_grid({size, size, size}, {4, 4, 4}),
                                                   recon::VoxelUnit::Hounsfield);
    for (int64_t i = 0; i < labels.voxels.size(); ++i) {
        const int64_t x = i % size, y = (i / size) % size, z = i / (size * size);
        const bool inside = x >= 8 && x < 40 && y >= 6 && y < 42 && z >= 4 && z < 44;
        float label = inside ? (x < 24 ? 2.0f : 5.0f) : 0.0f;
        if (inside && z >= 20 && z < 26) label = 9.0f;
        labels.voxels[i] = label;
    }
    const QString path = dir.filePath(name);
    recon::write_volume(labels, path.toStdString());
    return path;
}

}  // namespace

class TestCliPhysics : public QObject {
    Q_OBJECT

    static recon::Image2D render(const QTemporaryDir& dir, const QString& name,
                                 const QStringList& extra) {
        const QString path = dir.filePath(name);
        const Run r = run_radon(QStringList{"drr"} + kSmallPhantom + kView + extra +
                                QStringList{"-o", path, "--quiet"});
        if (r.exit_code != 0) qWarning("%s", qPrintable(r.err));
        return recon::read_image(path.toStdString());
    }

  private slots:
    // Transmission, log and inverted images of one view against their formulas applied to its
    // line integrals.
    void outputKindsFollowTheirFormulas() {
        QTemporaryDir dir;
        const recon::Image2D p = render(dir, "p.nrrd", {});
        const recon::Image2D t = render(dir, "t.nrrd", {"--output-kind", "transmission"});
        const recon::Image2D n =
            render(dir, "n.nrrd", {"--output-kind", "transmission", "--i0", "2e4", "--invert"});
        const recon::Image2D l = render(dir, "l.nrrd", {"--output-kind", "log", "--i0", "20"});
        const recon::Image2D m = render(dir, "m.mha", {"--invert"});
        bool saturated = false;
        for (int64_t i = 0; i < p.pixels.size(); ++i) {
            const double line = p.pixels[i];
            QVERIFY(std::fabs(t.pixels[i] - std::exp(-line)) <= 1e-6);
            QVERIFY(std::fabs(n.pixels[i] - 2e4 * (1 - std::exp(-line))) <= 2e4 * 1e-6);
            const double log_image = std::log(20 / std::max(20 * std::exp(-line), 1.0));
            QVERIFY(std::fabs(l.pixels[i] - log_image) <= 1e-5);
            QCOMPARE(m.pixels[i], -p.pixels[i]);
            saturated = saturated || line > std::log(20.0);
        }
        QVERIFY(saturated);  // the view reaches the log image's ceiling somewhere
        const QJsonObject record = read_json(dir.filePath("l.json"));
        QCOMPARE(record["output"].toObject()["kind"].toString(), QString("log"));
        QVERIFY(record["values"].toString().contains("max(I, 1)"));
    }

    // The water-linear model is linear in mu_water: twice the water attenuation, twice every
    // line integral, bit for bit (doubling is exact in binary floating point).
    void muWaterScalesTheDrr() {
        QTemporaryDir dir;
        const recon::Image2D a = render(dir, "a.nrrd", {"--mu-water", "0.015"});
        const recon::Image2D b = render(dir, "b.nrrd", {"--mu-water", "0.03"});
        for (int64_t i = 0; i < a.pixels.size(); ++i)
            QCOMPARE(b.pixels[i], 2 * a.pixels[i]);
    }

    void energiesAndModelsAreRecorded() {
        QTemporaryDir dir;
        render(dir, "w.nrrd", {"--energy", "40"});
        QJsonObject a = read_json(dir.filePath("w.json"))["attenuation"].toObject();
        QCOMPARE(a["model"].toString(), QString("water"));
        QVERIFY(std::fabs(a["water_attenuation_per_mm"].toDouble() - 0.02683) < 1e-8);

        const recon::Image2D bone =
            render(dir, "b.nrrd", {"--attenuation", "bilinear", "--energy", "40"});
        a = read_json(dir.filePath("b.json"))["attenuation"].toObject();
        QCOMPARE(a["model"].toString(), QString("bilinear"));
        QVERIFY(std::fabs(a["bone_attenuation_per_mm"].toDouble() - 0.6655 * 1.92 / 10) < 1e-9);
        QVERIFY(std::fabs(a["bone_anchor_hu"].toDouble() - 1594) < 5);

        render(dir, "d.nrrd", {"--attenuation", "diffdrr", "--bone-multiplier", "2"});
        a = read_json(dir.filePath("d.json"))["attenuation"].toObject();
        QCOMPARE(a["diffdrr_version"].toString(), QString("0.6.1"));
        QCOMPARE(a["bone_attenuation_multiplier"].toDouble(), 2.0);

        // An air threshold above soft tissue leaves only the skull: less than the full DRR
        // everywhere, and zero where rays miss it.
        const recon::Image2D full = render(dir, "f.nrrd", {});
        const recon::Image2D skull = render(dir, "s.nrrd", {"--air-threshold", "500"});
        bool less = false;
        for (int64_t i = 0; i < full.pixels.size(); ++i) {
            QVERIFY(skull.pixels[i] <= full.pixels[i]);
            less = less || skull.pixels[i] < 0.9f * full.pixels[i];
        }
        QVERIFY(less);
        QVERIFY(read_json(dir.filePath("s.json"))["attenuation"]
                    .toObject()["air_threshold_hu"]
                    .toDouble() == 500);
    }

    // One channel per label present; together they make the unlabelled DRR. A subset of one
    // label is that label's channel.
    void labelChannelsAndSubsets() {
        QTemporaryDir dir;
        const QString labels = write_labels(dir, "labels.nii.gz");
        const recon::Image2D whole = render(dir, "whole.nrrd", {});
        const QString stack_path = dir.filePath("channels.nrrd");
        const QString png = dir.filePath("channels.png");
        Run r = run_radon(QStringList{"drr"} + kSmallPhantom + kView +
                          QStringList{"--labels", labels, "--label-channels", "-o", stack_path,
                                      "-o", png, "--png-bits", "16"});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const recon::Image2D stack = recon::read_image_stack(stack_path.toStdString());
        QCOMPARE(stack.channels(), int64_t(4));
        const int64_t plane = stack.width() * stack.height();
        for (int64_t i = 0; i < plane; ++i) {
            double sum = 0;
            for (int64_t c = 0; c < 4; ++c)
                sum += stack.pixels[c * plane + i];
            // Rounding of sums of at most 3 * 144 pieces, see TestLabelDrr.
            QVERIFY(std::fabs(sum - whole.pixels[i]) <= 1e-4 * (1 + whole.pixels[i]));
        }
        const QJsonObject record = read_json(dir.filePath("channels.json"));
        const QJsonArray channel_labels = record["labels"].toObject()["channel_labels"].toArray();
        QCOMPARE(channel_labels.size(), 4);
        QCOMPARE(channel_labels[3].toInt(), 9);
        for (int label : {0, 2, 5, 9}) {
            const QString channel = dir.filePath(QString("channels_label%1.png").arg(label));
            QVERIFY2(QFile::exists(channel), qPrintable(channel));
            QCOMPARE(recon::read_image(channel.toStdString()).width(), stack.width());
        }
        QCOMPARE(record["labels"].toObject()["channel_files"].toArray().size(), 4);

        const recon::Image2D five =
            render(dir, "five.mha", {"--labels", labels, "--label-subset", "5"});
        for (int64_t i = 0; i < plane; ++i)
            QCOMPARE(five.pixels[i], stack.pixels[2 * plane + i]);
        // Channels of a subset, in the order given.
        r = run_radon(QStringList{"drr"} + kSmallPhantom + kView +
                      QStringList{"--labels", labels, "--label-channels", "--label-subset", "9,2",
                                  "-o", dir.filePath("sub.nrrd")});
        QVERIFY2(r.exit_code == 0, qPrintable(r.err));
        const recon::Image2D sub = recon::read_image_stack(dir.filePath("sub.nrrd").toStdString());
        QCOMPARE(sub.channels(), int64_t(2));
        for (int64_t i = 0; i < plane; ++i)
            QCOMPARE(sub.pixels[i], stack.pixels[3 * plane + i]);
    }

    // Each bad value: exit code 2, one line naming the option (or file) and what is accepted,
    // and no output file.
    void badOptions_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        auto row = [](const char* name, const QStringList& args, const QString& message) {
            QTest::newRow(name) << args << message;
        };
        row("unknown model", {"--attenuation", "bone"}, "--attenuation: unknown attenuation model");
        row("energy too low", {"--energy", "10"},
            "--energy: 10 keV is outside the tabulated range");
        row("energy not a number", {"--energy", "high"}, "--energy");
        row("energy with diffdrr", {"--attenuation", "diffdrr", "--energy", "70"},
            "--energy does not apply to --attenuation diffdrr");
        row("mu-water with bilinear", {"--attenuation", "bilinear", "--mu-water", "0.02"},
            "--mu-water applies to --attenuation water only");
        row("mu-water and energy", {"--mu-water", "0.02", "--energy", "70"},
            "give --energy or --mu-water, not both");
        row("mu-water zero", {"--mu-water", "0"}, "--mu-water: 0 /mm");
        row("air threshold", {"--air-threshold", "1e9"}, "--air-threshold");
        row("bone multiplier without diffdrr", {"--bone-multiplier", "2"},
            "--bone-multiplier applies to --attenuation diffdrr only");
        row("bone multiplier negative", {"--attenuation", "diffdrr", "--bone-multiplier", "-1"},
            "--bone-multiplier: -1");
        row("unknown output kind", {"--output-kind", "intensity"},
            "--output-kind: unknown output kind 'intensity': expected line-integral, transmission "
            "or log");
        row("i0 zero", {"--output-kind", "transmission", "--i0", "0"}, "--i0: 0");
        row("i0 with line integral", {"--i0", "100"}, "--i0 applies to --output-kind");
        row("log without i0", {"--output-kind", "log"}, "--i0: 1 counts");
        row("transmission of a mip", {"--output-kind", "transmission", "--mode", "mip"},
            "--output-kind transmission needs --mode sum");
        row("png bits", {"--png-bits", "12"}, "--png-bits: 12, expected 8 or 16");
        row("label channels without labels", {"--label-channels"},
            "--label-channels needs a label map");
        row("labels without use", {"--labels", "@LABELS@"}, "--label-channels");
        row("missing labels", {"--labels", "/no/such/labels.nii", "--label-channels"},
            "--labels: /no/such/labels.nii: no such file");
        row("labels not a volume", {"--labels", "@NOT_VOLUME@", "--label-channels"}, ".txt");
        row("subset not a number", {"--labels", "@LABELS@", "--label-subset", "2,x"},
            "--label-subset");
        row("subset too large", {"--labels", "@LABELS@", "--label-subset", "70000"},
            "--label-subset: 70000 is not a label in [0, 65535]");
        row("subset twice", {"--labels", "@LABELS@", "--label-subset", "2,2"}, "listed twice");
        row("subset absent", {"--labels", "@LABELS@", "--label-subset", "2,7"},
            "label 7 does not occur in the label map (labels present: 0, 2, 5, 9)");
        row("labels on another grid", {"--labels", "@SMALL_LABELS@", "--label-channels"},
            "volume's grid");
    }

    void badOptions() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        QTemporaryDir fixtures;
        const QString labels = write_labels(fixtures, "labels.nrrd");
        const QString small = write_labels(fixtures, "small.nrrd", 40);
        const QString text = fixtures.filePath("labels.txt");
        QFile file(text);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("0 1 2\n");
        file.close();
        for (QString& a : args) {
            a.replace("@LABELS@", labels).replace("@SMALL_LABELS@", small);
            a.replace("@NOT_VOLUME@", text);
        }
        QTemporaryDir dir;
        const Run r =
            run_radon(QStringList{"drr"} + kSmallPhantom + kView + args +
                      QStringList{"-o", dir.filePath("out.png"), "-o", dir.filePath("out.nrrd")});
        QCOMPARE(r.exit_code, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.err.trimmed().count('\n'), 0);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
    }
};

RADON_TEST_CLASS(TestCliPhysics);
#include "test_cli_physics.moc"
