#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/ct/ct_geometry.h"

class vtkActor;
class vtkPolyData;
class vtkRenderer;

namespace radon::render {

// A CT scan in the 3D view, in world (patient LPS) millimetres: the source trajectory (a line
// through every view's source), the panels of a few views spread over the scan as outlines, and
// the current view drawn in full: its panel (filled), its source (a sphere) and the rays to the
// panel's corners. A parallel beam has no source: its trajectory runs through points before
// each panel against the rays, kParallelSourceMargin panel half-diagonals away, and the current
// view's rays start there.
//
// The actors are made once; a new geometry rebuilds their points, a new current view moves only
// the current view's actors, cheap enough for every step of a view slider.
class CtScanScene {
  public:
    explicit CtScanScene(vtkRenderer* renderer);
    ~CtScanScene();  // removes the actors from the renderer
    CtScanScene(const CtScanScene&) = delete;
    CtScanScene& operator=(const CtScanScene&) = delete;

    void set_geometry(const CtGeometry& geometry, int64_t current_view = 0);
    const CtGeometry& geometry() const;
    void set_current_view(int64_t view);
    int64_t current_view() const;

    // The trajectory's points, one per view in order: the sources (cone), the points before the
    // panels (parallel).
    static std::vector<Vec3> trajectory_points(const CtGeometry& geometry);
    // The views drawn as outlines: `count` views evenly spread over the scan (all when fewer).
    static std::vector<int64_t> outlined_views(int64_t view_count, int count = kOutlinedViews);
    // The panel's corners: the outer edges of pixels (0, 0), (columns-1, 0), (columns-1, rows-1)
    // and (0, rows-1), in that order.
    static std::array<Vec3, 4> panel_corners(const CtGeometry& geometry, int64_t view);

    static constexpr int kOutlinedViews = 8;
    static constexpr double kSourceRadiusMm = 12;
    static constexpr double kParallelSourceMargin = 1.5;

    vtkActor* trajectory_actor() const;
    vtkActor* outlines_actor() const;
    vtkActor* current_panel_actor() const;
    vtkActor* current_rays_actor() const;
    vtkActor* source_actor() const;
    vtkPolyData* trajectory_data() const;
    vtkPolyData* outlines_data() const;
    vtkPolyData* current_panel_data() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::render
