#include "recon/ct/projection_stack.h"

#include <filesystem>

#include "kernels/core/error.h"
#include "recon/ct/ct_geometry_files.h"
#include "recon/ct/geometry_text_file.h"
#include "recon/io/image_io.h"
#include "recon/io/projection_geometry_json.h"

namespace radon::recon {
namespace {

std::string size_text(int64_t views, int64_t rows, int64_t columns) {
    return std::to_string(views) + " views of " + std::to_string(columns) + " x " +
           std::to_string(rows) + " pixels";
}

}  // namespace

std::string projection_stack_geometry_path(const std::string& path) {
    return drr_record_path(path);
}

void check_projection_stack(const Image2D& projections, const CtGeometry& geometry,
                            const std::string& image_path, const std::string& geometry_path) {
    if (projections.width() != geometry.columns || projections.height() != geometry.rows ||
        projections.channels() != geometry.view_count()) {
        throw InvalidArgument(
            image_path + " holds " +
            size_text(projections.channels(), projections.height(), projections.width()) +
            ", but its geometry " + geometry_path + " describes " +
            size_text(geometry.view_count(), geometry.rows, geometry.columns));
    }
}

void write_projection_stack(AtomicFileSet& outputs, const Image2D& projections,
                            const CtGeometry& geometry, const std::string& path) {
    const std::string json = projection_stack_geometry_path(path);
    geometry.validate(json);
    check_projection_stack(projections, geometry, path, json);
    if (file_extension(path) == ".png")
        throw InvalidArgument(path +
                              ": a projection stack is float data: write .nrrd, .mha, "
                              ".nii, .nii.gz or .tif");
    Image2D image = projections;  // shares the pixels
    image.spacing[0] = norm(geometry.views.front().u);
    image.spacing[1] = norm(geometry.views.front().v);
    image.origin[0] = -0.5 * static_cast<double>(geometry.columns - 1) * image.spacing[0];
    image.origin[1] = -0.5 * static_cast<double>(geometry.rows - 1) * image.spacing[1];
    image.metadata.emplace_back("radon_ct_geometry",
                                std::filesystem::path(json).filename().string());
    write_image(outputs, image, path, Window{});
    outputs.add_text(json,
                     ct_geometry_json(geometry, std::filesystem::path(path).filename().string()));
}

void write_projection_stack(const Image2D& projections, const CtGeometry& geometry,
                            const std::string& path) {
    AtomicFileSet outputs;
    write_projection_stack(outputs, projections, geometry, path);
    outputs.commit();
}

ProjectionStack read_projection_stack(const std::string& path) {
    const std::string json = projection_stack_geometry_path(path);
    if (!std::filesystem::exists(path)) throw InvalidArgument(path + ": no such file");
    if (!std::filesystem::exists(json)) {
        throw InvalidArgument(path + ": its geometry " + json +
                              " is missing: a projection stack is read with the JSON beside it");
    }
    ProjectionStack stack;
    stack.geometry = parse_ct_geometry_json(read_geometry_text(json), json);
    // One view is a 2D image on disk; a file of the other dimension is read anyway, so that a
    // mismatch is reported with both sizes.
    const bool single = stack.geometry.view_count() == 1;
    try {
        stack.projections = single ? read_image(path) : read_image_stack(path);
    } catch (const InvalidArgument& first) {
        const std::string reason = first.what();
        try {
            stack.projections = single ? read_image_stack(path) : read_image(path);
        } catch (const InvalidArgument&) {
            throw InvalidArgument(reason);
        }
    }
    check_projection_stack(stack.projections, stack.geometry, path, json);
    return stack;
}

}  // namespace radon::recon
