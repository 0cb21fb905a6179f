#pragma once

#include <memory>

#include "kernels/ct/ct_geometry.h"
#include "render/common/vtk_view.h"

namespace radon::recon {
struct Volume;
}

namespace radon::render {
class CtScanScene;
class OrientationMarker;
class VolumeScene;
}  // namespace radon::render

namespace radon::ui {

// The CT workspace's 3D view: the loaded volume (volume rendered with a CT preset, slice planes
// through the scan's isocenter), the scan (render::CtScanScene: the source trajectory, a few
// panels, the current view) and the L/P/S orientation marker. A new current view moves only the
// current view's actors and asks for an Interactive frame, so a view slider drag stays smooth.
class CtGeometryView : public render::VtkView {
    Q_OBJECT

  public:
    explicit CtGeometryView(QWidget* parent = nullptr);
    ~CtGeometryView() override;

    // Shows `hu` (the voxels are shared, not copied).
    void setVolume(const recon::Volume& hu);
    bool hasVolume() const;
    // A new scan about `isocenter`: the camera is framed on it (and the volume) again.
    void setScan(const CtGeometry& geometry, int64_t current_view, Vec3 isocenter);
    void setCurrentView(int64_t view);

    // Looks at the scan from the patient's left, anterior and a little above, head up, with
    // everything in view.
    void resetCamera();
    void reset_camera() override;

    render::CtScanScene& scanScene();
    render::VolumeScene& volumeScene();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::ui
