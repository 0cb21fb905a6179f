#include "render/common/vtk_event_forwarding.h"

#include <QEnterEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>

#include <cmath>

#include <vtkRenderWindowInteractor.h>

namespace radon::render {

namespace {

constexpr int kWheelNotch = 120;  // Qt's angleDelta of one wheel notch (15 degrees in 1/8s)

}  // namespace

void set_event_position(vtkRenderWindowInteractor* interactor, const QPointF& position,
                        Qt::KeyboardModifiers modifiers, double device_pixel_ratio,
                        int repeat_count) {
    const int x = static_cast<int>(std::lround(position.x() * device_pixel_ratio));
    const int y = static_cast<int>(std::lround(position.y() * device_pixel_ratio));
    interactor->SetAltKey(modifiers.testFlag(Qt::AltModifier) ? 1 : 0);
    interactor->SetEventInformationFlipY(x, y, modifiers.testFlag(Qt::ControlModifier) ? 1 : 0,
                                         modifiers.testFlag(Qt::ShiftModifier) ? 1 : 0, 0,
                                         repeat_count);
}

bool forward_mouse_event(vtkRenderWindowInteractor* interactor, const QMouseEvent& event,
                         double device_pixel_ratio) {
    const bool double_click = event.type() == QEvent::MouseButtonDblClick;
    set_event_position(interactor, event.position(), event.modifiers(), device_pixel_ratio,
                       double_click ? 1 : 0);
    switch (event.type()) {
        case QEvent::MouseMove:
            interactor->MouseMoveEvent();
            return true;
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonDblClick:
            switch (event.button()) {
                case Qt::LeftButton:
                    interactor->LeftButtonPressEvent();
                    return true;
                case Qt::MiddleButton:
                    interactor->MiddleButtonPressEvent();
                    return true;
                case Qt::RightButton:
                    interactor->RightButtonPressEvent();
                    return true;
                default:
                    return false;
            }
        case QEvent::MouseButtonRelease:
            switch (event.button()) {
                case Qt::LeftButton:
                    interactor->LeftButtonReleaseEvent();
                    return true;
                case Qt::MiddleButton:
                    interactor->MiddleButtonReleaseEvent();
                    return true;
                case Qt::RightButton:
                    interactor->RightButtonReleaseEvent();
                    return true;
                default:
                    return false;
            }
        default:
            return false;
    }
}

int forward_wheel_event(vtkRenderWindowInteractor* interactor, const QWheelEvent& event,
                        double device_pixel_ratio, QPoint& pending) {
    pending += event.angleDelta();
    set_event_position(interactor, event.position(), event.modifiers(), device_pixel_ratio);
    int steps = 0;
    for (; pending.y() >= kWheelNotch; pending.ry() -= kWheelNotch, ++steps)
        interactor->MouseWheelForwardEvent();
    for (; pending.y() <= -kWheelNotch; pending.ry() += kWheelNotch, ++steps)
        interactor->MouseWheelBackwardEvent();
    for (; pending.x() >= kWheelNotch; pending.rx() -= kWheelNotch, ++steps)
        interactor->MouseWheelLeftEvent();
    for (; pending.x() <= -kWheelNotch; pending.rx() += kWheelNotch, ++steps)
        interactor->MouseWheelRightEvent();
    return steps;
}

bool is_forwarded_key(const QKeyEvent& event) {
    // Shortcuts with Ctrl or Alt belong to the application, not to VTK.
    if (event.modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier))
        return false;
    return event.key() == Qt::Key_R;
}

bool forward_key_event(vtkRenderWindowInteractor* interactor, const QKeyEvent& event) {
    if (!is_forwarded_key(event)) return false;
    const QByteArray text = event.text().toLatin1();
    const char key_code = text.isEmpty() ? 'r' : text[0];
    const char key_sym[2] = {key_code, '\0'};
    interactor->SetKeyEventInformation(0, event.modifiers().testFlag(Qt::ShiftModifier) ? 1 : 0,
                                       key_code, event.isAutoRepeat() ? 1 : 0, key_sym);
    if (event.type() == QEvent::KeyPress) {
        interactor->KeyPressEvent();
        interactor->CharEvent();
    } else {
        interactor->KeyReleaseEvent();
    }
    return true;
}

bool forward_event(vtkRenderWindowInteractor* interactor, QEvent& event, double device_pixel_ratio,
                   QPoint& pending_wheel) {
    switch (event.type()) {
        case QEvent::MouseButtonPress:
        case QEvent::MouseButtonRelease:
        case QEvent::MouseButtonDblClick:
            return forward_mouse_event(interactor, static_cast<QMouseEvent&>(event),
                                       device_pixel_ratio);
        case QEvent::MouseMove: {
            // Hover moves (an embedded window gets them without mouse tracking) mean nothing to
            // the trackball style and would only cost event handling.
            const auto& move = static_cast<QMouseEvent&>(event);
            if (move.buttons() == Qt::NoButton) return false;
            return forward_mouse_event(interactor, move, device_pixel_ratio);
        }
        case QEvent::Wheel:
            forward_wheel_event(interactor, static_cast<QWheelEvent&>(event), device_pixel_ratio,
                                pending_wheel);
            return true;
        case QEvent::KeyPress:
        case QEvent::KeyRelease:
            return forward_key_event(interactor, static_cast<QKeyEvent&>(event));
        case QEvent::Enter: {
            const auto& enter = static_cast<QEnterEvent&>(event);
            set_event_position(interactor, enter.position(), enter.modifiers(), device_pixel_ratio);
            interactor->EnterEvent();
            return true;
        }
        case QEvent::Leave:
            interactor->LeaveEvent();
            return true;
        default:
            return false;
    }
}

}  // namespace radon::render
