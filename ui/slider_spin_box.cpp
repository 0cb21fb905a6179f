#include "ui/slider_spin_box.h"

#include <QHBoxLayout>
#include <QSignalBlocker>

#include <cmath>

namespace radon::ui {

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
    slider_->setPageStep(static_cast<int>(10 * slider_units_per_value_));

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

}  // namespace radon::ui
