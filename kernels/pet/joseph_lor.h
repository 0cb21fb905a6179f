#pragma once

#include <math.h>
#include <stdint.h>

#include "kernels/core/hd.h"
#include "kernels/core/scatter_add.h"
#include "kernels/pet/pet_image_grid.h"
#include "kernels/pet/tof_weights.h"

namespace radon::pet {

// Joseph's projector for one LOR, the segment from p1 to p2 (world mm).
//
// The LOR is sampled once per image plane perpendicular to its dominant axis a: the axis along
// which it advances most voxels (|d_a| / voxel_a largest, ties to x, then y), so that between
// two planes it moves at most one voxel along the other two axes. At plane i (the plane of voxel
// centres with index i along a) the image is interpolated bilinearly in the other two axes from
// the four voxels around the crossing point, the image being zero outside the grid. Only planes
// whose centre lies within the segment count. The projection is the sum of the samples times
// the LOR's length per plane, voxel_a |p2 - p1| / |d_a|:
//     (A x)_lor = step_mm * sum_i sum_t w_it x_it
// and the back projection adds step_mm * y_lor * w_it to voxel it, with the very same taps and
// weights (joseph_taps), so it is the transpose of the forward arithmetic.
//
// TOF: sample i lies at signed distance s_i from the LOR's midpoint (positive toward p2, the
// convention of kernels/pet/tof_binning.h); TOF bin k receives the sample times w_k(s_i)
// (kernels/pet/tof_weights.h).
struct JosephLor {
    int32_t axis;         // dominant axis a
    int32_t first, last;  // planes first..last along a; none when last < first
    int32_t other[2];     // the two other axes
    float u0[2], du[2];   // continuous index along other[o] at plane i: u0[o] + i * du[o]
    float step_mm;        // LOR length per plane
    float s0, ds;         // signed distance from the midpoint toward p2 at plane i: s0 + i * ds
    // Memory steps (x fastest) of a plane along the dominant axis and of a voxel along each
    // other axis, and the voxel counts along the other axes.
    int32_t plane_stride;
    int32_t stride[2];
    int32_t n[2];
};

// The four voxels around one sample and their bilinear weights. Voxels outside the grid get
// weight zero and a clamped (valid) index, so the loops need no branch.
struct JosephTaps {
    int32_t index[4];
    float weight[4];
};

namespace detail {
RADON_HD float clampf(float v, float lo, float hi) {
    return tof_min(tof_max(v, lo), hi);
}
// Planes i (as a float interval [lo, hi]) where u0 + i du lies in (-1, n): elsewhere both
// bilinear neighbours along this axis are outside the grid and the sample is zero.
RADON_HD void planes_inside(float u0, float du, int32_t n, float& lo, float& hi) {
    if (du == 0.0f) {
        if (!(u0 > -1.0f && u0 < static_cast<float>(n))) {
            lo = 1.0e30f;
            hi = -1.0e30f;
        }
        return;
    }
    const float a = (-1.0f - u0) / du;
    const float b = (static_cast<float>(n) - u0) / du;
    lo = tof_max(tof_min(a, b), lo);
    hi = tof_min(tof_max(a, b), hi);
}
}  // namespace detail

RADON_HD JosephLor joseph_lor(const PetImageGrid& g, const float* p1, const float* p2) {
    JosephLor l;
    const float d[3] = {p2[0] - p1[0], p2[1] - p1[1], p2[2] - p1[2]};
    const float r[3] = {fabsf(d[0]) / g.voxel_mm[0], fabsf(d[1]) / g.voxel_mm[1],
                        fabsf(d[2]) / g.voxel_mm[2]};
    const int a = (r[0] >= r[1] && r[0] >= r[2]) ? 0 : (r[1] >= r[2] ? 1 : 2);
    l.axis = a;
    l.other[0] = a == 0 ? 1 : 0;
    l.other[1] = a == 2 ? 1 : 2;
    l.first = 0;
    l.last = -1;
    l.u0[0] = l.u0[1] = l.du[0] = l.du[1] = 0.0f;
    l.step_mm = l.s0 = l.ds = 0.0f;
    const int32_t strides[3] = {1, g.dims[0], g.dims[0] * g.dims[1]};
    l.plane_stride = strides[a];
    for (int o = 0; o < 2; ++o) {
        l.stride[o] = strides[l.other[o]];
        l.n[o] = g.dims[l.other[o]];
    }
    // A zero-length LOR (or NaN coordinates) has no direction: it projects to zero.
    if (!(r[a] > 0.0f)) return l;

    const float len = sqrtf(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    const float da = d[a];
    const float inv_da = 1.0f / da;
    l.step_mm = g.voxel_mm[a] * len / fabsf(da);
    // t (0 at p1, 1 at p2) of plane 0's centre, and its increase per plane.
    const float t0 = (g.origin_mm[a] - p1[a]) * inv_da;
    const float dt = g.voxel_mm[a] * inv_da;
    l.s0 = (t0 - 0.5f) * len;
    l.ds = dt * len;
    for (int o = 0; o < 2; ++o) {
        const int ax = l.other[o];
        l.u0[o] = (p1[ax] + t0 * d[ax] - g.origin_mm[ax]) / g.voxel_mm[ax];
        l.du[o] = dt * d[ax] / g.voxel_mm[ax];
    }

    // Planes whose centre lies on the segment: index f between those of p1 and p2.
    const float f1 = (p1[a] - g.origin_mm[a]) / g.voxel_mm[a];
    const float f2 = (p2[a] - g.origin_mm[a]) / g.voxel_mm[a];
    float lo = tof_max(tof_min(f1, f2), 0.0f);
    float hi = tof_min(tof_max(f1, f2), static_cast<float>(g.dims[a] - 1));
    const float seg_lo = lo, seg_hi = hi;
    // Drop the planes where a sample is certainly zero; one plane of margin each side keeps
    // rounding in this clip from dropping a plane the sample formula would not (the result is
    // defined by joseph_taps alone).
    detail::planes_inside(l.u0[0], l.du[0], g.dims[l.other[0]], lo, hi);
    detail::planes_inside(l.u0[1], l.du[1], g.dims[l.other[1]], lo, hi);
    if (!(lo <= hi + 2.0f)) return l;
    lo = tof_max(lo - 1.0f, seg_lo);
    hi = tof_min(hi + 1.0f, seg_hi);
    // Clamped before the conversion so that far-away endpoints cannot overflow the int.
    const float top = static_cast<float>(g.dims[a]);
    l.first = static_cast<int32_t>(ceilf(detail::clampf(lo, -1.0f, top)));
    l.last = static_cast<int32_t>(floorf(detail::clampf(hi, -1.0f, top)));
    if (l.first < 0) l.first = 0;
    if (l.last > g.dims[a] - 1) l.last = g.dims[a] - 1;
    return l;
}

RADON_HD JosephTaps joseph_taps(const JosephLor& l, int32_t plane) {
    const float fp = static_cast<float>(plane);
    float u[2], frac[2];
    int32_t c[2];
    for (int o = 0; o < 2; ++o) {
        // Clamped so the conversion is safe; beyond -2 or n + 1 both weights are zero anyway.
        u[o] = detail::clampf(l.u0[o] + fp * l.du[o], -2.0f, static_cast<float>(l.n[o]) + 1.0f);
        const float fl = floorf(u[o]);
        frac[o] = u[o] - fl;
        c[o] = static_cast<int32_t>(fl);
    }
    const int32_t base = plane * l.plane_stride;
    JosephTaps t;
    // Inside the grid (the common case) all four voxels exist; at its border the missing ones
    // get weight zero and a clamped index. Both paths give the same indices and weights where
    // both apply.
    if (static_cast<uint32_t>(c[0]) < static_cast<uint32_t>(l.n[0] - 1) &&
        static_cast<uint32_t>(c[1]) < static_cast<uint32_t>(l.n[1] - 1)) {
        const int32_t i0 = base + c[0] * l.stride[0] + c[1] * l.stride[1];
        t.index[0] = i0;
        t.index[1] = i0 + l.stride[0];
        t.index[2] = i0 + l.stride[1];
        t.index[3] = i0 + l.stride[0] + l.stride[1];
        const float a0 = 1.0f - frac[0], a1 = frac[0], b0 = 1.0f - frac[1], b1 = frac[1];
        t.weight[0] = a0 * b0;
        t.weight[1] = a1 * b0;
        t.weight[2] = a0 * b1;
        t.weight[3] = a1 * b1;
        return t;
    }
    int32_t cell[2][2];
    float w[2][2];
    for (int o = 0; o < 2; ++o) {
        const bool lo_in = c[o] >= 0 && c[o] < l.n[o];
        const bool hi_in = c[o] + 1 >= 0 && c[o] + 1 < l.n[o];
        w[o][0] = lo_in ? 1.0f - frac[o] : 0.0f;
        w[o][1] = hi_in ? frac[o] : 0.0f;
        cell[o][0] = (lo_in ? c[o] : 0) * l.stride[o];
        cell[o][1] = (hi_in ? c[o] + 1 : 0) * l.stride[o];
    }
    t.index[0] = base + cell[0][0] + cell[1][0];
    t.index[1] = base + cell[0][1] + cell[1][0];
    t.index[2] = base + cell[0][0] + cell[1][1];
    t.index[3] = base + cell[0][1] + cell[1][1];
    t.weight[0] = w[0][0] * w[1][0];
    t.weight[1] = w[0][1] * w[1][0];
    t.weight[2] = w[0][0] * w[1][1];
    t.weight[3] = w[0][1] * w[1][1];
    return t;
}

RADON_HD float joseph_sample(const float* image, const JosephTaps& t) {
    return t.weight[0] * image[t.index[0]] + t.weight[1] * image[t.index[1]] +
           t.weight[2] * image[t.index[2]] + t.weight[3] * image[t.index[3]];
}

template <class Add>
RADON_HD void joseph_spread(float* image, const JosephTaps& t, float value, Add& add) {
    for (int q = 0; q < 4; ++q)
        add(image + t.index[q], value * t.weight[q]);
}

// The CPU engine adds plainly into its thread's own image, a CUDA kernel atomically.
using ::radon::AtomicAdd;
using ::radon::PlainAdd;

// ------------------------------------------------------------------------------- non-TOF

RADON_HD float joseph_forward(const float* image, const JosephLor& l) {
    float acc = 0.0f;
    for (int32_t i = l.first; i <= l.last; ++i)
        acc += joseph_sample(image, joseph_taps(l, i));
    return acc * l.step_mm;
}

template <class Add>
RADON_HD void joseph_back(float* image, const JosephLor& l, float value, Add& add) {
    if (value == 0.0f) return;
    const float v = value * l.step_mm;
    for (int32_t i = l.first; i <= l.last; ++i)
        joseph_spread(image, joseph_taps(l, i), v, add);
}

// ------------------------------------------------------------------ TOF, all bins of a LOR

// out[k * bin_stride] = (A_k x)_lor for k in [0, bins): every TOF bin of one LOR.
RADON_HD void joseph_forward_tof(const float* image, const JosephLor& l, const TofKernel& tk,
                                 float* out, int64_t bin_stride) {
    for (int k = 0; k < tk.bins; ++k)
        out[k * bin_stride] = 0.0f;
    for (int32_t i = l.first; i <= l.last; ++i) {
        const float sample = joseph_sample(image, joseph_taps(l, i)) * l.step_mm;
        // Adding zero times a weight changes nothing: skip the erfs of empty samples.
        if (sample == 0.0f) continue;
        const float s = l.s0 + static_cast<float>(i) * l.ds;
        int lo, hi;
        tof_bin_window(tk, s, lo, hi);
        float below = tof_edge_cdf(tk, tof_edge_mm(tk, lo) - s);
        for (int k = lo; k <= hi; ++k) {
            const float above = tof_edge_cdf(tk, tof_edge_mm(tk, k + 1) - s);
            out[k * bin_stride] += sample * (above - below);
            below = above;
        }
    }
}

// The transpose of joseph_forward_tof: adds A_k^T y_k over the LOR's bins to the image.
template <class Add>
RADON_HD void joseph_back_tof(float* image, const JosephLor& l, const TofKernel& tk,
                              const float* values, int64_t bin_stride, Add& add) {
    bool any = false;
    for (int k = 0; k < tk.bins; ++k)
        any = any || values[k * bin_stride] != 0.0f;
    if (!any) return;
    for (int32_t i = l.first; i <= l.last; ++i) {
        const float s = l.s0 + static_cast<float>(i) * l.ds;
        int lo, hi;
        tof_bin_window(tk, s, lo, hi);
        float below = tof_edge_cdf(tk, tof_edge_mm(tk, lo) - s);
        float weighted = 0.0f;
        for (int k = lo; k <= hi; ++k) {
            const float above = tof_edge_cdf(tk, tof_edge_mm(tk, k + 1) - s);
            weighted += values[k * bin_stride] * (above - below);
            below = above;
        }
        if (weighted == 0.0f) continue;
        joseph_spread(image, joseph_taps(l, i), weighted * l.step_mm, add);
    }
}

// ------------------------------------------------------- TOF, one bin of a LOR (listmode)

// The planes whose sample can have a non-zero weight in bin k: |s_i - bin k| <= reach, with one
// plane of margin (extra planes have weight exactly zero).
RADON_HD void joseph_tof_planes(const JosephLor& l, const TofKernel& tk, int bin, int32_t& first,
                                int32_t& last) {
    first = l.first;
    last = l.last;
    if (last < first || l.ds == 0.0f) return;
    const float s_lo = tof_edge_mm(tk, bin) - tk.reach;
    const float s_hi = tof_edge_mm(tk, bin + 1) + tk.reach;
    const float a = (s_lo - l.s0) / l.ds, b = (s_hi - l.s0) / l.ds;
    const float lo = tof_min(a, b) - 1.0f, hi = tof_max(a, b) + 1.0f;
    const float top = static_cast<float>(l.last + 1);
    const int32_t f = static_cast<int32_t>(ceilf(detail::clampf(lo, -1.0f, top)));
    const int32_t t = static_cast<int32_t>(floorf(detail::clampf(hi, -1.0f, top)));
    first = f > first ? f : first;
    last = t < last ? t : last;
}

RADON_HD float joseph_forward_tof_bin(const float* image, const JosephLor& l, const TofKernel& tk,
                                      int bin) {
    if (bin < 0 || bin >= tk.bins) return 0.0f;
    int32_t first, last;
    joseph_tof_planes(l, tk, bin, first, last);
    float acc = 0.0f;
    for (int32_t i = first; i <= last; ++i) {
        const float sample = joseph_sample(image, joseph_taps(l, i));
        if (sample == 0.0f) continue;
        acc += sample * tof_weight(tk, bin, l.s0 + static_cast<float>(i) * l.ds);
    }
    return acc * l.step_mm;
}

template <class Add>
RADON_HD void joseph_back_tof_bin(float* image, const JosephLor& l, const TofKernel& tk, int bin,
                                  float value, Add& add) {
    if (value == 0.0f || bin < 0 || bin >= tk.bins) return;
    int32_t first, last;
    joseph_tof_planes(l, tk, bin, first, last);
    const float v = value * l.step_mm;
    for (int32_t i = first; i <= last; ++i) {
        const float w = tof_weight(tk, bin, l.s0 + static_cast<float>(i) * l.ds);
        if (w == 0.0f) continue;
        joseph_spread(image, joseph_taps(l, i), v * w, add);
    }
}

}  // namespace radon::pet
