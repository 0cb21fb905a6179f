#include "render/common/volume_scene.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>

#include <vtkCallbackCommand.h>
#include <vtkCommand.h>
#include <vtkFloatArray.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageResliceMapper.h>
#include <vtkImageSlice.h>
#include <vtkLookupTable.h>
#include <vtkMatrix4x4.h>
#include <vtkNew.h>
#include <vtkPlane.h>
#include <vtkPointData.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include "kernels/core/error.h"
#include "recon/volume.h"

namespace radon::render {

namespace {

// Full quality samples every voxel along a ray (half a voxel looks the same on CT presets and
// costs twice as much) and casts a ray per pixel. While interacting, a sample every four voxels
// and one ray per 2 x 2 pixels or fewer, as the frame budget requires.
constexpr double kStillSamplesPerVoxel = 1.0;
constexpr double kInteractiveSamplesPerVoxel = 0.25;
constexpr double kStillImageSampleDistance = 1.0;

// Rays, and so the time, go with the inverse square of the image sample distance.
double adapted_image_sample_distance(double current, double frame_seconds, double budget_seconds,
                                     double lowest, double highest) {
    return std::clamp(current * std::sqrt(frame_seconds / budget_seconds), lowest, highest);
}

// VTK 9.1's GPU ray caster draws nothing for a grid whose direction is a reflection (determinant
// -1, as in a NIfTI file with one axis flipped): it starts its rays on the front faces of the
// volume's box, and a reflection turns the box inside out, so that every front face is culled.
// The same voxels with the first index axis reversed sit at the same world positions on a grid
// whose direction is a rotation.
recon::Volume without_reflection(const recon::Volume& v) {
    const VolumeGrid& g = v.grid;
    recon::Volume out = v;
    out.grid.origin = g.index_to_world({static_cast<double>(g.size[0] - 1), 0, 0});
    for (int r = 0; r < 3; ++r)
        out.grid.direction.m[r][0] = -g.direction.m[r][0];
    out.voxels = Array<float>::allocate(v.voxels.extents());
    const float* in = v.voxels.host_data();
    float* reversed = out.voxels.host_data();
    const int64_t nx = g.size[0];
    for (int64_t row = 0; row < g.size[1] * g.size[2]; ++row)
        std::reverse_copy(in + row * nx, in + (row + 1) * nx, reversed + row * nx);
    return out;
}

}  // namespace

struct VolumeScene::Impl {
    vtkSmartPointer<vtkRenderer> renderer;
    // The voxels VTK reads: the volume shown, or a copy of it when its direction is a reflection.
    recon::Volume hu;
    vtkNew<vtkImageData> image;
    // The same voxels in the grid's index frame (no origin, no direction) for the slices, which
    // get the index-to-world mapping as their prop matrix: VTK 9.1's reslice mapper ignores an
    // image's direction matrix (the GPU volume mapper honours it).
    vtkNew<vtkImageData> slice_image;
    vtkNew<vtkMatrix4x4> slice_matrix;
    vtkNew<vtkGPUVolumeRayCastMapper> mapper;
    vtkNew<vtkVolumeProperty> property;
    vtkNew<vtkVolume> volume;
    std::array<vtkSmartPointer<vtkImageSlice>, 3> slices;
    std::array<vtkSmartPointer<vtkPlane>, 3> planes;
    CtVolumePreset preset = CtVolumePreset::Bone;
    bool has_volume = false;
    bool interactive = false;
    bool volume_visible = true;
    bool slices_visible = true;
    Vec3 slice_point{0, 0, 0};
    double min_spacing = 1;
    bool preset_shade = false;  // whether the preset shades still frames
    // Whether still frames can afford shading (seven reads per sample instead of one): they drop
    // it when even the coarsest rays do not fit the budget, and take it up again when a frame
    // at a ray per pixel takes a fraction of it.
    bool still_shading_affordable = true;

    // The image sample distance of interactive frames, adapted to the time they take.
    double interactive_image_sample_distance = kMinInteractiveImageSampleDistance;
    double still_image_sample_distance = kStillImageSampleDistance;
    bool full_quality = false;
    std::chrono::steady_clock::time_point render_start;
    vtkNew<vtkCallbackCommand> on_render_start;
    vtkNew<vtkCallbackCommand> on_render_end;
    unsigned long render_start_tag = 0;
    unsigned long render_end_tag = 0;

    void apply_visibility() {
        volume->SetVisibility(has_volume && volume_visible);
        for (auto& slice : slices)
            slice->SetVisibility(has_volume && slices_visible);
    }
};

VolumeScene::VolumeScene(vtkRenderer* renderer) : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    d.renderer = renderer;
    d.mapper->SetInputData(d.image);
    // The sampling is chosen here, from the interaction state; VTK's own adjustment from frame
    // timings would change it from frame to frame.
    d.mapper->AutoAdjustSampleDistancesOff();
    d.mapper->LockSampleDistanceToInputSpacingOff();
    d.volume->SetMapper(d.mapper);
    d.volume->SetProperty(d.property);

