#include "ui/ct/ct_recon_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include "recon/algorithms/ramp_filter.h"

namespace radon::ui {
namespace {

QDoubleSpinBox* number(double lo, double hi, double value, int decimals, const QString& suffix) {
    auto* box = new QDoubleSpinBox;
    box->setRange(lo, hi);
    box->setDecimals(decimals);
    box->setValue(value);
    box->setSuffix(suffix);
    box->setKeyboardTracking(false);
    return box;
}

QSpinBox* integer(int lo, int hi, int value, const QString& suffix = QString()) {
    auto* box = new QSpinBox;
    box->setRange(lo, hi);
    box->setValue(value);
    box->setSuffix(suffix);
    box->setKeyboardTracking(false);
    return box;
}

}  // namespace

CtReconPanel::CtReconPanel(QWidget* parent) : QWidget(parent) {
    setObjectName("ctReconPanel");
    auto* layout = new QVBoxLayout(this);

    auto* scan = new QGroupBox(tr("Scan"));
    auto* scan_form = new QFormLayout(scan);
    beam_ = new QComboBox;
    beam_->setObjectName("beam");
    beam_->addItem(tr("Parallel"), int(recon::ScanBeam::Parallel));
    beam_->addItem(tr("Fan (2D)"), int(recon::ScanBeam::Fan));
    beam_->addItem(tr("Cone (3D)"), int(recon::ScanBeam::Cone));
    parallel_3d_ = new QCheckBox(tr("3D (several rows)"));
    parallel_3d_->setObjectName("parallel3d");
    auto* beam_row = new QHBoxLayout;
    beam_row->addWidget(beam_);
    beam_row->addWidget(parallel_3d_);
    scan_form->addRow(tr("Beam"), beam_row);
    views_ = integer(1, 100000, 180);
    views_->setObjectName("views");
    arc_ = number(1, 3600, 360, 1, tr(" °"));
    arc_->setObjectName("arc");
    auto* views_row = new QHBoxLayout;
    views_row->addWidget(views_);
    views_row->addWidget(new QLabel(tr("over")));
    views_row->addWidget(arc_);
    scan_form->addRow(tr("Views"), views_row);
    sid_ = number(1, 1e5, 600, 1, tr(" mm"));
    sid_->setObjectName("sid");
    sdd_ = number(1, 1e5, 1200, 1, tr(" mm"));
    sdd_->setObjectName("sdd");
    auto* distances = new QHBoxLayout;
    distances->addWidget(new QLabel(tr("SID")));
    distances->addWidget(sid_);
    distances->addWidget(new QLabel(tr("SDD")));
    distances->addWidget(sdd_);
    scan_form->addRow(tr("Distances"), distances);
    columns_ = integer(1, 8192, 256);
    columns_->setObjectName("columns");
    rows_ = integer(1, 8192, 256);
    rows_->setObjectName("rows");
    pixel_ = number(0.001, 100, 1, 3, tr(" mm"));
    pixel_->setObjectName("pixel");
    auto* panel = new QHBoxLayout;
    panel->addWidget(columns_);
    panel->addWidget(new QLabel(QStringLiteral("×")));
    panel->addWidget(rows_);
    panel->addWidget(new QLabel(tr("of")));
    panel->addWidget(pixel_);
    scan_form->addRow(tr("Detector"), panel);
    fit_ = new QPushButton(tr("Fit the scan to the volume"));
    fit_->setObjectName("fitScan");
    scan_form->addRow(fit_);
    layout->addWidget(scan);

    auto* image = new QGroupBox(tr("Image"));
    auto* image_form = new QFormLayout(image);
    block_ = integer(1, 64, 2, tr(" volume voxels across"));
    block_->setObjectName("imageBlock");
    block_->setToolTip(tr("Voxels of the volume per image voxel across (x and y)"));
    image_form->addRow(tr("Image voxel"), block_);
    grid_text_ = new QLabel;
    grid_text_->setWordWrap(true);
    image_form->addRow(grid_text_);
    layout->addWidget(image);

    auto* method = new QGroupBox(tr("Reconstruction"));
    auto* method_form = new QFormLayout(method);
    method_ = new QComboBox;
    method_->setObjectName("method");
    method_->addItem(tr("FDK / FBP"), int(recon::CtMethod::Fdk));
    method_->addItem(tr("SIRT"), int(recon::CtMethod::Sirt));
    method_->addItem(tr("OS-SART"), int(recon::CtMethod::OsSart));
    method_->addItem(tr("CGLS"), int(recon::CtMethod::Cgls));
    method_form->addRow(tr("Method"), method_);
    filter_ = new QComboBox;
    filter_->setObjectName("filter");
    for (recon::RampWindow w :
         {recon::RampWindow::RamLak, recon::RampWindow::SheppLogan, recon::RampWindow::Cosine,
          recon::RampWindow::Hamming, recon::RampWindow::Hann})
        filter_->addItem(QString::fromLatin1(recon::to_string(w)), int(w));
    method_form->addRow(tr("Filter"), filter_);
    cutoff_ = number(0.01, 1, 1, 2, QString());
    cutoff_->setObjectName("cutoff");
    cutoff_->setSingleStep(0.05);
    cutoff_->setToolTip(tr("Of the Nyquist frequency"));
    method_form->addRow(tr("Cut-off"), cutoff_);
    iterations_ = integer(1, 10000, 20);
    iterations_->setObjectName("iterations");
    method_form->addRow(tr("Iterations"), iterations_);
    subsets_ = integer(1, 10000, 10);
    subsets_->setObjectName("subsets");
    method_form->addRow(tr("Subsets"), subsets_);
    reconstruct_ = new QPushButton(tr("Reconstruct"));
    reconstruct_->setObjectName("reconstruct");
    method_form->addRow(reconstruct_);
    layout->addWidget(method);

    auto* sweep = new QGroupBox(tr("DRR → CBCT"));
    auto* sweep_form = new QFormLayout(sweep);
    sweep_arc_ = number(1, 720, 360, 1, tr(" °"));
    sweep_arc_->setObjectName("sweepArc");
    sweep_views_ = integer(2, 10000, 120);
    sweep_views_->setObjectName("sweepViews");
    auto* sweep_row = new QHBoxLayout;
    sweep_row->addWidget(sweep_views_);
    sweep_row->addWidget(new QLabel(tr("DRRs over")));
    sweep_row->addWidget(sweep_arc_);
    sweep_form->addRow(tr("Sweep"), sweep_row);
    sweep_ = new QPushButton(tr("Sweep the C-arm, reconstruct by FDK"));
    sweep_->setObjectName("drrToCbct");
    sweep_->setToolTip(
        tr("Turns the DRR workspace's C-arm about the patient (primary angle) over the arc, "
           "renders a DRR at each step and reconstructs them by FDK"));
    sweep_form->addRow(sweep_);
    layout->addWidget(sweep);

    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    // The stage is the bar's own text: a label's new text would ask the whole window for a new
    // layout at every step of a job (tens of ms on the UI thread), a bar's only repaints it.
    progress_->setTextVisible(true);
    progress_->setFormat(QString());
    progress_->setObjectName("progress");
    cancel_ = new QPushButton(tr("Cancel"));
    cancel_->setObjectName("cancel");
    auto* progress_row = new QHBoxLayout;
    progress_row->addWidget(progress_, 1);
    progress_row->addWidget(cancel_);
    layout->addLayout(progress_row);
    result_ = new QLabel;
    result_->setObjectName("result");
    result_->setWordWrap(true);
    // Room for three lines whatever the text, so that a new result changes no layout.
    result_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    result_->setFixedHeight(3 * result_->fontMetrics().lineSpacing() + 4);
    result_->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    result_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(result_);
    layout->addStretch(1);

    setScanSettings(CtScanSettings{});  // the defaults; nobody listens yet

    connect(beam_, &QComboBox::currentIndexChanged, this, [this] {
        updateEnabled();
        if (!quiet_) emit scanChanged();
    });
    connect(parallel_3d_, &QCheckBox::toggled, this, [this] {
        updateEnabled();
        if (!quiet_) emit scanChanged();
    });
    for (QSpinBox* box : {views_, columns_, rows_})
        connect(box, &QSpinBox::valueChanged, this, [this] {
            if (!quiet_) emit scanChanged();
        });
    for (QDoubleSpinBox* box : {arc_, sid_, sdd_, pixel_})
        connect(box, &QDoubleSpinBox::valueChanged, this, [this] {
            if (!quiet_) emit scanChanged();
        });
    connect(block_, &QSpinBox::valueChanged, this, [this] {
        if (!quiet_) emit imageGridChanged();
    });
    connect(method_, &QComboBox::currentIndexChanged, this, [this] { updateEnabled(); });
    connect(fit_, &QPushButton::clicked, this, &CtReconPanel::fitRequested);
    connect(reconstruct_, &QPushButton::clicked, this, &CtReconPanel::reconstructRequested);
    connect(cancel_, &QPushButton::clicked, this, &CtReconPanel::cancelRequested);
    connect(sweep_, &QPushButton::clicked, this, &CtReconPanel::drrToCbctRequested);
    updateEnabled();
}

CtScanSettings CtReconPanel::scanSettings() const {
    CtScanSettings s;
    s.beam = recon::ScanBeam(beam_->currentData().toInt());
    s.parallel_3d = parallel_3d_->isChecked();
    s.views = views_->value();
    s.arc_deg = arc_->value();
    s.sid_mm = sid_->value();
    s.sdd_mm = sdd_->value();
    s.columns = columns_->value();
    s.rows = rows_->value();
    s.pixel_mm = pixel_->value();
    return s;
}

void CtReconPanel::setScanSettings(const CtScanSettings& s) {
    quiet_ = true;
    beam_->setCurrentIndex(beam_->findData(int(s.beam)));
    parallel_3d_->setChecked(s.parallel_3d);
    views_->setValue(s.views);
    arc_->setValue(s.arc_deg);
    sid_->setValue(s.sid_mm);
    sdd_->setValue(s.sdd_mm);
    columns_->setValue(s.columns);
    rows_->setValue(s.rows);
    pixel_->setValue(s.pixel_mm);
    quiet_ = false;
    updateEnabled();
    emit scanChanged();
}

int CtReconPanel::imageBlock() const {
    return block_->value();
}

void CtReconPanel::setImageBlock(int block) {
    block_->setValue(block);
}

recon::CtReconSettings CtReconPanel::reconSettings() const {
    recon::CtReconSettings s;
    s.method = recon::CtMethod(method_->currentData().toInt());
    if (s.method == recon::CtMethod::Fdk && scanSettings().beam == recon::ScanBeam::Parallel)
        s.method = recon::CtMethod::Fbp;
    s.fbp.filter.window = recon::RampWindow(filter_->currentData().toInt());
    s.fbp.filter.cutoff = cutoff_->value();
    s.iterations = iterations_->value();
    s.subsets = s.method == recon::CtMethod::OsSart ? subsets_->value() : 1;
    return s;
}

void CtReconPanel::setMethod(recon::CtMethod method) {
    if (method == recon::CtMethod::Fbp) method = recon::CtMethod::Fdk;
    method_->setCurrentIndex(method_->findData(int(method)));
}

void CtReconPanel::setIterations(int iterations) {
    iterations_->setValue(iterations);
}

void CtReconPanel::setSubsets(int subsets) {
    subsets_->setValue(subsets);
}

double CtReconPanel::sweepArcDeg() const {
    return sweep_arc_->value();
}

int CtReconPanel::sweepViews() const {
    return sweep_views_->value();
}

void CtReconPanel::setSweep(double arc_deg, int views) {
    sweep_arc_->setValue(arc_deg);
    sweep_views_->setValue(views);
}

void CtReconPanel::setBusy(bool busy) {
    busy_ = busy;
    if (!busy) {
        progress_->setValue(0);
        progress_->setFormat(QString());
    }
    updateEnabled();
}

void CtReconPanel::setProgress(double fraction_done, const QString& stage) {
    progress_->setValue(int(1000 * std::clamp(fraction_done, 0.0, 1.0)));
    progress_->setFormat(stage);
}

QString CtReconPanel::stage() const {
    return progress_->format();
}

void CtReconPanel::setResult(const QString& text) {
    result_->setText(text);
}

QString CtReconPanel::resultText() const {
    return result_->text();
}

void CtReconPanel::setImageGridText(const QString& text) {
    grid_text_->setText(text);
}

void CtReconPanel::updateEnabled() {
    const CtScanSettings s = scanSettings();
    const bool parallel = s.beam == recon::ScanBeam::Parallel;
    parallel_3d_->setEnabled(parallel);
    sid_->setEnabled(!parallel);
    sdd_->setEnabled(!parallel);
    rows_->setEnabled(!s.twoD());
    const auto method = recon::CtMethod(method_->currentData().toInt());
    const bool filtered = recon::is_filtered(method);
    filter_->setEnabled(filtered);
    cutoff_->setEnabled(filtered);
    iterations_->setEnabled(!filtered);
    subsets_->setEnabled(method == recon::CtMethod::OsSart);
    reconstruct_->setEnabled(!busy_);
    sweep_->setEnabled(!busy_);
    cancel_->setEnabled(busy_);
}

}  // namespace radon::ui
