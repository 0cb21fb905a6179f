#include "recon/ct/circular_scan_setup.h"

#include "kernels/core/error.h"

namespace radon::recon {

const char* to_string(ScanBeam beam) {
    switch (beam) {
        case ScanBeam::Parallel:
            return "parallel";
        case ScanBeam::Fan:
            return "fan";
        case ScanBeam::Cone:
            return "cone";
    }
    return "cone";
}

ScanBeam parse_scan_beam(const std::string& name) {
    if (name == "fan") return ScanBeam::Fan;
    if (name == "parallel" || name == "parallel2d") return ScanBeam::Parallel;
    if (name == "cone") return ScanBeam::Cone;
    throw InvalidArgument("unknown beam '" + name + "': expected parallel, fan or cone");
}

CtBeam ct_beam(ScanBeam beam) {
    return beam == ScanBeam::Parallel ? CtBeam::Parallel : CtBeam::Cone;
}

double default_scan_arc_deg(ScanBeam beam) {
    return beam == ScanBeam::Parallel ? 180.0 : 360.0;
}

CtGeometry circular_scan_geometry(ScanBeam beam, CircularTrajectory trajectory) {
    trajectory.beam = ct_beam(beam);
    if (beam == ScanBeam::Fan) trajectory.rows = 1;
    CtGeometry geometry = circular_geometry(trajectory);
    geometry.validate("geometry");
    return geometry;
}

}  // namespace radon::recon