    // Interactive frames time themselves (the whole renderer: the volume is nearly all of it)
    // and set the next one's image sample distance.
    d.on_render_start->SetClientData(this);
    d.on_render_start->SetCallback([](vtkObject*, unsigned long, void* scene, void*) {
        static_cast<VolumeScene*>(scene)->impl_->render_start = std::chrono::steady_clock::now();
    });
    d.on_render_end->SetClientData(this);
    d.on_render_end->SetCallback([](vtkObject* caller, unsigned long, void* scene, void*) {
        // Software OpenGL (llvmpipe) rasterises when the frame is flushed, not when VTK issues
        // its draw calls: without waiting here the time measured is the submission alone (a
        // tenth of the frame on a real CT) and the sampling never adapts to the real cost.
        if (auto* window = static_cast<vtkRenderer*>(caller)->GetRenderWindow())
            window->WaitForCompletion();
        static_cast<VolumeScene*>(scene)->adapt_to_frame_time();
    });
    d.render_start_tag = renderer->AddObserver(vtkCommand::StartEvent, d.on_render_start);
    d.render_end_tag = renderer->AddObserver(vtkCommand::EndEvent, d.on_render_end);

    // Grey over the window, and see-through below it: a CT's box is mostly air, and opaque black
    // air would hide the rest of the scene (at the default SDD - SAD the detector sits inside
    // the box of a chest CT).
    vtkNew<vtkLookupTable> greys;
    greys->SetNumberOfTableValues(256);
    greys->SetRampToLinear();
    greys->SetValueRange(0, 1);
    greys->SetSaturationRange(0, 0);
    greys->SetAlphaRange(1, 1);
    greys->Build();
    greys->SetTableValue(0, 0, 0, 0, 0);
    for (int axis = 0; axis < 3; ++axis) {
        d.planes[axis] = vtkSmartPointer<vtkPlane>::New();
        double normal[3] = {0, 0, 0};
        normal[axis] = 1;
        d.planes[axis]->SetNormal(normal);
        vtkNew<vtkImageResliceMapper> slice_mapper;
        slice_mapper->SetInputData(d.slice_image);
        slice_mapper->SetSlicePlane(d.planes[axis]);
        slice_mapper->SliceFacesCameraOff();
        slice_mapper->SliceAtFocalPointOff();
        // Resliced once per slice point at the image's own resolution and drawn as a texture; the
        // default reslices on the CPU at the screen's resolution whenever the camera moves.
        slice_mapper->ResampleToScreenPixelsOff();
        d.slices[axis] = vtkSmartPointer<vtkImageSlice>::New();
        d.slices[axis]->SetMapper(slice_mapper);
        d.slices[axis]->SetUserMatrix(d.slice_matrix);
        d.slices[axis]->GetProperty()->SetInterpolationTypeToLinear();
        d.slices[axis]->GetProperty()->SetLookupTable(greys);
        d.slices[axis]->GetProperty()->UseLookupTableScalarRangeOff();
        renderer->AddViewProp(d.slices[axis]);
    }
    renderer->AddVolume(d.volume);
    set_preset(d.preset);
    apply_sampling();
    d.apply_visibility();
}

VolumeScene::~VolumeScene() {
    Impl& d = *impl_;
    d.renderer->RemoveObserver(d.render_start_tag);
    d.renderer->RemoveObserver(d.render_end_tag);
    d.renderer->RemoveVolume(d.volume);
    for (auto& slice : d.slices)
        d.renderer->RemoveViewProp(slice);
}

void VolumeScene::set_volume(const recon::Volume& hu) {
    if (hu.unit != recon::VoxelUnit::Hounsfield)
        throw InvalidArgument("3D view: the volume must be in HU to apply CT presets");
    hu.grid.validate("3D view volume");
    if (hu.voxels.extents() != hu.grid.size)
        throw InvalidArgument("3D view: the voxel array does not match the volume's grid");
    Impl& d = *impl_;
    d.hu = determinant(hu.grid.direction) < 0 ? without_reflection(hu) : hu;
    const VolumeGrid& g = d.hu.grid;
    d.image->SetDimensions(static_cast<int>(g.size[0]), static_cast<int>(g.size[1]),
                           static_cast<int>(g.size[2]));
    d.image->SetSpacing(g.spacing.x, g.spacing.y, g.spacing.z);
    d.image->SetOrigin(g.origin.x, g.origin.y, g.origin.z);
    double direction[9];
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            direction[3 * r + c] = g.direction.m[r][c];
    d.image->SetDirectionMatrix(direction);

    vtkNew<vtkFloatArray> scalars;
    scalars->SetName("HU");
    // VTK only reads the array; the const_cast lets it alias the voxels instead of copying them.
    // Save = 1: the memory belongs to d.hu, VTK must not free it.
    scalars->SetArray(const_cast<float*>(d.hu.voxels.host_data()), d.hu.voxels.size(), 1);
    d.image->GetPointData()->SetScalars(scalars);
    d.image->Modified();

    d.slice_image->ShallowCopy(d.image);
    d.slice_image->SetOrigin(0, 0, 0);
    d.slice_image->SetDirectionMatrix(1, 0, 0, 0, 1, 0, 0, 0, 1);
    d.slice_matrix->Identity();
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c)
            d.slice_matrix->SetElement(r, c, g.direction.m[r][c]);
        d.slice_matrix->SetElement(r, 3, g.origin[r]);
    }
    d.slice_matrix->Modified();

    d.min_spacing = std::min({g.spacing.x, g.spacing.y, g.spacing.z});
    d.has_volume = true;
    apply_sampling();
    set_slice_point(g.center());
    d.apply_visibility();
}

