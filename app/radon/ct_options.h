#pragma once

#include <string>
#include <vector>

#include "app/radon/arguments.h"
#include "kernels/backend/devices.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_projector.h"
#include "kernels/geometry/volume_grid.h"

namespace radon::cli {

// The options the CT commands share, and what they build.

// The scan's geometry: --geometry FILE (a geometry JSON, or an ASTRA-style vector file with
// --beam and --detector), or a circular trajectory from --beam, --views, --arc, --first-angle,
// --angles, --sid, --sdd, --detector, --pixel, --detector-offset, --source-offset, --isocenter.
const std::vector<std::string>& ct_geometry_options();
const char* ct_geometry_help();
// `panel_columns`/`panel_rows` > 0: the panel of a projection stack that comes with the geometry
// (recon), used when a vector file does not say it. `what` names the source in messages.
CtGeometry ct_geometry_from_arguments(const Arguments& args, int64_t panel_columns = 0,
                                      int64_t panel_rows = 0);
// One line: "cone beam, 360 views of 256 x 256 pixels of 1.6 x 1.6 mm".
std::string ct_geometry_line(const CtGeometry& geometry);

// The image grid: --size NX,NY,NZ, --spacing SX,SY,SZ (mm), --centre X,Y,Z (LPS mm), identity
// direction. A 2D scan (one detector row) gets one slice unless --size says otherwise.
const std::vector<std::string>& ct_grid_options();
const char* ct_grid_help();
VolumeGrid ct_grid_from_arguments(const Arguments& args, const VolumeGrid& fallback);
// The grid a scan's geometry suggests: the circle every view sees, 1 mm voxels (2D: one slice
// as thick as a detector row).
VolumeGrid default_ct_grid(const CtGeometry& geometry);
std::string ct_grid_line(const VolumeGrid& grid);

// The ray-driven projector: --algorithm siddon|trilinear, --step VOXELS, --threads, --device,
// --memory-path.
const std::vector<std::string>& ct_projector_options();
const char* ct_projector_help();
CtProjectorSettings ct_projector_from_arguments(const Arguments& args);
DeviceKind ct_device_from_arguments(const Arguments& args);

// Throws InvalidArgument naming `what` when no ray of any view can cross the box of `grid`: the
// box's corners, projected onto each panel, fall outside it in every view.
void check_detector_sees_volume(const CtGeometry& geometry, const VolumeGrid& grid,
                                const std::string& what);

// A projection stack: the projections (views x rows x columns floats, column fastest) and the
// geometry that made them.
struct CtStack {
    CtGeometry geometry;
    std::vector<float> values;
};

// Reads a stack (.nrrd, .mha, .nii, .tif) and its geometry: --geometry FILE when given (radon's
// JSON, RTK's XML, an ASTRA-style vector file, or with --geometry-format matrices a file of
// projection matrices; recon/ct/ct_geometry_files.h), else the JSON beside it, which may also be
// the record `radon drr-batch` writes beside its DRRs (one cone-beam view per frame: the
// DRR-to-CBCT loop). The stack and the geometry must agree on the panel and the number of views;
// every value must be finite.
CtStack read_ct_stack(const std::string& path, const Arguments& args);
// Writes the stack and its geometry JSON beside it (recon/ct/projection_stack.h), both or neither.
void write_ct_stack(const std::string& path, const CtStack& stack);
// Throws InvalidArgument unless `path` names a format a stack can be written in.
void check_stack_output(const std::string& path);

}  // namespace radon::cli
