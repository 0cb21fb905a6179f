#include "ui/pet/pet_workspace.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDockWidget>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

#include "kernels/core/error.h"
#include "ui/common/compute_worker.h"
#include "ui/common/image_view.h"
#include "ui/common/line_plot.h"
#include "ui/common/orthogonal_slices.h"
#include "ui/pet/pet_session.h"
#include "ui/pet/scanner_chooser.h"
#include "ui/pet/scanner_view.h"
#include "ui/pet/sinogram_view.h"

namespace radon::ui {
namespace {

// The LOR of a picked bin, with its TOF bin's kernel, as the scanner view draws it.
ScannerView::LorMark lor_mark(const pet::BinLor& lor) {
    ScannerView::LorMark mark;
    mark.a = lor.p1;
    mark.b = lor.p2;
    if (lor.has_tof) {
        mark.tof_centre_mm = lor.tof_centre_mm;
        mark.tof_sigma_mm = lor.tof_sigma_mm;
    }
    return mark;
}

QScrollArea* scrolled(QWidget* widget) {
    auto* area = new QScrollArea;
    area->setWidget(widget);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return area;
}

}  // namespace

PetWorkspace::PetWorkspace(StudioContext& context, QWidget* parent)
    : Workspace("pet", "PET", context, parent) {
    session_ = new PetSession(*context.compute, this);

    scanner_view_ = new ScannerView(this);
    scanner_view_->setObjectName("pet_scanner_view");
    sinogram_view_ = new SinogramView(this);
    sinogram_view_->setObjectName("pet_sinogram_view");
    auto* centre = new QSplitter(Qt::Horizontal, this);
    centre->addWidget(scanner_view_);
    centre->addWidget(sinogram_view_);
    centre->setStretchFactor(0, 2);
    centre->setStretchFactor(1, 3);
    scanner_view_->setMinimumWidth(240);
    centre->setSizes({560, 840});
    setCentralWidget(centre);

    auto* panel_dock = new QDockWidget("PET set-up", this);
    panel_dock->setObjectName("pet_setup_dock");
    // In scroll areas: the panels must not set the main window's minimum height (1280 x 720).
    panel_dock->setWidget(scrolled(buildPanel()));
    addDockWidget(Qt::LeftDockWidgetArea, panel_dock);
    chooser_ = new ScannerChooser(this);
    auto* chooser_dock = new QDockWidget("Scanner", this);
    chooser_dock->setObjectName("pet_scanner_dock");
    chooser_dock->setWidget(scrolled(chooser_));
    addDockWidget(Qt::LeftDockWidgetArea, chooser_dock);
    tabifyDockWidget(panel_dock, chooser_dock);
    panel_dock->raise();

    slices_ = new OrthogonalSlices(this);
    plot_ = new LinePlot(this);
    plot_->setTitle("Poisson log-likelihood");
    plot_->setAxisLabels("iteration", "log-likelihood");
    ll_series_ = plot_->addSeries("OSEM", QColor(230, 120, 30));
    auto* recon_widget = new QSplitter(Qt::Horizontal, this);
    recon_widget->addWidget(slices_);
    recon_widget->addWidget(plot_);
    recon_widget->setStretchFactor(0, 3);
    recon_widget->setStretchFactor(1, 1);
    plot_->setMinimumWidth(320);
    auto* recon_dock = new QDockWidget("Reconstruction", this);
    recon_dock->setObjectName("pet_reconstruction_dock");
    recon_dock->setWidget(recon_widget);
    addDockWidget(Qt::BottomDockWidgetArea, recon_dock);

    connect(session_, &PetSession::sinogramReady, this, &PetWorkspace::showSinogram);
    connect(session_, &PetSession::pickChanged, this, &PetWorkspace::showPick);
    connect(session_, &PetSession::setupChanged, this, [this] {
        // Settings set from outside the panel (a test, restored settings) show in it.
        if (!applying_) loadPanel();
        showSetup();
    });
    connect(session_, &PetSession::statusMessage, this, &Workspace::statusMessage);
    connect(session_, &PetSession::errorOccurred, this, &Workspace::errorOccurred);
    connect(session_, &PetSession::reconstructionStarted, this, [this](int, int subsets) {
        subsets_shown_ = subsets;
        plot_->clearPoints();
        reconstruct_->setEnabled(false);
        cancel_->setEnabled(true);
    });
    connect(session_, &PetSession::reconstructionUpdated, this, [this](int iteration, int subset) {
        if (session_->reconstruction()) slices_->setVolume(*session_->reconstruction(), "activity");
        emit statusMessage(QString("OSEM iteration %1, subset %2/%3")
                               .arg(iteration)
                               .arg(subset + 1)
                               .arg(subsets_shown_));
    });
    connect(session_, &PetSession::logLikelihood, this, [this](int iteration, double value) {
        // The initial image's value arrives last: keep the points in iteration order.
        QVector<QPointF> points = plot_->points(ll_series_);
        const QPointF point(iteration, value);
        points.insert(
            std::lower_bound(points.begin(), points.end(), point,
                             [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }),
            point);
        plot_->setPoints(ll_series_, points);
    });
    connect(session_, &PetSession::reconstructionEnded, this, [this](bool completed) {
        reconstruct_->setEnabled(true);
        cancel_->setEnabled(false);
        emit statusMessage(completed ? "OSEM done" : "OSEM stopped");
    });
    connect(sinogram_view_, &SinogramView::binClicked, session_, &PetSession::pickBin);
    connect(scanner_view_, &ScannerView::crystalPicked, session_, &PetSession::pickCrystal);
    connect(chooser_, &ScannerChooser::scannerChanged, this,
            [this](const recon::ScannerDescription& description) {
                if (syncing_chooser_) return;
                PetSettings s = session_->settings();
                s.scanner = description;
                s.sinogram = {};
                try {
                    session_->setSettings(s);
                } catch (const Error& e) {
                    emit errorOccurred(QString::fromStdString(e.what()));
                }
            });
    connect(sinogram_view_, &SinogramView::sliceChanged, this, [this] {
        if (session_->pickedBin()) sinogram_view_->setPickedBin(session_->pickedBin()->bin);
    });

    ComputeWorker* worker = context.compute;
    connect(worker, &ComputeWorker::jobStarted, this, [this](quint64 id, const QString& title) {
        running_job_ = id;
        progress_->setFormat(title + " %p%");
        progress_->setValue(0);
    });
    connect(worker, &ComputeWorker::jobProgress, this,
            [this](quint64 id, double fraction, const QString& stage) {
                if (id != running_job_) return;
                progress_->setFormat(stage + " %p%");
                progress_->setValue(static_cast<int>(fraction * 1000));
            });
    connect(worker, &ComputeWorker::jobFinished, this, [this](quint64 id) {
        if (id == running_job_) progress_->setValue(1000);
    });
    connect(worker, &ComputeWorker::jobFailed, this, [this](quint64 id, const QString& message) {
        if (id == running_job_) progress_->setFormat("failed");
        emit errorOccurred(message);
    });
    loadPanel();
    showSetup();
}

PetWorkspace::~PetWorkspace() {
    session_->cancelReconstruction();
}

QWidget* PetWorkspace::buildPanel() {
    auto* panel = new QWidget(this);
    auto* layout = new QVBoxLayout(panel);

    auto* scanner_box = new QGroupBox("Scanner and sinogram", panel);
    auto* form = new QFormLayout(scanner_box);
    span_ = new QSpinBox(scanner_box);
    span_->setSingleStep(2);
    span_->setToolTip("Axial compression: ring differences each plane adds (odd)");
    form->addRow("Span", span_);
    mrd_ = new QSpinBox(scanner_box);
    mrd_->setToolTip("Largest ring difference kept");
    form->addRow("Max ring difference", mrd_);
    mashing_ = new QSpinBox(scanner_box);
    mashing_->setToolTip("Views added together (divides detectors per ring / 2)");
    form->addRow("View mashing", mashing_);
    tof_ = new QComboBox(scanner_box);
    tof_->addItem("as the scanner's default", static_cast<int>(recon::TofChoice::Default));
    tof_->addItem("TOF bins", static_cast<int>(recon::TofChoice::On));
    tof_->addItem("no TOF", static_cast<int>(recon::TofChoice::Off));
    form->addRow("Time of flight", tof_);
    projector_ = new QComboBox(scanner_box);
    projector_->addItem("Joseph", static_cast<int>(pet::PetModel::Joseph));
    projector_->addItem("Siddon (non-TOF)", static_cast<int>(pet::PetModel::Siddon));
    form->addRow("Projector", projector_);
    layout->addWidget(scanner_box);
    setup_line_ = new QLabel(panel);
    setup_line_->setWordWrap(true);
    setup_line_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(setup_line_);

    auto* object_box = new QGroupBox("Object", panel);
    auto* object_form = new QFormLayout(object_box);
    activity_ = new QComboBox(object_box);
    activity_->addItem("IEC body phantom", static_cast<int>(PetActivitySource::IecPhantom));
    activity_->addItem("Point source at the centre",
                       static_cast<int>(PetActivitySource::PointSource));
    activity_->addItem("Image file...", static_cast<int>(PetActivitySource::ImageFile));
    object_form->addRow("Activity", activity_);
    contrast_ = new QDoubleSpinBox(object_box);
    contrast_->setRange(0.1, 1000);
    contrast_->setDecimals(2);
    contrast_->setToolTip("IEC spheres to background activity");
    object_form->addRow("Sphere contrast", contrast_);
    attenuation_ = new QComboBox(object_box);
    attenuation_->addItem("none", static_cast<int>(PetAttenuationSource::None));
    attenuation_->addItem("IEC phantom's mu-map",
                          static_cast<int>(PetAttenuationSource::IecPhantom));
    attenuation_->addItem("from the loaded CT", static_cast<int>(PetAttenuationSource::LoadedCt));
    attenuation_->setToolTip(
        "From the loaded CT: its HU converted to mu at 511 keV (bilinear model), the scanner "
        "centred on the CT");
    object_form->addRow("Attenuation", attenuation_);
    project_ = new QPushButton("Project", object_box);
    project_->setToolTip("Forward-project the activity into the sinogram (as radon pet project)");
    object_form->addRow(project_);
    layout->addWidget(object_box);

    auto* recon_box = new QGroupBox("OSEM", panel);
    auto* recon_form = new QFormLayout(recon_box);
    iterations_ = new QSpinBox(recon_box);
    iterations_->setRange(0, 1000);
    recon_form->addRow("Iterations", iterations_);
    subsets_ = new QSpinBox(recon_box);
    subsets_->setRange(1, 1000);
    recon_form->addRow("Subsets", subsets_);
    auto* buttons = new QHBoxLayout;
    reconstruct_ = new QPushButton("Reconstruct", recon_box);
    cancel_ = new QPushButton("Cancel", recon_box);
    cancel_->setEnabled(false);
    buttons->addWidget(reconstruct_);
    buttons->addWidget(cancel_);
    recon_form->addRow(buttons);
    layout->addWidget(recon_box);

    auto* pick_box = new QGroupBox("Picking and export", panel);
    auto* pick_form = new QFormLayout(pick_box);
    crystal_ = new QSpinBox(pick_box);
    crystal_->setRange(-1, 0);
    crystal_->setSpecialValueText("none");
    crystal_->setToolTip("A crystal id: its fan of LORs and its bins light up");
    pick_form->addRow("Pick crystal", crystal_);
    auto* exports = new QHBoxLayout;
    auto* export_sino = new QPushButton("Export sinogram...", pick_box);
    auto* export_image = new QPushButton("Export image...", pick_box);
    exports->addWidget(export_sino);
    exports->addWidget(export_image);
    pick_form->addRow(exports);
    auto* copy_command = new QPushButton("Copy as radon pet command", pick_box);
    copy_command->setToolTip(
        "Puts the radon pet project and recon commands that compute what this workspace "
        "computes on the clipboard");
    pick_form->addRow(copy_command);
    layout->addWidget(pick_box);

    progress_ = new QProgressBar(panel);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    progress_->setFormat("idle");
    layout->addWidget(progress_);
    layout->addStretch(1);

    auto apply = [this] {
        if (!loading_panel_) applySettings();
    };
    for (QSpinBox* box : {span_, mrd_, mashing_, iterations_, subsets_})
        connect(box, qOverload<int>(&QSpinBox::valueChanged), this, apply);
    connect(contrast_, qOverload<double>(&QDoubleSpinBox::valueChanged), this, apply);
    for (QComboBox* box : {tof_, projector_, attenuation_})
        connect(box, qOverload<int>(&QComboBox::currentIndexChanged), this, apply);
    connect(activity_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        if (loading_panel_) return;
        if (static_cast<PetActivitySource>(activity_->currentData().toInt()) ==
                PetActivitySource::ImageFile &&
            session_->settings().image_file.isEmpty())
            openActivityImage();
        applySettings();
    });
    connect(project_, &QPushButton::clicked, this, [this] {
        if (applySettings()) session_->project();
    });
    connect(reconstruct_, &QPushButton::clicked, this, [this] {
        if (applySettings()) session_->reconstruct();
    });
    connect(cancel_, &QPushButton::clicked, session_, &PetSession::cancelReconstruction);
    connect(crystal_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int id) {
        if (loading_panel_) return;
        if (id < 0)
            session_->clearPick();
        else
            session_->pickCrystal(id);
    });
    connect(export_sino, &QPushButton::clicked, this, &PetWorkspace::exportSinogram);
    connect(copy_command, &QPushButton::clicked, this, [this] {
        if (!applySettings()) return;
        const PetSettings& s = session_->settings();
        QStringList project = pet_cli_arguments(s, session_->scanner(), true, false);
        QStringList recon = pet_cli_arguments(s, session_->scanner(), false, true);
        if (s.attenuation == PetAttenuationSource::LoadedCt) {
            project << "--mu-from-ct"
                    << "CT.nii.gz";
            recon << "--mu-from-ct"
                  << "CT.nii.gz";
        }
        const QString text = "radon pet project " + project.join(' ') +
                             " -o sinogram.hs\nradon pet recon sinogram.hs " + recon.join(' ') +
                             " -o osem.nii.gz\n";
        QGuiApplication::clipboard()->setText(text);
        emit statusMessage("Copied the radon pet commands to the clipboard");
    });
    connect(export_image, &QPushButton::clicked, this, &PetWorkspace::exportImage);
    return panel;
}

