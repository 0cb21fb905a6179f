#include "ui/drr/drr_export.h"

#include "kernels/geometry/carm_pose.h"
#include "recon/io/atomic_file.h"
#include "recon/io/projection_geometry_json.h"

namespace radon::ui {

recon::DrrRecord drr_record_of(const DrrFrame& frame, const LoadedVolume& volume) {
    const DrrParameters& p = frame.request.parameters;
    // The loader converts with the water-linear model at volume.water_attenuation: the
    // default model of `radon drr` (no energy, no threshold chosen).
    AttenuationModel water;
    water.mu_water = static_cast<float>(volume.water_attenuation);
    // The worker renders about the volume centre plus the pose's offset, as `radon drr` does.
    recon::DrrRecord record = recon::drr_record(
        frame.geometry, carm_to_world(p.pose, volume.hu.grid.center()), p.pose, p.pose.sad,
        p.pose.sdd, p.detector, volume.description.toStdString(), p.settings, water);
    record.output = p.output;  // the worker applied it to the frame, as `radon drr` does
    return record;
}

std::string export_drr(const DrrFrame& frame, const LoadedVolume& volume, const std::string& path,
                       const recon::Window& png_window) {
    const recon::DrrRecord record = drr_record_of(frame, volume);
    recon::Image2D image = frame.image;  // shares the pixels; the metadata is this copy's own
    image.metadata = recon::drr_record_metadata(record);
    // The image and its record replace the previous ones together, or neither does.
    recon::AtomicFileSet files;
    recon::write_image(files, image, path, png_window);
    const std::string record_path = recon::drr_record_path(path);
    recon::write_drr_record(files, record, record_path);
    files.commit();
    return record_path;
}

}  // namespace radon::ui
