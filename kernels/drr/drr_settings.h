#pragma once

#include <cstdint>
#include <string>

#include "kernels/geometry/detector.h"

namespace radon {

enum class DrrAlgorithm { Siddon, Trilinear };
enum class DrrReduction { Sum, Max };  // line integral, or maximum intensity projection
// Where a GPU's trilinear sampling reads the volume: a 3D texture (hardware interpolation, costs
// a second copy of the volume on the device), plain global memory (software interpolation, no
// copy), or Auto: the texture when free device memory holds it with a margin. Siddon always
// reads global memory, and the CPU ignores the setting.
enum class DrrMemoryPath { Auto, Texture, Global };

struct DrrSettings {
    DrrAlgorithm algorithm = DrrAlgorithm::Siddon;
    double step_voxels = 1.0;  // trilinear step, in units of the smallest voxel spacing
    DrrReduction reduction = DrrReduction::Sum;
    int64_t patch_size = 0;  // square patches of this many pixels; 0 chooses automatically
    int threads = 0;         // CPU threads; 0 uses every core OpenMP offers
    DrrMemoryPath memory_path = DrrMemoryPath::Auto;  // GPU trilinear only

    // Throws InvalidArgument for a step outside [0.01, 100], a negative thread count, or a
    // patch size that does not tile `detector` (both its width and height must be multiples).
    void validate(const Detector& detector) const;
};

DrrAlgorithm parse_drr_algorithm(const std::string& name);     // "siddon" | "trilinear"
DrrReduction parse_drr_reduction(const std::string& name);     // "sum" | "mip"
DrrMemoryPath parse_drr_memory_path(const std::string& name);  // "auto" | "texture" | "global"
const char* to_string(DrrAlgorithm algorithm);
const char* to_string(DrrReduction reduction);
const char* to_string(DrrMemoryPath path);

}  // namespace radon
