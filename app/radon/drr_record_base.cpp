#include "app/radon/drr_record_base.h"

namespace radon::cli {

recon::DrrRecord base_drr_record(const ProjectionGeometry& geometry, const PoseChoice& pose,
                                 const Detector& detector, const VolumeSource& volume,
                                 const DrrSettings& settings) {
    recon::DrrRecord record =
        recon::drr_record(geometry, pose.carm_to_world, pose.carm, pose.sad, pose.sdd, detector,
                          volume.description, settings, volume.attenuation_model);
    record.attenuation_spec = volume.attenuation_spec;
    return record;
}

}  // namespace radon::cli
