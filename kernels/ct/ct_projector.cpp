#include "kernels/ct/ct_projector.h"

#include <limits>
#include <sstream>

#include "kernels/backend/cuda_ct.h"
#include "kernels/core/error.h"
#include "kernels/ct/ct_cpu_engine.h"
#include "kernels/ct/ct_ray_setup.h"

namespace radon {
namespace {

class CtRayProjector final : public LinearOperator {
  public:
    CtRayProjector(const CtGeometry& geometry, const VolumeGrid& grid,
                   const CtProjectorSettings& settings, bool cuda)
        : geometry_(geometry), grid_(grid), settings_(settings) {
        plan_.params = ct_ray_params(geometry, grid, settings);
        plan_.columns = geometry.columns;
        plan_.rows = geometry.rows;
        plan_.parallel = geometry.beam == CtBeam::Parallel;
        plan_.trilinear = settings.algorithm == DrrAlgorithm::Trilinear;
        plan_.threads = settings.threads;
        if (cuda) {
            detail::CtDeviceSpec spec;
            spec.params = plan_.params;
            spec.columns = plan_.columns;
            spec.rows = plan_.rows;
            spec.voxels = grid.voxel_count();
            spec.parallel = plan_.parallel;
            spec.trilinear = plan_.trilinear;
            spec.memory_path = settings.memory_path;
            cuda_ = detail::make_cuda_ct_projector(spec, 0);
        }
    }

    OperatorShape in_shape() const override {
        return {{grid_.size[0], grid_.size[1], grid_.size[2]}, {"x", "y", "z"}};
    }
    OperatorShape out_shape() const override {
        return {{geometry_.columns, geometry_.rows, geometry_.view_count()},
                {"column", "row", "view"}};
    }
    DeviceKind device() const override { return cuda_ ? DeviceKind::Cuda : DeviceKind::Cpu; }
    bool accepts(MemorySpace space) const override {
        return space == MemorySpace::Host || cuda_ != nullptr;
    }

    std::string description() const override {
        std::ostringstream s;
        s << (settings_.algorithm == DrrAlgorithm::Trilinear ? "trilinear" : "Siddon") << ' '
          << (plan_.parallel ? "parallel-beam" : "cone-beam") << " CT projector";
        if (cuda_) {
            s << " (" << cuda_->description() << ")";
        } else {
            s << " (cpu " << ct_cpu_simd_name() << " x" << ct_cpu_lanes() << ")";
        }
        return s.str();
    }

  protected:
    void do_apply(const float* x, float* y, MemorySpace space,
                  const RunControl& control) const override {
        if (cuda_) {
            cuda_->forward(x, y, space, control);
            return;
        }
        ct_forward_cpu(plan_, x, y, control);
    }

    void do_apply_adjoint(const float* y, float* x, MemorySpace space,
                          const RunControl& control) const override {
        if (cuda_) {
            cuda_->back(y, x, space, control);
            return;
        }
        ct_back_cpu(plan_, y, x, grid_.voxel_count(), control);
    }

  private:
    CtGeometry geometry_;
    VolumeGrid grid_;
    CtProjectorSettings settings_;
    CtCpuPlan plan_;
    std::unique_ptr<detail::CtDeviceProjector> cuda_;
};

void check(const CtGeometry& geometry, const VolumeGrid& grid,
           const CtProjectorSettings& settings) {
    geometry.validate("CT geometry");
    grid.validate("volume");
    if (grid.voxel_count() > std::numeric_limits<int32_t>::max())
        throw InvalidArgument("volume has " + std::to_string(grid.voxel_count()) +
                              " voxels; the CT projector indexes at most 2^31 - 1");
    DrrSettings walk;  // the DRR's own checks of the step and the thread count
    walk.step_voxels = settings.step_voxels;
    walk.threads = settings.threads;
    try {
        walk.validate(Detector{});
    } catch (const InvalidArgument& e) {
        throw InvalidArgument(std::string("CT projector: ") + e.what());
    }
}

}  // namespace

std::shared_ptr<const LinearOperator> make_ct_projector(const CtGeometry& geometry,
                                                        const VolumeGrid& grid,
                                                        const CtProjectorSettings& settings,
                                                        DeviceKind device,
                                                        std::string* fallback_note) {
    if (fallback_note) fallback_note->clear();
    check(geometry, grid, settings);
    bool cuda = false;
    if (device == DeviceKind::Cuda) {
        // No driver, no device or no CUDA in this build: the CPU takes over, and says why.
        const std::string reason = cuda_unavailable_reason();
        cuda = reason.empty();
        if (!cuda && fallback_note)
            *fallback_note = "CUDA unavailable: " + reason + "; projecting on the CPU";
    }
    return std::make_shared<CtRayProjector>(geometry, grid, settings, cuda);
}

}  // namespace radon
