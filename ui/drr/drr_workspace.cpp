#include "ui/drr/drr_workspace.h"

#include <QDockWidget>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>

#include "ui/drr/carm_scene_view.h"
#include "ui/drr/drr_image_view.h"
#include "ui/drr/pose_panel.h"

namespace radon::ui {

DrrWorkspace::DrrWorkspace(StudioContext& context, QWidget* parent)
    : Workspace("drr", tr("DRR"), context, parent) {
    panel_ = new PosePanel;
    auto* scroll = new QScrollArea;
    scroll->setObjectName("poseScroll");
    scroll->setWidget(panel_);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Wide enough for the panel and a vertical scroll bar, so no label or field is cut off.
    scroll->setMinimumWidth(panel_->sizeHint().width() +
                            scroll->verticalScrollBar()->sizeHint().width() + 4);
    auto* dock = new QDockWidget(tr("C-arm and DRR"), this);
    dock->setObjectName("poseDock");
    dock->setWidget(scroll);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    scene_view_ = new CArmSceneView;
    scene_view_->setMinimumSize(240, 200);
    drr_view_ = new DrrImageView;
    drr_view_->setObjectName("drrView");
    splitter_ = new QSplitter(Qt::Horizontal, this);
    splitter_->setObjectName("viewSplitter");
    splitter_->addWidget(scene_view_);
    splitter_->addWidget(drr_view_);
    splitter_->setStretchFactor(0, 1);
    splitter_->setStretchFactor(1, 1);
    splitter_->setChildrenCollapsible(false);
    setCentralWidget(splitter_);
}

void DrrWorkspace::fullFrameShown() {
    if (full_frame_shown_) return;
    full_frame_shown_ = true;
    emit firstResultReady();
}

}  // namespace radon::ui
