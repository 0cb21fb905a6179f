#include "render/pet/scanner_scene.h"

#include <vtkActor.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
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
#include <vtkTubeFilter.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "kernels/drr/lanes_scalar.h"
#include "kernels/drr/ray_clip.h"
#include "kernels/geometry/rotation.h"
#include "kernels/pet/tof_binning.h"
#include "recon/volume.h"
#include "render/common/polydata_actor.h"
#include "render/common/volume_scene.h"

namespace radon::render {

namespace {

// Six colours: blocks k and k + 1 differ, and so do axial neighbours (shifted by three).
constexpr std::array<std::array<double, 3>, 6> kPalette = {{{0.90, 0.62, 0.20},
                                                            {0.30, 0.62, 0.86},
                                                            {0.55, 0.78, 0.35},
                                                            {0.82, 0.40, 0.52},
                                                            {0.62, 0.52, 0.84},
                                                            {0.88, 0.84, 0.38}}};

// The TOF tube: this many samples over +-kTofSigmas, its colour from the tails' to the peak's.
constexpr int kTofSamples = 41;
constexpr double kTofSigmas = 3;
constexpr std::array<double, 3> kTofTailColour{0.75, 0.05, 0.05};
constexpr std::array<double, 3> kTofPeakColour{1.0, 1.0, 0.85};

unsigned char byte_of(double v) {
    return static_cast<unsigned char>(std::lround(255 * std::clamp(v, 0.0, 1.0)));
}

// The box's frame: x along the outward normal, y along the face, z completing a rotation.
Mat3 crystal_frame(const pet::Crystal& c) {
    const Vec3 outward = -1.0 * c.normal;
    const Vec3 along = normalized(c.transaxial - dot(c.transaxial, outward) * outward);
    return Mat3::from_columns(outward, along, cross(outward, along));
}

void set_box_lengths(vtkCubeSource* box, Vec3 mm) {
    box->SetXLength(mm.x);
    box->SetYLength(mm.y);
    box->SetZLength(mm.z);
}

// A glyph mapper drawing `box` at the points of `points`, turned by their "orientation"
// quaternions and coloured by their "colour" bytes.
void configure_glyphs(vtkGlyph3DMapper* glyphs, vtkCubeSource* box, vtkPolyData* points,
                      bool colour_array) {
    glyphs->SetSourceConnection(box->GetOutputPort());
    glyphs->SetInputData(points);
    glyphs->SetOrientationModeToQuaternion();
    glyphs->SetOrientationArray("orientation");
    glyphs->OrientOn();
    glyphs->ScalingOff();
    if (colour_array) {
        glyphs->SetScalarModeToUsePointFieldData();
        glyphs->SelectColorArray("colour");
        glyphs->SetColorModeToDirectScalars();
        glyphs->ScalarVisibilityOn();
    } else {
        glyphs->ScalarVisibilityOff();
    }
}

// Appends the six faces of the box about `centre` with axes the columns of `frame` and half
// sizes `half` along them, each face with its own four corners and their outward normal (flat
// shading without the derivative normals software OpenGL draws speckled).
void append_box(Vec3 centre, const Mat3& frame, Vec3 half, vtkPoints* points, vtkCellArray* polys,
                vtkDoubleArray* normals) {
    for (int axis = 0; axis < 3; ++axis)
        for (double side : {-1.0, 1.0}) {
            const Vec3 n = side * frame.column(axis);
            const Vec3 u = half[(axis + 1) % 3] * frame.column((axis + 1) % 3);
            const Vec3 v = half[(axis + 2) % 3] * frame.column((axis + 2) % 3);
            const Vec3 c = centre + half[axis] * n;
            // Counter-clockwise seen from outside.
            const Vec3 corner[4] = {c - u - v, c + side * u - side * v, c + u + v,
                                    c - side * u + side * v};
            vtkIdType ids[4];
            for (int k = 0; k < 4; ++k) {
                ids[k] = points->InsertNextPoint(corner[k].x, corner[k].y, corner[k].z);
                normals->InsertNextTuple3(n.x, n.y, n.z);
            }
            polys->InsertNextCell(4, ids);
        }
}

vtkNew<vtkDoubleArray> orientation_array(vtkIdType n) {
    vtkNew<vtkDoubleArray> orientation;
    orientation->SetName("orientation");
    orientation->SetNumberOfComponents(4);
    orientation->SetNumberOfTuples(n);
    return orientation;
}

void set_orientation(vtkDoubleArray* orientation, vtkIdType i, const Mat3& frame) {
    const Quaternion q = matrix_to_quaternion(frame);
    const double wxyz[4] = {q.w, q.x, q.y, q.z};
    orientation->SetTuple(i, wxyz);
}

// The 12 edges of a box whose 8 corners are points 0..7, corner k at the high end of axis a
// when bit a of k is set.
void add_box_edges(vtkCellArray* lines) {
    for (int a = 0; a < 8; ++a)
        for (int bit : {1, 2, 4})
            if (!(a & bit)) {
                const vtkIdType ids[2] = {a, a | bit};
                lines->InsertNextCell(2, ids);
            }
}

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
    pet::ScannerGeometry scanner;
    CrystalColouring colouring = CrystalColouring::Block;
    CrystalDetail detail = CrystalDetail::Boxes;

