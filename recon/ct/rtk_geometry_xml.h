#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "kernels/ct/ct_geometry.h"
#include "recon/ct/rtk_geometry.h"
#include "recon/io/atomic_file.h"

namespace radon::recon {

// RTK's geometry file (rtk::ThreeDCircularProjectionGeometryXMLFileReader / Writer, format
// version 3, version 2 read too): a root <RTKThreeDCircularGeometry version="3"> holding
// parameter elements and one <Projection> per projection. As RTK reads it, every parameter
// (SourceToIsocenterDistance, SourceToDetectorDistance, GantryAngle, OutOfPlaneAngle,
// InPlaneAngle, ProjectionOffsetX/Y, SourceOffsetX/Y; angles in degrees, distances in mm) keeps
// the last value seen, at the top or in an earlier projection, and starts at 0; each projection
// may hold its Matrix, which must agree with its parameters within 0.001 (RTK's own check).
// RTK writes a value once at the top when every projection has it (and not at all when it is 0).
// A cylindrical detector (RadiusCylindricalDetector not 0) and collimation (Collimation*) are
// refused: radon's panels are flat and uncollimated.
struct RtkGeometryFile {
    struct Entry {
        RtkProjection parameters;
        std::optional<std::array<double, 12>> matrix;
        int line = 0;  // where the projection ends
    };
    std::vector<Entry> projections;
    // The projection images' pixel grid, from the comment radon writes into the files it makes.
    std::optional<RtkPanel> panel;
};

// Throws InvalidArgument "WHAT line N: ..." naming the element and the expected value for
// malformed XML, an unknown element, a value that is not a finite number, a Matrix of other than
// 12 numbers, another version, or no projection.
RtkGeometryFile parse_rtk_geometry_xml(const std::string& text, const std::string& what);

// Reads `path` and builds its CT geometry on `panel` (or, without one, on the panel the file's
// radon comment names: RTK's geometry itself has no pixel grid), checking each Matrix against
// the parameters as RTK does. Throws InvalidArgument naming the file for every problem above,
// for a missing panel and for what ct_geometry_from_rtk refuses.
CtGeometry read_rtk_geometry(const std::string& path, const std::optional<RtkPanel>& panel);

// The XML RTK's writer writes for `geometry` (rtk_projections), with its matrices, 15
// significant digits, and a comment naming the pixel grid. `panel`'s origin, if given, is used;
// its size and spacing come from the geometry.
std::string rtk_geometry_xml(const CtGeometry& geometry, RtkPanel panel, const std::string& what);

void write_rtk_geometry(AtomicFileSet& outputs, const CtGeometry& geometry, const RtkPanel& panel,
                        const std::string& path);

}  // namespace radon::recon
