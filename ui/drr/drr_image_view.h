#pragma once

#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QWidget>

#include <optional>

#include "kernels/core/vec.h"
#include "recon/image2d.h"
#include "recon/io/image_io.h"
#include "ui/common/window_preset.h"

namespace radon::ui {

// Where a DRR's pixels lie in the patient, for the view's orientation letters and scale bar.
struct DrrImageGeometry {
    Vec3 column_direction{1, 0, 0};  // LPS, towards increasing column (ProjectionGeometry)
    Vec3 row_direction{0, 0, -1};    // LPS, towards increasing row
    double magnification = 0;        // SDD / SAD: detector mm per isocentre mm; 0 unknown
};

// Shows a float image (a DRR) in grey through a display window, with a colour bar labelled with
// the window's values and named with what they are (line integral, transmission in counts, log,
// MIP in 1/mm). Pixels are drawn with their physical aspect (pixel spacing), so a preview with
// fewer, larger pixels covers the same area as the full image and the view does not jump. With a
// geometry, each image edge carries the patient directions it faces (docs/CONVENTIONS.md: R on
// the left at AP) and a scale bar gives millimetres on the detector and at the isocentre.
//
// Mouse: left drag pans; right drag or Ctrl + left drag changes the window (horizontal: width,
// vertical: level); the wheel zooms about the cursor; a double click fits the image; a right
// click without dragging offers the window presets. The window follows each new image while a
// preset is active and stays fixed once set by hand, until an image of other values arrives
// (another DRR output or projection): the window then follows the last preset again, since
// numbers chosen for line integrals mean nothing for counts. "Hold window" keeps the window of
// the image on screen for the images that follow (other poses), as long as their values are of
// the same kind.
class DrrImageView : public QWidget {
    Q_OBJECT

  public:
    explicit DrrImageView(QWidget* parent = nullptr);

    // `automatic` is recon::automatic_window(image) when the caller has it already (the DRR
    // worker computes it off the UI thread). `values` says what the pixels are.
    void setImage(const recon::Image2D& image,
                  const std::optional<recon::Window>& automatic = std::nullopt,
                  const DrrValues& values = {},
                  const std::optional<DrrImageGeometry>& geometry = std::nullopt);
    const recon::Image2D& image() const { return image_; }
    bool hasImage() const { return image_.pixels.bound(); }

    recon::Window window() const { return window_; }
    // The preset the window follows; empty once the window was set by hand.
    std::optional<WindowPreset> windowPreset() const { return preset_; }
    const QImage& displayImage() const { return display_; }

    // Where the image's outer pixel edges lie, in widget coordinates.
    QRectF imageRect() const;
    // Continuous image coordinates (column, row; pixel centres at whole numbers) of a widget point.
    QPointF imagePosition(const QPointF& widget_point) const;
    double screenPixelsPerMm() const { return scale_; }

    bool holdsWindow() const { return hold_window_; }
    // The colour bar's title ("line integral p (dimensionless)", "transmission I (counts)", ...)
    // and where its grey ramp is drawn.
    QString colourBarTitle() const;
    QRectF colourRampRect() const;
    // The patient directions the image's left, right, top and bottom edges face ("R", "LA", ...;
    // empty without a geometry).
    struct EdgeLetters {
        QString left, right, top, bottom;
    };
    EdgeLetters edgeLetters() const;
    // The scale bar's length in detector mm (1, 2 or 5 times a power of ten) and its label; 0
    // when no image is shown.
    double scaleBarMm() const;
    QString scaleBarLabel() const;
    // A warning about the image on screen, drawn as a banner across its top (the detector cuts
    // through the volume, say); empty for none. The full sentence is the banner's tooltip.
    void setWarning(const QString& banner, const QString& details = {});
    QString warning() const { return warning_; }

    QSize sizeHint() const override { return {640, 640}; }
    QSize minimumSizeHint() const override { return {200, 160}; }

  public slots:
    void setWindow(double level, double width);
    void applyWindowPreset(radon::ui::WindowPreset preset);
    void fitToView();
    void setHoldWindow(bool hold);

  signals:
    void windowChanged(double level, double width);
    void holdWindowChanged(bool hold);
    void pixelHovered(int column, int row, double value);
    void cursorLeftImage();

  protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void leaveEvent(QEvent* event) override;

  private:
    enum class Drag { None, Pan, Window };

    QRectF imageArea() const;  // the widget less the colour bar
    QPointF extentMm() const;
    QPointF toScreen(const QPointF& mm) const;
    QPointF toMm(const QPointF& screen) const;
    void applyWindow(const recon::Window& window);
    void reportCursor(const QPointF& widget_point);
    int colourBarWidth() const;
    void drawColourBar(QPainter& painter) const;
    void drawEdgeLetters(QPainter& painter) const;
    void drawScaleBar(QPainter& painter) const;
    void drawWarning(QPainter& painter) const;
    void showPresetMenu(const QPoint& global_position);

    recon::Image2D image_;
    std::optional<recon::Window> automatic_;
    QImage display_;
    recon::Window window_;
    std::optional<WindowPreset> preset_ = WindowPreset::Automatic;
    WindowPreset last_preset_ = WindowPreset::Automatic;  // kept while the window is set by hand
    DrrValues values_;
    std::optional<DrrImageGeometry> geometry_;
    bool hold_window_ = false;
    QString warning_;

    // The view: the millimetre point (from the image's top-left edge) at the centre of the image
    // area, and the zoom. While `follow_fit_` is set the view refits on every resize.
    QPointF center_mm_;
    double scale_ = 1.0;
    bool follow_fit_ = true;

    Drag drag_ = Drag::None;
    QPointF press_position_;
    QPointF press_center_mm_;
    recon::Window press_window_;
    bool dragged_ = false;
    std::optional<QPointF> hover_;
    bool cursor_inside_ = false;
};

}  // namespace radon::ui
