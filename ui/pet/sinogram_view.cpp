#include "ui/pet/sinogram_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPoint>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

#include "kernels/pet/sinogram_picking.h"
#include "ui/common/image_view.h"
#include "ui/pet/michelogram_view.h"

namespace radon::ui {
namespace {

QString mm(double v) {
    return QString::number(v, 'f', 1);
}

QString point_text(const Vec3& p) {
    return QString("(%1, %2, %3)").arg(mm(p.x), mm(p.y), mm(p.z));
}

QString ring_pairs_text(const pet::SinogramDescriptor& d, int plane) {
    const pet::Plane& pl = d.plane_table()[static_cast<std::size_t>(plane)];
    QStringList pairs;
    for (int i = 0; i < pl.pairs && i < 4; ++i) {
        const pet::RingPair& rp = d.ring_pairs()[static_cast<std::size_t>(pl.first_pair + i)];
        pairs << QString("%1-%2").arg(rp.r1).arg(rp.r2);
    }
    if (pl.pairs > 4) pairs << QString("... (%1 pairs)").arg(pl.pairs);
    return pairs.join(", ");
}

QString plane_text(const pet::SinogramDescriptor& d, int plane) {
    const pet::Plane& pl = d.plane_table()[static_cast<std::size_t>(plane)];
    const pet::Segment& seg = d.segments()[static_cast<std::size_t>(pl.segment)];
    QString diffs = seg.min_ring_difference == seg.max_ring_difference
                        ? QString("ring difference %1").arg(seg.min_ring_difference)
                        : QString("ring differences %1..%2")
                              .arg(seg.min_ring_difference)
                              .arg(seg.max_ring_difference);
    return QString("plane %1: segment %2 (%3), axial %4, rings %5")
        .arg(plane)
        .arg(seg.number)
        .arg(diffs)
        .arg(pl.axial)
        .arg(ring_pairs_text(d, plane));
}

}  // namespace

SinogramView::SinogramView(QWidget* parent) : QWidget(parent) {
    image_ = new ImageView(this);
    image_->setColourBarTitle("expected counts");
    michelogram_ = new MichelogramView(this);

    slice_choice_ = new QComboBox(this);
    slice_choice_->addItem("Plane: radial \u00d7 view", static_cast<int>(Slice::Plane));
    slice_choice_->addItem("View: radial \u00d7 plane", static_cast<int>(Slice::View));
    slice_choice_->setToolTip("Which slice of the sinogram to show, and its axes");
    slice_label_ = new QLabel("Plane", this);
    slice_slider_ = new QSlider(Qt::Horizontal, this);
    slice_spin_ = new QSpinBox(this);
    tof_label_ = new QLabel("TOF bin", this);
    tof_slider_ = new QSlider(Qt::Horizontal, this);
    tof_sum_ = new QCheckBox("Sum over TOF", this);
    tof_sum_->setChecked(true);
    readout_ = new QLabel(this);
    readout_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    readout_->setWordWrap(true);
    readout_->setMinimumHeight(readout_->fontMetrics().lineSpacing() * 3);
    readout_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    readout_->setText("Point at a bin to name it; click it to show its LOR.");

    auto* controls = new QHBoxLayout;
    controls->addWidget(slice_choice_);
    controls->addWidget(slice_label_);
    controls->addWidget(slice_slider_, 2);
    controls->addWidget(slice_spin_);
    controls->addSpacing(12);
    controls->addWidget(tof_label_);
    controls->addWidget(tof_slider_, 1);
    controls->addWidget(tof_sum_);

    auto* side = new QVBoxLayout;
    auto* mich_title = new QLabel("Michelogram", this);
    side->addWidget(mich_title);
    side->addWidget(michelogram_, 1);

    auto* body = new QHBoxLayout;
    body->addWidget(image_, 4);
    body->addLayout(side, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addLayout(body, 1);
    layout->addWidget(readout_);

    connect(slice_choice_, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int i) {
        if (!updating_) setSlice(static_cast<Slice>(slice_choice_->itemData(i).toInt()));
    });
    connect(slice_slider_, &QSlider::valueChanged, this, [this](int v) {
        if (!updating_) setSliceIndex(v);
    });
    connect(slice_spin_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int v) {
        if (!updating_) setSliceIndex(v);
    });
    connect(tof_slider_, &QSlider::valueChanged, this, [this](int v) {
        if (!updating_) setTofBin(v);
    });
    connect(tof_sum_, &QCheckBox::toggled, this, [this](bool sum) {
        if (!updating_) setTofBin(sum ? -1 : tof_slider_->value());
    });
    connect(michelogram_, &MichelogramView::planeClicked, this, [this](int plane) {
        if (slice_ != Slice::Plane) setSlice(Slice::Plane);
        setSliceIndex(plane);
    });
    connect(image_, &ImageView::pixelHovered, this, &SinogramView::showReadout);
    connect(image_, &ImageView::pixelClicked, this, [this](int column, int row) {
        if (!descriptor_) return;
        emit binClicked(binAt(column, row));
    });
    updateControls();
}