bool VolumeScene::has_volume() const {
    return impl_->has_volume;
}

void VolumeScene::set_preset(CtVolumePreset preset) {
    Impl& d = *impl_;
    d.preset = preset;
    apply_ct_volume_preset(preset, d.property, d.mapper);
    d.preset_shade = d.property->GetShade() != 0;
    apply_sampling();
    const recon::Window window = ct_slice_window(preset);
    for (auto& slice : d.slices) {
        slice->GetProperty()->SetColorLevel(window.level);
        slice->GetProperty()->SetColorWindow(window.width);
    }
}

CtVolumePreset VolumeScene::preset() const {
    return impl_->preset;
}

void VolumeScene::set_interactive(bool interactive) {
    impl_->interactive = interactive;
    apply_sampling();
}

bool VolumeScene::interactive() const {
    return impl_->interactive;
}

void VolumeScene::set_full_quality(bool full) {
    impl_->full_quality = full;
    apply_sampling();
}

VolumeScene::Sampling VolumeScene::sampling() const {
    const Impl& d = *impl_;
    if (d.interactive)
        return {d.min_spacing / kInteractiveSamplesPerVoxel, d.interactive_image_sample_distance};
    if (d.full_quality) return {d.min_spacing / kStillSamplesPerVoxel, kStillImageSampleDistance};
    // Where shading is too slow, so is a sample per voxel: every other one then.
    const double samples_per_voxel =
        d.still_shading_affordable ? kStillSamplesPerVoxel : kInteractiveSamplesPerVoxel * 2;
    return {d.min_spacing / samples_per_voxel, d.still_image_sample_distance};
}

double VolumeScene::next_interactive_image_sample_distance(double current, double frame_seconds) {
    return adapted_image_sample_distance(current, frame_seconds, kInteractiveFrameBudgetSeconds,
                                         kMinInteractiveImageSampleDistance,
                                         kMaxInteractiveImageSampleDistance);
}

double VolumeScene::next_still_image_sample_distance(double current, double frame_seconds) {
    return adapted_image_sample_distance(current, frame_seconds, kStillFrameBudgetSeconds,
                                         kStillImageSampleDistance, kMaxStillImageSampleDistance);
}

void VolumeScene::adapt_to_frame_time() {
    Impl& d = *impl_;
    if (d.full_quality || !d.volume->GetVisibility()) return;
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - d.render_start;
    if (d.interactive) {
        d.interactive_image_sample_distance = next_interactive_image_sample_distance(
            d.interactive_image_sample_distance, took.count());
    } else {
        const double seconds = took.count();
        const bool shaded = d.property->GetShade() != 0;
        if (shaded && d.still_image_sample_distance >= kMaxStillImageSampleDistance &&
            seconds > kStillFrameBudgetSeconds) {
            d.still_shading_affordable = false;
        } else if (!shaded && d.preset_shade &&
                   d.still_image_sample_distance <= kStillImageSampleDistance &&
                   seconds < kStillFrameBudgetSeconds / 8) {
            d.still_shading_affordable = true;
        }
        d.still_image_sample_distance =
            next_still_image_sample_distance(d.still_image_sample_distance, seconds);
    }
    apply_sampling();
}

void VolumeScene::apply_sampling() {
    Impl& d = *impl_;
    const Sampling s = sampling();
    d.mapper->SetSampleDistance(static_cast<float>(s.sample_distance_mm));
    d.mapper->SetImageSampleDistance(static_cast<float>(s.image_sample_distance));
    const int shade =
        d.preset_shade && !d.interactive && (d.full_quality || d.still_shading_affordable) ? 1 : 0;
    if (d.property->GetShade() != shade) d.property->SetShade(shade);
}

void VolumeScene::set_slice_point(Vec3 world) {
    impl_->slice_point = world;
    for (auto& plane : impl_->planes)
        plane->SetOrigin(world.x, world.y, world.z);
}

Vec3 VolumeScene::slice_point() const {
    return impl_->slice_point;
}

void VolumeScene::set_volume_visible(bool visible) {
    impl_->volume_visible = visible;
    impl_->apply_visibility();
}

void VolumeScene::set_slices_visible(bool visible) {
    impl_->slices_visible = visible;
    impl_->apply_visibility();
}

vtkVolume* VolumeScene::volume_prop() const {
    return impl_->volume;
}
vtkGPUVolumeRayCastMapper* VolumeScene::volume_mapper() const {
    return impl_->mapper;
}
vtkImageSlice* VolumeScene::slice(int axis) const {
    return impl_->slices.at(static_cast<std::size_t>(axis));
}
vtkImageData* VolumeScene::image() const {
    return impl_->image;
}

}  // namespace radon::render
