#include "ui/drr/pose_history.h"

#include <QUndoCommand>

#include "ui/drr/pose_panel.h"

namespace radon::ui {

PoseState PoseState::of(const DrrParameters& p) {
    return {p.pose, p.detector};
}

bool PoseState::operator==(const PoseState& o) const {
    const CArmPose &a = pose, &b = o.pose;
    const Detector &c = detector, &d = o.detector;
    return a.primary_deg == b.primary_deg && a.secondary_deg == b.secondary_deg &&
           a.roll_deg == b.roll_deg && a.isocenter_offset.x == b.isocenter_offset.x &&
           a.isocenter_offset.y == b.isocenter_offset.y &&
           a.isocenter_offset.z == b.isocenter_offset.z && a.sad == b.sad && a.sdd == b.sdd &&
           c.width == d.width && c.height == d.height && c.delx == d.delx && c.dely == d.dely &&
           c.principal_u == d.principal_u && c.principal_v == d.principal_v;
}

class PoseHistory::Step : public QUndoCommand {
  public:
    Step(PoseHistory& history, const PoseState& before, const PoseState& after)
        : QUndoCommand(QObject::tr("pose change")),
          history_(history),
          before_(before),
          after_(after) {}

    void undo() override { history_.show(before_); }
    void redo() override {
        // QUndoStack::push calls redo(): the panel already shows the new state then.
        if (pushed_) history_.show(after_);
        pushed_ = true;
    }

  private:
    PoseHistory& history_;
    PoseState before_, after_;
    bool pushed_ = false;
};

PoseHistory::PoseHistory(PosePanel* panel, QObject* parent)
    : QObject(parent), panel_(panel), recorded_(PoseState::of(panel->parameters())) {
    connect(panel_, &PosePanel::poseChanged, this, &PoseHistory::panelChanged);
}

void PoseHistory::restart() {
    stack_.clear();
    recorded_ = PoseState::of(panel_->parameters());
}

void PoseHistory::panelChanged(const DrrParameters& parameters, bool slider_held) {
    // A drag is recorded when the handle is released, as one step.
    if (showing_ || slider_held) return;
    const PoseState now = PoseState::of(parameters);
    if (now == recorded_) return;
    const PoseState before = recorded_;
    recorded_ = now;
    stack_.push(new Step(*this, before, now));
}

void PoseHistory::show(const PoseState& state) {
    showing_ = true;
    DrrParameters p = panel_->parameters();
    p.pose = state.pose;
    p.detector = state.detector;
    panel_->setParameters(p);
    showing_ = false;
    recorded_ = state;
}

}  // namespace radon::ui
