#pragma once

#include "app/radon/pose_options.h"
#include "app/radon/volume_source.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/geometry/detector.h"
#include "kernels/geometry/projection_geometry.h"
#include "recon/io/projection_geometry_json.h"

namespace radon::cli {

// The part of a DRR's record that every command fills the same way: geometry, pose, panel,
// volume and HU conversion. Commands add what is theirs (output kind, labels, frames).
recon::DrrRecord base_drr_record(const ProjectionGeometry& geometry, const PoseChoice& pose,
                                 const Detector& detector, const VolumeSource& volume,
                                 const DrrSettings& settings);

}  // namespace radon::cli