    vtkNew<vtkPolyData> crystals;
    vtkNew<vtkCubeSource> box;
    vtkNew<vtkGlyph3DMapper> glyphs;
    vtkNew<vtkActor> crystal_actor;
    std::vector<int> crystal_ids;  // by glyph
    std::vector<Mat3> frames;      // by glyph
    Vec3 box_mm{0, 0, 0};

    vtkNew<vtkPolyData> blocks;
    vtkSmartPointer<vtkActor> block_actor;
    std::vector<int> block_crystal;  // by block box: its first crystal (colour and ring)

    vtkNew<vtkPolyData> highlights;
    vtkNew<vtkCubeSource> highlight_box;
    vtkNew<vtkGlyph3DMapper> highlight_glyphs;
    vtkNew<vtkActor> highlight_actor;
    std::vector<int> highlighted;
    Vec3 highlight_mm{0, 0, 0};

    vtkNew<vtkPolyData> fov;
    vtkSmartPointer<vtkActor> fov_actor;

    std::vector<ScannerLor> lor_list;
    vtkNew<vtkPolyData> lors;
    vtkSmartPointer<vtkActor> lor_actor;
    vtkNew<vtkPolyData> tof_lines;
    vtkNew<vtkTubeFilter> tubes;
    vtkNew<vtkActor> tof_actor;

    std::unique_ptr<VolumeScene> volume;
    vtkNew<vtkPolyData> volume_outline;
    vtkSmartPointer<vtkActor> volume_outline_actor;
    bool has_volume = false;

    void show_crystals() {
        const bool any = !crystal_ids.empty();
        crystal_actor->SetVisibility(any && detail == CrystalDetail::Boxes);
        block_actor->SetVisibility(any && detail == CrystalDetail::Blocks);
    }
};

ScannerScene::ScannerScene(vtkRenderer* renderer) : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.renderer = renderer;
    configure_glyphs(s.glyphs, s.box, s.crystals, true);
    s.crystal_actor->SetMapper(s.glyphs);
    s.crystal_actor->GetProperty()->SetAmbient(0.25);
    s.crystal_actor->GetProperty()->SetDiffuse(0.8);
    s.crystal_actor->GetProperty()->BackfaceCullingOn();

    s.block_actor = make_polydata_actor(s.blocks);
    if (auto* mapper = vtkPolyDataMapper::SafeDownCast(s.block_actor->GetMapper())) {
        mapper->SetScalarModeToUseCellFieldData();
        mapper->SelectColorArray("colour");
        mapper->SetColorModeToDirectScalars();
        mapper->ScalarVisibilityOn();
    }
    s.block_actor->GetProperty()->SetAmbient(0.25);
    s.block_actor->GetProperty()->SetDiffuse(0.8);
    s.block_actor->GetProperty()->BackfaceCullingOn();

    configure_glyphs(s.highlight_glyphs, s.highlight_box, s.highlights, false);
    s.highlight_actor->SetMapper(s.highlight_glyphs);
    s.highlight_actor->GetProperty()->SetColor(kHighlightColour[0], kHighlightColour[1],
                                               kHighlightColour[2]);
    s.highlight_actor->GetProperty()->SetAmbient(0.6);
    s.highlight_actor->GetProperty()->SetDiffuse(0.6);

