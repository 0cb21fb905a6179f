#pragma once

#include <memory>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/geometry/projection_geometry.h"
#include "recon/image2d.h"
#include "recon/io/image_io.h"
#include "render/common/ct_volume_preset.h"
#include "render/common/vtk_view.h"

namespace radon::recon {
struct Volume;
}

namespace radon::render {
class CArmScene;
class OrientationMarker;
class VolumeScene;
}  // namespace radon::render

namespace radon::ui {

// The desktop app's 3D view: the CT volume (volume rendered with a CT preset, three orthogonal
// slice planes through the isocenter), the C-arm (source, detector with the current DRR on it,
// ray frustum, isocenter) and the L/P/S orientation marker.
//
// Everything that follows a pose drag is cheap: a new pose moves the C-arm's points, a new DRR
// rewrites the detector texture, and the frame is asked for at Interactive quality, so the
// volume renders coarsely until the updates settle and then once at full quality.
//
// The camera keeps the source, the detector and the volume in view through pose changes and
// resizes (see keepInView); the isocenter and the labels are drawn over the slice planes.
class CArmSceneView : public render::VtkView {
    Q_OBJECT

  public:
    explicit CArmSceneView(QWidget* parent = nullptr);
    ~CArmSceneView() override;

    // Shows `hu` (the voxels are shared, not copied) and aims the camera at the whole scene.
    void setVolume(const recon::Volume& hu);
    bool hasVolume() const;

    // The C-arm of `geometry` turning about `isocenter`; the slice planes pass through the
    // isocenter.
    void setCArm(const ProjectionGeometry& geometry, Vec3 isocenter);
    // The DRR on the detector, through `window` (the DRR view's).
    void setDrr(const recon::Image2D& image, const recon::Window& window);
    void setDrrWindow(const recon::Window& window);

    void setVolumePreset(render::CtVolumePreset preset);
    render::CtVolumePreset volumePreset() const;
    void setVolumeVisible(bool visible);
    void setSlicesVisible(bool visible);

    // Light labels and a dark background, or the reverse.
    void setDarkBackground(bool dark);

    // Looks at the C-arm side-on (from the patient's left and anterior, across the central ray,
    // a little from above), head up, with the volume, the source and the detector in view at the
    // view's aspect ('r' in the view and View > Reset 3D camera).
    void resetCamera();
    void reset_camera() override;

    // The points framing keeps in view: the source sphere's box, the detector's corners, the
    // isocenter and the volume's box.
    std::vector<Vec3> framedPoints() const;

    // The scene rendered now with the volume at full quality, however long that takes: for
    // screenshots (interactive use renders still frames only as finely as a frame budget allows).
    QImage fullQualityScreenshot();

    render::VolumeScene& volumeScene();
    render::CArmScene& carmScene();
    render::OrientationMarker& orientationMarker();

  protected:
    void resizeEvent(QResizeEvent* event) override;

  private:
    // A new pose or view size: the camera is framed again while nobody has moved it since the
    // last framing; a camera the user placed moves back only far enough for all to be in view.
    void keepInView();
    // Moves the camera along its direction (and recentres it) so that every point is in view.
    void frame(const std::vector<Vec3>& points);
    bool inView(const std::vector<Vec3>& points) const;
    double viewAspect() const;

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::ui
