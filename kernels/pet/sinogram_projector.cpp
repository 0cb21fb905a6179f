#include "kernels/pet/sinogram_projector.h"

#include <algorithm>
#include <numeric>
#include <string>

#include "kernels/physics/pet_attenuation.h"

namespace radon::pet {
namespace {

int axis_named(const OperatorShape& shape, const char* name) {
    for (std::size_t i = 0; i < shape.axis_names.size(); ++i)
        if (shape.axis_names[i] == name) return static_cast<int>(i);
    throw InvalidArgument(std::string("sinogram shape ") + shape.to_string() + " has no " + name +
                          " axis");
}

}  // namespace

std::shared_ptr<const LorListProjector> make_sinogram_projector(const SinogramDescriptor& sinogram,
                                                                LorProjectorConfig config,
                                                                const std::vector<int>& views) {
    if (sinogram.has_tof_axis()) {
        const OperatorShape shape = sinogram.shape();
        if (axis_named(shape, "tof") != 0)
            throw InvalidArgument("sinogram axis order '" + sinogram.spec().axis_order +
                                  "': the TOF projectors write the TOF bins of a LOR together, "
                                  "so the TOF axis must be the fastest (an axis order ending "
                                  "in T, e.g. RVPT)");
        config.tof = sinogram.spec().tof;
    } else {
        config.tof.reset();
    }
    std::vector<int> chosen = views;
    if (chosen.empty()) {
        chosen.resize(static_cast<std::size_t>(sinogram.views()));
        std::iota(chosen.begin(), chosen.end(), 0);
    }
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        if (chosen[i] < 0 || chosen[i] >= sinogram.views())
            throw InvalidArgument("sinogram view " + std::to_string(chosen[i]) +
                                  " is out of range: expected 0 to " +
                                  std::to_string(sinogram.views() - 1));
        if (i && chosen[i] <= chosen[i - 1])
            throw InvalidArgument("sinogram views of a projector must increase");
    }
    const std::size_t floats = 3 * static_cast<std::size_t>(sinogram.radial_bins()) *
                               chosen.size() * static_cast<std::size_t>(sinogram.planes());
    std::vector<float> p1(floats), p2(floats);
    sinogram.fill_lor_endpoints(chosen, p1.data(), p2.data());
    return std::make_shared<LorListProjector>(std::move(p1), std::move(p2), config);
}

std::vector<float> sinogram_attenuation_factors(const SinogramDescriptor& sinogram,
                                                const LorProjectorConfig& mu_config,
                                                const std::vector<float>& mu,
                                                const RunControl& control) {
    const auto line_integrals = make_sinogram_projector(sinogram.without_tof(), mu_config);
    const std::vector<float> factors = attenuation_factors(*line_integrals, mu, control);
    if (!sinogram.has_tof_axis()) return factors;
    // TOF bins are the fastest axis (make_sinogram_projector requires it).
    const auto bins = static_cast<std::size_t>(sinogram.tof_bins());
    std::vector<float> expanded(factors.size() * bins);
    for (std::size_t i = 0; i < factors.size(); ++i)
        std::fill_n(expanded.begin() + static_cast<std::ptrdiff_t>(i * bins), bins, factors[i]);
    return expanded;
}

std::shared_ptr<const SubsetStack> make_view_subsets(const SinogramDescriptor& sinogram,
                                                     const LorProjectorConfig& config,
                                                     int subsets) {
    return subsets_by_views(sinogram.shape(), subsets, [&](const std::vector<int64_t>& views) {
        return make_sinogram_projector(sinogram, config,
                                       std::vector<int>(views.begin(), views.end()));
    });
}

}  // namespace radon::pet
