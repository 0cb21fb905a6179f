#include "ui/common/slider_spin_box.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QSignalBlocker>
#include <QWheelEvent>

#include <cmath>

namespace radon::ui {
namespace {

constexpr int kWheelNotch = 120;  // angleDelta of one notch of a common mouse wheel
// Shorter, a slider over 360° moves 3° a pixel: too coarse to aim with.
constexpr int kMinSliderWidth = 120;

bool fine_modifier(Qt::KeyboardModifiers modifiers) {
    return modifiers & (Qt::ShiftModifier | Qt::ControlModifier);
}

}  // namespace

SliderSpinBox::SliderSpinBox(double minimum, double maximum, int decimals, const QString& suffix,
                             QWidget* parent)
    : QWidget(parent),
      slider_(new QSlider(Qt::Horizontal, this)),
      spin_(new QDoubleSpinBox(this)),
      slider_units_per_value_(std::pow(10.0, decimals)) {
    spin_->setDecimals(decimals);
    spin_->setRange(minimum, maximum);
    spin_->setSuffix(suffix);
    spin_->setSingleStep(1.0);
    spin_->setAccelerated(true);
    // Typing "120" must not render 1 and 12 on the way.
    spin_->setKeyboardTracking(false);
    spin_->setMinimumWidth(96);
    slider_->setRange(toSlider(minimum), toSlider(maximum));
    slider_->setMinimumWidth(kMinSliderWidth);
    slider_->setSingleStep(toSlider(1.0));
    slider_->setPageStep(toSlider(10.0));
    slider_->installEventFilter(this);
    spin_->installEventFilter(this);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(slider_, 1);
    layout->addWidget(spin_);

    connect(slider_, &QSlider::valueChanged, this, [this](int position) {
        {
            const QSignalBlocker block(spin_);
            spin_->setValue(position / slider_units_per_value_);
        }
        emit valueChanged(spin_->value());
    });
    connect(spin_, &QDoubleSpinBox::valueChanged, this, [this](double value) {
        {
            const QSignalBlocker block(slider_);
            slider_->setValue(toSlider(value));
        }
        emit valueChanged(value);
    });
    connect(slider_, &QSlider::sliderPressed, this, &SliderSpinBox::sliderPressed);
    connect(slider_, &QSlider::sliderReleased, this, &SliderSpinBox::sliderReleased);
}

int SliderSpinBox::toSlider(double value) const {
    return static_cast<int>(std::lround(value * slider_units_per_value_));
}

void SliderSpinBox::setValue(double value) {
    spin_->setValue(value);
}

void SliderSpinBox::step(double steps, bool fine) {
    // Through the slider's integer positions, so that repeated fine steps never drift.
    const int units = static_cast<int>(std::lround(steps * (fine ? 1 : slider_units_per_value_)));
    spin_->setValue((slider_->value() + units) / slider_units_per_value_);
}

bool SliderSpinBox::eventFilter(QObject* watched, QEvent* event) {
    if (watched != slider_ && watched != spin_) return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::KeyPress) {
        auto* key = static_cast<QKeyEvent*>(event);
        int direction = 0;
        switch (key->key()) {
            case Qt::Key_Up:
            case Qt::Key_Right:
                direction = 1;
                break;
            case Qt::Key_Down:
            case Qt::Key_Left:
                direction = -1;
                break;
            default:
                return false;
        }
        // The field only steps with Up and Down; Left and Right move its text cursor.
        if (watched == spin_ && (key->key() == Qt::Key_Left || key->key() == Qt::Key_Right))
            return false;
        step(direction, fine_modifier(key->modifiers()));
        return true;
    }
    if (event->type() == QEvent::Wheel) {
        auto* wheel = static_cast<QWheelEvent*>(event);
        // Qt turns Shift + wheel into a horizontal scroll on some platforms.
        QPoint delta = wheel->angleDelta();
        wheel_remainder_ += delta.y() != 0 ? delta.y() : delta.x();
        const int notches = wheel_remainder_ / kWheelNotch;
        wheel_remainder_ -= notches * kWheelNotch;
        if (notches != 0) step(notches, fine_modifier(wheel->modifiers()));
        wheel->accept();
        return true;
    }
    return false;
}

}  // namespace radon::ui
