#pragma once

// The CT workspace's model: the scan a user sets up about the loaded volume, the image grid the
// reconstruction is made on, and how a reconstruction compares with a known truth. No widgets.

#include <array>
#include <cstdint>
#include <vector>

#include "kernels/core/progress.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/ct/ct_projector.h"
#include "kernels/geometry/volume_grid.h"
#include "recon/ct/circular_scan_setup.h"

namespace radon::ui {

// A circular scan about the S-I axis through an isocenter, as the scan panel edits it and as
// `radon ct project` takes it (--beam, --views, --arc, --sid, --sdd, --detector, --pixel).
struct CtScanSettings {
    recon::ScanBeam beam = recon::ScanBeam::Cone;
    bool parallel_3d = false;  // a parallel beam on `rows` rows rather than one
    int views = 180;
    double arc_deg = 360;
    double sid_mm = 600;
    double sdd_mm = 1200;
    int columns = 256;
    int rows = 256;
    double pixel_mm = 1.0;  // square pixels

    // One detector row: a fan beam, or a parallel beam that is not 3D.
    bool twoD() const {
        return beam == recon::ScanBeam::Fan || (beam == recon::ScanBeam::Parallel && !parallel_3d);
    }
    int panelRows() const { return twoD() ? 1 : rows; }
};

// The scan's views (recon::circular_scan_geometry) about `isocenter`. Throws InvalidArgument for
// settings circular_geometry refuses.
CtGeometry ct_scan_geometry(const CtScanSettings& settings, Vec3 isocenter);

// Views [first, first + count) of `geometry` projected through `attenuation` (1/mm on `grid`)
// by the ray-driven projector the reconstruction and `radon ct project` use: line integrals,
// count x rows x columns, column fastest.
std::vector<float> project_views(const CtGeometry& geometry, int64_t first, int64_t count,
                                 const VolumeGrid& grid, const float* attenuation,
                                 const CtProjectorSettings& settings = {},
                                 const RunControl& control = {});

// The grid a reconstruction of a volume is made on, and where its truth comes from: each image
// voxel covers a block of block[0] x block[1] x block[2] voxels of the volume, the first one at
// volume index `first`; the truth of an image voxel is the mean of its block. The blocks are
// centred in the volume; a 2D scan's image is the one slice of the volume at the middle (block 1
// along z), whose centre the scan's isocenter lies in.
struct CtImageGrid {
    VolumeGrid grid;
    std::array<int64_t, 3> first{0, 0, 0};
    std::array<int64_t, 3> block{1, 1, 1};
};

// `block` voxels of the volume per image voxel across (x and y); along z the block that makes
// the image voxels closest to cubes (3D) or 1 (2D). Throws InvalidArgument for block < 1.
CtImageGrid ct_image_grid(const VolumeGrid& volume, int block, bool two_d);
// The smallest block that keeps the image within `max_voxels` voxels across x and y.
int default_image_block(const VolumeGrid& volume, int64_t max_voxels = 128);
// The mean of each image voxel's block of `values` (volume.voxel_count() floats, x fastest).
std::vector<float> block_mean(const float* values, const VolumeGrid& volume,
                              const CtImageGrid& image);

// The settings with the panel (columns, rows, pixel pitch) and distances chosen so that every
// view of a circular scan about the image's centre sees the whole image grid, with a few pixels
// to spare; pixels as fine as the image voxels magnified to the panel. Keeps the beam, views and
// arc; the SID is 2.5 times the grid's half-diagonal across the axis or more, the SDD twice the
// SID or more.
CtScanSettings fit_scan_to_grid(CtScanSettings settings, const VolumeGrid& image);

// A reconstruction against its truth over the voxels `mask` keeps (1: kept; empty: all).
// PSNR = 10 log10(range^2 / MSE), the range being the truth's (max - min) over the kept voxels,
// as the CLI's tests define it.
struct CtImageError {
    double psnr_db = 0;
    double rmse = 0;
    int64_t voxels = 0;
};
CtImageError image_error(const std::vector<float>& image, const std::vector<float>& truth,
                         const std::vector<uint8_t>& mask);

}  // namespace radon::ui
