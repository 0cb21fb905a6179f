#include "tests/gui/thorax_scene.h"

#include <vtkCamera.h>
#include <vtkRenderer.h>

#include "kernels/drr/drr_renderer.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "kernels/geometry/volume_grid.h"
#include "kernels/physics/attenuation.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "render/drr/drr_texture.h"

namespace radon::test {

namespace {

recon::Volume thorax_hu(int64_t n) {
    const double extent[3] = {360.0, 360.0, 332.5};  // the phantom's field of view, mm
    const VolumeGrid grid = centered_grid(
        {n, n, n}, Vec3{extent[0] / double(n), extent[1] / double(n), extent[2] / double(n)});
    return recon::thorax_phantom().voxelize_hu(grid);
}

std::vector<float> render_drr(const recon::Volume& hu, const ProjectionGeometry& geometry) {
    const auto count = static_cast<std::size_t>(hu.voxels.size());
    auto attenuation = Array<float>::allocate(hu.grid.size);
    convert_hu_to_attenuation(hu.voxels.host_data(), attenuation.host_data(),
                              static_cast<int64_t>(count), kWaterAttenuation60keV);
    auto renderer = make_drr_renderer(DeviceKind::Cpu, hu.grid, attenuation);
    std::vector<float> drr(static_cast<std::size_t>(geometry.width * geometry.height));
    renderer->render(geometry, DrrSettings{}, drr.data());
    return drr;
}

}  // namespace

ThoraxScene::ThoraxScene(int64_t voxels_per_side, QSize view_size)
    : hu(thorax_hu(voxels_per_side)),
      isocenter(hu.grid.center()),
      geometry(carm_projection(preset_pose(CArmPreset::AP), Detector{320, 320, 1.25, 1.25, 0, 0},
                               isocenter)),
      drr(render_drr(hu, geometry)),
      volume(view.renderer()),
      carm(view.renderer()),
      marker(view.interactor(), view.renderer()) {
    volume.set_volume(hu);
    volume.set_preset(render::CtVolumePreset::Bone);
    volume.set_slices_visible(false);
    carm.set_geometry(geometry, isocenter);
    carm.drr().set_image(drr.data(), geometry.width, geometry.height);
    QObject::connect(&view, &render::VtkView::interaction_started, &view,
                     [this] { volume.set_interactive(true); });
    QObject::connect(&view, &render::VtkView::interaction_ended, &view,
                     [this] { volume.set_interactive(false); });
    view.resize(view_size);
    aim_overview_camera();
    view.show();
}

void ThoraxScene::aim_overview_camera() {
    vtkRenderer* renderer = view.renderer();
    vtkCamera* camera = renderer->GetActiveCamera();
    const Vec3 look_from{0.6, -0.5, -0.65};  // left, anterior, inferior of the isocenter
    const Vec3 from = isocenter + 1000.0 * normalized(look_from);
    camera->SetFocalPoint(isocenter.x, isocenter.y, isocenter.z);
    camera->SetPosition(from.x, from.y, from.z);
    camera->SetViewUp(0, -1, 0);  // anterior up
    renderer->ResetCamera();
    renderer->ResetCameraClippingRange();
}

}  // namespace radon::test
