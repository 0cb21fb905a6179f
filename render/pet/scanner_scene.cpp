#include "render/pet/scanner_scene.h"

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkCubeSource.h>
#include <vtkDoubleArray.h>
#include <vtkGlyph3DMapper.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/geometry/rotation.h"
#include "render/common/polydata_actor.h"

namespace radon::render {

namespace {

// Six colours: blocks k and k + 1 differ, and so do axial neighbours (shifted by three).
constexpr std::array<std::array<double, 3>, 6> kPalette = {{{0.90, 0.62, 0.20},
                                                            {0.30, 0.62, 0.86},
                                                            {0.55, 0.78, 0.35},
                                                            {0.82, 0.40, 0.52},
                                                            {0.62, 0.52, 0.84},
                                                            {0.88, 0.84, 0.38}}};

}  // namespace

std::array<double, 3> crystal_colour(const pet::Crystal& crystal, int ring,
                                     CrystalColouring colouring) {
    int index = 0;
    switch (colouring) {
        case CrystalColouring::Block:
            index = std::max(crystal.block, 0) + 3 * std::max(crystal.axial_block, 0);
            break;
        case CrystalColouring::Module:
            index = std::max(crystal.module, 0);
            break;
        case CrystalColouring::Ring:
            index = ring;
            break;
    }
    return kPalette[static_cast<std::size_t>(index % 6)];
}

struct ScannerScene::Impl {
    vtkSmartPointer<vtkRenderer> renderer;
    vtkNew<vtkPolyData> crystals;
    vtkNew<vtkCubeSource> box;
    vtkNew<vtkGlyph3DMapper> glyphs;
    vtkNew<vtkActor> crystal_actor;
    vtkNew<vtkPolyData> fov;
    vtkSmartPointer<vtkActor> fov_actor;
    vtkNew<vtkPolyData> lors;
    vtkSmartPointer<vtkActor> lor_actor;
    std::vector<int> crystal_ids;
    Vec3 box_mm{0, 0, 0};
};

ScannerScene::ScannerScene(vtkRenderer* renderer) : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.renderer = renderer;
    s.glyphs->SetSourceConnection(s.box->GetOutputPort());
    s.glyphs->SetInputData(s.crystals);
    s.glyphs->SetOrientationModeToQuaternion();
    s.glyphs->SetOrientationArray("orientation");
    s.glyphs->OrientOn();
    s.glyphs->ScalingOff();
    s.glyphs->SetScalarModeToUsePointFieldData();
    s.glyphs->SelectColorArray("colour");
    s.glyphs->SetColorModeToDirectScalars();
    s.glyphs->ScalarVisibilityOn();
    s.crystal_actor->SetMapper(s.glyphs);
    s.crystal_actor->GetProperty()->SetAmbient(0.25);
    s.crystal_actor->GetProperty()->SetDiffuse(0.8);

    s.fov_actor = make_polydata_actor(s.fov);
    s.fov_actor->GetProperty()->SetColor(0.95, 0.95, 0.95);
    s.fov_actor->GetProperty()->SetLineWidth(1.5);
    s.lor_actor = make_polydata_actor(s.lors);
    s.lor_actor->GetProperty()->SetColor(1.0, 0.85, 0.1);
    s.lor_actor->GetProperty()->SetLineWidth(2.0);
    s.lor_actor->VisibilityOff();
    s.fov_actor->VisibilityOff();
    s.crystal_actor->VisibilityOff();
    renderer->AddActor(s.crystal_actor);
    renderer->AddActor(s.fov_actor);
    renderer->AddActor(s.lor_actor);
}

ScannerScene::~ScannerScene() {
    impl_->renderer->RemoveActor(impl_->crystal_actor);
    impl_->renderer->RemoveActor(impl_->fov_actor);
    impl_->renderer->RemoveActor(impl_->lor_actor);
}

