#pragma once

#include <QWidget>

#include <memory>
#include <vector>

#include "kernels/pet/sinogram_descriptor.h"

namespace radon::ui {

// The Michelogram of a sinogram: a grid of ring r1 (columns) by ring r2 (rows), one cell per ring
// pair, coloured by the segment whose plane holds it (grey: beyond the maximum ring difference),
// with the ring pairs that one plane adds together (the span's compression) joined by a line.
// The chosen plane's cells are outlined; planes that `setMarkedPlanes` names (those a picked
// crystal's fan reaches) are dotted. Clicking a cell chooses the plane holding that ring pair.
class MichelogramView : public QWidget {
    Q_OBJECT

  public:
    explicit MichelogramView(QWidget* parent = nullptr);

    void setDescriptor(std::shared_ptr<const pet::SinogramDescriptor> descriptor);
    void setPlane(int plane);
    int plane() const { return plane_; }
    void setMarkedPlanes(const std::vector<int>& planes);

    // The ring pair under a widget point, or false.
    bool ringPairAt(const QPointF& point, int& r1, int& r2) const;
    // The centre of ring pair (r1, r2)'s cell, in widget coordinates.
    QPointF cellCentre(int r1, int r2) const;

    QSize sizeHint() const override { return {220, 220}; }
    QSize minimumSizeHint() const override { return {120, 120}; }

  signals:
    void planeClicked(int plane);

  protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

  private:
    QRectF gridRect() const;

    std::shared_ptr<const pet::SinogramDescriptor> descriptor_;
    int plane_ = 0;
    std::vector<char> marked_;
};

}  // namespace radon::ui
