#include "ui/drr/pose_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QThread>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

#include "kernels/backend/devices.h"
#include "ui/common/slider_spin_box.h"

namespace radon::ui {
namespace {

// Keeps the field of view to far below a micrometre: a rounded spacing times thousands of pixels
// would not.
constexpr int kSpacingDecimals = 10;

// Holds back poseChanged while several controls change as one edit.
class QuietScope {
  public:
    explicit QuietScope(int& depth) : depth_(depth) { ++depth_; }
    ~QuietScope() { --depth_; }
    QuietScope(const QuietScope&) = delete;
    QuietScope& operator=(const QuietScope&) = delete;

  private:
    int& depth_;
};

void select_data(QComboBox* box, int value) {
    const int at = box->findData(value);
    if (at >= 0) box->setCurrentIndex(at);
}

// A length in mm held to kSpacingDecimals, shown with the digits that matter ("0.8 mm",
// "0.273067 mm").
class LengthSpinBox : public QDoubleSpinBox {
  public:
    explicit LengthSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
        setDecimals(kSpacingDecimals);
    }
    QString textFromValue(double value) const override { return locale().toString(value, 'g', 6); }
};

// A push button as wide as its text: the style's minimum (about 80 px a button) would make the
// row of presets set the dock's width.
class CompactButton : public QPushButton {
  public:
    CompactButton(const QString& text, QWidget* parent) : QPushButton(text, parent) {}
    QSize sizeHint() const override {
        return {fontMetrics().horizontalAdvance(text()) + 20, QPushButton::sizeHint().height()};
    }
    QSize minimumSizeHint() const override { return sizeHint(); }
};

QString millimetres(double value) {
    return QLocale().toString(value, 'f', 1);
}

}  // namespace

PosePanel::PosePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("panelTabs");
    tabs_->addTab(makePoseGroup(), tr("C-arm pose"));
    tabs_->addTab(makeDetectorGroup(), tr("Detector"));
    tabs_->addTab(makeRendererGroup(), tr("Rendering"));
    layout->addWidget(tabs_);
    layout->addStretch(1);

    QuietScope quiet(quiet_);
    const DrrParameters defaults;
    showPose(defaults.pose);
    detector_width_->setValue(static_cast<int>(defaults.detector.width));
    detector_height_->setValue(static_cast<int>(defaults.detector.height));
    spacing_x_->setValue(defaults.detector.delx);
    spacing_y_->setValue(defaults.detector.dely);
    step_->setValue(defaults.settings.step_voxels);
    showOutput(defaults.output, true);
    refreshPatchSizes();
    refreshStepEnabled();
    refreshPanelSize();
    // The fields and the line edits inside them, whichever holds the focus.
    for (QAbstractSpinBox* field : findChildren<QAbstractSpinBox*>())
        field->installEventFilter(this);
    for (QLineEdit* text : findChildren<QLineEdit*>())
        text->installEventFilter(this);
}

