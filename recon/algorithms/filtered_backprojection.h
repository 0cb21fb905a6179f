#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/backend/devices.h"
#include "kernels/core/progress.h"
#include "kernels/ct/ct_geometry.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/geometry/volume_grid.h"
#include "recon/algorithms/circular_scan.h"
#include "recon/algorithms/ramp_filter.h"

namespace radon::recon {

struct FilteredBackprojectionSettings {
    RampFilterSettings filter;
    ScanArc arc = ScanArc::Auto;          // Auto: read from the view angles (circular_scan.h)
    int64_t views_per_batch = 0;          // views filtered, then back-projected, at once; 0: 32
    int threads = 0;                      // CPU threads; 0 uses every core
    DeviceKind device = DeviceKind::Cpu;  // of the back projection
    DrrMemoryPath memory_path = DrrMemoryPath::Auto;  // CUDA back projection only
};

// What a reconstruction did and how long its parts took.
struct FilteredBackprojectionReport {
    bool short_scan = false;    // Parker weights (cone) or 1/arc weights (parallel) were used
    double arc_deg = 0;         // the arc the views cover
    double span_deg = 0;        // first to last view of the arc
    std::string backprojector;  // VoxelBackprojector::description()
    std::string fallback_note;  // why CUDA was not used, when it was asked for
    double weight_filter_seconds = 0;
    double backproject_seconds = 0;
};

// Filtered back projection of a circular scan: FBP for parallel beams (2D: one detector row over
// a one-slice volume), FDK (Feldkamp, Davis & Kress 1984) for cone beams (2D fan: one row).
//   - Each projection is weighted: cone beams by the cosine of the ray to the panel normal,
//     measured from the source (so source and detector offsets, RTK's SourceOffset and
//     ProjectionOffset, need nothing else), and by redundancy: 1/2 over a full turn, Parker's
//     weights over a short scan (cone; the scan must span at least 180 degrees plus the fan
//     angle), pi / arc for parallel beams; times the arc each view stands for.
//   - Its rows are ramp-filtered (ramp_filter.h) and back-projected voxel by voxel with FDK's
//     distance weight (kernels/ct/voxel_backprojector.h), `views_per_batch` views at a time;
//     cancel is checked and progress reported per batch.
// `projections`: line integrals, views x rows x columns, column fastest (`count` floats). The
// result (grid.voxel_count() floats, x fastest) is in the projections' unit per mm: line
// integrals of mu (dimensionless) give mu in 1/mm; line integrals of relative attenuation in mm
// (the phantoms' EllipsoidPhantom::line_integral) give relative attenuation.
// Throws InvalidArgument for a stack whose size does not match the geometry, a geometry that is
// not a circular scan, a short cone scan that spans less than 180 degrees plus the fan angle, a
// cut-off outside (0, 1], or an invalid grid; Cancelled when `control` cancels.
std::vector<float> filtered_backprojection(const float* projections, std::size_t count,
                                           const CtGeometry& geometry, const VolumeGrid& grid,
                                           const FilteredBackprojectionSettings& settings = {},
                                           const RunControl& control = {},
                                           FilteredBackprojectionReport* report = nullptr);

}  // namespace radon::recon