    s.fov_actor = make_polydata_actor(s.fov);
    s.fov_actor->GetProperty()->SetColor(0.95, 0.95, 0.95);
    s.fov_actor->GetProperty()->SetLineWidth(1.5);
    s.lor_actor = make_polydata_actor(s.lors);
    s.lor_actor->GetProperty()->SetColor(1.0, 0.85, 0.1);
    s.lor_actor->GetProperty()->SetLineWidth(2.0);

    s.tubes->SetInputData(s.tof_lines);
    s.tubes->SetVaryRadiusToVaryRadiusByAbsoluteScalar();
    s.tubes->SetNumberOfSides(12);
    s.tubes->CappingOn();
    vtkNew<vtkPolyDataMapper> tube_mapper;
    tube_mapper->SetInputConnection(s.tubes->GetOutputPort());
    tube_mapper->SetScalarModeToUsePointFieldData();
    tube_mapper->SelectColorArray("colour");
    tube_mapper->SetColorModeToDirectScalars();
    tube_mapper->ScalarVisibilityOn();
    s.tof_actor->SetMapper(tube_mapper);
    s.tof_actor->GetProperty()->SetAmbient(0.5);
    s.tof_actor->GetProperty()->SetDiffuse(0.6);

    s.volume_outline_actor = make_polydata_actor(s.volume_outline);
    s.volume_outline_actor->GetProperty()->SetColor(0.55, 0.75, 0.95);
    s.volume_outline_actor->GetProperty()->SetLineWidth(1.0);

    for (vtkActor* a :
         {s.crystal_actor.Get(), s.block_actor.Get(), s.highlight_actor.Get(), s.fov_actor.Get(),
          s.lor_actor.Get(), s.tof_actor.Get(), s.volume_outline_actor.Get()}) {
        a->VisibilityOff();
        renderer->AddActor(a);
    }
}

ScannerScene::~ScannerScene() {
    Impl& s = *impl_;
    for (vtkActor* a :
         {s.crystal_actor.Get(), s.block_actor.Get(), s.highlight_actor.Get(), s.fov_actor.Get(),
          s.lor_actor.Get(), s.tof_actor.Get(), s.volume_outline_actor.Get()})
        s.renderer->RemoveActor(a);
}

void ScannerScene::set_scanner(const pet::ScannerGeometry& scanner, CrystalColouring colouring) {
    Impl& s = *impl_;
    s.scanner = scanner;
    s.colouring = colouring;
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
    set_box_lengths(s.box, s.box_mm);
    const double least = kHighlightMinFraction * scanner.effective_radius_mm();
    s.highlight_mm = {std::max(kHighlightScale * s.box_mm.x, least),
                      std::max(kHighlightScale * s.box_mm.y, least),
                      std::max(kHighlightScale * s.box_mm.z, least)};
    set_box_lengths(s.highlight_box, s.highlight_mm);

    const auto n = static_cast<vtkIdType>(s.crystal_ids.size());
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(n);
    auto orientation = orientation_array(n);
    s.frames.resize(static_cast<std::size_t>(n));
    for (vtkIdType g = 0; g < n; ++g) {
        const int id = s.crystal_ids[static_cast<std::size_t>(g)];
        const Vec3 p = scanner.world_centre(id);
        points->SetPoint(g, p.x, p.y, p.z);
        const Mat3 frame = crystal_frame(scanner.crystals[static_cast<std::size_t>(id)]);
        s.frames[static_cast<std::size_t>(g)] = frame;
        set_orientation(orientation, g, frame);
    }
    s.crystals->Initialize();
    s.crystals->SetPoints(points);
    s.crystals->GetPointData()->AddArray(orientation);
    s.crystals->Modified();

    rebuild_blocks();
    rebuild_colours();
    s.highlighted.clear();
    rebuild_highlights();
    s.show_crystals();
}

const pet::ScannerGeometry& ScannerScene::scanner() const {
    return impl_->scanner;
}

void ScannerScene::set_colouring(CrystalColouring colouring) {
    const bool by_ring = colouring == CrystalColouring::Ring;
    const bool was_by_ring = impl_->colouring == CrystalColouring::Ring;
    impl_->colouring = colouring;
    if (by_ring != was_by_ring) rebuild_blocks();
    rebuild_colours();
}