void PetWorkspace::loadPanel() {
    loading_panel_ = true;
    const PetSettings& s = session_->settings();
    const pet::SinogramDescriptor& d = session_->descriptor();
    const int rings = s.scanner.scanner.rings;
    // The chooser shows the scanner in use (set here from outside it: a test, restored settings).
    if (chooser_ && chooser_->description().json != s.scanner.json) {
        const QString origin = QString::fromStdString(s.scanner.origin);
        if (origin.startsWith("preset ")) {
            syncing_chooser_ = true;
            chooser_->selectPreset(origin.mid(7));
            syncing_chooser_ = false;
        }
    }
    span_->setRange(1, std::max(1, 2 * rings - 1));
    span_->setValue(d.spec().span);
    mrd_->setRange(0, std::max(0, rings - 1));
    mrd_->setValue(d.spec().max_ring_difference);
    mashing_->setRange(1, std::max(1, s.scanner.scanner.detectors_per_ring / 2));
    mashing_->setValue(d.spec().view_mashing);
    tof_->setCurrentIndex(tof_->findData(static_cast<int>(s.sinogram.tof)));
    tof_->setEnabled(s.scanner.scanner.tof.enabled());
    projector_->setCurrentIndex(projector_->findData(static_cast<int>(s.model)));
    activity_->setCurrentIndex(activity_->findData(static_cast<int>(s.activity)));
    contrast_->setValue(s.contrast);
    attenuation_->setCurrentIndex(attenuation_->findData(static_cast<int>(s.attenuation)));
    iterations_->setValue(s.iterations);
    subsets_->setRange(1, d.views());
    subsets_->setValue(s.subsets);
    crystal_->setRange(-1, s.scanner.scanner.crystal_count() - 1);
    loading_panel_ = false;
}

