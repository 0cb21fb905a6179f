#include "ui/timing/timing_grid_panel.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QStringList>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

#include "kernels/core/error.h"

namespace radon::ui {
namespace {

QString join_sizes(const std::vector<int64_t>& sizes) {
    QStringList parts;
    for (int64_t s : sizes)
        parts << QString::number(s);
    return parts.join(',');
}

}  // namespace

QString describe_cell(const recon::DrrBenchmarkCell& cell) {
    return QString("%1, %2, height %3, patch %4, %5")
        .arg(QString::fromStdString(cell.target.label()), QString::fromStdString(cell.variant))
        .arg(cell.height)
        .arg(QString::fromStdString(cell.patch.label()), to_string(cell.algorithm));
}

TimingGridPanel::TimingGridPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("timingGridPanel");
    auto* layout = new QVBoxLayout(this);

    auto* sizes = new QGroupBox(tr("DRR heights (square panels)"), this);
    auto* sizes_layout = new QVBoxLayout(sizes);
    heights_ = new QLineEdit(sizes);
    heights_->setObjectName("timingHeights");
    heights_->setToolTip(tr("Comma-separated heights in pixels; DiffDRR's table by default"));
    sizes_layout->addWidget(heights_);
    layout->addWidget(sizes);

    auto* patches = new QGroupBox(tr("Patch sizes"), this);
    auto* patch_layout = new QVBoxLayout(patches);
    auto* patch_row = new QHBoxLayout;
    patch_none_ = new QCheckBox(tr("none"), patches);
    patch_150_ = new QCheckBox("150", patches);
    patch_250_ = new QCheckBox("250", patches);
    patch_auto_ = new QCheckBox(tr("auto"), patches);
    patch_auto_->setToolTip(tr("The renderer chooses its pieces; the table says how"));
    for (QCheckBox* box : {patch_none_, patch_150_, patch_250_, patch_auto_})
        patch_row->addWidget(box);
    patch_layout->addLayout(patch_row);
    patch_custom_ = new QLineEdit(patches);
    patch_custom_->setObjectName("timingCustomPatches");
    patch_custom_->setPlaceholderText(tr("more sizes, e.g. 100,500"));
    patch_layout->addWidget(patch_custom_);
    layout->addWidget(patches);

    auto* devices = new QGroupBox(tr("Devices"), this);
    auto* device_layout = new QVBoxLayout(devices);
    targets_ = recon::available_benchmark_targets();
    for (const recon::BenchmarkTarget& t : targets_) {
        auto* box = new QCheckBox(QString::fromStdString(t.label()), devices);
        device_layout->addWidget(box);
        target_boxes_.push_back(box);
    }
    layout->addWidget(devices);

    auto* renderers = new QGroupBox(tr("Renderers"), this);
    auto* renderer_layout = new QHBoxLayout(renderers);
    siddon_ = new QCheckBox(tr("siddon"), renderers);
    trilinear_ = new QCheckBox(tr("trilinear"), renderers);
    renderer_layout->addWidget(siddon_);
    renderer_layout->addWidget(trilinear_);
    layout->addWidget(renderers);

    auto* variant = new QGroupBox(tr("Detector"), this);
    auto* variant_layout = new QFormLayout(variant);
    fixed_spacing_ = new QRadioButton(tr("pixel spacing"), variant);
    fixed_field_ = new QRadioButton(tr("fixed field"), variant);
    pixel_spacing_ = new QDoubleSpinBox(variant);
    pixel_spacing_->setRange(0.01, 100);
    pixel_spacing_->setDecimals(3);
    pixel_spacing_->setSuffix(" mm");
    field_ = new QDoubleSpinBox(variant);
    field_->setRange(1, 100000);
    field_->setDecimals(1);
    field_->setSuffix(" mm");
    field_->setToolTip(tr("Panel width at every height: pixels shrink as the height grows"));
    variant_layout->addRow(fixed_spacing_, pixel_spacing_);
    variant_layout->addRow(fixed_field_, field_);
    layout->addWidget(variant);

    auto* runs = new QGroupBox(tr("Runs per cell"), this);
    auto* runs_layout = new QFormLayout(runs);
    runs_ = new QSpinBox(runs);
    runs_->setRange(1, 1000);
    warmup_ = new QSpinBox(runs);
    warmup_->setRange(0, 1000);
    runs_layout->addRow(tr("timed (median)"), runs_);
    runs_layout->addRow(tr("warm-up"), warmup_);
    layout->addWidget(runs);

    auto* buttons = new QHBoxLayout;
    run_ = new QPushButton(tr("Run"), this);
    run_->setObjectName("timingRun");
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setObjectName("timingCancel");
    cancel_->setEnabled(false);
    buttons->addWidget(run_);
    buttons->addWidget(cancel_);
    layout->addLayout(buttons);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(false);
    layout->addWidget(progress_);
    current_cell_ = new QLabel(tr("Not run yet"), this);
    current_cell_->setWordWrap(true);
    layout->addWidget(current_cell_);
    layout->addStretch(1);

