#pragma once

#include <stdint.h>

#include "kernels/core/hd.h"
#include "kernels/pet/joseph_lor.h"
#include "kernels/pet/pet_image_grid.h"
#include "kernels/pet/siddon_lor.h"
#include "kernels/pet/tof_binning.h"
#include "kernels/pet/tof_weights.h"

namespace radon::pet {

enum class PetModel : int32_t { Joseph = 0, Siddon = 1 };

// A list of LORs: LOR n runs from p1[3n..3n+2] to p2[3n..3n+2] (world mm, xyz). In listmode
// tof_bin[n] is the TOF bin of event n and each LOR has one value; otherwise (tof_bin null) a
// TOF projection has `bins` values per LOR, TOF bins fastest: value (n, k) at n * bins + k.
struct PetLors {
    const float* p1 = nullptr;
    const float* p2 = nullptr;
    int64_t count = 0;
    const int32_t* tof_bin = nullptr;
};

// Everything a per-LOR call needs besides the arrays, as plain numbers (a CUDA kernel argument).
struct PetProjectionSpec {
    PetImageGrid grid;
    PetModel model = PetModel::Joseph;
    int32_t tof_on = 0;  // 1: TOF (Joseph only), with `tof_kernel`
    TofKernel tof_kernel{};
    int32_t listmode = 0;  // 1: lors.tof_bin gives one bin per LOR
};

// Values per LOR in the projection: the TOF bins of a TOF sinogram, else one.
inline int64_t values_per_lor(const PetProjectionSpec& s) {
    return s.tof_on && !s.listmode ? s.tof_kernel.bins : 1;
}

// Forward-projects LOR n into out[n * values_per_lor .. ] (overwritten).
RADON_HD void pet_lor_forward(const PetProjectionSpec& s, const PetLors& lors, int64_t n,
                              const float* image, float* out) {
    const float* p1 = lors.p1 + 3 * n;
    const float* p2 = lors.p2 + 3 * n;
    if (s.model == PetModel::Siddon) {
        out[n] = siddon_lor_forward(s.grid, image, p1, p2);
        return;
    }
    const JosephLor l = joseph_lor(s.grid, p1, p2);
    if (!s.tof_on) {
        out[n] = joseph_forward(image, l);
    } else if (s.listmode) {
        out[n] = joseph_forward_tof_bin(image, l, s.tof_kernel, lors.tof_bin[n]);
    } else {
        joseph_forward_tof(image, l, s.tof_kernel, out + n * s.tof_kernel.bins, 1);
    }
}

// Adds the back projection of LOR n's values (values + n * values_per_lor) to the image.
template <class Add>
RADON_HD void pet_lor_back(const PetProjectionSpec& s, const PetLors& lors, int64_t n,
                           const float* values, float* image, Add& add) {
    const float* p1 = lors.p1 + 3 * n;
    const float* p2 = lors.p2 + 3 * n;
    if (s.model == PetModel::Siddon) {
        siddon_lor_back(s.grid, image, p1, p2, values[n], add);
        return;
    }
    const JosephLor l = joseph_lor(s.grid, p1, p2);
    if (!s.tof_on) {
        joseph_back(image, l, values[n], add);
    } else if (s.listmode) {
        joseph_back_tof_bin(image, l, s.tof_kernel, lors.tof_bin[n], values[n], add);
    } else {
        joseph_back_tof(image, l, s.tof_kernel, values + n * s.tof_kernel.bins, 1, add);
    }
}

}  // namespace radon::pet
