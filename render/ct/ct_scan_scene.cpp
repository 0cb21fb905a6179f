#include "render/ct/ct_scan_scene.h"

#include <algorithm>
#include <cmath>

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkNew.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkSphereSource.h>

#include "kernels/core/error.h"
#include "render/common/polydata_actor.h"

namespace radon::render {
namespace {

void add_line(vtkCellArray* lines, vtkIdType a, vtkIdType b) {
    const vtkIdType ids[2] = {a, b};
    lines->InsertNextCell(2, ids);
}

vtkIdType add_point(vtkPoints* points, Vec3 p) {
    return points->InsertNextPoint(p.x, p.y, p.z);
}

// Where a parallel view's rays start in the scene: before the panel centre, against the rays.
Vec3 parallel_start(const CtGeometry& g, int64_t view) {
    const CtView& w = g.views[std::size_t(view)];
    const double half_diagonal =
        0.5 * std::hypot(double(g.columns) * norm(w.u), double(g.rows) * norm(w.v));
    return w.detector_center -
           (CtScanScene::kParallelSourceMargin * half_diagonal) * normalized(w.source);
}

}  // namespace

struct CtScanScene::Impl {
    vtkSmartPointer<vtkRenderer> renderer;
    CtGeometry geometry;
    int64_t current = 0;

    vtkNew<vtkPolyData> trajectory_data;
    vtkSmartPointer<vtkActor> trajectory;
    vtkNew<vtkPolyData> outlines_data;
    vtkSmartPointer<vtkActor> outlines;
    vtkNew<vtkPolyData> panel_data;
    vtkSmartPointer<vtkActor> panel;
    vtkNew<vtkPolyData> rays_data;
    vtkSmartPointer<vtkActor> rays;
    vtkSmartPointer<vtkActor> source;

    auto actors() const {
        return std::array<vtkActor*, 5>{trajectory, outlines, panel, rays, source};
    }

    void build() {
        trajectory = make_polydata_actor(trajectory_data);
        trajectory->GetProperty()->SetColor(1.0, 0.78, 0.2);
        trajectory->GetProperty()->SetLineWidth(2);
        trajectory->GetProperty()->LightingOff();
        outlines = make_polydata_actor(outlines_data);
        outlines->GetProperty()->SetColor(0.55, 0.6, 0.7);
        outlines->GetProperty()->SetLineWidth(1);
        outlines->GetProperty()->LightingOff();
        panel = make_polydata_actor(panel_data);
        panel->GetProperty()->SetColor(0.35, 0.8, 1.0);
        panel->GetProperty()->SetOpacity(0.55);
        panel->GetProperty()->LightingOff();
        rays = make_polydata_actor(rays_data);
        rays->GetProperty()->SetColor(0.35, 0.8, 1.0);
        rays->GetProperty()->SetLineWidth(1.5);
        rays->GetProperty()->LightingOff();
        vtkNew<vtkSphereSource> sphere;
        sphere->SetRadius(kSourceRadiusMm);
        sphere->SetThetaResolution(24);
        sphere->SetPhiResolution(12);
        vtkNew<vtkPolyDataMapper> mapper;
        mapper->SetInputConnection(sphere->GetOutputPort());
        source = vtkSmartPointer<vtkActor>::New();
        source->SetMapper(mapper);
        source->GetProperty()->SetColor(1.0, 0.78, 0.2);
        for (vtkActor* a : actors())
            a->SetVisibility(false);
    }

    void rebuild_scan() {
        const CtGeometry& g = geometry;
        vtkNew<vtkPoints> points;
        points->SetDataTypeToDouble();
        vtkNew<vtkCellArray> lines;
        const std::vector<Vec3> path = trajectory_points(g);
        for (const Vec3& p : path)
            add_point(points, p);
        for (std::size_t i = 0; i + 1 < path.size(); ++i)
            add_line(lines, vtkIdType(i), vtkIdType(i + 1));
        trajectory_data->SetPoints(points);
        trajectory_data->SetLines(lines);
        trajectory_data->Modified();

        vtkNew<vtkPoints> outline_points;
        outline_points->SetDataTypeToDouble();
        vtkNew<vtkCellArray> outline_lines;
        for (const int64_t v : outlined_views(g.view_count())) {
            const auto c = panel_corners(g, v);
            vtkIdType ids[4];
            for (int k = 0; k < 4; ++k)
                ids[k] = add_point(outline_points, c[std::size_t(k)]);
            for (int k = 0; k < 4; ++k)
                add_line(outline_lines, ids[k], ids[(k + 1) % 4]);
        }
        outlines_data->SetPoints(outline_points);
        outlines_data->SetLines(outline_lines);
        outlines_data->Modified();
    }