bool PosePanel::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::ShortcutOverride) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo)) {
            event->ignore();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

SliderSpinBox* PosePanel::addSlider(const char* name, double minimum, double maximum, int decimals,
                                    const QString& suffix) {
    auto* control = new SliderSpinBox(minimum, maximum, decimals, suffix, this);
    control->setObjectName(name);
    sliders_.push_back(control);
    // Releasing the handle asks for the full image, even when the value did not move.
    connect(control, &SliderSpinBox::sliderReleased, this, [this] {
        if (quiet_ == 0) emit poseChanged(parameters(), isSliderHeld());
    });
    return control;
}

QWidget* PosePanel::makePoseGroup() {
    auto* group = new QWidget(this);
    auto* form = new QFormLayout(group);
    const QString deg = QStringLiteral(" °"), mm = QStringLiteral(" mm");
    primary_ = addSlider("primary", -180, 180, 1, deg);
    primary_->setToolTip(tr("Rotation about the patient's S axis: LAO positive, RAO negative"));
    secondary_ = addSlider("secondary", -90, 90, 1, deg);
    secondary_->setToolTip(tr("Tilt about the patient's L axis: CRAN positive, CAUD negative"));
    roll_ = addSlider("roll", -180, 180, 1, deg);
    roll_->setToolTip(tr("Detector rotation about the central ray"));
    const char* offset_names[3] = {"offsetX", "offsetY", "offsetZ"};
    for (int i = 0; i < 3; ++i)
        offset_[i] = addSlider(offset_names[i], -300, 300, 1, mm);
    sad_ = addSlider("sad", 100, 2000, 1, mm);
    sad_->setToolTip(tr("Source to isocenter distance"));
    sdd_ = addSlider("sdd", 100 + kMinSourceToDetectorGap, 2500, 1, mm);
    sdd_->setToolTip(tr("Source to detector distance; always greater than SAD"));
    for (SliderSpinBox* angle_or_offset :
         {primary_, secondary_, roll_, offset_[0], offset_[1], offset_[2]})
        connect(angle_or_offset, &SliderSpinBox::valueChanged, this, &PosePanel::changed);
    // The other distance follows before anyone hears of the change, so no state with SDD <= SAD
    // is ever emitted.
    connect(sad_, &SliderSpinBox::valueChanged, this, [this] {
        keepDetectorBeyondIsocenter(true);
        changed();
    });
    connect(sdd_, &SliderSpinBox::valueChanged, this, [this] {
        keepDetectorBeyondIsocenter(false);
        changed();
    });

    form->addRow(tr("Primary (LAO+)"), primary_);
    form->addRow(tr("Secondary (CRAN+)"), secondary_);
    form->addRow(tr("Roll"), roll_);
    form->addRow(tr("Isocenter x (L)"), offset_[0]);
    form->addRow(tr("Isocenter y (P)"), offset_[1]);
    form->addRow(tr("Isocenter z (S)"), offset_[2]);
    form->addRow(tr("SAD"), sad_);
    form->addRow(tr("SDD"), sdd_);

    auto* buttons = new QGridLayout;
    int column = 0;
    for (const CArmPreset preset :
         {CArmPreset::AP, CArmPreset::PA, CArmPreset::LatLeft, CArmPreset::LatRight}) {
        auto* button = new CompactButton(QString::fromLatin1(to_string(preset)), group);
        button->setObjectName(QStringLiteral("preset_%1").arg(to_string(preset)));
        connect(button, &QPushButton::clicked, this, [this, preset] { applyPreset(preset); });
        buttons->addWidget(button, 0, column++);
    }
    auto* reset = new CompactButton(tr("Reset"), group);
    reset->setObjectName("resetPose");
    connect(reset, &QPushButton::clicked, this, &PosePanel::resetPose);
    buttons->addWidget(reset, 0, column);
    form->addRow(buttons);
    return group;
}

QWidget* PosePanel::makeDetectorGroup() {
    auto* group = new QWidget(this);
    auto* form = new QFormLayout(group);
    auto pixels = [this, group](const char* name) {
        auto* box = new QSpinBox(group);
        box->setObjectName(name);
        box->setRange(1, kMaxDetectorPixels);
        box->setSuffix(tr(" px"));
        box->setKeyboardTracking(false);
        connect(box, &QSpinBox::valueChanged, this, &PosePanel::pixelCountChanged);
        return box;
    };
    auto spacing = [this, group](const char* name) {
        auto* box = new LengthSpinBox(group);
        box->setObjectName(name);
        box->setRange(kMinPixelSpacing, kMaxPixelSpacing);
        box->setSingleStep(0.1);
        box->setSuffix(QStringLiteral(" mm"));
        box->setKeyboardTracking(false);
        connect(box, &QDoubleSpinBox::valueChanged, this, [this] {
            refreshPanelSize();
            changed();
        });
        return box;
    };
    detector_width_ = pixels("detectorWidth");
    detector_height_ = pixels("detectorHeight");
    spacing_x_ = spacing("pixelSpacingX");
    spacing_y_ = spacing("pixelSpacingY");
    keep_fov_ = new QCheckBox(tr("Keep field of view"), group);
    keep_fov_->setObjectName("keepFieldOfView");
    keep_fov_->setChecked(true);
    keep_fov_->setToolTip(
        tr("On: a new pixel count changes the pixel spacing, and the panel keeps its size (as "
           "binning does on a flat panel). Off: the spacing stays and the panel grows or "
           "shrinks with the pixel count"));
    panel_size_ = new QLabel(group);
    panel_size_->setObjectName("panelSize");
    panel_size_->setToolTip(tr("The physical size of the detector: pixels x spacing"));
    form->addRow(tr("Width (columns)"), detector_width_);
    form->addRow(tr("Height (rows)"), detector_height_);
    form->addRow(QString(), keep_fov_);
    form->addRow(tr("Column spacing"), spacing_x_);
    form->addRow(tr("Row spacing"), spacing_y_);
    form->addRow(tr("Panel size"), panel_size_);
    return group;
}

void PosePanel::pixelCountChanged() {
    if (quiet_ == 0 && keep_fov_->isChecked()) {
        // The spacing follows before anyone hears of the change: one state, one render.
        QuietScope quiet(quiet_);
        spacing_x_->setValue(field_of_view_[0] / detector_width_->value());
        spacing_y_->setValue(field_of_view_[1] / detector_height_->value());
    }
    refreshPanelSize();
    refreshPatchSizes();
    changed();
}

void PosePanel::refreshPanelSize() {
    field_of_view_[0] = detector_width_->value() * spacing_x_->value();
    field_of_view_[1] = detector_height_->value() * spacing_y_->value();
    panel_size_->setText(
        tr("%1 x %2 mm").arg(millimetres(field_of_view_[0]), millimetres(field_of_view_[1])));
}

bool PosePanel::keepsFieldOfView() const {
    return keep_fov_->isChecked();
}

void PosePanel::setKeepFieldOfView(bool keep) {
    keep_fov_->setChecked(keep);
}

QWidget* PosePanel::makeRendererGroup() {
    auto* group = new QWidget(this);
    auto* form = new QFormLayout(group);

    algorithm_ = new QComboBox(group);
    algorithm_->setObjectName("algorithm");
    algorithm_->addItem(tr("Siddon (exact)"), static_cast<int>(DrrAlgorithm::Siddon));
    algorithm_->addItem(tr("Trilinear"), static_cast<int>(DrrAlgorithm::Trilinear));
    step_ = new QDoubleSpinBox(group);
    step_->setObjectName("step");
    step_->setRange(0.05, 4.0);
    step_->setDecimals(2);
    step_->setSingleStep(0.05);
    step_->setSuffix(tr(" voxel"));
    step_->setKeyboardTracking(false);
    step_->setToolTip(tr("Trilinear sampling step, in units of the smallest voxel spacing"));

    projection_ = new QComboBox(group);
    projection_->setObjectName("projection");
    projection_->addItem(tr("Sum (line integral)"), static_cast<int>(DrrReduction::Sum));
    projection_->addItem(tr("Maximum (MIP)"), static_cast<int>(DrrReduction::Max));
    projection_->setToolTip(
        tr("Sum: the line integral of attenuation along each ray; maximum: the largest "
           "attenuation coefficient on it"));

    output_ = new QComboBox(group);
    output_->setObjectName("output");
    output_->addItem(tr("Line integral"), static_cast<int>(DrrOutputKind::LineIntegral));
    output_->addItem(tr("Transmission"), static_cast<int>(DrrOutputKind::Transmission));
    output_->addItem(tr("Log"), static_cast<int>(DrrOutputKind::Log));
    output_->setToolTip(
        tr("Line integral p; transmission I = I0 exp(-p) (Beer-Lambert, counts); log "
           "ln(I0 / max(I, 1)), which saturates at ln I0. Sum projection only"));

    i0_ = new QDoubleSpinBox(group);
    i0_->setObjectName("i0");
    i0_->setRange(1, kMaxI0);
    i0_->setDecimals(0);
    i0_->setSuffix(tr(" counts"));
    i0_->setKeyboardTracking(false);
    i0_->setToolTip(
        tr("Incident intensity I0 per pixel (transmission and log); 1 gives I/I0 for "
           "transmission"));

    invert_ = new QCheckBox(tr("Invert"), group);
    invert_->setObjectName("invert");
    invert_->setToolTip(
        tr("Reflect the values about the top of their range: I0 - I, ln I0 - log, -p "
           "(swaps bone white and black)"));

    device_ = new QComboBox(group);
    device_->setObjectName("device");
    device_->addItem(tr("CPU"), static_cast<int>(DeviceKind::Cpu));
    bool cuda = false;
    for (const DeviceInfo& info : available_devices()) {
        if (info.kind == DeviceKind::Cuda) {
            device_->addItem(tr("CUDA: %1").arg(QString::fromStdString(info.name)),
                             static_cast<int>(DeviceKind::Cuda));
            cuda = true;
            break;  // the renderer picks the CUDA device itself
        }
    }
    if (!cuda) {
        // Listed all the same, so that its absence has a reason a user can act on.
        const QString reason = QString::fromStdString(cuda_unavailable_reason());
        device_->addItem(tr("CUDA (unavailable)"), static_cast<int>(DeviceKind::Cuda));
        const int at = device_->count() - 1;
        device_->setItemData(at, tr("CUDA cannot be used: %1").arg(reason), Qt::ToolTipRole);
        if (auto* model = qobject_cast<QStandardItemModel*>(device_->model()))
            model->item(at)->setEnabled(false);
    }

    threads_ = new QSpinBox(group);
    threads_->setObjectName("threads");
    threads_->setRange(0, std::max(1, QThread::idealThreadCount()));
    threads_->setSpecialValueText(tr("all cores"));
    threads_->setKeyboardTracking(false);

    patch_size_ = new QComboBox(group);
    patch_size_->setObjectName("patchSize");
    patch_size_->setToolTip(
        tr("Square patches rendered one after another; they must tile the "
           "detector"));

    connect(algorithm_, &QComboBox::currentIndexChanged, this, [this] {
        refreshStepEnabled();
        changed();
    });
    connect(step_, &QDoubleSpinBox::valueChanged, this, &PosePanel::changed);
    for (QComboBox* box : {projection_, output_}) {
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            refreshOutputControls();
            changed();
        });
    }
    connect(i0_, &QDoubleSpinBox::valueChanged, this, &PosePanel::changed);
    connect(invert_, &QCheckBox::toggled, this, &PosePanel::changed);
    connect(device_, &QComboBox::currentIndexChanged, this, &PosePanel::changed);
    connect(threads_, &QSpinBox::valueChanged, this, &PosePanel::changed);
    connect(patch_size_, &QComboBox::currentIndexChanged, this, &PosePanel::changed);

    form->addRow(tr("Renderer"), algorithm_);
    form->addRow(tr("Step"), step_);
    form->addRow(tr("Projection"), projection_);
    form->addRow(tr("Output"), output_);
    form->addRow(tr("I0"), i0_);
    form->addRow(QString(), invert_);
    form->addRow(tr("Device"), device_);
    form->addRow(tr("Threads"), threads_);
    form->addRow(tr("Patch size"), patch_size_);
    return group;
}

