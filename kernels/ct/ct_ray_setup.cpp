#include "kernels/ct/ct_ray_setup.h"

#include "kernels/drr/drr_ray_setup.h"

namespace radon {

std::vector<DrrRayParams> ct_ray_params(const CtGeometry& geometry, const VolumeGrid& grid,
                                        const CtProjectorSettings& settings) {
    DrrSettings drr;
    drr.algorithm = settings.algorithm;
    drr.step_voxels = settings.step_voxels;
    const bool parallel = geometry.beam == CtBeam::Parallel;
    std::vector<DrrRayParams> all;
    all.reserve(geometry.views.size());
    for (int64_t view = 0; view < geometry.view_count(); ++view) {
        ProjectionGeometry g;
        if (parallel) {
            // The DRR setup converts these to cell coordinates as clip_parallel_ray reads them:
            // "source" the first pixel centre, "source to first pixel" the unit direction, so
            // tau counts millimetres along the ray.
            const CtView& w = geometry.views[static_cast<size_t>(view)];
            g.source = geometry.pixel_center(view, 0.0, 0.0);
            g.first_pixel = g.source + normalized(w.source);
            g.column_step = w.u;
            g.row_step = w.v;
            g.width = geometry.columns;
            g.height = geometry.rows;
            g.span = RaySpan::WholeLine;
        } else {
            g = geometry.projection_geometry(view);
        }
        DrrRayParams p = drr_ray_params(grid, g, drr, nullptr);
        float central[3];
        const float c = parallel ? 0.0f : 0.5f * static_cast<float>(geometry.columns - 1);
        const float r = parallel ? 0.0f : 0.5f * static_cast<float>(geometry.rows - 1);
        for (int a = 0; a < 3; ++a)
            central[a] = p.q_to_first[a] + c * p.q_col[a] + r * p.q_row[a];
        p.prefetch_slabs = cpu_prefetch_slabs(central);
        all.push_back(p);
    }
    return all;
}

}  // namespace radon
