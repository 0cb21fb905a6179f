#pragma once

#include <QPoint>
#include <QString>
#include <QWidget>

#include <array>
#include <cstdint>
#include <optional>

#include "recon/io/image_io.h"
#include "recon/volume.h"

class QSlider;

namespace radon::ui {

class ImageView;

// A volume as three slice views through one voxel: axial (constant z), coronal (constant y) and
// sagittal (constant x), side by side, each with its patient-direction letters, millimetre
// aspect and a slider over its slices. One window/level serves all three: setting it in one view
// sets it in the others. Clicking a pixel in one view moves the other two to that voxel. Used for
// reconstructions that update live (OSEM, SIRT): setVolume() with a volume of the same grid keeps
// the slices and the window the user chose. Over a view, the Up/Down and Page Up/Page Down keys
// step its slice, as its slider does.
//
// Each view shows the voxels as radiology viewers do, whatever the grid's direction: axial with
// the patient's right on the left and anterior at the top, coronal with right on the left and
// superior at the top, sagittal with anterior on the left and superior at the top. "Constant z"
// means constant along the grid axis that runs most nearly S-I (k for the usual grid; i for a
// volume stored sagittally), and so on. A grid axis that points the other way (a NIfTI with x
// towards R) is shown reversed; nothing is resampled, and the edge letters come from the grid's
// direction, so an oblique grid says so. The cursor is in the grid's own (i, j, k) order.
class OrthogonalSlices : public QWidget {
    Q_OBJECT

  public:
    explicit OrthogonalSlices(QWidget* parent = nullptr);

    // Copies share the voxel memory; the caller must not write into it afterwards. `values`
    // names what the voxels are for the colour bar ("attenuation (1/mm)", "activity").
    // `automatic` is the window the views follow until one is set by hand (the caller's, when it
    // computed it off the UI thread); without it, recon::automatic_window of the voxels (of an
    // even sample of about a million of them in larger volumes).
    void setVolume(const recon::Volume& volume, const QString& values,
                   const std::optional<recon::Window>& automatic = std::nullopt);
    QString values() const { return values_; }
    const std::optional<recon::Volume>& volume() const { return volume_; }
    void clear();

    // The voxel the three slices go through; starts at the centre of each new grid.
    std::array<int64_t, 3> cursor() const { return cursor_; }
    void setCursor(const std::array<int64_t, 3>& voxel);

    recon::Window window() const;
    void setWindow(const recon::Window& window);  // holds it, as ImageView::setWindow
    void resetWindow();
    bool windowHeld() const;

    // The views in the order axial, coronal, sagittal.
    enum ViewIndex { Axial = 0, Coronal = 1, Sagittal = 2 };
    ImageView* view(int index) const { return views_[index]; }
    QSlider* slider(int index) const { return sliders_[index]; }
    // The voxel a pixel of a view shows (with the slice at the cursor), and the pixel of a voxel.
    std::array<int64_t, 3> voxelAt(int view, int column, int row) const;
    QPoint pixelOf(int view, const std::array<int64_t, 3>& voxel) const;

    ImageView* axial() const { return views_[0]; }
    ImageView* coronal() const { return views_[1]; }
    ImageView* sagittal() const { return views_[2]; }

  signals:
    void voxelHovered(int64_t x, int64_t y, int64_t z, double value);
    void cursorChanged(int64_t x, int64_t y, int64_t z);
    // The shared window, set by hand in one of the views or by setWindow()/resetWindow().
    void windowChanged(double level, double width);

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    // How a view's pixels map to voxels: which grid axes run along its columns and rows and
    // across it, and whether columns and rows run against the grid's index.
    struct SliceFrame {
        int column_axis = 0, row_axis = 1, normal_axis = 2;
        bool flip_column = false, flip_row = false;
    };
    void refresh();
    void orient();
    void shareWindow(int from);
    recon::Image2D slice(int view) const;

    std::array<SliceFrame, 3> frames_{};
    std::optional<recon::Window> automatic_;
    bool refreshing_ = false;

    std::optional<recon::Volume> volume_;
    QString values_;
    std::array<int64_t, 3> cursor_{0, 0, 0};
    std::array<ImageView*, 3> views_{};
    std::array<QSlider*, 3> sliders_{};
};

}  // namespace radon::ui
