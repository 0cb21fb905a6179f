#include "kernels/drr/drr_settings.h"

#include <cmath>
#include <sstream>

#include "kernels/core/error.h"

namespace radon {

void DrrSettings::validate(const Detector& detector) const {
    if (!std::isfinite(step_voxels) || step_voxels < 0.01 || step_voxels > 100) {
        std::ostringstream msg;
        msg << "trilinear step is " << step_voxels << " voxels, expected a value in [0.01, 100]";
        throw InvalidArgument(msg.str());
    }
    if (threads < 0) {
        throw InvalidArgument("thread count is " + std::to_string(threads) +
                              ", expected 0 (all cores) or more");
    }
    if (patch_size < 0) {
        throw InvalidArgument("patch size is " + std::to_string(patch_size) +
                              ", expected 0 (automatic) or a positive number of pixels");
    }
    if (patch_size > 0 && (detector.width % patch_size != 0 || detector.height % patch_size != 0)) {
        std::ostringstream msg;
        msg << "patch size " << patch_size << " does not tile the " << detector.width << "x"
            << detector.height << " detector: width and height must be multiples of it";
        throw InvalidArgument(msg.str());
    }
}

DrrAlgorithm parse_drr_algorithm(const std::string& name) {
    if (name == "siddon") return DrrAlgorithm::Siddon;
    if (name == "trilinear") return DrrAlgorithm::Trilinear;
    throw InvalidArgument("unknown DRR algorithm '" + name + "': expected siddon or trilinear");
}

DrrReduction parse_drr_reduction(const std::string& name) {
    if (name == "sum") return DrrReduction::Sum;
    if (name == "mip") return DrrReduction::Max;
    throw InvalidArgument("unknown projection mode '" + name + "': expected sum or mip");
}

DrrMemoryPath parse_drr_memory_path(const std::string& name) {
    if (name == "auto") return DrrMemoryPath::Auto;
    if (name == "texture") return DrrMemoryPath::Texture;
    if (name == "global") return DrrMemoryPath::Global;
    throw InvalidArgument("unknown memory path '" + name + "': expected auto, texture or global");
}

const char* to_string(DrrAlgorithm algorithm) {
    return algorithm == DrrAlgorithm::Siddon ? "siddon" : "trilinear";
}

const char* to_string(DrrReduction reduction) {
    return reduction == DrrReduction::Sum ? "sum" : "mip";
}

const char* to_string(DrrMemoryPath path) {
    switch (path) {
        case DrrMemoryPath::Texture:
            return "texture";
        case DrrMemoryPath::Global:
            return "global";
        case DrrMemoryPath::Auto:
            break;
    }
    return "auto";
}

}  // namespace radon
