#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kernels/operator/linear_operator.h"
#include "kernels/pet/pet_cpu_engine.h"
#include "kernels/pet/pet_lor_projection.h"

namespace radon::detail {
class PetDeviceProjector;
}

namespace radon::pet {

// A PET projector over a list of LORs, as a LinearOperator: image (x, y, z; x fastest) -> one
// value per LOR, or per LOR and TOF bin (TOF bins fastest), or per listmode event.
//
// p1 and p2 hold 3 floats (x, y, z, world mm) per LOR; the LOR runs from p1 to p2, which is
// also the direction of positive TOF bins (kernels/pet/tof_binning.h). Joseph takes TOF or not;
// Siddon is non-TOF. On DeviceKind::Cuda the work runs on the first CUDA device.
// "joseph" | "siddon"; throws InvalidArgument naming `what` (an option or an argument) and the
// choices.
PetModel parse_pet_model(const std::string& name, const std::string& what);

struct LorProjectorConfig {
    PetImageGrid grid{};
    PetModel model = PetModel::Joseph;
    std::optional<TofBinning> tof;  // unset: non-TOF
    DeviceKind device = DeviceKind::Cpu;
    PetCpuOptions cpu;
};

class LorListProjector : public LinearOperator {
  public:
    // Sinogram mode: every TOF bin of every LOR. Throws InvalidArgument for sizes that disagree,
    // a bad grid, TOF settings out of range or TOF with Siddon.
    LorListProjector(std::vector<float> p1, std::vector<float> p2,
                     const LorProjectorConfig& config);
    ~LorListProjector() override;

    OperatorShape in_shape() const override;
    OperatorShape out_shape() const override;
    DeviceKind device() const override { return config_.device; }
    bool accepts(MemorySpace space) const override;
    std::string description() const override;

    int64_t lor_count() const { return lors_.count; }
    const PetProjectionSpec& spec() const { return spec_; }

  protected:
    // Listmode: one TOF bin per event (checked against the binning).
    LorListProjector(std::vector<float> p1, std::vector<float> p2, std::vector<int32_t> tof_bins,
                     const LorProjectorConfig& config);

    void do_apply(const float* x, float* y, MemorySpace space,
                  const RunControl& control) const override;
    void do_apply_adjoint(const float* y, float* x, MemorySpace space,
                          const RunControl& control) const override;

  private:
    void setup();

    LorProjectorConfig config_;
    std::vector<float> p1_, p2_;
    std::vector<int32_t> tof_bins_;
    PetLors lors_;
    PetProjectionSpec spec_;
    std::unique_ptr<radon::detail::PetDeviceProjector> cuda_;
};

// Listmode: one value per event, event n being the LOR p1 -> p2 detected in TOF bin
// tof_bins[n] (TOF required: without TOF listmode is a LorListProjector).
class ListmodeProjector : public LorListProjector {
  public:
    ListmodeProjector(std::vector<float> p1, std::vector<float> p2, std::vector<int32_t> tof_bins,
                      const LorProjectorConfig& config);
    std::string description() const override;
};

}  // namespace radon::pet