void ScannerScene::rebuild_blocks() {
    Impl& s = *impl_;
    const pet::ScannerGeometry& scanner = s.scanner;
    // Runs of consecutive real crystals of one block in a ring, which sit on one flat face; the
    // same run in the next ring joins it while both are in one axial block (rings of generated
    // scanners share their azimuths), unless the colours tell rings apart. Crystals given one by
    // one (block -1) stay single; only the innermost DOI layer is drawn.
    struct Run {
        int first = 0, last = 0;            // crystal ids in the run's first ring
        int first_ring = 0, last_ring = 0;  // rings it spans
    };
    const bool join_rings = s.colouring != CrystalColouring::Ring;
    std::vector<Run> done;
    std::vector<Run> open;  // the previous ring's runs
    for (int ring = 0; ring < scanner.rings; ++ring) {
        std::vector<Run> current;
        int i = 0;
        while (i < scanner.detectors_per_ring) {
            const int first = scanner.crystal_id(ring, i);
            const pet::Crystal& c0 = scanner.crystals[static_cast<std::size_t>(first)];
            int last = first;
            ++i;
            if (c0.is_virtual) continue;
            while (c0.block >= 0 && i < scanner.detectors_per_ring) {
                const pet::Crystal& next =
                    scanner.crystals[static_cast<std::size_t>(scanner.crystal_id(ring, i))];
                if (next.is_virtual || next.block != c0.block || next.module != c0.module) break;
                last = scanner.crystal_id(ring, i);
                ++i;
            }
            current.push_back({first, last, ring, ring});
        }
        // Join a run to the previous ring's run over the same crystals of the same axial block.
        for (Run& run : current) {
            const pet::Crystal& c = scanner.crystals[static_cast<std::size_t>(run.first)];
            for (Run& previous : open) {
                const pet::Crystal& p = scanner.crystals[static_cast<std::size_t>(previous.first)];
                if (join_rings && c.block >= 0 && previous.last_ring == ring - 1 &&
                    scanner.crystal_in_ring_of(previous.first) ==
                        scanner.crystal_in_ring_of(run.first) &&
                    scanner.crystal_in_ring_of(previous.last) ==
                        scanner.crystal_in_ring_of(run.last) &&
                    p.axial_block == c.axial_block) {
                    run.first = previous.first;
                    run.last = previous.last;
                    run.first_ring = previous.first_ring;
                    previous.last_ring = -1;  // taken over
                    break;
                }
            }
        }
        for (const Run& previous : open)
            if (previous.last_ring >= 0) done.push_back(previous);
        open = std::move(current);
    }
    done.insert(done.end(), open.begin(), open.end());

    vtkNew<vtkPoints> corners;
    corners->SetDataTypeToDouble();
    vtkNew<vtkCellArray> quads;
    vtkNew<vtkDoubleArray> normals;
    normals->SetNumberOfComponents(3);
    s.block_crystal.clear();
    for (const Run& run : done) {
        // The run's crystals in its first and last ring span the box.
        const int rings = run.last_ring - run.first_ring;
        const int step = rings * scanner.detectors_per_ring;
        const Vec3 a = scanner.world_centre(run.first), b = scanner.world_centre(run.last);
        const Vec3 a_end = scanner.world_centre(run.first + step);
        const Vec3 b_end = scanner.world_centre(run.last + step);
        const Vec3 half{0.5 * s.box_mm.x, 0.5 * (norm(b - a) + s.box_mm.y),
                        0.5 * (norm(a_end - a) + s.box_mm.z)};
        const Mat3 frame = crystal_frame(scanner.crystals[static_cast<std::size_t>(run.first)]);
        append_box(0.25 * (a + b + a_end + b_end), frame, half, corners, quads, normals);
        s.block_crystal.push_back(run.first);
    }
    s.blocks->Initialize();
    s.blocks->SetPoints(corners);
    s.blocks->SetPolys(quads);
    s.blocks->GetPointData()->SetNormals(normals);
}

CrystalColouring ScannerScene::colouring() const {
    return impl_->colouring;
}

