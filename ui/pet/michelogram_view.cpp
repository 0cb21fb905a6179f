#include "ui/pet/michelogram_view.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace radon::ui {
namespace {

// Segment colours: 0 neutral, then alternating hues that darken with |segment number|.
QColor segment_colour(int number) {
    if (number == 0) return QColor(120, 170, 220);
    const int k = std::abs(number);
    const int hue = (number > 0 ? 20 : 150) + 25 * ((k - 1) % 4);
    return QColor::fromHsv(hue % 360, 140, std::max(110, 230 - 12 * k));
}

}  // namespace

MichelogramView::MichelogramView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(false);
    setToolTip(
        "Michelogram: ring r1 (across) by ring r2 (down). Colour: segment; lines join the ring "
        "pairs one plane adds together. Click a ring pair to show its plane.");
}

void MichelogramView::setDescriptor(std::shared_ptr<const pet::SinogramDescriptor> descriptor) {
    descriptor_ = std::move(descriptor);
    plane_ = 0;
    marked_.clear();
    update();
}

void MichelogramView::setPlane(int plane) {
    if (plane == plane_) return;
    plane_ = plane;
    update();
}

void MichelogramView::setMarkedPlanes(const std::vector<int>& planes) {
    marked_.assign(descriptor_ ? static_cast<std::size_t>(descriptor_->planes()) : 0, 0);
    for (const int p : planes)
        if (p >= 0 && p < static_cast<int>(marked_.size()))
            marked_[static_cast<std::size_t>(p)] = 1;
    update();
}

QRectF MichelogramView::gridRect() const {
    const double margin_left = 30, margin_top = 22, margin = 6;
    const double side =
        std::max(10.0, std::min(width() - margin_left - margin, height() - margin_top - margin));
    return {margin_left, margin_top, side, side};
}

QPointF MichelogramView::cellCentre(int r1, int r2) const {
    const QRectF g = gridRect();
    const int rings = descriptor_ ? descriptor_->scanner().rings : 1;
    const double cell = g.width() / rings;
    return {g.left() + (r1 + 0.5) * cell, g.top() + (r2 + 0.5) * cell};
}

bool MichelogramView::ringPairAt(const QPointF& point, int& r1, int& r2) const {
    if (!descriptor_) return false;
    const QRectF g = gridRect();
    if (!g.contains(point)) return false;
    const int rings = descriptor_->scanner().rings;
    const double cell = g.width() / rings;
    r1 = std::clamp(static_cast<int>((point.x() - g.left()) / cell), 0, rings - 1);
    r2 = std::clamp(static_cast<int>((point.y() - g.top()) / cell), 0, rings - 1);
    return true;
}

void MichelogramView::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    p.setRenderHint(QPainter::Antialiasing);
    if (!descriptor_) return;
    const pet::SinogramDescriptor& d = *descriptor_;
    const int rings = d.scanner().rings;
    const QRectF g = gridRect();
    const double cell = g.width() / rings;
    p.setPen(palette().text().color());
    p.drawText(QRectF(g.left(), 0, g.width(), g.top() - 4), Qt::AlignHCenter | Qt::AlignBottom,
               "ring r1 \u2192");
    p.save();
    p.translate(12, g.top() + g.height() / 2);
    p.rotate(-90);
    p.drawText(QRectF(-g.height() / 2, -10, g.height(), 20), Qt::AlignCenter, "ring r2 \u2192");
    p.restore();

    for (int r2 = 0; r2 < rings; ++r2)
        for (int r1 = 0; r1 < rings; ++r1) {
            const QRectF c(g.left() + r1 * cell, g.top() + r2 * cell, cell, cell);
            const int plane = d.plane_of_rings(r1, r2);
            QColor colour(70, 70, 70);
            if (plane >= 0) {
                const pet::Plane& pl = d.plane_table()[static_cast<std::size_t>(plane)];
                colour = segment_colour(d.segments()[static_cast<std::size_t>(pl.segment)].number);
            }
            p.fillRect(c.adjusted(0.5, 0.5, -0.5, -0.5), colour);
        }
    // The ring pairs each plane combines, joined (only where the cells are big enough to see).
    if (cell >= 3) {
        p.setPen(QPen(QColor(30, 30, 30, 170), std::max(1.0, cell / 6)));
        for (int plane = 0; plane < d.planes(); ++plane) {
            const pet::Plane& pl = d.plane_table()[static_cast<std::size_t>(plane)];
            if (pl.pairs < 2) continue;
            const pet::RingPair& a = d.ring_pairs()[static_cast<std::size_t>(pl.first_pair)];
            const pet::RingPair& b =
                d.ring_pairs()[static_cast<std::size_t>(pl.first_pair + pl.pairs - 1)];
            p.drawLine(cellCentre(a.r1, a.r2), cellCentre(b.r1, b.r2));
        }
    }
    // Planes a picked crystal's fan reaches.
    if (!marked_.empty()) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(255, 140, 0));
        for (int plane = 0; plane < d.planes() && plane < static_cast<int>(marked_.size());
             ++plane) {
            if (!marked_[static_cast<std::size_t>(plane)]) continue;
            const pet::Plane& pl = d.plane_table()[static_cast<std::size_t>(plane)];
            for (int i = 0; i < pl.pairs; ++i) {
                const pet::RingPair& rp =
                    d.ring_pairs()[static_cast<std::size_t>(pl.first_pair + i)];
                const double r = std::max(1.5, cell / 5);
                p.drawEllipse(cellCentre(rp.r1, rp.r2), r, r);
            }
        }
    }
    // The chosen plane's ring pairs.
    if (plane_ >= 0 && plane_ < d.planes()) {
        const pet::Plane& pl = d.plane_table()[static_cast<std::size_t>(plane_)];
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, std::max(1.5, cell / 5)));
        for (int i = 0; i < pl.pairs; ++i) {
            const pet::RingPair& rp = d.ring_pairs()[static_cast<std::size_t>(pl.first_pair + i)];
            const QPointF c = cellCentre(rp.r1, rp.r2);
            p.drawRect(QRectF(c.x() - cell / 2, c.y() - cell / 2, cell, cell));
        }
    }
}

void MichelogramView::mousePressEvent(QMouseEvent* event) {
    int r1 = 0, r2 = 0;
    if (event->button() != Qt::LeftButton || !ringPairAt(event->position(), r1, r2)) return;
    const int plane = descriptor_->plane_of_rings(r1, r2);
    if (plane < 0) return;
    setPlane(plane);
    emit planeClicked(plane);
}

}  // namespace radon::ui
