#pragma once

#include <vtkSmartPointer.h>

class vtkActor;
class vtkPolyData;

namespace radon::render {

// An actor drawing `data` through a plain polydata mapper: the scenes' lines and surfaces.
vtkSmartPointer<vtkActor> make_polydata_actor(vtkPolyData* data);

}  // namespace radon::render
