#pragma once

#include <QPoint>
#include <QWidget>

#include <memory>
#include <vector>

#include "kernels/pet/pet_image_grid.h"
#include "kernels/pet/scanner_geometry.h"
#include "render/pet/scanner_scene.h"

namespace radon::recon {
struct Volume;
}

namespace radon::render {
class VtkView;
}

namespace radon::ui {

// The PET workspace's 3D scanner view: the crystals (boxes; one box per block while the camera
// moves), the image field of view, the loaded CT inside it, chosen LORs with their TOF kernels
// and highlighted crystals; a left click without a drag picks the crystal under the cursor.
//
// New LORs, highlights, colours and edited scanners are drawn at once with the cheap detail, and
// with every crystal's box once they stop coming for VtkView::kSettleMs: a stream of them (a
// TOF-bin slider, typing in the scanner editor) never waits for the full frames, which take
// hundreds of milliseconds for a Vision 600 on software OpenGL.
class ScannerView : public QWidget {
    Q_OBJECT

  public:
    // A LOR to draw (LPS mm); tof_centre_mm: signed distance from the midpoint toward b.
    using LorMark = render::ScannerLor;

    explicit ScannerView(QWidget* parent = nullptr);
    ~ScannerView() override;

    // A new scanner drops the highlights. The first is looked at as resetCamera does; later ones
    // keep the camera's direction and are fitted into view.
    void setScanner(const pet::ScannerGeometry& scanner);
    void setImageGrid(const pet::PetImageGrid& grid);
    // Shown inside the FOV as three orthogonal slices and an outline; an empty volume hides it.
    void setVolume(const recon::Volume& ct);
    void setColouring(render::CrystalColouring colouring);
    void showLors(const std::vector<LorMark>& lors);
    void highlightCrystals(const std::vector<int>& crystal_ids);

    // The crystal drawn at `widget_point` (this widget's coordinates), or -1.
    int crystalAt(const QPoint& widget_point) const;

    // Looks into the bore from the patient's feet, a little from the right and above, anterior
    // up, with the whole scanner in view.
    void resetCamera();

    render::VtkView* vtkView() const;
    render::ScannerScene& scene() const;

    // A press and release of the left button no further apart than this (logical pixels) is a
    // click, not a drag.
    static constexpr int kClickSlopPixels = 3;

  signals:
    void crystalPicked(int crystal_id);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::ui
