#include "ui/pet/scanner_chooser.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QVBoxLayout>

#include <cmath>
#include <exception>
#include <utility>
#include <vector>

namespace radon::ui {
namespace {

// The order fields are shown in (the block and polygon models' own, then TOF and the default
// sinogram); fields not listed follow in alphabetical order.
const char* const kFieldOrder[] = {"radius_mm",
                                   "inner_radius_mm",
                                   "average_doi_mm",
                                   "detectors_per_ring",
                                   "sides",
                                   "crystals_per_side",
                                   "crystal_pitch_mm",
                                   "rings",
                                   "ring_spacing_mm",
                                   "crystal_size_transaxial_mm",
                                   "crystal_size_axial_mm",
                                   "crystal_depth_mm",
                                   "crystal_pitch_transaxial_mm",
                                   "crystal_pitch_axial_mm",
                                   "crystals_per_block_transaxial",
                                   "crystals_per_block_axial",
                                   "virtual_crystals_per_block_transaxial",
                                   "blocks_per_module_transaxial",
                                   "blocks_per_module_axial",
                                   "block_gap_transaxial_mm",
                                   "block_gap_axial_mm",
                                   "module_gap_axial_mm",
                                   "doi_layers",
                                   "max_ring_difference",
                                   "min_angle_difference",
                                   "first_crystal_azimuth_deg",
                                   "tof.bins",
                                   "tof.bin_width_ps",
                                   "tof.fwhm_ps",
                                   "tof.truncation_sigmas",
                                   "tof.centre_offset_ps",
                                   "default_sinogram.radial_bins",
                                   "default_sinogram.span",
                                   "default_sinogram.max_ring_difference",
                                   "default_sinogram.view_mashing"};

// What a field means, for its tooltip.
QString field_help(const QString& name) {
    static const std::pair<const char*, const char*> kHelp[] = {
        {"name", "the scanner's name"},
        {"radius_mm", "inner radius: axis to the modules' front faces (mm)"},
        {"inner_radius_mm", "axis to the polygon's faces (mm)"},
        {"average_doi_mm", "front face to where crystal centres are placed (mm)"},
        {"detectors_per_ring", "crystals per ring, virtual ones included"},
        {"sides", "faces of the polygon"},
        {"crystals_per_side", "crystals on each face"},
        {"crystal_pitch_mm", "centre to centre along a face (mm)"},
        {"rings", "rings of crystals"},
        {"ring_spacing_mm", "ring centre to ring centre (mm)"},
        {"crystal_size_transaxial_mm", "crystal width (mm)"},
        {"crystal_size_axial_mm", "crystal length along the axis (mm)"},
        {"crystal_depth_mm", "crystal depth (mm)"},
        {"crystal_pitch_transaxial_mm", "centre to centre within a block (mm)"},
        {"crystal_pitch_axial_mm", "ring to ring within a block (mm)"},
        {"crystals_per_block_transaxial", "crystal positions per block, virtual ones included"},
        {"crystals_per_block_axial", "rings per block"},
        {"virtual_crystals_per_block_transaxial", "gaps counted as crystals (the last of a block)"},
        {"blocks_per_module_transaxial", "blocks on one flat module"},
        {"blocks_per_module_axial", "blocks of a module along the axis"},
        {"block_gap_transaxial_mm", "gap between blocks of a module (mm)"},
        {"block_gap_axial_mm", "gap between axial blocks (mm)"},
        {"module_gap_axial_mm", "gap between axial modules (mm)"},
        {"doi_layers", "depth-of-interaction layers"},
        {"max_ring_difference", "largest ring difference of a LOR (-1: rings - 1)"},
        {"min_angle_difference", "smallest in-ring crystal distance of a LOR"},
        {"first_crystal_azimuth_deg", "azimuth of crystal 0 (-90: anterior)"},
        {"tof.bins", "TOF bins (1: no TOF)"},
        {"tof.bin_width_ps", "TOF bin width (ps)"},
        {"tof.fwhm_ps", "timing resolution, FWHM (ps; 0: no TOF)"},
        {"tof.truncation_sigmas", "the TOF kernel is cut this many sigmas out"},
        {"tof.centre_offset_ps", "shift of every TOF bin centre (ps)"},
        {"default_sinogram.radial_bins", "radial bins (0: all radial positions)"},
        {"default_sinogram.span", "axial compression (odd)"},
        {"default_sinogram.max_ring_difference", "largest ring difference kept (-1: scanner's)"},
        {"default_sinogram.view_mashing", "views added together"},
    };
    for (const auto& [key, help] : kHelp)
        if (name == QLatin1String(key)) return QString::fromUtf8(help);
    return name;
}

QJsonValue value_at(const QJsonObject& json, const QString& name) {
    const int dot = name.indexOf('.');
    if (dot < 0) return json.value(name);
    return json.value(name.left(dot)).toObject().value(name.mid(dot + 1));
}

void set_value_at(QJsonObject& json, const QString& name, const QJsonValue& value) {
    const int dot = name.indexOf('.');
    if (dot < 0) {
        json.insert(name, value);
        return;
    }
    QJsonObject sub = json.value(name.left(dot)).toObject();
    sub.insert(name.mid(dot + 1), value);
    json.insert(name.left(dot), sub);
}

QString text_of(const QJsonValue& v) {
    if (v.isString()) return v.toString();
    const double d = v.toDouble();
    if (std::floor(d) == d && std::fabs(d) < 1e15) return QString::number(v.toInteger());
    return QString::number(d, 'g', 12);
}

// What the user typed, as JSON: an integer, else a number, else the text itself, which the reader
// then refuses naming the field and what it expects.
QJsonValue value_of(const QString& text) {
    const QString t = text.trimmed();
    bool ok = false;
    const qint64 i = t.toLongLong(&ok);
    if (ok) return QJsonValue(i);
    const double d = t.toDouble(&ok);
    if (ok && std::isfinite(d)) return QJsonValue(d);
    return QJsonValue(t);
}

constexpr const char* kInvalidStyle = "QLineEdit { background-color: #f2b8b5; color: #1a1a1a; }";

}  // namespace

QString scanner_field_named(const QString& message, const QString& scanner_name,
                            const QStringList& names) {
    // "field 'x'": the file's own name for it.
    const QRegularExpression quoted("field '([^']+)'");
    const QRegularExpressionMatch m = quoted.match(message);
    if (m.hasMatch()) {
        QString field = m.captured(1);
        field = field.left(field.indexOf('['));  // "isocentre_lps[0]" -> "isocentre_lps"
        if (names.contains(field)) return field;
    }
    // "<field> is <value>" after the scanner's (or its default sinogram's) prefix.
    auto field_after = [&](const QString& prefix) -> QString {
        const int at = message.indexOf(prefix);
        if (at < 0) return {};
        const QString rest = message.mid(at + prefix.size());
        const int is = rest.indexOf(" is ");
        return is < 0 ? QString() : rest.left(is);
    };
    const QString sinogram = field_after("sinogram of scanner '" + scanner_name + "': ");
    if (!sinogram.isEmpty()) {
        if (names.contains("default_sinogram." + sinogram)) return "default_sinogram." + sinogram;
    } else {
        QString field = field_after("scanner '" + scanner_name + "': ");
        // The scanner checks TOF in mm along the LOR; the file gives it in ps.
        if (field.startsWith("tof.") && field.endsWith("_mm")) field = field.chopped(3) + "_ps";
        if (names.contains(field)) return field;
    }
    // Else the field mentioned first (by its full name or, for nested ones, its last part).
    QString best;
    qsizetype best_at = -1;
    for (const QString& name : names) {
        for (const QString& form : {name, name.mid(name.lastIndexOf('.') + 1)}) {
            const QRegularExpression token("(?<![A-Za-z0-9_.])" + QRegularExpression::escape(form) +
                                           "(?![A-Za-z0-9_])");
            const QRegularExpressionMatch hit = token.match(message);
            if (hit.hasMatch() && (best_at < 0 || hit.capturedStart() < best_at)) {
                best = name;
                best_at = hit.capturedStart();
            }
        }
    }
    return best;
}

struct ScannerChooser::Impl {
    QComboBox* presets = nullptr;
    QLabel* origin = nullptr;
    QScrollArea* scroll = nullptr;
    QLabel* error = nullptr;
    recon::ScannerDescription description;
    std::string base_origin;
    QJsonObject json;  // the description being edited
    std::vector<std::pair<QString, QLineEdit*>> fields;
    QString invalid;
};

ScannerChooser::ScannerChooser(QWidget* parent) : QWidget(parent), impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    setObjectName("scannerChooser");
    d.presets = new QComboBox(this);
    d.presets->setObjectName("scannerPresets");
    for (const std::string& id : recon::scanner_preset_ids()) {
        QString label = QString::fromStdString(id);
        try {
            label = QString::fromStdString(recon::scanner_preset(id).scanner.name);
        } catch (const std::exception&) {
            // A preset that does not read is listed by its id; choosing it shows why.
        }
        d.presets->addItem(label, QString::fromStdString(id));
    }
    auto* open = new QPushButton(tr("Open JSON..."), this);
    open->setObjectName("openScannerJson");
    d.origin = new QLabel(this);
    d.origin->setWordWrap(true);
    d.scroll = new QScrollArea(this);
    d.scroll->setWidgetResizable(true);
    d.error = new QLabel(this);
    d.error->setObjectName("scannerError");
    d.error->setWordWrap(true);
    d.error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    d.error->setStyleSheet("QLabel { color: #e06c60; }");

