#pragma once

#include <QObject>
#include <QUndoStack>

#include "kernels/geometry/carm_pose.h"
#include "kernels/geometry/detector.h"
#include "ui/drr/drr_parameters.h"

namespace radon::ui {

class PosePanel;

// What an undo step restores: the C-arm pose and the detector. The renderer and output choices
// are settings, not the pose, and stay as they are.
struct PoseState {
    CArmPose pose;
    Detector detector;

    static PoseState of(const DrrParameters& parameters);
    bool operator==(const PoseState& other) const;
    bool operator!=(const PoseState& other) const { return !(*this == other); }
};

// Pose changes of a PosePanel as undo steps: each settled change (a typed value, a preset, a
// wheel notch, a loaded pose) is one step, and a slider drag is one step from where the handle
// was pressed to where it was released, however many previews it rendered on the way. Undo and
// redo put the exact recorded pose and detector back on the panel, which renders them.
class PoseHistory : public QObject {
    Q_OBJECT

  public:
    explicit PoseHistory(PosePanel* panel, QObject* parent = nullptr);

    QUndoStack* stack() { return &stack_; }
    // Forgets every step; what the panel shows now is where undo stops (after the start-up pose
    // is set up).
    void restart();

  private:
    class Step;
    void panelChanged(const DrrParameters& parameters, bool slider_held);
    void show(const PoseState& state);

    PosePanel* panel_;
    QUndoStack stack_;
    PoseState recorded_;    // the state of the newest step (or the start)
    bool showing_ = false;  // the panel is being set by undo or redo
};

}  // namespace radon::ui