void SinogramView::setSinogram(std::shared_ptr<const pet::SinogramDescriptor> descriptor,
                               std::shared_ptr<const std::vector<float>> values) {
    const bool same_shape =
        descriptor_ && descriptor && descriptor_->shape() == descriptor->shape();
    descriptor_ = std::move(descriptor);
    values_ = std::move(values);
    if (!same_shape) {
        // The middle plane of segment 0 (the direct planes): the middle of the whole table lies
        // in an oblique segment.
        plane_ = 0;
        if (descriptor_ && !descriptor_->segments().empty()) {
            const pet::Segment& direct = descriptor_->segments().front();
            plane_ = direct.first_plane + direct.planes / 2;
        }
        view_ = 0;
        tof_bin_ = -1;
        highlighted_.clear();
        picked_.reset();
        michelogram_->setDescriptor(descriptor_);
    }
    updateControls();
    refresh();
}

void SinogramView::clear() {
    descriptor_.reset();
    values_.reset();
    image_->clear();
    michelogram_->setDescriptor(nullptr);
    updateControls();
}

void SinogramView::setSlice(Slice slice) {
    if (slice == slice_) return;
    slice_ = slice;
    updateControls();
    refresh();
    emit sliceChanged();
}

int SinogramView::sliceIndex() const {
    return slice_ == Slice::Plane ? plane_ : view_;
}

void SinogramView::setSliceIndex(int index) {
    if (!descriptor_) return;
    const int count = slice_ == Slice::Plane ? descriptor_->planes() : descriptor_->views();
    index = std::clamp(index, 0, count - 1);
    if (index == sliceIndex()) return;
    (slice_ == Slice::Plane ? plane_ : view_) = index;
    updateControls();
    refresh();
    emit sliceChanged();
}

void SinogramView::setTofBin(int tof_bin) {
    if (!descriptor_) return;
    tof_bin = std::clamp(tof_bin, -1, descriptor_->tof_bins() - 1);
    if (!descriptor_->has_tof_axis()) tof_bin = -1;
    if (tof_bin == tof_bin_) return;
    tof_bin_ = tof_bin;
    updateControls();
    refresh();
    emit sliceChanged();
}

void SinogramView::updateControls() {
    updating_ = true;
    const bool have = descriptor_ != nullptr;
    slice_choice_->setCurrentIndex(slice_ == Slice::Plane ? 0 : 1);
    const int count = !have                    ? 1
                      : slice_ == Slice::Plane ? descriptor_->planes()
                                               : descriptor_->views();
    slice_label_->setText(slice_ == Slice::Plane ? "Plane" : "View");
    slice_slider_->setRange(0, count - 1);
    slice_spin_->setRange(0, count - 1);
    slice_slider_->setValue(sliceIndex());
    slice_spin_->setValue(sliceIndex());
    const bool tof = have && descriptor_->has_tof_axis();
    tof_label_->setVisible(tof);
    tof_slider_->setVisible(tof);
    tof_sum_->setVisible(tof);
    if (tof) {
        tof_slider_->setRange(0, descriptor_->tof_bins() - 1);
        if (tof_bin_ >= 0) tof_slider_->setValue(tof_bin_);
        tof_slider_->setEnabled(tof_bin_ >= 0);
        tof_sum_->setChecked(tof_bin_ < 0);
        tof_label_->setText(tof_bin_ < 0 ? QString("TOF bin")
                                         : QString("TOF bin %1").arg(tof_bin_));
    }
    for (QWidget* w : std::initializer_list<QWidget*>{slice_choice_, slice_slider_, slice_spin_})
        w->setEnabled(have);
    michelogram_->setPlane(plane_);
    updating_ = false;
}

pet::SinogramBin SinogramView::binAt(int column, int row) const {
    pet::SinogramBin bin;
    bin.radial = column;
    if (slice_ == Slice::Plane) {
        bin.view = row;
        bin.plane = plane_;
    } else {
        bin.view = view_;
        bin.plane = row;
    }
    bin.tof = std::max(tof_bin_, 0);
    return bin;
}

bool SinogramView::pixelOf(const pet::SinogramBin& bin, int& column, int& row) const {
    column = bin.radial;
    if (slice_ == Slice::Plane) {
        row = bin.view;
        return bin.plane == plane_;
    }
    row = bin.plane;
    return bin.view == view_;
}

QString SinogramView::caption() const {
    if (!descriptor_) return {};
    QString text = slice_ == Slice::Plane
                       ? plane_text(*descriptor_, plane_)
                       : QString("view %1: %2\u00b0")
                             .arg(view_)
                             .arg(pet::view_angle_deg(*descriptor_, view_), 0, 'f', 2);
    if (descriptor_->has_tof_axis())
        text += tof_bin_ < 0 ? QString(", sum over %1 TOF bins").arg(descriptor_->tof_bins())
                             : QString(", TOF bin %1").arg(tof_bin_);
    return text;
}

