#include "app/radon/drr_record_base.h"

namespace radon::cli {

recon::DrrRecord base_drr_record(const ProjectionGeometry& geometry, const PoseChoice& pose,
                                 const Detector& detector, const VolumeSource& volume,
                                 const DrrSettings& settings) {
    recon::DrrRecord record;
    record.geometry = geometry;
    record.carm_to_world = pose.carm_to_world;
    record.carm = pose.carm;
    record.sad = pose.sad;
    record.sdd = pose.sdd;
    record.pixel_spacing[0] = detector.delx;
    record.pixel_spacing[1] = detector.dely;
    record.volume = volume.description;
    record.settings = settings;
    record.water_attenuation = volume.attenuation_model.mu_water;
    record.attenuation_spec = volume.attenuation_spec;
    record.attenuation = volume.attenuation_model;
    return record;
}

}  // namespace radon::cli