void ScannerScene::rebuild_colours() {
    Impl& s = *impl_;
    auto rgb_of = [&](int id) {
        return crystal_colour(s.scanner.crystals[static_cast<std::size_t>(id)],
                              s.scanner.ring_of(id), s.colouring);
    };
    const auto n = static_cast<vtkIdType>(s.crystal_ids.size());
    vtkNew<vtkUnsignedCharArray> colour;
    colour->SetName("colour");
    colour->SetNumberOfComponents(3);
    colour->SetNumberOfTuples(n);
    for (vtkIdType g = 0; g < n; ++g) {
        const auto rgb = rgb_of(s.crystal_ids[static_cast<std::size_t>(g)]);
        for (int k = 0; k < 3; ++k)
            colour->SetValue(3 * g + k, byte_of(rgb[static_cast<std::size_t>(k)]));
    }
    s.crystals->GetPointData()->RemoveArray("colour");
    s.crystals->GetPointData()->AddArray(colour);
    s.crystals->Modified();

    // Six faces per block box.
    const auto faces = static_cast<vtkIdType>(6 * s.block_crystal.size());
    vtkNew<vtkUnsignedCharArray> block_colour;
    block_colour->SetName("colour");
    block_colour->SetNumberOfComponents(3);
    block_colour->SetNumberOfTuples(faces);
    for (vtkIdType f = 0; f < faces; ++f) {
        const auto rgb = rgb_of(s.block_crystal[static_cast<std::size_t>(f / 6)]);
        for (int k = 0; k < 3; ++k)
            block_colour->SetValue(3 * f + k, byte_of(rgb[static_cast<std::size_t>(k)]));
    }
    s.blocks->GetCellData()->RemoveArray("colour");
    s.blocks->GetCellData()->AddArray(block_colour);
    s.blocks->Modified();
}

void ScannerScene::set_detail(CrystalDetail detail) {
    impl_->detail = detail;
    impl_->show_crystals();
}

CrystalDetail ScannerScene::detail() const {
    return impl_->detail;
}

void ScannerScene::set_highlighted_crystals(const std::vector<int>& crystal_ids) {
    Impl& s = *impl_;
    s.highlighted.clear();
    for (int id : crystal_ids)
        if (id >= 0 && id < s.scanner.crystal_count() &&
            !s.scanner.crystals[static_cast<std::size_t>(id)].is_virtual)
            s.highlighted.push_back(id);
    rebuild_highlights();
}

const std::vector<int>& ScannerScene::highlighted_crystals() const {
    return impl_->highlighted;
}

void ScannerScene::rebuild_highlights() {
    Impl& s = *impl_;
    const auto n = static_cast<vtkIdType>(s.highlighted.size());
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    points->SetNumberOfPoints(n);
    auto orientation = orientation_array(n);
    for (vtkIdType h = 0; h < n; ++h) {
        const int id = s.highlighted[static_cast<std::size_t>(h)];
        const Vec3 p = s.scanner.world_centre(id);
        points->SetPoint(h, p.x, p.y, p.z);
        set_orientation(orientation, h, crystal_frame(s.scanner.crystals[std::size_t(id)]));
    }
    s.highlights->Initialize();
    s.highlights->SetPoints(points);
    s.highlights->GetPointData()->AddArray(orientation);
    s.highlights->Modified();
    s.highlight_actor->SetVisibility(n > 0);
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
    add_box_edges(lines);
    s.fov->Initialize();
    s.fov->SetPoints(points);
    s.fov->SetLines(lines);
    s.fov_actor->VisibilityOn();
}