void ScannerScene::set_scanner(const pet::ScannerGeometry& scanner, CrystalColouring colouring) {
    Impl& s = *impl_;
    s.crystal_ids.clear();
    for (int i = 0; i < scanner.crystal_count(); ++i)
        if (!scanner.crystals[static_cast<std::size_t>(i)].is_virtual) s.crystal_ids.push_back(i);

    // Display sizes from the spacing of the crystal centres (see the header).
    double pitch = 0;
    if (scanner.detectors_per_ring > 1 && scanner.crystal_count() > 1) {
        pitch = norm(scanner.crystals[1].centre - scanner.crystals[0].centre);
        for (int j = 1; j + 1 < scanner.detectors_per_ring; ++j)
            pitch = std::min(pitch, norm(scanner.crystals[static_cast<std::size_t>(j + 1)].centre -
                                         scanner.crystals[static_cast<std::size_t>(j)].centre));
    }
    double ring_step = 0;
    for (std::size_t r = 1; r < scanner.ring_z_mm.size(); ++r) {
        const double step = scanner.ring_z_mm[r] - scanner.ring_z_mm[r - 1];
        if (step > 0) ring_step = ring_step > 0 ? std::min(ring_step, step) : step;
    }
    if (ring_step <= 0) ring_step = pitch;
    const double depth = scanner.average_doi_mm > 0 ? 2 * scanner.average_doi_mm : 2 * pitch;
    s.box_mm = {depth, 0.9 * pitch, 0.9 * ring_step};
    s.box->SetXLength(s.box_mm.x);
    s.box->SetYLength(s.box_mm.y);
    s.box->SetZLength(s.box_mm.z);

    const auto n = static_cast<vtkIdType>(s.crystal_ids.size());
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(n);
    vtkNew<vtkDoubleArray> orientation;
    orientation->SetName("orientation");
    orientation->SetNumberOfComponents(4);
    orientation->SetNumberOfTuples(n);
    vtkNew<vtkUnsignedCharArray> colour;
    colour->SetName("colour");
    colour->SetNumberOfComponents(3);
    colour->SetNumberOfTuples(n);
    for (vtkIdType g = 0; g < n; ++g) {
        const int id = s.crystal_ids[static_cast<std::size_t>(g)];
        const pet::Crystal& c = scanner.crystals[static_cast<std::size_t>(id)];
        const Vec3 p = scanner.world_centre(id);
        points->SetPoint(g, p.x, p.y, p.z);
        // The box's x axis along the outward normal, y along the face; z completes a rotation.
        const Vec3 outward = -1.0 * c.normal;
        const Vec3 along = normalized(c.transaxial - dot(c.transaxial, outward) * outward);
        const Quaternion q =
            matrix_to_quaternion(Mat3::from_columns(outward, along, cross(outward, along)));
        const double wxyz[4] = {q.w, q.x, q.y, q.z};
        orientation->SetTuple(g, wxyz);
        const auto rgb = crystal_colour(c, scanner.ring_of(id), colouring);
        for (int k = 0; k < 3; ++k)
            colour->SetValue(3 * g + k, static_cast<unsigned char>(std::lround(255 * rgb[k])));
    }
    s.crystals->Initialize();
    s.crystals->SetPoints(points);
    s.crystals->GetPointData()->AddArray(orientation);
    s.crystals->GetPointData()->AddArray(colour);
    s.crystals->Modified();
    s.crystal_actor->SetVisibility(n > 0);
}

void ScannerScene::set_image_grid(const pet::PetImageGrid& grid) {
    Impl& s = *impl_;
    // The outer faces of the outer voxels.
    double lo[3], hi[3];
    for (int a = 0; a < 3; ++a) {
        lo[a] = grid.origin_mm[a] - 0.5 * grid.voxel_mm[a];
        hi[a] = lo[a] + grid.dims[a] * double(grid.voxel_mm[a]);
    }
    vtkNew<vtkPoints> points;
    for (int k = 0; k < 8; ++k)
        points->InsertNextPoint((k & 1) ? hi[0] : lo[0], (k & 2) ? hi[1] : lo[1],
                                (k & 4) ? hi[2] : lo[2]);
    vtkNew<vtkCellArray> lines;
    for (int a = 0; a < 8; ++a)
        for (int bit : {1, 2, 4})
            if (!(a & bit)) {
                const vtkIdType ids[2] = {a, a | bit};
                lines->InsertNextCell(2, ids);
            }
    s.fov->Initialize();
    s.fov->SetPoints(points);
    s.fov->SetLines(lines);
    s.fov_actor->VisibilityOn();
}

void ScannerScene::set_lors(const std::vector<std::pair<Vec3, Vec3>>& lors) {
    Impl& s = *impl_;
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    vtkNew<vtkCellArray> lines;
    for (const auto& [a, b] : lors) {
        const vtkIdType ids[2] = {points->InsertNextPoint(a.x, a.y, a.z),
                                  points->InsertNextPoint(b.x, b.y, b.z)};
        lines->InsertNextCell(2, ids);
    }
    s.lors->Initialize();
    s.lors->SetPoints(points);
    s.lors->SetLines(lines);
    s.lor_actor->SetVisibility(!lors.empty());
}

int ScannerScene::crystal_of_glyph(int64_t glyph) const {
    if (glyph < 0 || glyph >= static_cast<int64_t>(impl_->crystal_ids.size())) return -1;
    return impl_->crystal_ids[static_cast<std::size_t>(glyph)];
}

Vec3 ScannerScene::crystal_box_mm() const {
    return impl_->box_mm;
}

vtkActor* ScannerScene::crystal_actor() const {
    return impl_->crystal_actor;
}
vtkActor* ScannerScene::field_of_view_actor() const {
    return impl_->fov_actor;
}
vtkActor* ScannerScene::lor_actor() const {
    return impl_->lor_actor;
}
vtkPolyData* ScannerScene::crystal_points() const {
    return impl_->crystals;
}

}  // namespace radon::render
