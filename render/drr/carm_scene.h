#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "kernels/core/vec.h"
#include "kernels/geometry/projection_geometry.h"

class vtkActor;
class vtkRenderer;
class vtkTextActor;

namespace radon::render {

class DrrTexture;

// The C-arm in the 3D view, in world (patient LPS) millimetres: the X-ray source (a sphere), the
// detector panel (a quad spanning the outer edges of its pixels, the current DRR textured on it
// as the image is read: row 0 along first_pixel's edge), the ray frustum (lines from the source
// to the panel's corners), the isocenter (a small 3D cross) and the labels "Source" and
// "Detector" beside those two.
//
// The isocenter and the labels go into `overlay` when given: a renderer drawn over `renderer`
// with the same camera, so that the slice planes and the volume, which pass through the
// isocenter, do not hide it.
//
// The actors are made once; a new pose moves their points and a new DRR rewrites the texture's
// pixels, so both are cheap enough for every frame of a pose drag (follow each with
// VtkView::request_render(RenderQuality::Interactive), so the volume renders coarsely until the
// drag settles).
class CArmScene {
  public:
    explicit CArmScene(vtkRenderer* renderer, vtkRenderer* overlay = nullptr);
    ~CArmScene();  // removes the actors from the renderer
    CArmScene(const CArmScene&) = delete;
    CArmScene& operator=(const CArmScene&) = delete;

    // Every position comes from `geometry` (ProjectionGeometry::pixel_center); the isocenter is
    // not part of a projection geometry and is given separately.
    void set_geometry(const ProjectionGeometry& geometry, Vec3 isocenter);
    const ProjectionGeometry& geometry() const;

    // The DRR shown on the detector and its window (see DrrTexture).
    DrrTexture& drr();

    void set_visible(bool visible);

    // The colour of the labels (0-1 RGB): light on a dark background, dark on a light one.
    void set_label_color(double red, double green, double blue);

    // The panel's corners: the outer edges of pixels (0, 0), (width-1, 0), (width-1, height-1)
    // and (0, height-1), in that order.
    static std::array<Vec3, 4> detector_corners(const ProjectionGeometry& geometry);

    static constexpr double kSourceRadiusMm = 20;
    static constexpr double kIsocenterArmMm = 30;

    vtkActor* source_actor() const;
    vtkActor* detector_actor() const;
    vtkActor* frustum_actor() const;
    vtkActor* isocenter_actor() const;
    vtkTextActor* source_label() const;
    vtkTextActor* detector_label() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::render