bool PetWorkspace::applySettings() {
    PetSettings s = session_->settings();
    // Only what differs from the scanner's default sinogram is a choice (and a CLI option).
    const pet::SinogramSpec& def = s.scanner.default_sinogram;
    auto choose = [](std::optional<int>& field, int value, int default_value) {
        if (value != default_value || field) field = value;
    };
    choose(s.sinogram.span, span_->value(), def.span);
    const int default_mrd = def.max_ring_difference < 0 ? s.scanner.scanner.max_ring_difference
                                                        : def.max_ring_difference;
    choose(s.sinogram.max_ring_difference, mrd_->value(), default_mrd);
    choose(s.sinogram.view_mashing, mashing_->value(), def.view_mashing);
    s.sinogram.tof = static_cast<recon::TofChoice>(tof_->currentData().toInt());
    s.model = static_cast<pet::PetModel>(projector_->currentData().toInt());
    s.activity = static_cast<PetActivitySource>(activity_->currentData().toInt());
    s.contrast = contrast_->value();
    s.attenuation = static_cast<PetAttenuationSource>(attenuation_->currentData().toInt());
    s.iterations = iterations_->value();
    s.subsets = subsets_->value();
    try {
        applying_ = true;
        session_->setSettings(s);
        applying_ = false;
    } catch (const Error& e) {
        applying_ = false;
        setup_line_->setText("<span style='color:#e05050'>" +
                             QString::fromStdString(e.what()).toHtmlEscaped() + "</span>");
        return false;
    }
    return true;
}

