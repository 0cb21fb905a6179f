#pragma once

#include <QMetaType>

#include "kernels/backend/devices.h"
#include "kernels/drr/drr_settings.h"
#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "kernels/physics/drr_output.h"

namespace radon::ui {

// Everything that decides a DRR of the loaded volume: what the pose panel edits and what the
// worker renders. The isocenter offset is relative to the volume centre, as in `radon drr`.
// `output` turns the rendered line integrals into the values shown and exported, as `radon drr
// --output-kind/--i0/--invert` does.
struct DrrParameters {
    CArmPose pose;
    Detector detector;
    DrrSettings settings;
    DrrOutput output;
    DeviceKind device = DeviceKind::Cpu;
};

}  // namespace radon::ui

Q_DECLARE_METATYPE(radon::ui::DrrParameters)
