#include "render/drr/carm_scene.h"

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkCoordinate.h>
#include <vtkFloatArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkSphereSource.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

#include "render/common/polydata_actor.h"
#include "render/drr/drr_texture.h"

namespace radon::render {

namespace {

// Points of a polydata made once and moved in place afterwards.
vtkSmartPointer<vtkPoints> make_points(vtkIdType count) {
    auto points = vtkSmartPointer<vtkPoints>::New();
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(count);
    for (vtkIdType i = 0; i < count; ++i)
        points->SetPoint(i, 0, 0, 0);
    return points;
}

void set_point(vtkPoints* points, vtkIdType i, Vec3 p) {
    points->SetPoint(i, p.x, p.y, p.z);
}

void add_line(vtkCellArray* lines, vtkIdType a, vtkIdType b) {
    const vtkIdType ids[2] = {a, b};
    lines->InsertNextCell(2, ids);
}

// A text beside a world point: `offset` display pixels from where the point falls on the screen.
struct WorldLabel {
    vtkNew<vtkCoordinate> anchor;
    vtkNew<vtkTextActor> text;

    WorldLabel(const char* words, double dx, double dy) {
        anchor->SetCoordinateSystemToWorld();
        text->SetInput(words);
        vtkTextProperty* style = text->GetTextProperty();
        style->SetFontSize(15);
        style->BoldOn();
        style->ShadowOn();
        style->SetJustificationToCentered();
        style->SetVerticalJustificationToCentered();
        vtkCoordinate* position = text->GetPositionCoordinate();
        position->SetCoordinateSystemToDisplay();
        position->SetReferenceCoordinate(anchor);
        position->SetValue(dx, dy);
    }
    void place(Vec3 world) { anchor->SetValue(world.x, world.y, world.z); }
};

}  // namespace

struct CArmScene::Impl {
    vtkSmartPointer<vtkRenderer> renderer;
    vtkSmartPointer<vtkRenderer> overlay;
    ProjectionGeometry geometry;
    DrrTexture drr;

    vtkSmartPointer<vtkActor> source;

    vtkSmartPointer<vtkPoints> detector_points = make_points(4);
    vtkNew<vtkPolyData> detector_data;
    vtkSmartPointer<vtkActor> detector;

    // Point 0 is the source, 1-4 the panel's corners: the four rays and the panel's rim.
    vtkSmartPointer<vtkPoints> frustum_points = make_points(5);
    vtkNew<vtkPolyData> frustum_data;
    vtkSmartPointer<vtkActor> frustum;

    vtkNew<vtkPolyData> isocenter_data;
    vtkSmartPointer<vtkActor> isocenter;

    // Centred under the source sphere and over the middle of the panel's first row: centred,
    // a label stays inside the view wherever on the screen its point falls, when the view frames
    // the point with a margin.
    WorldLabel source_label{"Source", 0, -30};
    WorldLabel detector_label{"Detector", 0, 12};

    bool has_geometry = false;
    bool visible = true;

    void build_source() {
        vtkNew<vtkSphereSource> sphere;
        sphere->SetRadius(kSourceRadiusMm);
        sphere->SetThetaResolution(32);
        sphere->SetPhiResolution(16);
        vtkNew<vtkPolyDataMapper> mapper;
        mapper->SetInputConnection(sphere->GetOutputPort());
        source = vtkSmartPointer<vtkActor>::New();
        source->SetMapper(mapper);
        source->GetProperty()->SetColor(1.0, 0.78, 0.2);
        source->GetProperty()->SetSpecular(0.4);
    }

