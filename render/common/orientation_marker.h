#pragma once

#include <memory>

class vtkAxesActor;
class vtkOrientationMarkerWidget;
class vtkRenderer;
class vtkRenderWindowInteractor;

namespace radon::render {

// The patient frame in a corner of a 3D view: axes along world x, y and z labelled L, P and S
// (patient LPS), turning with the camera of `renderer`. It only shows; it takes no clicks.
class OrientationMarker {
  public:
    OrientationMarker(vtkRenderWindowInteractor* interactor, vtkRenderer* renderer);
    ~OrientationMarker();
    OrientationMarker(const OrientationMarker&) = delete;
    OrientationMarker& operator=(const OrientationMarker&) = delete;

    // The colour of the L, P and S labels (0-1 RGB): light on a dark background, dark on a
    // light one.
    void set_label_color(double red, double green, double blue);

    vtkAxesActor* axes() const;
    vtkOrientationMarkerWidget* widget() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace radon::render
