#pragma once

#include <QDoubleSpinBox>
#include <QSlider>
#include <QString>
#include <QWidget>

namespace radon::ui {

// A slider and a numeric field showing one value. The slider moves in steps of the field's last
// decimal; typing in the field moves the slider. valueChanged is emitted once per change,
// whichever control made it; sliderPressed/Released say when the user holds the handle.
class SliderSpinBox : public QWidget {
    Q_OBJECT

  public:
    SliderSpinBox(double minimum, double maximum, int decimals, const QString& suffix,
                  QWidget* parent = nullptr);

    double value() const { return spin_->value(); }
    double minimum() const { return spin_->minimum(); }
    double maximum() const { return spin_->maximum(); }
    bool isSliderDown() const { return slider_->isSliderDown(); }

    QSlider* slider() const { return slider_; }
    QDoubleSpinBox* spinBox() const { return spin_; }

  public slots:
    // Clamped to the range and rounded to the decimals; emits valueChanged if the value changes.
    void setValue(double value);

  signals:
    void valueChanged(double value);
    void sliderPressed();
    void sliderReleased();

  private:
    int toSlider(double value) const;

    QSlider* slider_;
    QDoubleSpinBox* spin_;
    double slider_units_per_value_;
};

}  // namespace radon::ui
