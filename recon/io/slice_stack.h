#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/geometry/volume_grid.h"

namespace radon::recon {

// Parallel image planes as DICOM places them (one per file of a series, or one per frame of a
// multi-frame file), in the order they were found, which says nothing about where they lie.
struct SlicePlanes {
    int64_t columns = 0;
    int64_t rows = 0;
    double column_spacing = 1;  // mm between neighbouring columns (DICOM's second PixelSpacing)
    double row_spacing = 1;     // mm between neighbouring rows (DICOM's first PixelSpacing)
    // ImageOrientationPatient: the world directions of increasing column and row index.
    Vec3 row_direction{1, 0, 0};
    Vec3 column_direction{0, 1, 0};
    // ImagePositionPatient of each plane: the centre of its first voxel, LPS mm.
    std::vector<Vec3> positions;
    // The spacing along the normal of a lone plane, which has no neighbour to measure it from
    // (SliceThickness); 0 when unknown, then 1 mm.
    double lone_plane_thickness = 0;
};

// Where the planes put a volume: the regular grid they sample (its k axis along the plane
// normal, row direction x column direction, so k increases with the position along it) and the
// plane that lands on each k.
struct SliceArrangement {
    VolumeGrid grid;
    std::vector<std::size_t> order;  // order[k]: index into SlicePlanes::positions
    // Empty when the planes lie on a regular grid. Otherwise one clause saying why not, with the
    // measured spacings or tilt angle, for a message that names the file or series in front:
    // planes at the same position, uneven gaps (missing slices among them), positions that drift
    // sideways from the normal (a gantry tilt), or an orientation that is not two perpendicular
    // unit vectors. The grid is then only indicative (mean gap, no tilt).
    std::string problem;
};

// Sorts the planes by their position along the normal (never by file name or instance number)
// and measures whether they form a regular grid. Pure geometry: nothing is read or thrown.
SliceArrangement arrange_slices(const SlicePlanes& planes);

}  // namespace radon::recon
