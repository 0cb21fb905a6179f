#include "ui/drr_export.h"

#include "kernels/geometry/carm_pose.h"
#include "recon/io/projection_geometry_json.h"

namespace radon::ui {

recon::DrrRecord drr_record_of(const DrrFrame& frame, const LoadedVolume& volume) {
    const DrrParameters& p = frame.request.parameters;
    recon::DrrRecord record;
    record.geometry = frame.geometry;
    // The worker renders about the volume centre plus the pose's offset, as `radon drr` does.
    record.carm_to_world = carm_to_world(p.pose, volume.hu.grid.center());
    record.carm = p.pose;
    record.sad = p.pose.sad;
    record.sdd = p.pose.sdd;
    record.pixel_spacing[0] = p.detector.delx;
    record.pixel_spacing[1] = p.detector.dely;
    record.volume = volume.description.toStdString();
    record.settings = p.settings;
    // The loader converts with the water-linear model at volume.water_attenuation: the
    // default model of `radon drr` (no energy, no threshold chosen), whose record gives the
    // coefficient the conversion used (a float).
    record.attenuation.kind = AttenuationKind::WaterLinear;
    record.attenuation.mu_water = static_cast<float>(volume.water_attenuation);
    record.water_attenuation = record.attenuation.mu_water;
    return record;
}

std::string export_drr(const DrrFrame& frame, const LoadedVolume& volume, const std::string& path,
                       const recon::Window& png_window) {
    const recon::DrrRecord record = drr_record_of(frame, volume);
    recon::Image2D image = frame.image;  // shares the pixels; the metadata is this copy's own
    image.metadata = recon::drr_record_metadata(record);
    recon::write_image(image, path, png_window);
    const std::string record_path = recon::drr_record_path(path);
    recon::write_drr_record(record, record_path);
    return record_path;
}

}  // namespace radon::ui
