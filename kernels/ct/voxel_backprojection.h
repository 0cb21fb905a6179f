#pragma once

// The per-voxel arithmetic of the voxel-driven back projector, shared by the CPU engine (one
// SIMD pack of neighbouring voxels of a row at a time, kernels/ct/voxel_backprojector_lanes.cpp)
// and the CUDA kernels (one voxel per thread, kernels/cuda/ct_backproject_cuda.cu). Templates
// over a lane policy (kernels/drr/lanes_scalar.h, kernels/simd/lanes_pack.h), as the DRR walks.

#include <stdint.h>

#include "kernels/core/hd.h"

namespace radon {

// One view as a map from voxel indices to panel pixel coordinates: with
// (a, b, w) = m * (i, j, k, 1), the voxel's centre projects onto column a / w and row b / w.
// Cone beams: w is the depth of the voxel in front of the source along the panel normal, in mm
// (FDK's distance weight is 1 / w^2). Parallel beams: the last row is (0, 0, 0, 1), so w = 1.
// Row-major 3 x 4, in float: along a row of 2048 voxels the coordinates keep 1e-4 pixel.
struct VoxelViewMap {
    float m[12];
};

// Projections as the back projector reads them. Each view's panel is framed by zeros (one pixel
// before its first row and column, two after its last) and stored as quads: quad (r, c) holds the
// framed pixels (r, c), (r, c + 1), (r + 1, c) and (r + 1, c + 1), the four a bilinear read at
// (r, c) needs, so one read is one 16-byte load (the CPU transposes a pack's quads instead of
// gathering four times). Every clamped coordinate reads inside the buffer, and a point off the
// panel reads exact zeros.
struct PaddedPanels {
    int32_t columns = 0;  // of the panel itself
    int32_t rows = 0;
    int32_t stride = 0;       // quads per framed row: columns + 2
    int64_t view_stride = 0;  // floats per view: 4 * stride * (rows + 2)

    RADON_HD static PaddedPanels of(int32_t columns, int32_t rows) {
        PaddedPanels p;
        p.columns = columns;
        p.rows = rows;
        p.stride = columns + 2;
        p.view_stride = 4 * int64_t(p.stride) * int64_t(rows + 2);
        return p;
    }
};

// Depths at or below this (mm) are behind or at the source: the voxel gets nothing from the view.
constexpr float kMinVoxelDepth = 1e-3f;

// Where the voxels i (lanes), j, k of a row fall on one view's panel: `col`, `row` in pixels and
// `inv_w` = 1 / w; `front` is false for voxels at or behind the source, whose coordinates are
// then moved off the panel.
template <class L>
struct VoxelPanelPoint {
    typename L::F col, row, inv_w;
    typename L::M front;
};

// The map's three rows at i = 0 of the row (j, k): the row's origin, from which the lanes step by
// the map's first column.
struct VoxelRowOrigin {
    float a, b, w;
};

RADON_HD VoxelRowOrigin voxel_row_origin(const VoxelViewMap& v, float j, float k) {
    VoxelRowOrigin o;
    o.a = v.m[1] * j + v.m[2] * k + v.m[3];
    o.b = v.m[5] * j + v.m[6] * k + v.m[7];
    o.w = v.m[9] * j + v.m[10] * k + v.m[11];
    return o;
}

template <class L>
RADON_HD VoxelPanelPoint<L> voxel_panel_point(const VoxelViewMap& v, VoxelRowOrigin o,
                                              typename L::F i) {
    using F = typename L::F;
    const F a = L::splat(o.a) + i * L::splat(v.m[0]);
    const F b = L::splat(o.b) + i * L::splat(v.m[4]);
    const F w = L::splat(o.w) + i * L::splat(v.m[8]);
    VoxelPanelPoint<L> p;
    p.front = w > L::splat(kMinVoxelDepth);
    p.inv_w =
        L::select(p.front, L::splat(1.0f) / L::select(p.front, w, L::splat(1.0f)), L::splat(0.0f));
    p.col = L::select(p.front, a * p.inv_w, L::splat(-2.0f));
    p.row = L::select(p.front, b * p.inv_w, L::splat(-2.0f));
    return p;
}

// Bilinear interpolation of one view's quads at (col, row) in panel pixels. Across the band of
// one pixel outside the outermost pixel centres it falls linearly to zero, beyond it is zero: what
// a texture with a zero border gives.
template <class L>
RADON_HD typename L::F bilinear_padded(const float* panel, const PaddedPanels& layout,
                                       typename L::F col, typename L::F row) {
    using F = typename L::F;
    using I = typename L::I;
    // Padded coordinates clamped onto the zero border, where the four reads stay in the buffer.
    const F x =
        L::min(L::max(col + L::splat(1.0f), L::splat(0.0f)), L::splat(float(layout.columns + 1)));
    const F y =
        L::min(L::max(row + L::splat(1.0f), L::splat(0.0f)), L::splat(float(layout.rows + 1)));
    const F x0 = L::floor(x);
    const F y0 = L::floor(y);
    const F fx = x - x0;
    const F fy = y - y0;
    const I quad = L::to_int(y0) * L::splat_int(layout.stride) + L::to_int(x0);
    F v00, v01, v10, v11;
    L::gather_quad(panel, quad, v00, v01, v10, v11);
    const F one = L::splat(1.0f);
    const F top = v00 * (one - fx) + v01 * fx;
    const F bottom = v10 * (one - fx) + v11 * fx;
    return top * (one - fy) + bottom * fy;
}

// One view's contribution to the voxels i (lanes), j, k: the panel read where they project,
// times FDK's distance weight 1 / w^2 when `depth_weight` (cone beams).
template <class L>
RADON_HD typename L::F voxel_view_contribution(const VoxelViewMap& v, VoxelRowOrigin o,
                                               typename L::F i, const float* panel,
                                               const PaddedPanels& layout, bool depth_weight) {
    const VoxelPanelPoint<L> p = voxel_panel_point<L>(v, o, i);
    typename L::F value = bilinear_padded<L>(panel, layout, p.col, p.row);
    if (depth_weight) value = value * (p.inv_w * p.inv_w);
    return L::select(p.front, value, L::splat(0.0f));
}

}  // namespace radon
