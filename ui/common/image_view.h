#pragma once

#include <QImage>
#include <QPoint>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QVector>
#include <QWidget>

#include <array>
#include <optional>

#include "recon/image2d.h"
#include "recon/io/image_io.h"

namespace radon::ui {

// What one image axis means: pixel index i sits at value first + i * step, in `unit`
// ("view angle", 0, 1.5, "deg"). The view draws ticks at round values along the bottom (columns)
// and the left (rows) edges, labelled "label (unit)".
struct ImageAxis {
    QString label;
    QString unit;
    double first = 0;
    double step = 1;
};

// A float image (a sinogram plane, a projection, a slice) in grey through a display window, for
// every view of the PET and CT workspaces. Pixels keep their physical aspect (setPixelAspect);
// the axes carry labelled ticks; a colour bar names what the values are; highlighted pixels
// (the bins of a picked crystal, a picked bin) are outlined in colour above the image.
//
// Mouse: left click picks a pixel (pixelClicked); left drag pans; right drag or Ctrl + left drag
// changes the window (horizontal: width, vertical: level); the wheel zooms about the cursor; a
// double click fits the image; a right click without a drag offers the automatic window and a
// fit. The window follows each new image (automatic window) until set by
// hand or by setWindow(); then it holds until resetWindow().
class ImageView : public QWidget {
    Q_OBJECT

  public:
    explicit ImageView(QWidget* parent = nullptr);

    // `automatic` replaces recon::automatic_window(image) as the window the view follows: the
    // caller's when it has it already (computed off the UI thread), or one shared by several
    // images (the slices of one volume).
    void setImage(const recon::Image2D& image,
                  const std::optional<recon::Window>& automatic = std::nullopt);
    const recon::Image2D& image() const { return image_; }
    bool hasImage() const { return image_.pixels.bound(); }
    void clear();

    void setAxes(const ImageAxis& columns, const ImageAxis& rows);
    const ImageAxis& columnAxis() const { return columns_; }
    const ImageAxis& rowAxis() const { return rows_; }
    // A readout of a pixel for a status bar, in the axes' terms:
    // "radial 13 mm, view angle 45 deg (pixel 96, 30): 0.734". Empty outside the image.
    QString describePixel(int column, int row) const;
    // Display height of a pixel over its width (row step over column step in mm; 1 by default).
    void setPixelAspect(double height_over_width);
    // Letters naming the patient directions the edges face (slices); empty strings draw none.
    void setEdgeLetters(const QString& left, const QString& right, const QString& top,
                        const QString& bottom);
    // left, right, top, bottom
    std::array<QString, 4> edgeLetters() const {
        return {letters_[0], letters_[1], letters_[2], letters_[3]};
    }
    double pixelAspect() const { return pixel_aspect_; }
    void setColourBarTitle(const QString& title);
    QString colourBarTitle() const { return colour_bar_title_; }
    // Views side by side that share one window need one colour bar between them: the others hide
    // theirs, and their images get the room.
    void setColourBarShown(bool shown);
    bool colourBarShown() const { return colour_bar_shown_; }
    // A line of text drawn across the top of the image ("plane 12: segment 0, rings 6-6").
    void setCaption(const QString& caption);
    QString caption() const { return caption_; }

    recon::Window window() const { return window_; }
    void setWindow(const recon::Window& window);  // holds it for the images that follow
    void resetWindow();                           // back to the automatic window
    bool windowHeld() const { return window_held_; }

    // Pixels (column, row) outlined in `colour`; an empty list clears them.
    void setHighlight(const QVector<QPoint>& pixels, const QColor& colour = QColor(255, 140, 0));
    const QVector<QPoint>& highlight() const { return highlight_; }
    QColor highlightColour() const { return highlight_colour_; }
    // Thin lines across the image through the centre of a pixel (the voxel the other slice views
    // go through); nullopt removes them.
    void setCrosshair(const std::optional<QPoint>& pixel);
    std::optional<QPoint> crosshair() const { return crosshair_; }

    const QImage& displayImage() const { return display_; }
    // Where the image's outer pixel edges lie, in widget coordinates.
    QRectF imageRect() const;
    // Continuous image coordinates (column, row; pixel centres at whole numbers) of a widget point.
    QPointF imagePosition(const QPointF& widget_point) const;
    // The inverse: the widget point of continuous image coordinates.
    QPointF widgetPosition(const QPointF& image_position) const;
    // The values at which the bottom and left axes carry ticks, for the part of the image in view.
    QVector<double> columnTicks() const;
    QVector<double> rowTicks() const;
    // The widget less the axes, the caption line and the colour bar: where the image is drawn.
    QRectF imageArea() const;
    QSize sizeHint() const override { return {480, 420}; }
    QSize minimumSizeHint() const override { return {240, 180}; }

  public slots:
    void fitToView();

  signals:
    void pixelHovered(int column, int row, double value);
    void pixelClicked(int column, int row);
    void cursorLeftImage();
    void windowChanged(double level, double width);
    // resetWindow() was called (from the menu or by a caller): the window follows images again.
    void windowReset();

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
    struct Drag;
    // Where the image, the axes and the colour bar go in the widget's present size.
    struct Layout {
        QRectF area;
        bool left_axis = true, bottom_axis = true, colour_bar = true;
    };
    Layout layout() const;
    void refreshDisplay();
    void fit();
    void applyWindow(const recon::Window& window);
    void reportCursor(const QPointF& widget_point);
    QVector<double> ticks(bool columns) const;
    void drawAxis(QPainter& painter, bool columns) const;
    void drawHighlight(QPainter& painter) const;
    void drawCrosshair(QPainter& painter) const;
    void drawEdgeLetters(QPainter& painter) const;
    void drawCaption(QPainter& painter) const;
    void showMenu(const QPoint& global_position);

    recon::Image2D image_;
    QImage display_;
    ImageAxis columns_, rows_;
    double pixel_aspect_ = 1;
    QString letters_[4];
    QString colour_bar_title_;
    bool colour_bar_shown_ = true;
    QString caption_;
    recon::Window window_;
    std::optional<recon::Window> automatic_;  // the caller's, else computed from the image
    bool window_held_ = false;
    QVector<QPoint> highlight_;
    QColor highlight_colour_;
    std::optional<QPoint> crosshair_;
    double scale_ = 0;        // screen pixels per image column; 0: fit on the next layout
    QPointF centre_;          // image position at the view's centre
    bool follow_fit_ = true;  // refit on resize and on images of a new size, until zoomed or panned
    QPointF press_at_;
    int drag_mode_ = 0;
    bool dragged_ = false;
    recon::Window press_window_;
    QPointF press_centre_;
    std::optional<QPointF> hover_;
    bool cursor_inside_ = false;
};

}  // namespace radon::ui