DrrParameters PosePanel::parameters() const {
    DrrParameters p;
    p.pose.primary_deg = primary_->value();
    p.pose.secondary_deg = secondary_->value();
    p.pose.roll_deg = roll_->value();
    p.pose.isocenter_offset = {offset_[0]->value(), offset_[1]->value(), offset_[2]->value()};
    p.pose.sad = sad_->value();
    p.pose.sdd = sdd_->value();
    p.detector.width = detector_width_->value();
    p.detector.height = detector_height_->value();
    p.detector.delx = spacing_x_->value();
    p.detector.dely = spacing_y_->value();
    p.detector.principal_u = principal_u_;
    p.detector.principal_v = principal_v_;
    p.settings.algorithm = static_cast<DrrAlgorithm>(algorithm_->currentData().toInt());
    p.settings.step_voxels = step_->value();
    p.settings.reduction = static_cast<DrrReduction>(projection_->currentData().toInt());
    p.output = outputChoice();
    if (p.settings.reduction != DrrReduction::Sum) p.output.kind = DrrOutputKind::LineIntegral;
    // As `radon drr` records a line integral: with the default I0, which it does not use.
    if (p.output.kind == DrrOutputKind::LineIntegral) p.output.i0 = DrrOutput{}.i0;
    p.settings.threads = threads_->value();
    p.settings.patch_size = patch_size_->currentData().toLongLong();
    p.device = static_cast<DeviceKind>(device_->currentData().toInt());
    return p;
}