    auto* top = new QHBoxLayout;
    top->addWidget(d.presets, 1);
    top->addWidget(open);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(d.origin);
    layout->addWidget(d.scroll, 1);
    layout->addWidget(d.error);

    connect(d.presets, qOverload<int>(&QComboBox::activated), this,
            [this](int index) { selectPreset(impl_->presets->itemData(index).toString()); });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a scanner description"),
                                                          QString(), tr("Scanner JSON (*.json)"));
        if (!path.isEmpty()) openFile(path);
    });

    const int demo = d.presets->findData(QStringLiteral("demo"));
    if (d.presets->count() > 0) selectPreset(d.presets->itemData(std::max(demo, 0)).toString());
}

ScannerChooser::~ScannerChooser() = default;

void ScannerChooser::selectPreset(const QString& id) {
    try {
        load(recon::scanner_preset(id.toStdString()));
        const int index = impl_->presets->findData(id);
        if (index >= 0) impl_->presets->setCurrentIndex(index);
    } catch (const std::exception& e) {
        impl_->error->setText(QString::fromUtf8(e.what()));
    }
}

bool ScannerChooser::openFile(const QString& path) {
    try {
        load(recon::read_scanner_file(path.toStdString()));
        return true;
    } catch (const std::exception& e) {
        impl_->error->setText(QString::fromUtf8(e.what()));
        return false;
    }
}

