#include "recon/algorithms/ct_reconstruction.h"

#include <algorithm>

#include "kernels/core/error.h"
#include "recon/algorithms/cgls.h"
#include "recon/algorithms/em_reconstruction.h"
#include "recon/algorithms/os_sart.h"
#include "recon/algorithms/sirt.h"

namespace radon::recon {

const char* to_string(CtMethod method) {
    switch (method) {
        case CtMethod::Fdk:
            return "fdk";
        case CtMethod::Fbp:
            return "fbp";
        case CtMethod::Sirt:
            return "sirt";
        case CtMethod::Cgls:
            return "cgls";
        case CtMethod::OsSart:
            return "os-sart";
        case CtMethod::Osem:
            return "osem";
    }
    return "fdk";
}

CtMethod parse_ct_method(const std::string& name) {
    for (CtMethod m : {CtMethod::Fdk, CtMethod::Fbp, CtMethod::Sirt, CtMethod::Cgls,
                       CtMethod::OsSart, CtMethod::Osem})
        if (name == to_string(m)) return m;
    throw InvalidArgument("unknown method '" + name +
                          "': expected fdk, fbp, sirt, cgls, os-sart or osem");
}

bool is_filtered(CtMethod method) {
    return method == CtMethod::Fdk || method == CtMethod::Fbp;
}

int default_ct_iterations(CtMethod method) {
    return method == CtMethod::Osem ? 4 : 20;
}

int default_ct_subsets(CtMethod method, int64_t view_count) {
    return method == CtMethod::OsSart ? int(std::min<int64_t>(10, view_count)) : 1;
}

std::shared_ptr<const SubsetStack> ct_projector_subsets(const CtGeometry& geometry,
                                                        const VolumeGrid& grid,
                                                        const CtProjectorSettings& settings,
                                                        DeviceKind device, int subsets,
                                                        std::string* fallback_note) {
    const auto full = make_ct_projector(geometry, grid, settings, device, fallback_note);
    return subsets_by_views(full->out_shape(), subsets, [&](const std::vector<int64_t>& views) {
        CtGeometry part = geometry;
        part.views.clear();
        for (const int64_t v : views)
            part.views.push_back(geometry.views[static_cast<std::size_t>(v)]);
        return make_ct_projector(part, grid, settings, device);
    });
}

std::vector<float> reconstruct_ct(const CtGeometry& geometry, const VolumeGrid& grid,
                                  const std::vector<float>& projections,
                                  const CtReconSettings& settings, const RunControl& control,
                                  const CtReconObserver& observer, CtReconReport* report) {
    CtReconReport local;
    std::vector<float> image;
    if (is_filtered(settings.method)) {
        FilteredBackprojectionSettings fbp = settings.fbp;
        fbp.threads = settings.projector.threads;
        fbp.device = settings.device;
        fbp.memory_path = settings.projector.memory_path;
        image = filtered_backprojection(projections.data(), projections.size(), geometry, grid, fbp,
                                        control, &local.fbp);
        local.fallback_note = local.fbp.fallback_note;
    } else if (settings.method == CtMethod::Osem) {
        for (const float v : projections)
            if (v < 0)
                throw InvalidArgument(
                    "projections: osem needs projections >= 0 (counts or line integrals)");
        const auto stack = ct_projector_subsets(geometry, grid, settings.projector, settings.device,
                                                settings.subsets, &local.fallback_note);
        EmReconstructor em(stack, {});
        image.assign(static_cast<std::size_t>(grid.voxel_count()), 1.0f);
        EmOptions options;
        options.iterations = settings.iterations;
        options.control = control;
        options.on_iteration = observer.on_iteration;
        options.image_every = observer.image_every;
        options.on_image = observer.on_image;
        local.history = em.run(projections, image, options).log_likelihood;
        local.projector = stack->subset(0).description();
        local.subsets = settings.subsets;
    } else {
        IterativeOptions options;
        options.iterations = settings.iterations;
        options.relaxation = settings.relaxation;
        options.bounds = settings.bounds;
        options.control = control;
        options.on_iteration = observer.on_iteration;
        options.image_every = observer.image_every;
        options.on_image = observer.on_image;
        image.assign(static_cast<std::size_t>(grid.voxel_count()), 0.0f);
        if (settings.method == CtMethod::OsSart) {
            const auto stack =
                ct_projector_subsets(geometry, grid, settings.projector, settings.device,
                                     settings.subsets, &local.fallback_note);
            local.history = os_sart(stack, projections, image, options).residual_norm;
            local.projector = stack->subset(0).description();
            local.subsets = settings.subsets;
        } else {
            const auto op = make_ct_projector(geometry, grid, settings.projector, settings.device,
                                              &local.fallback_note);
            local.history = settings.method == CtMethod::Sirt
                                ? sirt(op, projections, image, options).residual_norm
                                : cgls(op, projections, image, options).residual_norm;
            local.projector = op->description();
        }
    }
    if (report) *report = std::move(local);
    return image;
}

}  // namespace radon::recon