DrrOutput PosePanel::outputChoice() const {
    DrrOutput o;
    o.kind = static_cast<DrrOutputKind>(output_->currentData().toInt());
    o.i0 = static_cast<float>(i0_->value());
    o.invert = invert_->isChecked() ? 1 : 0;
    return o;
}

void PosePanel::setOutputChoice(const DrrOutput& output) {
    showOutput(output, true);
    changed();
}

void PosePanel::showOutput(const DrrOutput& output, bool set_i0) {
    QuietScope quiet(quiet_);
    // I0 before the kind, so that a log image given with its I0 keeps it.
    if (set_i0) {
        i0_->setMinimum(1);
        i0_->setValue(output.i0);
    }
    select_data(output_, static_cast<int>(output.kind));
    invert_->setChecked(output.invert != 0);
    refreshOutputControls();
}

bool PosePanel::isSliderHeld() const {
    return std::any_of(sliders_.begin(), sliders_.end(),
                       [](const SliderSpinBox* s) { return s->isSliderDown(); });
}

std::vector<int64_t> PosePanel::patchSizeChoices() const {
    const int64_t width = detector_width_->value(), height = detector_height_->value();
    std::vector<int64_t> sizes;
    for (int64_t size = kMinPatchSize; size <= std::min(width, height); ++size) {
        if (width % size == 0 && height % size == 0) sizes.push_back(size);
    }
    return sizes;
}

