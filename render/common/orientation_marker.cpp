#include "render/common/orientation_marker.h"

#include <vtkAxesActor.h>
#include <vtkCaptionActor2D.h>
#include <vtkNew.h>
#include <vtkOrientationMarkerWidget.h>
#include <vtkRenderWindowInteractor.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>

namespace radon::render {

namespace {

void style_label(vtkCaptionActor2D* caption) {
    vtkTextProperty* text = caption->GetCaptionTextProperty();
    text->SetFontSize(16);
    text->BoldOn();
    text->ItalicOff();
    text->ShadowOff();
    // Captions scale their text to a box by default: fixed points keep labels legible.
    caption->GetTextActor()->SetTextScaleModeToNone();
}

}  // namespace

struct OrientationMarker::Impl {
    vtkNew<vtkAxesActor> axes;
    vtkNew<vtkOrientationMarkerWidget> widget;
};

OrientationMarker::OrientationMarker(vtkRenderWindowInteractor* interactor, vtkRenderer* renderer)
    : impl_(std::make_unique<Impl>()) {
    Impl& d = *impl_;
    d.axes->SetXAxisLabelText("L");
    d.axes->SetYAxisLabelText("P");
    d.axes->SetZAxisLabelText("S");
    style_label(d.axes->GetXAxisCaptionActor2D());
    style_label(d.axes->GetYAxisCaptionActor2D());
    style_label(d.axes->GetZAxisCaptionActor2D());

    d.widget->SetOrientationMarker(d.axes);
    d.widget->SetInteractor(interactor);
    // The marker follows this renderer's camera, not whichever renderer was clicked last.
    d.widget->SetDefaultRenderer(renderer);
    d.widget->SetViewport(0.0, 0.0, 0.2, 0.2);
    d.widget->SetEnabled(1);
    d.widget->InteractiveOff();
}

OrientationMarker::~OrientationMarker() {
    impl_->widget->SetEnabled(0);
}

void OrientationMarker::set_label_color(double red, double green, double blue) {
    vtkAxesActor* axes = impl_->axes;
    for (vtkCaptionActor2D* caption :
         {axes->GetXAxisCaptionActor2D(), axes->GetYAxisCaptionActor2D(),
          axes->GetZAxisCaptionActor2D()})
        caption->GetCaptionTextProperty()->SetColor(red, green, blue);
}

vtkAxesActor* OrientationMarker::axes() const {
    return impl_->axes;
}
vtkOrientationMarkerWidget* OrientationMarker::widget() const {
    return impl_->widget;
}

}  // namespace radon::render