void PetWorkspace::showSetup() {
    const pet::SinogramDescriptor& d = session_->descriptor();
    // A new scanner (or the same one moved) redraws the crystals; a sinogram change alone does
    // not touch them.
    const recon::ScannerDescription& scanner = session_->scanner();
    const Vec3 centre = scanner.scanner.isocentre_lps;
    if (scanner.json != shown_scanner_json_ || norm(centre - shown_scanner_centre_) > 0) {
        shown_scanner_json_ = scanner.json;
        shown_scanner_centre_ = centre;
        scanner_view_->setScanner(scanner.scanner);
    }
    scanner_view_->setImageGrid(session_->imageGrid());
    const pet::ScannerGeometry& s = d.scanner();
    QString text = QString("%1: %2 crystals per ring \u00d7 %3 rings; sinogram %4")
                       .arg(QString::fromStdString(s.name))
                       .arg(s.detectors_per_ring)
                       .arg(s.rings)
                       .arg(QString::fromStdString(d.description()));
    setup_line_->setText(text.toHtmlEscaped());
    subsets_->setMaximum(d.views());
}

void PetWorkspace::activate() {
    if (activated_) return;
    activated_ = true;
    volumeChanged();
    session_->project();
}

void PetWorkspace::volumeChanged() {
    std::optional<recon::Volume> hu;
    if (context().volume) hu = context().volume->hu;
    session_->setCtVolume(hu);
    scanner_view_->setVolume(hu ? *hu : recon::Volume{});
}

