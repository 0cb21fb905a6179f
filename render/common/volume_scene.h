#pragma once

#include <memory>

#include "kernels/core/vec.h"
#include "render/common/ct_volume_preset.h"

class vtkGPUVolumeRayCastMapper;
class vtkImageData;
class vtkImageSlice;
class vtkRenderer;
class vtkVolume;

namespace radon::recon {
struct Volume;
}

namespace radon::render {

// A CT volume in the 3D view: GPU volume rendering with a CT preset, and three slice planes
// normal to the world axes (sagittal, coronal, axial) through a settable point, grey in the
// preset's window and see-through where the CT is below it (air).
//
// The volume sits in the world exactly as its grid says (origin, spacing and direction, as ITK
// maps them; flipped and oblique grids included): VTK's image points are the voxel centres, so the
// rendered box spans the centres of the corner voxels.
//
// Volume rendering in software OpenGL costs most of a frame; set_interactive(true) while the
// camera or the pose moves trades sampling density for speed (connect it to VtkView's
// interaction_started and interaction_ended).
class VolumeScene {
  public:
    explicit VolumeScene(vtkRenderer* renderer);
    ~VolumeScene();  // removes the volume and the slices from the renderer
    VolumeScene(const VolumeScene&) = delete;
    VolumeScene& operator=(const VolumeScene&) = delete;

    // Shows `hu` (voxels in HU). The voxels are not copied: the scene shares them with `hu` (or,
    // when `hu` aliases memory owned elsewhere, relies on that memory as `hu` does), except when
    // the grid's direction is a reflection (determinant -1): VTK's GPU ray caster draws nothing
    // there, so the scene keeps a copy with the first axis reversed, at the same world place.
    // Throws InvalidArgument for a volume that is not in HU, has no voxels or an invalid grid. The
    // slice point moves to the volume's centre.
    void set_volume(const recon::Volume& hu);
    bool has_volume() const;

    void set_preset(CtVolumePreset preset);
    CtVolumePreset preset() const;

    // Distances between samples along each ray (mm) and between rays (in pixels: 2 casts one ray
    // per 2 x 2 pixels).
    struct Sampling {
        double sample_distance_mm = 1;
        double image_sample_distance = 1;
    };
    // Interactive frames sample every four voxels (of the smallest spacing), unshaded (shading
    // reads six more voxels per sample), and cast a ray every 2 to 16 pixels, adapted after each
    // frame towards kInteractiveFrameBudgetSeconds. Still frames sample every voxel, shaded as
    // the preset says, and cast a ray per pixel where that fits in kStillFrameBudgetSeconds;
    // where it does not (software OpenGL: a real CT's shaded frame at a ray per pixel took
    // 1.6-4 s, all of it on the UI thread) one every 1 to 16 pixels, adapted after each still
    // frame, and unshaded, with a sample every two voxels, when even that is too slow. The
    // budgets are for the volume's renderer, timed to completion; the window's blit and swap
    // add 15-20 ms on software OpenGL, keeping a whole frame near 50 ms. With
    // set_full_quality(true) still frames are shaded and cast a ray per pixel whatever that
    // costs (screenshots).
    void set_interactive(bool interactive);
    bool interactive() const;
    void set_full_quality(bool full);
    Sampling sampling() const;

    static constexpr double kInteractiveFrameBudgetSeconds = 0.03;
    static constexpr double kMinInteractiveImageSampleDistance = 2;
    static constexpr double kMaxInteractiveImageSampleDistance = 16;
    static constexpr double kStillFrameBudgetSeconds = 0.03;
    static constexpr double kMaxStillImageSampleDistance = 16;
    // The image sample distance for the next interactive (still) frame after one that took
    // `frame_seconds` at `current`.
    static double next_interactive_image_sample_distance(double current, double frame_seconds);
    static double next_still_image_sample_distance(double current, double frame_seconds);

    // The point all three slice planes pass through (world mm).
    void set_slice_point(Vec3 world);
    Vec3 slice_point() const;

    void set_volume_visible(bool visible);
    void set_slices_visible(bool visible);

    vtkVolume* volume_prop() const;
    vtkGPUVolumeRayCastMapper* volume_mapper() const;
    vtkImageSlice* slice(int axis) const;  // 0: normal to x (sagittal), 1: y (coronal), 2: z
    vtkImageData* image() const;

  private:
    void apply_sampling();
    void adapt_to_frame_time();

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::render