    void build_detector() {
        vtkNew<vtkCellArray> quad;
        const vtkIdType ids[4] = {0, 1, 2, 3};
        quad->InsertNextCell(4, ids);
        vtkNew<vtkFloatArray> tcoords;
        tcoords->SetNumberOfComponents(2);
        // Corner order of detector_corners: t follows the rows (t = 0 at row 0), s the columns.
        const float st[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
        for (const auto& c : st)
            tcoords->InsertNextTuple(c);
        detector_data->SetPoints(detector_points);
        detector_data->SetPolys(quad);
        detector_data->GetPointData()->SetTCoords(tcoords);
        detector = make_polydata_actor(detector_data);
        detector->SetTexture(drr.texture());
        // The DRR's grey values are shown as they are, whatever the lights.
        detector->GetProperty()->LightingOff();
        detector->GetProperty()->SetColor(1, 1, 1);
    }

    void build_frustum() {
        vtkNew<vtkCellArray> lines;
        for (vtkIdType corner = 1; corner <= 4; ++corner) {
            add_line(lines, 0, corner);
            add_line(lines, corner, corner % 4 + 1);
        }
        frustum_data->SetPoints(frustum_points);
        frustum_data->SetLines(lines);
        frustum = make_polydata_actor(frustum_data);
        frustum->GetProperty()->SetColor(0.35, 0.8, 1.0);
        frustum->GetProperty()->SetLineWidth(1.5);
        frustum->GetProperty()->LightingOff();
    }

    void build_isocenter() {
        auto points = make_points(6);
        vtkNew<vtkCellArray> lines;
        for (int axis = 0; axis < 3; ++axis) {
            Vec3 arm{0, 0, 0};
            arm[axis] = kIsocenterArmMm;
            set_point(points, 2 * axis, -arm);
            set_point(points, 2 * axis + 1, arm);
            add_line(lines, 2 * axis, 2 * axis + 1);
        }
        isocenter_data->SetPoints(points);
        isocenter_data->SetLines(lines);
        isocenter = make_polydata_actor(isocenter_data);
        isocenter->GetProperty()->SetColor(1.0, 0.3, 0.9);
        isocenter->GetProperty()->SetLineWidth(2);
        isocenter->GetProperty()->LightingOff();
    }

    auto actors() const { return std::array<vtkActor*, 4>{source, detector, frustum, isocenter}; }

    // Nothing shows before the first geometry: the actors would all sit at the origin.
    void apply_visibility() {
        for (vtkActor* actor : actors())
            actor->SetVisibility(visible && has_geometry);
        source_label.text->SetVisibility(visible && has_geometry);
        detector_label.text->SetVisibility(visible && has_geometry);
    }
};

CArmScene::CArmScene(vtkRenderer* renderer, vtkRenderer* overlay)
    : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    d.renderer = renderer;
    d.overlay = overlay ? overlay : renderer;
    d.build_source();
    d.build_detector();
    d.build_frustum();
    d.build_isocenter();
    for (vtkActor* actor : {d.source.Get(), d.detector.Get(), d.frustum.Get()})
        renderer->AddActor(actor);
    d.overlay->AddActor(d.isocenter);
    d.overlay->AddActor2D(d.source_label.text);
    d.overlay->AddActor2D(d.detector_label.text);
    set_label_color(0.95, 0.95, 0.95);
    d.apply_visibility();
}

CArmScene::~CArmScene() {
    Impl& d = *impl_;
    for (vtkActor* actor : {d.source.Get(), d.detector.Get(), d.frustum.Get()})
        d.renderer->RemoveActor(actor);
    d.overlay->RemoveActor(d.isocenter);
    d.overlay->RemoveActor2D(d.source_label.text);
    d.overlay->RemoveActor2D(d.detector_label.text);
}

void CArmScene::set_label_color(double red, double green, double blue) {
    impl_->source_label.text->GetTextProperty()->SetColor(red, green, blue);
    impl_->detector_label.text->GetTextProperty()->SetColor(red, green, blue);
}

std::array<Vec3, 4> CArmScene::detector_corners(const ProjectionGeometry& g) {
    const double last_col = static_cast<double>(g.width) - 0.5;
    const double last_row = static_cast<double>(g.height) - 0.5;
    return {g.pixel_center(-0.5, -0.5), g.pixel_center(last_col, -0.5),
            g.pixel_center(last_col, last_row), g.pixel_center(-0.5, last_row)};
}

void CArmScene::set_geometry(const ProjectionGeometry& geometry, Vec3 isocenter) {
    Impl& d = *impl_;
    d.geometry = geometry;
    const auto corners = detector_corners(geometry);
    d.source->SetPosition(geometry.source.x, geometry.source.y, geometry.source.z);
    set_point(d.frustum_points, 0, geometry.source);
    for (int i = 0; i < 4; ++i) {
        set_point(d.detector_points, i, corners[i]);
        set_point(d.frustum_points, i + 1, corners[i]);
    }
    d.detector_points->Modified();
    d.frustum_points->Modified();
    d.isocenter->SetPosition(isocenter.x, isocenter.y, isocenter.z);
    d.source_label.place(geometry.source);
    d.detector_label.place(0.5 * (corners[0] + corners[1]));
    d.has_geometry = true;
    d.apply_visibility();
}

const ProjectionGeometry& CArmScene::geometry() const {
    return impl_->geometry;
}

DrrTexture& CArmScene::drr() {
    return impl_->drr;
}

void CArmScene::set_visible(bool visible) {
    impl_->visible = visible;
    impl_->apply_visibility();
}

vtkActor* CArmScene::source_actor() const {
    return impl_->source;
}
vtkActor* CArmScene::detector_actor() const {
    return impl_->detector;
}
vtkActor* CArmScene::frustum_actor() const {
    return impl_->frustum;
}
vtkActor* CArmScene::isocenter_actor() const {
    return impl_->isocenter;
}
vtkTextActor* CArmScene::source_label() const {
    return impl_->source_label.text;
}
vtkTextActor* CArmScene::detector_label() const {
    return impl_->detector_label.text;
}

}  // namespace radon::render
