#include "kernels/pet/lor_projector.h"

#include <cmath>
#include <string>

#include "kernels/backend/cuda_pet.h"
#include "kernels/core/error.h"

namespace radon::pet {

PetModel parse_pet_model(const std::string& name, const std::string& what) {
    if (name == "joseph") return PetModel::Joseph;
    if (name == "siddon") return PetModel::Siddon;
    throw InvalidArgument(what + ": unknown projector '" + name + "': expected joseph or siddon");
}
namespace {

void check_tof(const TofBinning& tof) {
    if (tof.bins < 1)
        throw InvalidArgument("PET projector: TOF bins is " + std::to_string(tof.bins) +
                              ", expected at least 1");
    if (!(std::isfinite(tof.bin_width_mm) && tof.bin_width_mm > 0))
        throw InvalidArgument("PET projector: TOF bin width is " +
                              std::to_string(tof.bin_width_mm) + " mm, expected > 0");
    if (!(std::isfinite(tof.fwhm_mm) && tof.fwhm_mm > 0))
        throw InvalidArgument("PET projector: TOF FWHM is " + std::to_string(tof.fwhm_mm) +
                              " mm, expected > 0");
    if (!(std::isfinite(tof.truncation_sigmas) && tof.truncation_sigmas > 0))
        throw InvalidArgument("PET projector: TOF truncation is " +
                              std::to_string(tof.truncation_sigmas) + " sigmas, expected > 0");
    if (!std::isfinite(tof.centre_offset_mm))
        throw InvalidArgument("PET projector: TOF centre offset is not a finite number");
}

}  // namespace

LorListProjector::LorListProjector(std::vector<float> p1, std::vector<float> p2,
                                   const LorProjectorConfig& config)
    : config_(config), p1_(std::move(p1)), p2_(std::move(p2)) {
    setup();
}

LorListProjector::LorListProjector(std::vector<float> p1, std::vector<float> p2,
                                   std::vector<int32_t> tof_bins, const LorProjectorConfig& config)
    : config_(config), p1_(std::move(p1)), p2_(std::move(p2)), tof_bins_(std::move(tof_bins)) {
    if (!config_.tof)
        throw InvalidArgument(
            "listmode PET projector: TOF binning is missing (non-TOF listmode events are a LOR "
            "list)");
    if (tof_bins_.size() * 3 != p1_.size())
        throw InvalidArgument("listmode PET projector: " + std::to_string(tof_bins_.size()) +
                              " TOF bins for " + std::to_string(p1_.size() / 3) +
                              " events, expected one per event");
    for (std::size_t n = 0; n < tof_bins_.size(); ++n) {
        if (tof_bins_[n] < 0 || tof_bins_[n] >= config_.tof->bins)
            throw InvalidArgument("listmode PET projector: event " + std::to_string(n) +
                                  " has TOF bin " + std::to_string(tof_bins_[n]) +
                                  ", expected 0.." + std::to_string(config_.tof->bins - 1));
    }
    setup();
}

LorListProjector::~LorListProjector() = default;

void LorListProjector::setup() {
    check_pet_image_grid(config_.grid, "PET projector");
    if (p1_.size() != p2_.size() || p1_.size() % 3 != 0)
        throw InvalidArgument("PET projector: p1 has " + std::to_string(p1_.size()) +
                              " floats and p2 " + std::to_string(p2_.size()) +
                              ", expected the same number, 3 (x, y, z) per LOR");
    if (config_.tof) {
        check_tof(*config_.tof);
        if (config_.model == PetModel::Siddon)
            throw InvalidArgument(
                "PET projector: the Siddon projector is non-TOF; use Joseph "
                "for TOF");
    }
    lors_.p1 = p1_.data();
    lors_.p2 = p2_.data();
    lors_.count = static_cast<int64_t>(p1_.size() / 3);
    lors_.tof_bin = tof_bins_.empty() ? nullptr : tof_bins_.data();
    spec_.grid = config_.grid;
    spec_.model = config_.model;
    spec_.tof_on = config_.tof ? 1 : 0;
    if (config_.tof) spec_.tof_kernel = make_tof_kernel(*config_.tof);
    spec_.listmode = tof_bins_.empty() ? 0 : 1;
    if (config_.device == DeviceKind::Cuda)
        cuda_ = radon::detail::make_cuda_pet_projector(spec_, lors_, 0);
}

OperatorShape LorListProjector::in_shape() const {
    return {{config_.grid.dims[0], config_.grid.dims[1], config_.grid.dims[2]}, {"x", "y", "z"}};
}

OperatorShape LorListProjector::out_shape() const {
    if (spec_.listmode) return {{lors_.count}, {"event"}};
    if (spec_.tof_on) return {{spec_.tof_kernel.bins, lors_.count}, {"tof", "lor"}};
    return {{lors_.count}, {"lor"}};
}

bool LorListProjector::accepts(MemorySpace space) const {
    return space == MemorySpace::Host || config_.device == DeviceKind::Cuda;
}

std::string LorListProjector::description() const {
    std::string s = config_.model == PetModel::Siddon ? "Siddon" : "Joseph";
    s += spec_.tof_on ? " TOF" : " non-TOF";
    s += " LOR-list PET projector";
    return s;
}

void LorListProjector::do_apply(const float* x, float* y, MemorySpace space,
                                const RunControl& control) const {
    if (cuda_) {
        cuda_->forward(x, y, space, control);
        return;
    }
    pet_forward_cpu(spec_, lors_, x, y, config_.cpu, control);
}

void LorListProjector::do_apply_adjoint(const float* y, float* x, MemorySpace space,
                                        const RunControl& control) const {
    if (cuda_) {
        cuda_->back(y, x, space, control);
        return;
    }
    pet_back_cpu(spec_, lors_, y, x, config_.cpu, control);
}

ListmodeProjector::ListmodeProjector(std::vector<float> p1, std::vector<float> p2,
                                     std::vector<int32_t> tof_bins,
                                     const LorProjectorConfig& config)
    : LorListProjector(std::move(p1), std::move(p2), std::move(tof_bins), config) {}

std::string ListmodeProjector::description() const {
    return "Joseph TOF listmode PET projector";
}

}  // namespace radon::pet