void PosePanel::refreshPatchSizes() {
    const qlonglong current =
        patch_size_->count() > 0 ? patch_size_->currentData().toLongLong() : 0;
    QuietScope quiet(quiet_);
    patch_size_->clear();
    patch_size_->addItem(tr("auto"), qlonglong(0));
    for (const int64_t size : patchSizeChoices())
        patch_size_->addItem(QString::number(size), qlonglong(size));
    // A size that no longer tiles the detector falls back to automatic.
    const int at = patch_size_->findData(current);
    patch_size_->setCurrentIndex(at >= 0 ? at : 0);
}

void PosePanel::refreshStepEnabled() {
    step_->setEnabled(algorithm_->currentData().toInt() ==
                      static_cast<int>(DrrAlgorithm::Trilinear));
}

void PosePanel::refreshOutputControls() {
    const bool sum = projection_->currentData().toInt() == static_cast<int>(DrrReduction::Sum);
    const auto kind = static_cast<DrrOutputKind>(output_->currentData().toInt());
    output_->setEnabled(sum);
    i0_->setEnabled(sum && kind != DrrOutputKind::LineIntegral);
    // The log image ln(I0 / max(I, 1)) needs more than one count: at I0 <= 1 it would be all
    // zero, and the worker refuses it.
    QuietScope quiet(quiet_);
    if (kind == DrrOutputKind::Log) {
        if (i0_->value() <= 1) i0_->setValue(kDefaultLogI0);
        i0_->setMinimum(2);
    } else {
        i0_->setMinimum(1);
    }
}

void PosePanel::keepDetectorBeyondIsocenter(bool sad_moved) {
    if (sdd_->value() - sad_->value() >= kMinSourceToDetectorGap) return;
    QuietScope quiet(quiet_);
    if (sad_moved) {
        sdd_->setValue(sad_->value() + kMinSourceToDetectorGap);
    } else {
        sad_->setValue(sdd_->value() - kMinSourceToDetectorGap);
    }
}

void PosePanel::showPose(const CArmPose& pose) {
    QuietScope quiet(quiet_);
    primary_->setValue(pose.primary_deg);
    secondary_->setValue(pose.secondary_deg);
    roll_->setValue(pose.roll_deg);
    for (int i = 0; i < 3; ++i)
        offset_[i]->setValue(pose.isocenter_offset[i]);
    // SDD first when it grows, so that SAD never has to push it out of the way.
    if (pose.sdd > sdd_->value()) {
        sdd_->setValue(pose.sdd);
        sad_->setValue(pose.sad);
    } else {
        sad_->setValue(pose.sad);
        sdd_->setValue(pose.sdd);
    }
}

