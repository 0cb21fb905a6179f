#include "recon/io/projection_geometry_json.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "kernels/core/error.h"
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

}  // namespace

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
    j["values"] = r.settings.reduction == DrrReduction::Sum
                      ? "line integral of linear attenuation (dimensionless)"
                      : "maximum linear attenuation along the ray (1/mm)";
    j["water_attenuation_per_mm"] = r.water_attenuation;
    return j.dump(2) + "\n";
}

void write_drr_record(const DrrRecord& record, const std::string& path) {
    const std::string text = drr_record_json(record);
    write_atomically(path, [&](const std::string& tmp) {
        std::ofstream out(tmp, std::ios::binary);
        out << text;
        out.close();
        if (!out) throw Error(path + ": could not write the geometry file");
    });
}

}  // namespace radon::recon
