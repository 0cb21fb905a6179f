#pragma once

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
// the slices and the window the user chose.
class OrthogonalSlices : public QWidget {
    Q_OBJECT

  public:
    explicit OrthogonalSlices(QWidget* parent = nullptr);

    // Copies share the voxel memory; the caller must not write into it afterwards. `values`
    // names what the voxels are for the colour bar ("attenuation (1/mm)", "activity").
    void setVolume(const recon::Volume& volume, const QString& values);
    const std::optional<recon::Volume>& volume() const { return volume_; }
    void clear();

    // The voxel the three slices go through; starts at the centre of each new grid.
    std::array<int64_t, 3> cursor() const { return cursor_; }
    void setCursor(const std::array<int64_t, 3>& voxel);

    recon::Window window() const;
    void setWindow(const recon::Window& window);

    ImageView* axial() const { return views_[0]; }
    ImageView* coronal() const { return views_[1]; }
    ImageView* sagittal() const { return views_[2]; }

  signals:
    void voxelHovered(int64_t x, int64_t y, int64_t z, double value);
    void cursorChanged(int64_t x, int64_t y, int64_t z);

  private:
    void refresh();

    std::optional<recon::Volume> volume_;
    QString values_;
    std::array<int64_t, 3> cursor_{0, 0, 0};
    std::array<ImageView*, 3> views_{};
    std::array<QSlider*, 3> sliders_{};
};

}  // namespace radon::ui
