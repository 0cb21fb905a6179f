#pragma once

#include <QDoubleSpinBox>
#include <QSlider>
#include <QString>
#include <QWidget>

namespace radon::ui {

// A slider and a numeric field showing one value. The slider holds the field's last decimal;
// typing in the field moves the slider. valueChanged is emitted once per change, whichever
// control made it; sliderPressed/Released say when the user holds the handle.
//
// The arrow keys and the wheel move either control by one unit (1° or 1 mm) per press or notch,
// and by the last decimal (0.1° or 0.1 mm) with Shift or Ctrl held: fine positioning without a
// steady hand. Page Up/Down move by ten units.
class SliderSpinBox : public QWidget {
    Q_OBJECT

  public:
    SliderSpinBox(double minimum, double maximum, int decimals, const QString& suffix,
                  QWidget* parent = nullptr);

    double value() const { return spin_->value(); }
    double minimum() const { return spin_->minimum(); }
    double maximum() const { return spin_->maximum(); }
    double fineStep() const { return 1.0 / slider_units_per_value_; }
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

  protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    int toSlider(double value) const;
    // Moves by `steps` units, or by `steps` fine steps when `fine`.
    void step(double steps, bool fine);

    QSlider* slider_;
    QDoubleSpinBox* spin_;
    double slider_units_per_value_;
    int wheel_remainder_ = 0;  // angleDelta not yet turned into steps (fine-grained wheels)
};

}  // namespace radon::ui
