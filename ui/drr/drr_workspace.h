#pragma once

#include "ui/common/workspace.h"

class QSplitter;

namespace radon::ui {

class CArmSceneView;
class DrrImageView;
class PosePanel;

// The DRR workspace's widgets: the pose panel in a dock, the 3D view (the C-arm about the volume)
// and the DRR view side by side in a splitter. The main window wires them to its DRR session.
class DrrWorkspace : public Workspace {
    Q_OBJECT

  public:
    explicit DrrWorkspace(StudioContext& context, QWidget* parent = nullptr);

    PosePanel* posePanel() const { return panel_; }
    CArmSceneView* sceneView() const { return scene_view_; }
    DrrImageView* drrView() const { return drr_view_; }
    QSplitter* splitter() const { return splitter_; }

    bool firstResultShown() const override { return full_frame_shown_; }
    // A full-resolution DRR is on screen.
    void fullFrameShown();

  private:
    PosePanel* panel_ = nullptr;
    CArmSceneView* scene_view_ = nullptr;
    DrrImageView* drr_view_ = nullptr;
    QSplitter* splitter_ = nullptr;
    bool full_frame_shown_ = false;
};

}  // namespace radon::ui
