#pragma once

#include <memory>
#include <vector>

#include "kernels/operator/subset_stack.h"
#include "kernels/pet/lor_projector.h"
#include "kernels/pet/sinogram_descriptor.h"

namespace radon::pet {

// The projector of a sinogram: image -> every bin of `sinogram`, in its memory order, as the
// descriptor describes it (its LORs from fill_lor_endpoints, its TOF binning). `config` gives the
// image grid, the model, the device and the CPU options; its TOF binning is replaced by the
// sinogram's. With `views` given (sinogram views, increasing) it projects only those: the
// sub-sinogram of an OSEM subset, in the same axis order.
//
// Throws InvalidArgument when the TOF axis is not the fastest (the projectors write the TOF bins
// of a LOR together: an axis order ending in T), for Siddon with TOF, or for a view out of range.
std::shared_ptr<const LorListProjector> make_sinogram_projector(const SinogramDescriptor& sinogram,
                                                                LorProjectorConfig config,
                                                                const std::vector<int>& views = {});

// Attenuation factors exp(-integral of mu) of every bin of `sinogram`, the same for each TOF bin
// of a LOR: the mu-map (1/mm, one value per voxel of mu_config.grid) projected along the
// sinogram's LORs, without TOF, by the projector `mu_config` describes.
std::vector<float> sinogram_attenuation_factors(const SinogramDescriptor& sinogram,
                                                const LorProjectorConfig& mu_config,
                                                const std::vector<float>& mu,
                                                const RunControl& control = {});

// `subsets` interleaved subsets of the sinogram's views (subset s: views s, s + subsets, ...),
// each its own projector, stacked into the whole sinogram: OSEM's operator. One subset is the
// whole sinogram (MLEM).
std::shared_ptr<const SubsetStack> make_view_subsets(const SinogramDescriptor& sinogram,
                                                     const LorProjectorConfig& config, int subsets);

}  // namespace radon::pet