void PetWorkspace::showSinogram() {
    const auto& sino = session_->sinogram();
    if (!sino) return;
    sinogram_view_->setSinogram(sino->descriptor, sino->values);
    sinogram_view_->imageView()->repaint();
    emit sinogramShown();
    if (!first_shown_) {
        first_shown_ = true;
        emit firstResultReady();
    }
}

void PetWorkspace::showPick() {
    const auto& fan = session_->pickedFan();
    const auto& bin = session_->pickedBin();
    loading_panel_ = true;
    crystal_->setValue(fan ? fan->crystal : -1);
    loading_panel_ = false;
    sinogram_view_->setHighlightedBins(fan ? fan->bins : std::vector<pet::SinogramBin>{});
    sinogram_view_->setPickedBin(bin ? std::optional<pet::SinogramBin>(bin->bin) : std::nullopt);
    if (bin) {
        std::vector<int> crystals;
        for (const pet::DetectorPair& p : bin->pairs) {
            crystals.push_back(p.a);
            crystals.push_back(p.b);
        }
        scanner_view_->showLors({lor_mark(*bin)});
        sinogram_view_->showBinText(bin->bin);
        scanner_view_->highlightCrystals(crystals);
    } else if (fan) {
        const pet::ScannerGeometry& g = session_->shownDescriptor().scanner();
        std::vector<ScannerView::LorMark> lors;
        lors.reserve(fan->pairs.size());
        for (const pet::DetectorPair& p : fan->pairs) {
            ScannerView::LorMark mark;
            mark.a = g.world_centre(p.a);
            mark.b = g.world_centre(p.b);
            lors.push_back(mark);
        }
        scanner_view_->showLors(lors);
        scanner_view_->highlightCrystals({fan->crystal});
    } else {
        scanner_view_->showLors({});
        scanner_view_->highlightCrystals({});
    }
    if (bin) {
        emit statusMessage(sinogram_view_->describe(bin->bin).section('\n', 0, 0));
    } else if (fan) {
        emit statusMessage(QString("Crystal %1: %2 LORs in %3 bins")
                               .arg(fan->crystal)
                               .arg(fan->pairs.size())
                               .arg(fan->bins.size()));
    }
}