void SinogramView::refresh() {
    if (!descriptor_ || !values_) return;
    const pet::SinogramDescriptor& d = *descriptor_;
    const int width = d.radial_bins();
    const int height = slice_ == Slice::Plane ? d.views() : d.planes();
    recon::Image2D image = recon::Image2D::allocate(width, height, 1.0, 1.0);
    float* out = image.pixels.host_data();
    const float* in = values_->data();
    const int t0 = tof_bin_ < 0 ? 0 : tof_bin_;
    const int t1 = tof_bin_ < 0 ? d.tof_bins() : tof_bin_ + 1;
    for (int row = 0; row < height; ++row)
        for (int column = 0; column < width; ++column) {
            pet::SinogramBin bin = binAt(column, row);
            double sum = 0;
            for (int t = t0; t < t1; ++t) {
                bin.tof = t;
                sum += in[d.offset(bin)];
            }
            out[static_cast<int64_t>(row) * width + column] = static_cast<float>(sum);
        }
    ImageAxis radial{"radial position t", "bin", double(d.min_tangential()), 1.0};
    ImageAxis rows;
    if (slice_ == Slice::Plane) {
        const double step = pet::view_angle_deg(d, 1) - pet::view_angle_deg(d, 0);
        rows = {"view angle", "deg", pet::view_angle_deg(d, 0), step};
    } else {
        rows = {"plane", "", 0.0, 1.0};
    }
    image_->setAxes(radial, rows);
    image_->setImage(image);
    image_->setCaption(caption());
    updateHighlight();
}

void SinogramView::setHighlightedBins(const std::vector<pet::SinogramBin>& bins) {
    highlighted_ = bins;
    updateHighlight();
}

void SinogramView::setPickedBin(const std::optional<pet::SinogramBin>& bin) {
    picked_ = bin;
    updateHighlight();
}

void SinogramView::updateHighlight() {
    QVector<QPoint> pixels;
    int column = 0, row = 0;
    for (const pet::SinogramBin& bin : highlighted_)
        if (pixelOf(bin, column, row)) pixels.push_back({column, row});
    if (picked_ && pixelOf(*picked_, column, row)) {
        image_->setHighlight({QPoint(column, row)}, QColor(0, 220, 255));
    } else {
        image_->setHighlight(pixels);
    }
    std::vector<int> planes;
    for (const pet::SinogramBin& bin : highlighted_)
        planes.push_back(bin.plane);
    michelogram_->setMarkedPlanes(planes);
}

QString SinogramView::describe(const pet::SinogramBin& bin) const {
    if (!descriptor_) return {};
    const pet::SinogramDescriptor& d = *descriptor_;
    const pet::BinLor lor = pet::describe_bin(d, bin);
    const pet::ScannerGeometry& s = d.scanner();
    QStringList lines;
    QString head = QString("Bin radial %1 (t = %2), view %3, plane %4")
                       .arg(bin.radial)
                       .arg(bin.radial + d.min_tangential())
                       .arg(bin.view)
                       .arg(bin.plane);
    if (d.has_tof_axis()) head += QString(", TOF %1").arg(bin.tof);
    head += QString(": view angle %1\u00b0, %2 mm from the axis")
                .arg(lor.view_angle_deg, 0, 'f', 2)
                .arg(mm(lor.radial_mm));
    lines << head;
    lines << plane_text(d, bin.plane);
    const pet::DetectorPair& first = lor.pairs.front();
    QString pair = QString("Detectors %1 (ring %2, crystal %3) \u2192 %4 (ring %5, crystal %6)")
                       .arg(first.a)
                       .arg(s.ring_of(first.a))
                       .arg(s.crystal_in_ring_of(first.a))
                       .arg(first.b)
                       .arg(s.ring_of(first.b))
                       .arg(s.crystal_in_ring_of(first.b));
    if (lor.pairs.size() > 1)
        pair += QString(" and %1 more pairs (mean LOR below)").arg(lor.pairs.size() - 1);
    lines << pair;
    QString ends = QString("LOR %1 \u2192 %2 mm").arg(point_text(lor.p1), point_text(lor.p2));
    if (lor.has_tof)
        ends += QString("; TOF kernel %1 mm from the middle toward p2, \u03c3 %2 mm")
                    .arg(mm(lor.tof_centre_mm), mm(lor.tof_sigma_mm));
    lines << ends;
    return lines.join('\n');
}

void SinogramView::showReadout(int column, int row, double value) {
    if (!descriptor_) return;
    const pet::SinogramBin bin = binAt(column, row);
    readout_->setText(describe(bin) + QString("\nValue %1").arg(value, 0, 'g', 6));
}

void SinogramView::showBinText(const pet::SinogramBin& bin) {
    if (descriptor_) readout_->setText(describe(bin));
}

QString SinogramView::readoutText() const {
    return readout_->text();
}

}  // namespace radon::ui
