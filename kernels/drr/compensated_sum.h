#pragma once

#include "kernels/core/hd.h"

namespace radon {

// Kahan's compensated sum over the lanes of a pack: the rounding error of every addition is
// carried in `carry` and fed back into the next one, so a sum of n terms is within about two
// float roundings of the exact sum of its terms, however large n is (plain float accumulation
// drifts by up to n roundings: 1e-4 of the value on a 1000-voxel ray). Four float operations
// per term; valid only without value-changing optimisations (no -ffast-math, and no
// contraction of the two subtractions, which have no product to fuse).
template <class L>
struct CompensatedSum {
    typename L::F sum;
    typename L::F carry;

    RADON_HD static CompensatedSum zero() { return {L::splat(0.0f), L::splat(0.0f)}; }

    RADON_HD void add(typename L::F term) {
        const typename L::F y = term - carry;
        const typename L::F t = sum + y;
        carry = (t - sum) - y;
        sum = t;
    }

    // The sum with its pending correction folded in. Adding zeros leaves it unchanged, so a ray
    // whose pack keeps stepping after the ray has ended gets the same bits as a ray alone.
    RADON_HD typename L::F total() const { return sum - carry; }
};

}  // namespace radon