void PetWorkspace::exportSinogram() {
    const QString path = QFileDialog::getSaveFileName(this, "Export sinogram", "sinogram.hs",
                                                      "Interfile (*.hs);;NRRD (*.nrrd)");
    if (!path.isEmpty()) session_->exportSinogram(path);
}

void PetWorkspace::exportImage() {
    const QString path =
        QFileDialog::getSaveFileName(this, "Export reconstruction", "osem.nii.gz",
                                     "NIfTI (*.nii.gz *.nii);;NRRD (*.nrrd);;MetaImage (*.mha)");
    if (!path.isEmpty()) session_->exportReconstruction(path);
}

void PetWorkspace::openActivityImage() {
    const QString path = QFileDialog::getOpenFileName(this, "Open activity image", QString(),
                                                      "Images (*.nii *.nii.gz *.nrrd *.mha *.mhd)");
    if (path.isEmpty()) return;
    PetSettings s = session_->settings();
    s.image_file = path;
    s.activity = PetActivitySource::ImageFile;
    session_->setSettings(s);
}

void PetWorkspace::saveExtraSettings(QSettings& settings) const {
    settings.setValue("scanner", QString::fromStdString(session_->settings().scanner.origin));
    settings.setValue("sinogram_slice", static_cast<int>(sinogram_view_->slice()));
}

void PetWorkspace::restoreExtraSettings(QSettings& settings) {
    const QString origin = settings.value("scanner").toString();
    if (origin.startsWith("preset ")) chooser_->selectPreset(origin.mid(7));
    sinogram_view_->setSlice(
        static_cast<SinogramView::Slice>(settings.value("sinogram_slice", 0).toInt()));
}

}  // namespace radon::ui