    setGrid(recon::DrrBenchmarkGrid{});

    connect(run_, &QPushButton::clicked, this, &TimingGridPanel::runRequested);
    connect(cancel_, &QPushButton::clicked, this, &TimingGridPanel::cancelRequested);
    for (QLineEdit* edit : {heights_, patch_custom_})
        connect(edit, &QLineEdit::editingFinished, this, &TimingGridPanel::gridEdited);
    std::vector<QAbstractButton*> toggles{patch_none_, patch_150_, patch_250_,    patch_auto_,
                                          siddon_,     trilinear_, fixed_spacing_};
    toggles.insert(toggles.end(), target_boxes_.begin(), target_boxes_.end());
    for (QAbstractButton* b : toggles)
        connect(b, &QAbstractButton::toggled, this, &TimingGridPanel::gridEdited);
    for (QDoubleSpinBox* box : {pixel_spacing_, field_})
        connect(box, &QDoubleSpinBox::valueChanged, this, &TimingGridPanel::gridEdited);
    for (QSpinBox* box : {runs_, warmup_})
        connect(box, &QSpinBox::valueChanged, this, &TimingGridPanel::gridEdited);
}

recon::DrrBenchmarkGrid TimingGridPanel::grid() const {
    recon::DrrBenchmarkGrid grid;
    grid.heights = recon::parse_size_list(heights_->text().remove(' ').toStdString(), "heights");
    // In one order whatever was ticked or typed: none, the sizes ascending, auto.
    using Kind = recon::PatchChoice::Kind;
    bool none = patch_none_->isChecked(), automatic = patch_auto_->isChecked();
    std::set<int64_t> sizes;
    if (patch_150_->isChecked()) sizes.insert(150);
    if (patch_250_->isChecked()) sizes.insert(250);
    const QString custom = patch_custom_->text().remove(' ');
    if (!custom.isEmpty()) {
        for (const recon::PatchChoice& p :
             recon::parse_patch_choices(custom.toStdString(), "patch sizes")) {
            none = none || p.kind == Kind::None;
            automatic = automatic || p.kind == Kind::Auto;
            if (p.kind == Kind::Fixed) sizes.insert(p.size);
        }
    }
    grid.patches.clear();
    if (none) grid.patches.push_back({Kind::None, 0});
    for (int64_t size : sizes)
        grid.patches.push_back({Kind::Fixed, size});
    if (automatic) grid.patches.push_back({Kind::Auto, 0});
    if (grid.patches.empty()) throw InvalidArgument("patch sizes: choose at least one");
    grid.targets.clear();
    for (std::size_t i = 0; i < targets_.size(); ++i)
        if (target_boxes_[i]->isChecked()) grid.targets.push_back(targets_[i]);
    if (grid.targets.empty()) throw InvalidArgument("devices: choose at least one");
    grid.algorithms.clear();
    if (siddon_->isChecked()) grid.algorithms.push_back(DrrAlgorithm::Siddon);
    if (trilinear_->isChecked()) grid.algorithms.push_back(DrrAlgorithm::Trilinear);
    if (grid.algorithms.empty()) throw InvalidArgument("renderers: choose siddon or trilinear");
    grid.variants = {fixed_field_->isChecked()
                         ? recon::DetectorVariant{pixel_spacing_->value(), field_->value()}
                         : recon::DetectorVariant{pixel_spacing_->value(), 0}};
    grid.runs = runs_->value();
    grid.warmup = warmup_->value();
    return grid;
}

void TimingGridPanel::setGrid(const recon::DrrBenchmarkGrid& grid) {
    const QSignalBlocker block(this);
    heights_->setText(join_sizes(grid.heights));
    heights_->setCursorPosition(0);
    using Kind = recon::PatchChoice::Kind;
    const auto has = [&](recon::PatchChoice p) {
        return std::find(grid.patches.begin(), grid.patches.end(), p) != grid.patches.end();
    };
    patch_none_->setChecked(has({Kind::None, 0}));
    patch_150_->setChecked(has({Kind::Fixed, 150}));
    patch_250_->setChecked(has({Kind::Fixed, 250}));
    patch_auto_->setChecked(has({Kind::Auto, 0}));
    QStringList custom;
    for (const recon::PatchChoice& p : grid.patches)
        if (p.kind == Kind::Fixed && p.size != 150 && p.size != 250)
            custom << QString::number(p.size);
    patch_custom_->setText(custom.join(','));
    const std::vector<recon::BenchmarkTarget> chosen =
        grid.targets.empty()
            ? std::vector<recon::BenchmarkTarget>{recon::default_benchmark_target(DeviceKind::Cpu)}
            : grid.targets;
    for (std::size_t i = 0; i < targets_.size(); ++i)
        target_boxes_[i]->setChecked(std::find(chosen.begin(), chosen.end(), targets_[i]) !=
                                     chosen.end());
    const auto uses = [&](DrrAlgorithm a) {
        return std::find(grid.algorithms.begin(), grid.algorithms.end(), a) !=
               grid.algorithms.end();
    };
    siddon_->setChecked(uses(DrrAlgorithm::Siddon));
    trilinear_->setChecked(uses(DrrAlgorithm::Trilinear));
    const recon::DetectorVariant variant =
        grid.variants.empty() ? recon::DetectorVariant{} : grid.variants.front();
    pixel_spacing_->setValue(variant.pixel_spacing_mm);
    field_->setValue(variant.field_mm > 0 ? variant.field_mm : 400.0);
    (variant.field_mm > 0 ? fixed_field_ : fixed_spacing_)->setChecked(true);
    runs_->setValue(grid.runs);
    warmup_->setValue(grid.warmup);
}