void ScannerScene::set_lors(const std::vector<ScannerLor>& lors) {
    Impl& s = *impl_;
    s.lor_list = lors;
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    vtkNew<vtkCellArray> lines;
    for (const ScannerLor& lor : lors) {
        const vtkIdType ids[2] = {points->InsertNextPoint(lor.a.x, lor.a.y, lor.a.z),
                                  points->InsertNextPoint(lor.b.x, lor.b.y, lor.b.z)};
        lines->InsertNextCell(2, ids);
    }
    s.lors->Initialize();
    s.lors->SetPoints(points);
    s.lors->SetLines(lines);
    s.lor_actor->SetVisibility(!lors.empty());

    // TOF kernels: the Gaussian sampled over +-3 sigma about its centre, as a polyline whose
    // "radius" drives the tube's and whose "colour" runs from the tails' to the peak's.
    vtkNew<vtkPoints> samples;
    samples->SetDataTypeToDouble();
    vtkNew<vtkCellArray> polylines;
    vtkNew<vtkDoubleArray> weight, distance, radius;
    weight->SetName("weight");
    distance->SetName("distance_mm");
    radius->SetName("radius");
    vtkNew<vtkUnsignedCharArray> colour;
    colour->SetName("colour");
    colour->SetNumberOfComponents(3);
    for (const ScannerLor& lor : lors) {
        if (!lor.tof_centre_mm || !(lor.tof_sigma_mm > 0) || !std::isfinite(*lor.tof_centre_mm))
            continue;
        const double length = norm(lor.b - lor.a);
        if (!(length > 0)) continue;
        const Vec3 along = (1.0 / length) * (lor.b - lor.a);
        const Vec3 mid = 0.5 * (lor.a + lor.b);
        // Peak radius from the LOR's length, so a tube looks alike on any scanner.
        const double peak = std::max(0.5, kTofTubeRadiusFraction * length);
        std::vector<vtkIdType> ids;
        for (int k = 0; k < kTofSamples; ++k) {
            const double u = kTofSigmas * (2.0 * k / (kTofSamples - 1) - 1);
            const double d = *lor.tof_centre_mm + u * lor.tof_sigma_mm;
            const Vec3 p = mid + d * along;
            const double w = std::exp(-0.5 * u * u);
            ids.push_back(samples->InsertNextPoint(p.x, p.y, p.z));
            weight->InsertNextValue(w);
            distance->InsertNextValue(d);
            radius->InsertNextValue(peak * (0.2 + 0.8 * w));
            for (int c = 0; c < 3; ++c)
                colour->InsertNextValue(
                    byte_of(kTofTailColour[std::size_t(c)] +
                            w * (kTofPeakColour[std::size_t(c)] - kTofTailColour[std::size_t(c)])));
        }
        polylines->InsertNextCell(static_cast<vtkIdType>(ids.size()), ids.data());
    }
    s.tof_lines->Initialize();
    s.tof_lines->SetPoints(samples);
    s.tof_lines->SetLines(polylines);
    s.tof_lines->GetPointData()->AddArray(weight);
    s.tof_lines->GetPointData()->AddArray(distance);
    s.tof_lines->GetPointData()->AddArray(colour);
    s.tof_lines->GetPointData()->SetScalars(radius);
    s.tof_lines->Modified();
    s.tof_actor->SetVisibility(polylines->GetNumberOfCells() > 0);
}

const std::vector<ScannerLor>& ScannerScene::lors() const {
    return impl_->lor_list;
}

std::vector<std::pair<Vec3, Vec3>> ScannerScene::lor_endpoints() const {
    std::vector<std::pair<Vec3, Vec3>> ends;
    ends.reserve(impl_->lor_list.size());
    for (const ScannerLor& lor : impl_->lor_list)
        ends.emplace_back(lor.a, lor.b);
    return ends;
}

void ScannerScene::set_volume(const recon::Volume& ct) {
    Impl& s = *impl_;
    s.has_volume = ct.grid.voxel_count() > 0 && ct.voxels.size() > 0;
    if (!s.has_volume) {
        s.volume_outline_actor->VisibilityOff();
        if (s.volume) {
            s.volume->set_slices_visible(false);
            s.volume->set_volume_visible(false);
        }
        return;
    }
    // The box VTK draws the volume in: the centres of the corner voxels.
    vtkNew<vtkPoints> points;
    points->SetDataTypeToDouble();
    for (int k = 0; k < 8; ++k) {
        const Vec3 index{(k & 1) ? double(ct.grid.size[0] - 1) : 0.0,
                         (k & 2) ? double(ct.grid.size[1] - 1) : 0.0,
                         (k & 4) ? double(ct.grid.size[2] - 1) : 0.0};
        const Vec3 p = ct.grid.index_to_world(index);
        points->InsertNextPoint(p.x, p.y, p.z);
    }
    vtkNew<vtkCellArray> lines;
    add_box_edges(lines);
    s.volume_outline->Initialize();
    s.volume_outline->SetPoints(points);
    s.volume_outline->SetLines(lines);
    s.volume_outline_actor->VisibilityOn();

    // Slices only: volume rendering would cost most of a frame on software OpenGL, and the
    // crystals around it would hide most of it anyway.
    if (ct.unit == recon::VoxelUnit::Hounsfield) {
        if (!s.volume) s.volume = std::make_unique<VolumeScene>(s.renderer);
        s.volume->set_volume(ct);
        s.volume->set_volume_visible(false);
        s.volume->set_slices_visible(true);
    } else if (s.volume) {
        s.volume->set_slices_visible(false);
        s.volume->set_volume_visible(false);
    }
}

