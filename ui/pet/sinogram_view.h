#pragma once

#include <QString>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

#include "kernels/pet/sinogram_descriptor.h"
#include "recon/image2d.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;

namespace radon::ui {

class ImageView;
class MichelogramView;

// A sinogram shown one slice at a time, with its geometry named: either one plane (radial bins
// across, views down: the classic sinogram) or one view (radial bins across, planes down). The
// axes carry the radial position t (bins; the readout gives the LOR's distance from the axis in
// mm), the view angle in degrees and the plane number; the caption names the plane's segment and
// ring pairs; a Michelogram beside it shows which ring pairs the planes combine and chooses the
// plane. With TOF, a slider chooses the TOF bin or the sum over all of them. Window/level,
// zoom and pan are ImageView's. The pixel readout names the bin, its detector pair(s) and its LOR
// endpoints in mm (kernels/pet/sinogram_picking.h); clicking a pixel emits binClicked.
class SinogramView : public QWidget {
    Q_OBJECT

  public:
    enum class Slice { Plane, View };

    explicit SinogramView(QWidget* parent = nullptr);

    // `values` holds descriptor->bins() floats in its axis order; shared, not copied.
    void setSinogram(std::shared_ptr<const pet::SinogramDescriptor> descriptor,
                     std::shared_ptr<const std::vector<float>> values);
    void clear();
    bool hasSinogram() const { return descriptor_ != nullptr; }
    const pet::SinogramDescriptor* descriptor() const { return descriptor_.get(); }

    void setSlice(Slice slice);
    Slice slice() const { return slice_; }
    // The plane shown (Slice::Plane) or the view shown (Slice::View).
    void setSliceIndex(int index);
    int sliceIndex() const;
    // -1: the sum over the TOF bins.
    void setTofBin(int tof_bin);
    int tofBin() const { return tof_bin_; }

    // The bins lit (a picked crystal's fan) and the picked bin; those in the shown slice are
    // outlined.
    void setHighlightedBins(const std::vector<pet::SinogramBin>& bins);
    void setPickedBin(const std::optional<pet::SinogramBin>& bin);

    // The bin shown at image pixel (column, row) (tof: the slider's, 0 for the sum).
    pet::SinogramBin binAt(int column, int row) const;
    // Where `bin` is in the shown slice, or false when another slice holds it.
    bool pixelOf(const pet::SinogramBin& bin, int& column, int& row) const;
    // One line per fact about a bin: what the readout shows.
    QString describe(const pet::SinogramBin& bin) const;

    ImageView* imageView() const { return image_; }
    MichelogramView* michelogram() const { return michelogram_; }
    QString readoutText() const;
    // Puts describe(bin) in the readout (a bin picked elsewhere).
    void showBinText(const pet::SinogramBin& bin);
    QString caption() const;

  signals:
    void binClicked(const pet::SinogramBin& bin);
    void sliceChanged();

  private:
    void refresh();
    void updateControls();
    void updateHighlight();
    void showReadout(int column, int row, double value);

    std::shared_ptr<const pet::SinogramDescriptor> descriptor_;
    std::shared_ptr<const std::vector<float>> values_;
    Slice slice_ = Slice::Plane;
    int plane_ = 0, view_ = 0;
    int tof_bin_ = -1;
    std::vector<pet::SinogramBin> highlighted_;
    std::optional<pet::SinogramBin> picked_;

    ImageView* image_ = nullptr;
    MichelogramView* michelogram_ = nullptr;
    QComboBox* slice_choice_ = nullptr;
    QSlider* slice_slider_ = nullptr;
    QSpinBox* slice_spin_ = nullptr;
    QLabel* slice_label_ = nullptr;
    QSlider* tof_slider_ = nullptr;
    QCheckBox* tof_sum_ = nullptr;
    QLabel* tof_label_ = nullptr;
    QLabel* readout_ = nullptr;
    bool updating_ = false;
};

}  // namespace radon::ui
