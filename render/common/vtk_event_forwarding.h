#pragma once

#include <QtCore/qnamespace.h>
#include <QPoint>

class QEvent;
class QKeyEvent;
class QMouseEvent;
class QPointF;
class QWheelEvent;
class vtkRenderWindowInteractor;

namespace radon::render {

// Qt input events translated into a VTK interactor's events. Qt positions are logical pixels
// from the top; VTK's are device pixels from the bottom, so positions are scaled by the device
// pixel ratio and flipped against the interactor's size (which must be in device pixels).

// Sets the interactor's event position and modifiers from a Qt position and keyboard state.
void set_event_position(vtkRenderWindowInteractor* interactor, const QPointF& position,
                        Qt::KeyboardModifiers modifiers, double device_pixel_ratio,
                        int repeat_count = 0);

// Press, release, double click (a press with repeat count 1, as VTK reads double clicks) and
// move. Returns false for buttons VTK has no event for.
bool forward_mouse_event(vtkRenderWindowInteractor* interactor, const QMouseEvent& event,
                         double device_pixel_ratio);

// One VTK wheel step per 120 eighths of a degree (one notch); finer touchpad deltas accumulate
// in `pending` until they add up to a notch. Returns the number of steps forwarded.
int forward_wheel_event(vtkRenderWindowInteractor* interactor, const QWheelEvent& event,
                        double device_pixel_ratio, QPoint& pending);

// Forwards only keys whose VTK bindings are safe in an embedded view: 'r' (reset the camera).
// VTK's other bindings quit the application (q, e), toggle stereo (3), switch to wireframe or
// surface (w, s), pick (p), fly to a point (f), start animation (m), switch the interaction style
// (j, t, c, a) or toggle widgets (i); none of them reach VTK. Returns true when forwarded.
bool forward_key_event(vtkRenderWindowInteractor* interactor, const QKeyEvent& event);

// Any of the above, and enter and leave, by the event's type: the one entry for every source of
// input events. Returns whether the event was forwarded.
bool forward_event(vtkRenderWindowInteractor* interactor, QEvent& event, double device_pixel_ratio,
                   QPoint& pending_wheel);

// True for the keys forward_key_event lets through.
bool is_forwarded_key(const QKeyEvent& event);

}  // namespace radon::render