    void place_current() {
        const CtGeometry& g = geometry;
        const auto c = panel_corners(g, current);
        vtkNew<vtkPoints> panel_points;
        panel_points->SetDataTypeToDouble();
        vtkNew<vtkCellArray> quad;
        vtkIdType ids[4];
        for (int k = 0; k < 4; ++k)
            ids[k] = add_point(panel_points, c[std::size_t(k)]);
        quad->InsertNextCell(4, ids);
        panel_data->SetPoints(panel_points);
        panel_data->SetPolys(quad);
        panel_data->Modified();

        vtkNew<vtkPoints> ray_points;
        ray_points->SetDataTypeToDouble();
        vtkNew<vtkCellArray> ray_lines;
        const bool cone = g.beam == CtBeam::Cone;
        const Vec3 start = trajectory_points_of(current);
        const vtkIdType s = add_point(ray_points, start);
        for (int k = 0; k < 4; ++k) {
            const vtkIdType corner = add_point(ray_points, c[std::size_t(k)]);
            if (cone) {
                add_line(ray_lines, s, corner);
            } else {
                // Parallel rays: from the start plane to each corner.
                const Vec3 back =
                    c[std::size_t(k)] + (start - g.views[std::size_t(current)].detector_center);
                add_line(ray_lines, add_point(ray_points, back), corner);
            }
        }
        rays_data->SetPoints(ray_points);
        rays_data->SetLines(ray_lines);
        rays_data->Modified();
        source->SetPosition(start.x, start.y, start.z);
        source->SetVisibility(cone && !g.views.empty());
    }

    Vec3 trajectory_points_of(int64_t view) const {
        if (geometry.beam == CtBeam::Cone) return geometry.views[std::size_t(view)].source;
        return parallel_start(geometry, view);
    }
};

CtScanScene::CtScanScene(vtkRenderer* renderer) : impl_(std::make_unique<Impl>()) {
    impl_->renderer = renderer;
    impl_->build();
    for (vtkActor* a : impl_->actors())
        renderer->AddActor(a);
}

CtScanScene::~CtScanScene() {
    for (vtkActor* a : impl_->actors())
        impl_->renderer->RemoveActor(a);
}

void CtScanScene::set_geometry(const CtGeometry& geometry, int64_t current_view) {
    if (geometry.views.empty()) throw InvalidArgument("CT scan scene: the scan has no views");
    impl_->geometry = geometry;
    impl_->current = std::clamp<int64_t>(current_view, 0, geometry.view_count() - 1);
    impl_->rebuild_scan();
    impl_->place_current();
    for (vtkActor* a :
         {impl_->trajectory.Get(), impl_->outlines.Get(), impl_->panel.Get(), impl_->rays.Get()})
        a->SetVisibility(true);
}

const CtGeometry& CtScanScene::geometry() const {
    return impl_->geometry;
}

void CtScanScene::set_current_view(int64_t view) {
    if (impl_->geometry.views.empty()) return;
    impl_->current = std::clamp<int64_t>(view, 0, impl_->geometry.view_count() - 1);
    impl_->place_current();
}

int64_t CtScanScene::current_view() const {
    return impl_->current;
}

std::vector<Vec3> CtScanScene::trajectory_points(const CtGeometry& g) {
    std::vector<Vec3> points;
    points.reserve(g.views.size());
    for (int64_t v = 0; v < g.view_count(); ++v)
        points.push_back(g.beam == CtBeam::Cone ? g.views[std::size_t(v)].source
                                                : parallel_start(g, v));
    return points;
}

std::vector<int64_t> CtScanScene::outlined_views(int64_t view_count, int count) {
    std::vector<int64_t> views;
    const int64_t n = std::min<int64_t>(view_count, count);
    for (int64_t k = 0; k < n; ++k)
        views.push_back(k * view_count / n);
    return views;
}

std::array<Vec3, 4> CtScanScene::panel_corners(const CtGeometry& g, int64_t view) {
    const double last_col = double(g.columns) - 0.5, last_row = double(g.rows) - 0.5;
    return {g.pixel_center(view, -0.5, -0.5), g.pixel_center(view, last_col, -0.5),
            g.pixel_center(view, last_col, last_row), g.pixel_center(view, -0.5, last_row)};
}

vtkActor* CtScanScene::trajectory_actor() const {
    return impl_->trajectory;
}
vtkActor* CtScanScene::outlines_actor() const {
    return impl_->outlines;
}
vtkActor* CtScanScene::current_panel_actor() const {
    return impl_->panel;
}
vtkActor* CtScanScene::current_rays_actor() const {
    return impl_->rays;
}
vtkActor* CtScanScene::source_actor() const {
    return impl_->source;
}
vtkPolyData* CtScanScene::trajectory_data() const {
    return impl_->trajectory_data;
}
vtkPolyData* CtScanScene::outlines_data() const {
    return impl_->outlines_data;
}
vtkPolyData* CtScanScene::current_panel_data() const {
    return impl_->panel_data;
}

}  // namespace radon::render
