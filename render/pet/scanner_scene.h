#pragma once

#include <array>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/pet/pet_image_grid.h"
#include "kernels/pet/scanner_geometry.h"

class vtkActor;
class vtkPolyData;
class vtkRenderer;

namespace radon::recon {
struct Volume;
}

namespace radon::render {

class VolumeScene;

// What tells neighbouring crystals apart in the scanner view.
enum class CrystalColouring { Block, Module, Ring };

// How finely the crystals are drawn: every crystal as a box, or (while the camera moves) one box
// around each block's crystals: per axial block, or per ring when the colours tell rings apart.
enum class CrystalDetail { Boxes, Blocks };

// A LOR to draw between `a` and `b` (LPS mm). With a TOF kernel, the part of the LOR within
// three sigmas of the kernel's centre is drawn as a tube whose radius and colour follow the
// Gaussian weight. The centre is a signed distance from the LOR's midpoint along b - a (positive
// toward b), as TOF bin centres are (kernels/pet/tof_binning.h); sigma is in mm along the LOR.
struct ScannerLor {
    ScannerLor() = default;
    ScannerLor(Vec3 a_, Vec3 b_, std::optional<double> tof_centre = std::nullopt,
               double tof_sigma = 0)
        : a(a_), b(b_), tof_centre_mm(tof_centre), tof_sigma_mm(tof_sigma) {}

    Vec3 a, b;
    std::optional<double> tof_centre_mm;
    double tof_sigma_mm = 0;
};

// A PET scanner in the 3D view, in world (patient LPS) millimetres: every real crystal as a box
// at its centre, turned to its face (virtual crystals, the gaps of "13+1" blocks, are left out),
// the image field of view as the outline of the image grid's box, chosen LORs as lines with their
// TOF kernels, highlighted crystals, and the loaded CT as three orthogonal slices with its
// outline.
//
// All crystals are one actor drawing one box glyph per crystal (vtkGlyph3DMapper, instanced on
// the GPU). Glyph i is the i-th real crystal; crystal_of_glyph() maps it back to the crystal id.
// While the camera moves, set_detail(Blocks) swaps the crystals' boxes for one box per block
// (38 instead of 60 800 on a Vision 600; 3 040, one per block and ring, when coloured by ring):
// software OpenGL turns it more than ten times faster that way.
//
// The boxes' sizes are for display: 90 % of the transaxial pitch within a block and of the
// smallest ring step, and twice the average depth of interaction deep (the geometry holds
// crystal centres, not their sizes).
class ScannerScene {
  public:
    explicit ScannerScene(vtkRenderer* renderer);
    ~ScannerScene();  // removes the actors from the renderer
    ScannerScene(const ScannerScene&) = delete;
    ScannerScene& operator=(const ScannerScene&) = delete;

    // A new scanner drops the highlights (their ids belong to the old one); LORs stay.
    void set_scanner(const pet::ScannerGeometry& scanner,
                     CrystalColouring colouring = CrystalColouring::Block);
    const pet::ScannerGeometry& scanner() const;
    void set_colouring(CrystalColouring colouring);
    CrystalColouring colouring() const;

    void set_detail(CrystalDetail detail);
    CrystalDetail detail() const;

    void set_image_grid(const pet::PetImageGrid& grid);

    // Replaces the LORs drawn; empty hides them.
    void set_lors(const std::vector<ScannerLor>& lors);
    // The LORs drawn, as given, and their endpoint pairs.
    const std::vector<ScannerLor>& lors() const;
    std::vector<std::pair<Vec3, Vec3>> lor_endpoints() const;

    // Crystals drawn larger and in the highlight colour; ids out of range or of virtual crystals
    // are ignored. Replaces the previous highlights; empty clears them.
    void set_highlighted_crystals(const std::vector<int>& crystal_ids);
    // The highlighted crystals drawn (the valid ids given, in the order given).
    const std::vector<int>& highlighted_crystals() const;

    // The CT as three orthogonal slices through its centre and the outline of its box, where it
    // lies in the world (inside the scanner when its grid puts it there). A volume without voxels
    // hides it; a volume not in HU shows its outline only (the slices use CT windows).
    void set_volume(const recon::Volume& ct);
    bool has_volume() const;

    // The real crystal whose box the ray from the camera through display point (x, y) (VTK
    // display pixels, origin bottom left) meets first, or -1. Geometric: the same answer whatever
    // the detail drawn.
    int crystal_at_display(double x, double y) const;
    // The real crystal whose box the line from `from` along `direction` meets first (LPS mm), or
    // -1; boxes behind `from` do not count.
    int crystal_on_ray(Vec3 from, Vec3 direction) const;

    // Crystal id of glyph `glyph` (its point index in crystal_points()), or -1.
    int crystal_of_glyph(int64_t glyph) const;
    // The box drawn for every crystal: depth (along the normal), transaxial and axial size, mm.
    Vec3 crystal_box_mm() const;
    // Highlighted boxes are this much larger than the others in every direction, and at least
    // this fraction of the crystals' radius (a Vision 600's 3 mm crystal is a pixel across when
    // the whole scanner is in view).
    static constexpr double kHighlightScale = 1.6;
    static constexpr double kHighlightMinFraction = 0.04;
    // The highlighted box's size (as crystal_box_mm()).
    Vec3 highlight_box_mm() const;
    // The TOF tube's radius at the kernel's peak, as a fraction of the crystals' radius.
    static constexpr double kTofTubeRadiusFraction = 0.012;

    vtkActor* crystal_actor() const;
    vtkActor* block_actor() const;  // the Blocks detail
    vtkActor* highlight_actor() const;
    vtkActor* field_of_view_actor() const;
    vtkActor* lor_actor() const;
    vtkActor* tof_kernel_actor() const;
    vtkActor* volume_outline_actor() const;
    VolumeScene* volume_scene() const;  // null until a HU volume was set
    // The glyph mapper's input: one point per real crystal with its orientation and colour.
    vtkPolyData* crystal_points() const;
    // The Blocks detail's boxes: six quads each, with their outward normals.
    vtkPolyData* block_boxes() const;
    // The TOF tubes' centre lines: one polyline per LOR with a kernel, with point arrays
    // "weight" (the Gaussian weight, 1 at the centre) and "distance_mm" (signed, from the LOR's
    // midpoint toward b).
    vtkPolyData* tof_kernel_lines() const;

  private:
    void rebuild_blocks();
    void rebuild_colours();
    void rebuild_highlights();

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// 0-1 RGB of a crystal under `colouring`: a small palette in which crystals that touch
// (neighbouring blocks or modules in a ring, neighbouring axial blocks or rings) differ.
std::array<double, 3> crystal_colour(const pet::Crystal& crystal, int ring,
                                     CrystalColouring colouring);

// The highlight colour: in no colouring's palette.
constexpr std::array<double, 3> kHighlightColour{1.0, 0.15, 0.85};

}  // namespace radon::render