bool ScannerScene::has_volume() const {
    return impl_->has_volume;
}

int ScannerScene::crystal_at_display(double x, double y) const {
    vtkRenderer* r = impl_->renderer;
    double ends[2][4];
    for (int e = 0; e < 2; ++e) {
        r->SetDisplayPoint(x, y, e);
        r->DisplayToWorld();
        r->GetWorldPoint(ends[e]);
        if (ends[e][3] == 0) return -1;
        for (int k = 0; k < 3; ++k)
            ends[e][k] /= ends[e][3];
    }
    const Vec3 near{ends[0][0], ends[0][1], ends[0][2]};
    const Vec3 far{ends[1][0], ends[1][1], ends[1][2]};
    return crystal_on_ray(near, far - near);
}

int ScannerScene::crystal_on_ray(Vec3 from, Vec3 direction) const {
    const Impl& s = *impl_;
    if (!(norm(direction) > 0)) return -1;
    const Vec3 dir = normalized(direction);
    DrrRayParams box{};
    box.tau_lo = 0;
    box.tau_hi = std::numeric_limits<float>::max();
    for (int a = 0; a < 3; ++a) {
        box.box_hi[a] = static_cast<float>(0.5 * s.box_mm[a]);
        box.box_lo[a] = -box.box_hi[a];
    }
    int best = -1;
    float best_tau = 0;
    for (std::size_t g = 0; g < s.crystal_ids.size(); ++g) {
        const int id = s.crystal_ids[g];
        // The ray in the box's own frame, where the box is axis-aligned about the origin.
        const Mat3& frame = s.frames[g];
        const Vec3 rel = from - s.scanner.world_centre(id);
        ClippedRay<ScalarLanes> ray;
        for (int a = 0; a < 3; ++a) {
            ray.source[a] = static_cast<float>(dot(frame.column(a), rel));
            ray.dir[a] = static_cast<float>(dot(frame.column(a), dir));
        }
        clip_to_box(box, ray);
        if (ray.hit && (best < 0 || ray.tau_in < best_tau)) {
            best = id;
            best_tau = ray.tau_in;
        }
    }
    return best;
}

int ScannerScene::crystal_of_glyph(int64_t glyph) const {
    if (glyph < 0 || glyph >= static_cast<int64_t>(impl_->crystal_ids.size())) return -1;
    return impl_->crystal_ids[static_cast<std::size_t>(glyph)];
}

Vec3 ScannerScene::crystal_box_mm() const {
    return impl_->box_mm;
}

Vec3 ScannerScene::highlight_box_mm() const {
    return impl_->highlight_mm;
}

vtkActor* ScannerScene::crystal_actor() const {
    return impl_->crystal_actor;
}
vtkActor* ScannerScene::block_actor() const {
    return impl_->block_actor;
}
vtkActor* ScannerScene::highlight_actor() const {
    return impl_->highlight_actor;
}
vtkActor* ScannerScene::field_of_view_actor() const {
    return impl_->fov_actor;
}
vtkActor* ScannerScene::lor_actor() const {
    return impl_->lor_actor;
}
vtkActor* ScannerScene::tof_kernel_actor() const {
    return impl_->tof_actor;
}
vtkActor* ScannerScene::volume_outline_actor() const {
    return impl_->volume_outline_actor;
}
VolumeScene* ScannerScene::volume_scene() const {
    return impl_->volume.get();
}
vtkPolyData* ScannerScene::crystal_points() const {
    return impl_->crystals;
}
vtkPolyData* ScannerScene::block_boxes() const {
    return impl_->blocks;
}
vtkPolyData* ScannerScene::tof_kernel_lines() const {
    return impl_->tof_lines;
}

}  // namespace radon::render
