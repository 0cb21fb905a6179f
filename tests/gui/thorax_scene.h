#pragma once

#include <QSize>

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/geometry/projection_geometry.h"
#include "recon/volume.h"
#include "render/common/orientation_marker.h"
#include "render/common/volume_scene.h"
#include "render/common/vtk_view.h"
#include "render/drr/carm_scene.h"

namespace radon::test {

// The built-in thorax phantom on an n x n x n grid (its 360 x 360 x 332.5 mm field of view),
// volume rendered with the bone preset, with the C-arm at the AP preset and its DRR on the
// detector, in a shown 3D view: what the desktop app's 3D view shows, for the GUI tests and the
// snapshot tool. The volume renders coarsely while the view reports interaction.
class ThoraxScene {
  public:
    ThoraxScene(int64_t voxels_per_side, QSize view_size);

    // Looks at the whole C-arm from the patient's left, feet side, anterior up (a supine patient
    // seen from beside the table).
    void aim_overview_camera();

    recon::Volume hu;
    Vec3 isocenter;
    ProjectionGeometry geometry;
    std::vector<float> drr;

    render::VtkView view;
    render::VolumeScene volume;
    render::CArmScene carm;
    render::OrientationMarker marker;
};

}  // namespace radon::test