void PosePanel::setParameters(const DrrParameters& p) {
    {
        QuietScope quiet(quiet_);
        showPose(p.pose);
        detector_width_->setValue(static_cast<int>(p.detector.width));
        detector_height_->setValue(static_cast<int>(p.detector.height));
        spacing_x_->setValue(p.detector.delx);
        spacing_y_->setValue(p.detector.dely);
        refreshPanelSize();
        principal_u_ = p.detector.principal_u;
        principal_v_ = p.detector.principal_v;
        select_data(algorithm_, static_cast<int>(p.settings.algorithm));
        step_->setValue(p.settings.step_voxels);
        select_data(projection_, static_cast<int>(p.settings.reduction));
        // A line integral does not use I0: the field keeps what the user last gave it.
        showOutput(p.output, p.output.kind != DrrOutputKind::LineIntegral);
        // A device that is listed but unusable is not chosen.
        const int device_at = device_->findData(static_cast<int>(p.device));
        if (device_at >= 0 &&
            (device_->model()->flags(device_->model()->index(device_at, 0)) & Qt::ItemIsEnabled))
            device_->setCurrentIndex(device_at);
        threads_->setValue(p.settings.threads);
        refreshPatchSizes();
        const int at = patch_size_->findData(qlonglong(p.settings.patch_size));
        patch_size_->setCurrentIndex(at >= 0 ? at : 0);
        refreshStepEnabled();
    }
    changed();
}

QString PosePanel::rangeProblem(const DrrParameters& p) const {
    const std::pair<SliderSpinBox*, double> values[] = {{primary_, p.pose.primary_deg},
                                                        {secondary_, p.pose.secondary_deg},
                                                        {roll_, p.pose.roll_deg},
                                                        {offset_[0], p.pose.isocenter_offset.x},
                                                        {offset_[1], p.pose.isocenter_offset.y},
                                                        {offset_[2], p.pose.isocenter_offset.z},
                                                        {sad_, p.pose.sad},
                                                        {sdd_, p.pose.sdd}};
    auto* form = qobject_cast<QFormLayout*>(primary_->parentWidget()->layout());
    for (const auto& [control, value] : values) {
        // Rounded as the field rounds it: 180.04 is shown as 180.0 and is in range.
        const double shown = std::round(value / control->fineStep()) * control->fineStep();
        if (std::isfinite(value) && shown >= control->minimum() && shown <= control->maximum())
            continue;
        QString name = control->objectName();
        if (auto* label = qobject_cast<QLabel*>(form->labelForField(control))) name = label->text();
        const QString suffix = control->spinBox()->suffix();
        return tr("%1 %2%3 is outside %4 to %5%3")
            .arg(name)
            .arg(value)
            .arg(suffix)
            .arg(control->minimum())
            .arg(control->maximum());
    }
    const std::pair<QSpinBox*, int64_t> pixels[] = {{detector_width_, p.detector.width},
                                                    {detector_height_, p.detector.height}};
    for (const auto& [box, count] : pixels) {
        if (count >= box->minimum() && count <= box->maximum()) continue;
        return tr("the detector's %1 of %2 pixels is outside 1 to %3 pixels")
            .arg(box == detector_width_ ? tr("width") : tr("height"))
            .arg(count)
            .arg(box->maximum());
    }
    for (const double spacing : {p.detector.delx, p.detector.dely}) {
        if (std::isfinite(spacing) && spacing >= kMinPixelSpacing && spacing <= kMaxPixelSpacing)
            continue;
        return tr("the pixel spacing %1 mm is outside %2 to %3 mm")
            .arg(spacing)
            .arg(kMinPixelSpacing)
            .arg(kMaxPixelSpacing);
    }
    return {};
}

void PosePanel::applyPreset(CArmPreset preset) {
    showPose(preset_pose(preset, parameters().pose));
    changed();
}

void PosePanel::resetPose() {
    showPose(CArmPose{});
    changed();
}

void PosePanel::changed() {
    if (quiet_ == 0) emit poseChanged(parameters(), isSliderHeld());
}

}  // namespace radon::ui
