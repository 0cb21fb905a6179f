#pragma once

// A circular CT scan as a user names it (`radon ct --beam`, the CT workspace's scan panel): the
// rules both follow to turn a beam name, views and an arc into a CtGeometry.

#include <string>

#include "kernels/ct/ct_geometry.h"

namespace radon::recon {

// A fan beam is a cone beam on one detector row; a parallel beam is 2D on one row, 3D on several.
enum class ScanBeam { Parallel, Fan, Cone };

const char* to_string(ScanBeam beam);  // "parallel", "fan", "cone"
// "parallel" (or "parallel2d"), "fan", "cone"; throws InvalidArgument naming the choices.
ScanBeam parse_scan_beam(const std::string& name);
CtBeam ct_beam(ScanBeam beam);
// The arc a scan covers unless told: parallel beams 180 degrees (every line once), the others a
// full turn.
double default_scan_arc_deg(ScanBeam beam);

// circular_geometry of `trajectory` with the beam of `beam` (a fan beam on one row), validated.
// Throws InvalidArgument as circular_geometry and CtGeometry::validate.
CtGeometry circular_scan_geometry(ScanBeam beam, CircularTrajectory trajectory);

}  // namespace radon::recon
