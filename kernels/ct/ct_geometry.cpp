#include "kernels/ct/ct_geometry.h"

#include <cmath>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/geometry/carm_pose.h"

namespace radon {

const char* to_string(CtBeam beam) {
    return beam == CtBeam::Parallel ? "parallel" : "cone";
}

CtBeam parse_ct_beam(const std::string& name) {
    if (name == "parallel") return CtBeam::Parallel;
    if (name == "cone") return CtBeam::Cone;
    throw InvalidArgument("unknown beam '" + name + "': expected parallel or cone");
}

Vec3 CtGeometry::pixel_center(int64_t view, double col, double row) const {
    const CtView& w = views.at(static_cast<size_t>(view));
    return w.detector_center + (col - 0.5 * static_cast<double>(columns - 1)) * w.u +
           (row - 0.5 * static_cast<double>(rows - 1)) * w.v;
}

ProjectionGeometry CtGeometry::projection_geometry(int64_t view) const {
    if (beam != CtBeam::Cone)
        throw InvalidArgument("a parallel-beam view has no point source to render a DRR from");
    const CtView& w = views.at(static_cast<size_t>(view));
    ProjectionGeometry g;
    g.source = w.source;
    g.first_pixel = pixel_center(view, 0.0, 0.0);
    g.column_step = w.u;
    g.row_step = w.v;
    g.width = columns;
    g.height = rows;
    return g;
}

namespace {

bool finite(Vec3 a) {
    return std::isfinite(a.x) && std::isfinite(a.y) && std::isfinite(a.z);
}

}  // namespace

void CtGeometry::validate(const std::string& what) const {
    auto fail = [&](const std::string& why) { throw InvalidArgument(what + ": " + why); };
    if (columns < 1 || rows < 1) {
        std::ostringstream msg;
        msg << "detector of " << columns << " x " << rows
            << " pixels: columns and rows must be at least 1";
        fail(msg.str());
    }
    if (views.empty()) fail("no views: a CT geometry needs at least one");
    for (size_t i = 0; i < views.size(); ++i) {
        const CtView& w = views[i];
        const std::string view = "view " + std::to_string(i);
        if (!finite(w.source) || !finite(w.detector_center) || !finite(w.u) || !finite(w.v))
            fail(view + " has a non-finite vector: source, detector, u and v must be finite");
        const Vec3 normal = cross(w.u, w.v);
        const double scale = norm(w.u) * norm(w.v);
        if (scale <= 0 || norm(normal) < 1e-9 * scale)
            fail(view + ": u and v must be non-zero and not parallel");
        const Vec3 n = normalized(normal);
        if (beam == CtBeam::Cone) {
            const double distance = std::fabs(dot(w.source - w.detector_center, n));
            if (!(distance > 1e-6 * std::sqrt(scale)))
                fail(view + ": the source lies on the detector plane");
        } else if (std::fabs(dot(normalized(w.source), n)) < 1e-6) {
            fail(view + ": the ray direction is parallel to the detector plane");
        }
    }
}

std::vector<double> evenly_spaced_angles(int64_t count, double first_deg, double arc_deg) {
    std::vector<double> angles;
    if (count < 1) return angles;
    angles.reserve(static_cast<size_t>(count));
    const double step = arc_deg / static_cast<double>(count);
    for (int64_t i = 0; i < count; ++i)
        angles.push_back(first_deg + step * static_cast<double>(i));
    return angles;
}

CtGeometry circular_geometry(const CircularTrajectory& t) {
    auto fail = [](const std::string& why) {
        throw InvalidArgument("circular trajectory: " + why);
    };
    if (t.angles_deg.empty()) fail("no angles: the number of views must be at least 1");
    for (double a : t.angles_deg)
        if (!std::isfinite(a)) fail("an angle is not finite");
    if (t.columns < 1 || t.rows < 1) fail("detector columns and rows must be at least 1");
    if (!(t.pixel_u_mm > 0) || !(t.pixel_v_mm > 0) || !std::isfinite(t.pixel_u_mm) ||
        !std::isfinite(t.pixel_v_mm))
        fail("pixel spacing must be finite and positive (mm)");
    const double offsets[] = {t.source_offset_u_mm, t.source_offset_v_mm, t.detector_offset_u_mm,
                              t.detector_offset_v_mm};
    for (double o : offsets)
        if (!std::isfinite(o)) fail("offsets must be finite (mm)");
    if (!finite(t.isocenter)) fail("isocenter must be finite");
    if (t.beam == CtBeam::Cone) {
        if (!(t.source_isocenter_mm > 0) || !std::isfinite(t.source_isocenter_mm))
            fail("source to isocenter distance must be finite and positive (mm)");
        if (!(t.source_detector_mm > t.source_isocenter_mm) || !std::isfinite(t.source_detector_mm))
            fail(
                "source to detector distance must be finite and larger than source to "
                "isocenter (mm)");
    }

    CtGeometry g;
    g.beam = t.beam;
    g.columns = t.columns;
    g.rows = t.rows;
    g.views.reserve(t.angles_deg.size());
    for (double angle : t.angles_deg) {
        CArmPose pose;
        pose.primary_deg = angle;
        const RigidTransform frame = carm_to_world(pose, t.isocenter);
        const Vec3 toward_source = frame.rotation * kCArmSourceDirection;
        const Vec3 u = frame.rotation * kCArmColumnDirection;
        const Vec3 v = frame.rotation * kCArmRowDirection;
        CtView w;
        w.u = t.pixel_u_mm * u;
        w.v = t.pixel_v_mm * v;
        const Vec3 panel_shift = t.detector_offset_u_mm * u + t.detector_offset_v_mm * v;
        if (t.beam == CtBeam::Cone) {
            w.source = t.isocenter + t.source_isocenter_mm * toward_source +
                       t.source_offset_u_mm * u + t.source_offset_v_mm * v;
            w.detector_center = t.isocenter -
                                (t.source_detector_mm - t.source_isocenter_mm) * toward_source +
                                panel_shift;
        } else {
            w.source = -toward_source;
            w.detector_center = t.isocenter + panel_shift;
        }
        g.views.push_back(w);
    }
    g.validate("circular trajectory");
    return g;
}

}  // namespace radon
