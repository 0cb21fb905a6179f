#pragma once

#include <string>

#include "kernels/ct/ct_geometry.h"
#include "recon/image2d.h"
#include "recon/io/atomic_file.h"

namespace radon::recon {

// A CT scan's projections and their geometry, on disk as `radon drr` keeps a DRR: the
// projections as one 32-bit float image in the format its extension names (NRRD, MetaImage,
// NIfTI or a multi-page TIFF, see write_image) of columns x rows x views (x = column, y = row,
// z = view, column fastest; one view is a 2D image), and the geometry as radon's CT geometry
// JSON beside it, the image's extension replaced by .json (drr_record_path), naming the image.
// The image's pixel spacing is |u| x |v| of view 0 and its origin the centred one,
// -(N - 1) / 2 * spacing, as RTK reads a projection stack; NRRD and MetaImage headers also name
// the JSON (radon_ct_geometry).
struct ProjectionStack {
    Image2D projections;  // width = columns, height = rows, channels = views
    CtGeometry geometry;
};

// The JSON beside a stack: `path` with its extension replaced by .json.
std::string projection_stack_geometry_path(const std::string& path);

// Throws InvalidArgument with one line naming `image_path`, `geometry_path` and both sizes when
// the image is not columns x rows x views of the geometry.
void check_projection_stack(const Image2D& projections, const CtGeometry& geometry,
                            const std::string& image_path, const std::string& geometry_path);

// Adds the image and its JSON to `outputs` (replaced together on commit). Checks the sizes first.
void write_projection_stack(AtomicFileSet& outputs, const Image2D& projections,
                            const CtGeometry& geometry, const std::string& path);
void write_projection_stack(const Image2D& projections, const CtGeometry& geometry,
                            const std::string& path);

// Reads a stack and the JSON beside it; refuses a stack whose size does not match its geometry.
ProjectionStack read_projection_stack(const std::string& path);

}  // namespace radon::recon
