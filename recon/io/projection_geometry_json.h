#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kernels/drr/drr_settings.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/projection_geometry.h"
#include "kernels/physics/attenuation.h"
#include "kernels/physics/drr_output.h"
#include "recon/io/atomic_file.h"

namespace radon::recon {

// Everything needed to use a DRR elsewhere (registration, training data), written as JSON next
// to the image: the ray geometry in world LPS mm, the 3x4 projection matrix, the pose that
// produced it and how the values were computed.
struct DrrRecord {
    ProjectionGeometry geometry;
    RigidTransform carm_to_world;  // the pose as a rigid transform of the C-arm frame
    std::optional<CArmPose> carm;  // the C-arm angles, when the pose was given that way
    double sad = 0, sdd = 0;
    double pixel_spacing[2] = {0, 0};  // delx, dely
    std::string volume;                // file name or phantom description
    DrrSettings settings;
    double water_attenuation = 0;      // 1/mm, for the HU -> attenuation conversion
    AttenuationSpec attenuation_spec;  // as chosen
    AttenuationModel attenuation;      // the coefficients it gave
    DrrOutput output;
    std::string labels_file;                 // label map, when one was attached
    std::vector<uint16_t> label_subset;      // labels rendered together, if any
    std::vector<uint16_t> channel_labels;    // the label of each channel, if per-label channels
    std::vector<std::string> channel_files;  // one PNG per channel, when written
};

// The record of one rendered view as every front end fills it: geometry, pose, panel, volume,
// settings and the HU conversion used (water_attenuation is the model's water coefficient).
// Front ends add what is theirs (the spec the user gave, output kind, labels).
DrrRecord drr_record(const ProjectionGeometry& geometry, const RigidTransform& carm_to_world,
                     const std::optional<CArmPose>& carm, double sad, double sdd,
                     const Detector& detector, const std::string& volume,
                     const DrrSettings& settings, const AttenuationModel& attenuation);

std::string drr_record_json(const DrrRecord& record);

// The geometry and what the values are, as header key/values (Image2D::metadata): every key
// starts with "radon_"; vectors and matrices are space-separated numbers (the projection
// matrix row-major, 12 numbers).
std::vector<std::pair<std::string, std::string>> drr_record_metadata(const DrrRecord& record);

// Written atomically, through checked writes.
void write_drr_record(const DrrRecord& record, const std::string& path);
// The same, as one of the outputs of `outputs`, which replaces them all together on commit().
void write_drr_record(AtomicFileSet& outputs, const DrrRecord& record, const std::string& path);

// Where the record of an image goes: next to it, with the image's extension replaced by .json
// (ap.png and ap.nrrd share ap.json).
std::string drr_record_path(const std::string& image_path);

}  // namespace radon::recon