void TimingGridPanel::saveSettings(QSettings& settings) const {
    settings.setValue("heights", heights_->text());
    QStringList patches;
    if (patch_none_->isChecked()) patches << "none";
    if (patch_150_->isChecked()) patches << "150";
    if (patch_250_->isChecked()) patches << "250";
    if (patch_auto_->isChecked()) patches << "auto";
    if (!patch_custom_->text().trimmed().isEmpty()) patches << patch_custom_->text().remove(' ');
    settings.setValue("patches", patches.join(','));
    QStringList devices;
    for (std::size_t i = 0; i < targets_.size(); ++i)
        if (target_boxes_[i]->isChecked()) devices << QString::fromStdString(targets_[i].label());
    settings.setValue("devices", devices.join(','));
    QStringList renderers;
    if (siddon_->isChecked()) renderers << "siddon";
    if (trilinear_->isChecked()) renderers << "trilinear";
    settings.setValue("renderers", renderers.join(','));
    settings.setValue("variant", fixed_field_->isChecked() ? "field" : "pixel");
    settings.setValue("pixel_spacing_mm", pixel_spacing_->value());
    settings.setValue("field_mm", field_->value());
    settings.setValue("runs", runs_->value());
    settings.setValue("warmup", warmup_->value());
}

// Each field on its own: a bad or missing entry keeps the default of that field only.
void TimingGridPanel::restoreSettings(QSettings& settings) {
    recon::DrrBenchmarkGrid grid;
    // An INI file reads "100,200" as a list of two strings.
    const auto text = [&](const char* key) {
        const QVariant value = settings.value(key);
        return (value.typeId() == QMetaType::QStringList ? value.toStringList().join(',')
                                                         : value.toString())
            .remove(' ');
    };
    try {
        if (!text("heights").isEmpty())
            grid.heights = recon::parse_size_list(text("heights").toStdString(), "heights");
    } catch (const std::exception&) {
    }
    try {
        if (!text("patches").isEmpty())
            grid.patches = recon::parse_patch_choices(text("patches").toStdString(), "patches");
    } catch (const std::exception&) {
    }
    if (!text("devices").isEmpty()) {
        const QStringList names = text("devices").split(',');
        for (const recon::BenchmarkTarget& t : targets_)
            if (names.contains(QString::fromStdString(t.label()).remove(' ')))
                grid.targets.push_back(t);
    }
    if (!text("renderers").isEmpty()) {
        std::vector<DrrAlgorithm> algorithms;
        for (const QString& name : text("renderers").split(','))
            if (name == "siddon" || name == "trilinear")
                algorithms.push_back(parse_drr_algorithm(name.toStdString()));
        if (!algorithms.empty()) grid.algorithms = algorithms;
    }
    recon::DetectorVariant variant;
    bool ok = false;
    const double spacing = settings.value("pixel_spacing_mm").toDouble(&ok);
    if (ok && spacing > 0) variant.pixel_spacing_mm = spacing;
    bool field_ok = false;
    const double field = settings.value("field_mm").toDouble(&field_ok);
    const bool field_given = field_ok && field > 0;
    if (settings.value("variant").toString() == "field")
        variant.field_mm = field_given ? field : 400;
    grid.variants = {variant};
    const int runs = settings.value("runs").toInt(&ok);
    if (ok && runs >= 1) grid.runs = runs;
    const int warmup = settings.value("warmup").toInt(&ok);
    if (ok && warmup >= 0) grid.warmup = warmup;
    setGrid(grid);
    if (field_given) field_->setValue(field);  // remembered while the pixel variant is chosen
}

void TimingGridPanel::setRunning(bool running) {
    run_->setEnabled(!running);
    cancel_->setEnabled(running);
}

void TimingGridPanel::setProgress(double fraction_done, const QString& current_cell) {
    progress_->setValue(static_cast<int>(fraction_done * 1000.0 + 0.5));
    current_cell_->setText(current_cell);
}

}  // namespace radon::ui