void ScannerChooser::load(const recon::ScannerDescription& description) {
    Impl& d = *impl_;
    d.description = description;
    d.base_origin = description.origin;
    d.json = QJsonDocument::fromJson(QByteArray::fromStdString(description.json)).object();
    // A scanner without TOF still gets TOF fields to edit: these values mean "no TOF".
    if (!d.json.contains("tof") && d.json.contains("model"))
        d.json.insert("tof", QJsonObject{{"bins", 1}, {"fwhm_ps", 0}});
    d.origin->setText(QString::fromStdString(description.origin) + " (" +
                      QString::fromStdString(description.model) + ")");
    rebuildEditor();
    d.invalid.clear();
    d.error->clear();
    emit scannerChanged(d.description);
}

void ScannerChooser::rebuildEditor() {
    Impl& d = *impl_;
    d.fields.clear();
    auto* form_widget = new QWidget;
    auto* form = new QFormLayout(form_widget);

    QStringList names;
    if (d.json.value("name").isString()) names << "name";
    QStringList numbers;
    auto collect = [&](const QJsonObject& object, const QString& prefix) {
        for (auto it = object.begin(); it != object.end(); ++it)
            if (it.value().isDouble() && it.key() != "version") numbers << prefix + it.key();
    };
    collect(d.json, "");
    collect(d.json.value("tof").toObject(), "tof.");
    collect(d.json.value("default_sinogram").toObject(), "default_sinogram.");
    for (const char* name : kFieldOrder)
        if (numbers.removeOne(QString::fromLatin1(name))) names << QString::fromLatin1(name);
    numbers.sort();
    names << numbers;

    for (const QString& name : names) {
        auto* edit = new QLineEdit(text_of(value_at(d.json, name)), form_widget);
        edit->setObjectName("scannerField_" + name);
        edit->setToolTip(field_help(name));
        auto* label = new QLabel(name, form_widget);
        label->setToolTip(field_help(name));
        form->addRow(label, edit);
        connect(edit, &QLineEdit::textEdited, this, [this, name] { onFieldEdited(name); });
        d.fields.emplace_back(name, edit);
    }
    if (names.size() <= 1)
        form->addRow(new QLabel(tr("This description lists its crystals one by one: it has no "
                                   "parameters to edit."),
                                form_widget));
    d.scroll->setWidget(form_widget);  // deletes the previous form
}

void ScannerChooser::onFieldEdited(const QString& name) {
    Impl& d = *impl_;
    QLineEdit* edit = field(name);
    if (!edit) return;
    if (name == "name")
        set_value_at(d.json, name, QJsonValue(edit->text()));
    else
        set_value_at(d.json, name, value_of(edit->text()));
    for (auto& [other, widget] : d.fields) {
        widget->setStyleSheet(QString());
        widget->setToolTip(field_help(other));
    }
    const std::string text = QJsonDocument(d.json).toJson(QJsonDocument::Compact).toStdString();
    try {
        recon::ScannerDescription edited =
            recon::parse_scanner_json(text, d.base_origin + ", edited");
        d.description = std::move(edited);
        d.invalid.clear();
        d.error->clear();
        emit scannerChanged(d.description);
    } catch (const std::exception& e) {
        const QString message = QString::fromUtf8(e.what());
        QString named = scanner_field_named(message, d.json.value("name").toString(), fieldNames());
        if (named.isEmpty()) named = name;  // a message naming no field: blame the edit
        d.invalid = named;
        d.error->setText(message);
        if (QLineEdit* bad = field(named)) {
            bad->setStyleSheet(kInvalidStyle);
            bad->setToolTip(message);
        }
    }
}

const recon::ScannerDescription& ScannerChooser::description() const {
    return impl_->description;
}

QStringList ScannerChooser::fieldNames() const {
    QStringList names;
    for (const auto& [name, edit] : impl_->fields)
        names << name;
    return names;
}

QLineEdit* ScannerChooser::field(const QString& name) const {
    for (const auto& [n, edit] : impl_->fields)
        if (n == name) return edit;
    return nullptr;
}

QString ScannerChooser::invalidField() const {
    return impl_->invalid;
}

QString ScannerChooser::errorText() const {
    return impl_->error->text();
}

}  // namespace radon::ui
