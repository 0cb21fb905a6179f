#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kernels/ct/ct_geometry.h"
#include "recon/io/atomic_file.h"

namespace radon::recon {

// The files a CT geometry is written to and read from:
// - json: radon's own, everything in one file (beam, panel size, one view of 12 numbers each);
// - rtk: RTK's geometry XML (recon/ct/rtk_geometry_xml.h);
// - vectors: ASTRA-style plain text, one view per line of 12 numbers (a cone_vec or
//   parallel3d_vec row: source or ray direction, detector centre, u, v), separated by spaces or
//   commas, lines starting with # are comments (numpy.loadtxt / savetxt read and write it);
// - matrices: plain text, one view per line of the 12 numbers of its 3x4 projection matrix,
//   row-major (kernels/ct/ct_geometry_conversions.h: world to w (column, row, 1)).
// ASTRA's frame is radon's: ASTRA's 3D volume x, y, z run along its column, row and slice
// indices, as radon's i, j, k (read from ASTRA's CUDA kernels, cone_bp.cu and par3d_bp.cu), so a
// volume stored with x fastest (radon, ITK) and centred where ASTRA's volume window is sees the
// same rays from the same 12 numbers. ASTRA's own circular geometries: docs/CONVENTIONS.md, "CT". Pixel (col, row) of a
// view is at d + (col - (columns - 1) / 2) u + (row - (rows - 1) / 2) v in both.
//
// Vector and matrix files do not hold the beam, the panel size or, for cone-beam matrices, the
// pixel size (the scale a matrix cannot carry). radon writes them as comment lines
// "# beam: cone", "# detector: 256x192" (columns x rows), "# pixel: 0.5" (the length of u, mm),
// which it reads back; other files take them from the command line (CtGeometryHints). A value
// given both ways must agree.
enum class CtGeometryFormat { Json, Rtk, Vectors, Matrices };

// "json" | "rtk" | "vectors" | "matrices"
const char* to_string(CtGeometryFormat format);
// Throws InvalidArgument naming the formats.
CtGeometryFormat parse_ct_geometry_format(const std::string& name);
// By extension: .json, .xml (rtk), .txt, .vec, .csv (vectors). Matrices have no extension of
// their own: name the format. Throws InvalidArgument naming `path` and the accepted extensions.
CtGeometryFormat ct_geometry_format_of(const std::string& path);

// What a file may lack, from the command line.
struct CtGeometryHints {
    std::optional<CtBeam> beam;
    std::optional<int64_t> columns, rows;
    std::optional<double> pixel_u_mm, pixel_v_mm;    // RTK (both), matrices (u)
    std::optional<double> origin_u_mm, origin_v_mm;  // RTK's projection image origin
};

// Reads a geometry in `format`; every problem is an InvalidArgument naming the file and the line
// or field, and the result has passed CtGeometry::validate.
CtGeometry read_ct_geometry(const std::string& path, CtGeometryFormat format,
                            const CtGeometryHints& hints = {});

// The text of a geometry file; for rtk, `hints` may name the projection images' origin.
std::string ct_geometry_text(const CtGeometry& geometry, CtGeometryFormat format,
                             const std::string& what, const CtGeometryHints& hints = {});
void write_ct_geometry(AtomicFileSet& outputs, const CtGeometry& geometry, const std::string& path,
                       CtGeometryFormat format, const CtGeometryHints& hints = {});

// radon's JSON of a geometry, and its reader, for use inside other JSON files (projection
// stacks): `what` names the file in messages.
std::string ct_geometry_json(const CtGeometry& geometry, const std::string& projections_file = {});
CtGeometry parse_ct_geometry_json(const std::string& text, const std::string& what);

}  // namespace radon::recon
