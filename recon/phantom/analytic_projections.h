#pragma once

#include <vector>

#include "kernels/core/progress.h"
#include "kernels/ct/ct_geometry.h"
#include "recon/phantom/ellipsoid_phantom.h"

namespace radon::recon {

// The exact projection stack of an analytic phantom under a CT geometry: one line integral per
// detector pixel, views x rows x columns, column fastest (CtGeometry's layout), in mm times the
// phantom's relative attenuation. The ray is the one the projectors model, sampled at the pixel
// centre (no detector blur), so voxel projectors are compared with it without an inverse crime:
// - cone (and fan): the segment from the source to the pixel centre; what lies beyond the
//   detector is not seen;
// - parallel: the whole line through the pixel centre along the view's ray direction.
// OpenMP over the pixels of a view; progress after each view, cancel checked before each (throws
// Cancelled). Throws InvalidArgument for an invalid geometry (CtGeometry::validate).
std::vector<float> analytic_projections(const EllipsoidPhantom& phantom, const CtGeometry& geometry,
                                        const RunControl& control = {});

}  // namespace radon::recon
