#pragma once

#include <memory>

#include "kernels/core/vec.h"
#include "kernels/geometry/projection_geometry.h"
#include "recon/image2d.h"
#include "recon/io/image_io.h"
#include "render/ct_volume_preset.h"
#include "render/vtk_view.h"

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
    // a little from above), head up, with the volume and the whole C-arm in view.
    void resetCamera();

    render::VolumeScene& volumeScene();
    render::CArmScene& carmScene();
    render::OrientationMarker& orientationMarker();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::ui
