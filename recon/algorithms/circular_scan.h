#pragma once

#include <string>
#include <vector>

#include "kernels/core/vec.h"
#include "kernels/ct/ct_geometry.h"

namespace radon::recon {

// How much of the circle a scan covers, for the weights of FBP and FDK: a full turn measures
// every ray twice (cone) or each line twice (parallel); a short scan (cone: 180 degrees plus the
// fan angle) measures some rays once and some twice, which Parker's weights even out.
enum class ScanArc { Auto, Full, Short };

const char* to_string(ScanArc arc);               // "auto" | "full" | "short"
ScanArc parse_scan_arc(const std::string& name);  // throws InvalidArgument naming the choices

// A CT geometry read as a circular scan about one axis, as FBP and FDK need it.
struct CircularScan {
    Vec3 axis;    // unit; view angles increase right-handed about it
    Vec3 center;  // a point of the axis (cone: the centre of the sources' circle)
    // Per view, in the order of the geometry:
    std::vector<double> angle_rad;        // from the first view of the arc, in [0, 2 pi)
    std::vector<double> angular_weight;   // the arc each view stands for (rad); they sum to arc_rad
    std::vector<double> source_axis_mm;   // cone: source to the axis along the panel normal
    std::vector<double> source_panel_mm;  // cone: source to the panel plane
    double arc_rad = 0;                   // the arc the views cover (a full turn: 2 pi)
    double span_rad = 0;                  // from the first to the last view of the arc
    bool full = false;  // no gap in the angles wider than 1.5 times the typical step
};

// Reads the axis from the turn of the views' directions (cone: the panel normals; parallel: the
// rays), the centre from a circle fitted to the sources, and the angles about the axis.
// Throws InvalidArgument naming the view and the field when the geometry is not a circular scan:
// fewer than two directions, a direction that leaves the plane of rotation (more than 1 degree),
// or (cone) a source off the fitted circle or its plane by more than 1 % of its radius.
CircularScan describe_circular_scan(const CtGeometry& geometry);

// Parker's weight (1982) of the ray at fan angle `gamma` (rad, positive in the direction of
// rotation) in the view at `beta` (rad from the first view) of a short scan whose views span
// `span` = pi + 2 delta. A ray and its conjugate (beta + pi + 2 gamma, -gamma) sum to 1.
double parker_weight(double beta, double gamma, double span);

}  // namespace radon::recon
