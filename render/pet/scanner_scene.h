#pragma once

#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/pet/pet_image_grid.h"
#include "kernels/pet/scanner_geometry.h"

class vtkActor;
class vtkPolyData;
class vtkRenderer;

namespace radon::render {

// What tells neighbouring crystals apart in the scanner view.
enum class CrystalColouring { Block, Module, Ring };

// A PET scanner in the 3D view, in world (patient LPS) millimetres: every real crystal as a box
// at its centre, turned to its face (virtual crystals, the gaps of "13+1" blocks, are left out),
// the image field of view as the outline of the image grid's box, and chosen LORs as lines.
//
// All crystals are one actor drawing one box glyph per crystal (vtkGlyph3DMapper, instanced on
// the GPU), so a Vision 600's 63 840 crystals turn as smoothly as a demo scanner's 256.
// Glyph i is the i-th real crystal; crystal_of_glyph() maps it back to the crystal id (what a
// pick returns).
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

    void set_scanner(const pet::ScannerGeometry& scanner,
                     CrystalColouring colouring = CrystalColouring::Block);
    void set_image_grid(const pet::PetImageGrid& grid);
    // Lines between endpoint pairs (LPS mm), replacing the previous ones; empty hides them.
    void set_lors(const std::vector<std::pair<Vec3, Vec3>>& lors);

    // Crystal id of glyph `glyph` (its point index in crystal_points()), or -1.
    int crystal_of_glyph(int64_t glyph) const;
    // The box drawn for every crystal: depth (along the normal), transaxial and axial size, mm.
    Vec3 crystal_box_mm() const;

    vtkActor* crystal_actor() const;
    vtkActor* field_of_view_actor() const;
    vtkActor* lor_actor() const;
    // The glyph mapper's input: one point per real crystal with its orientation and colour.
    vtkPolyData* crystal_points() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// 0-1 RGB of a crystal under `colouring`: a small palette in which crystals that touch
// (neighbouring blocks or modules in a ring, neighbouring axial blocks or rings) differ.
std::array<double, 3> crystal_colour(const pet::Crystal& crystal, int ring,
                                     CrystalColouring colouring);

}  // namespace radon::render
