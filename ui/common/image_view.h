#pragma once

#include <QImage>
#include <QPoint>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QVector>
#include <QWidget>

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
// double click fits the image. The window follows each new image (automatic window) until set by
// hand or by setWindow(); then it holds until resetWindow().
class ImageView : public QWidget {
    Q_OBJECT

  public:
    explicit ImageView(QWidget* parent = nullptr);

    void setImage(const recon::Image2D& image);
    const recon::Image2D& image() const { return image_; }
    bool hasImage() const { return image_.pixels.bound(); }
    void clear();

    void setAxes(const ImageAxis& columns, const ImageAxis& rows);
    const ImageAxis& columnAxis() const { return columns_; }
    const ImageAxis& rowAxis() const { return rows_; }
    // Display height of a pixel over its width (row step over column step in mm; 1 by default).
    void setPixelAspect(double height_over_width);
    // Letters naming the patient directions the edges face (slices); empty strings draw none.
    void setEdgeLetters(const QString& left, const QString& right, const QString& top,
                        const QString& bottom);
    void setColourBarTitle(const QString& title);
    QString colourBarTitle() const { return colour_bar_title_; }
    // A line of text drawn across the top of the image ("plane 12: segment 0, rings 6-6").
    void setCaption(const QString& caption);

    recon::Window window() const { return window_; }
    void setWindow(const recon::Window& window);  // holds it for the images that follow
    void resetWindow();                           // back to the automatic window
    bool windowHeld() const { return window_held_; }

    // Pixels (column, row) outlined in `colour`; an empty list clears them.
    void setHighlight(const QVector<QPoint>& pixels, const QColor& colour = QColor(255, 140, 0));
    const QVector<QPoint>& highlight() const { return highlight_; }

    const QImage& displayImage() const { return display_; }
    // Where the image's outer pixel edges lie, in widget coordinates.
    QRectF imageRect() const;
    // Continuous image coordinates (column, row; pixel centres at whole numbers) of a widget point.
    QPointF imagePosition(const QPointF& widget_point) const;

  signals:
    void pixelHovered(int column, int row, double value);
    void pixelClicked(int column, int row);
    void cursorLeftImage();
    void windowChanged(double level, double width);

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
    void refreshDisplay();
    void fit();

    recon::Image2D image_;
    QImage display_;
    ImageAxis columns_, rows_;
    double pixel_aspect_ = 1;
    QString letters_[4];
    QString colour_bar_title_;
    QString caption_;
    recon::Window window_;
    bool window_held_ = false;
    QVector<QPoint> highlight_;
    QColor highlight_colour_;
    double scale_ = 0;  // screen pixels per image column; 0: fit on the next layout
    QPointF centre_;    // image position at the view's centre
    QPoint press_at_;
    int drag_mode_ = 0;
    bool dragged_ = false;
    recon::Window press_window_;
    QPointF press_centre_;
};

}  // namespace radon::ui
