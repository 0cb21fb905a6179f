#pragma once

#include <stdint.h>

namespace radon {

// What every ray of one DRR render shares, reduced to plain floats so the CPU engine and a
// CUDA kernel receive the same bytes. Positions are in the volume's cell coordinates
// q = index + 0.5, where voxel (i, j, k) fills the unit cell [i, i+1] x [j, j+1] x [k, k+1].
// A ray runs from the source (tau = 0) to its pixel centre (tau = 1); it is integrated over
// [tau_lo, tau_hi]: [0, 1] from the source to the detector, unbounded for the whole line, and
// [1, inf) or (-inf, 0] for the parts past the detector or behind the source alone.
struct DrrRayParams {
    float q_source[3];     // source position
    float q_to_first[3];   // from the source to the centre of pixel (0, 0)
    float q_col[3];        // one pixel step along a row (next column)
    float q_row[3];        // one pixel step down a column (next row)
    float mm_to_first[3];  // the same three vectors in world millimetres, for ray lengths
    float mm_col[3];
    float mm_row[3];
    float tau_lo, tau_hi;    // the part of each ray's line that counts (see above)
    float box_lo[3];         // rays are clipped to this box of cell coordinates; outside it the
    float box_hi[3];         // volume is known to be zero (or the box is the whole volume)
    int32_t dims[3];         // voxels along i, j, k
    int32_t strides[3];      // linear index step along i, j, k (1, nx, nx * ny)
    float step_mm;           // trilinear sampling step
    int32_t mip;             // 1: maximum along the ray instead of the integral
    int32_t prefetch_slabs;  // CPU engine: prefetch this many slabs ahead (0: none); GPUs ignore it
};

}  // namespace radon
