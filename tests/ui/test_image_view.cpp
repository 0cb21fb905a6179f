// The shared image view of the PET and CT workspaces: where pixels land on screen, the ticks of
// its axes, the window (automatic, dragged, held), click against drag, the hover readout and the
// highlighted pixels; and the round-number ticks every view and plot uses.

#include <QApplication>
#include <QMenu>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QWheelEvent>
#include <QtTest>

#include <cmath>

#include "recon/io/image_io.h"
#include "tests/common/test_registry.h"
#include "ui/common/axis_ticks.h"
#include "ui/common/image_view.h"

using radon::recon::Image2D;
using radon::recon::Window;
using radon::ui::ImageAxis;
using radon::ui::ImageView;

namespace {

// Pixel (c, r) holds c + 1000 r: every value says where it came from.
Image2D ramp(int64_t width, int64_t height) {
    Image2D image = Image2D::allocate(width, height, 1, 1);
    for (int64_t r = 0; r < height; ++r)
        for (int64_t c = 0; c < width; ++c)
            image.pixels[r * width + c] = static_cast<float>(c + 1000 * r);
    return image;
}

Image2D constant(int64_t width, int64_t height, float value) {
    Image2D image = Image2D::allocate(width, height, 1, 1);
    for (int64_t i = 0; i < width * height; ++i)
        image.pixels[i] = value;
    return image;
}

void send_mouse(QWidget* w, QEvent::Type type, QPointF at, Qt::MouseButton button,
                Qt::MouseButtons buttons, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QMouseEvent event(type, at, w->mapToGlobal(at), button, buttons, modifiers);
    QApplication::sendEvent(w, &event);
}

void drag(QWidget* w, QPointF from, QPointF to, Qt::MouseButton button,
          Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    send_mouse(w, QEvent::MouseButtonPress, from, button, button, modifiers);
    send_mouse(w, QEvent::MouseMove, 0.5 * (from + to), Qt::NoButton, button, modifiers);
    send_mouse(w, QEvent::MouseMove, to, Qt::NoButton, button, modifiers);
    send_mouse(w, QEvent::MouseButtonRelease, to, button, Qt::NoButton, modifiers);
}

void click(QWidget* w, QPointF at, Qt::MouseButton button = Qt::LeftButton,
           Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    send_mouse(w, QEvent::MouseButtonPress, at, button, button, modifiers);
    send_mouse(w, QEvent::MouseButtonRelease, at, button, Qt::NoButton, modifiers);
}

bool near(QPointF a, QPointF b, double tolerance = 1e-6) {
    return std::fabs(a.x() - b.x()) <= tolerance && std::fabs(a.y() - b.y()) <= tolerance;
}

bool same(const Window& a, const Window& b) {
    return std::fabs(a.level - b.level) <= 1e-9 * std::max(1.0, std::fabs(a.level)) &&
           std::fabs(a.width - b.width) <= 1e-9 * std::max(1.0, a.width);
}

// The centre of pixel (c, r) from the drawn rectangle alone: the image's outer edges are
// imageRect(), split evenly into columns and rows.
QPointF pixel_centre(const ImageView& view, double c, double r) {
    const QRectF rect = view.imageRect();
    return {rect.left() + (c + 0.5) * rect.width() / view.image().width(),
            rect.top() + (r + 0.5) * rect.height() / view.image().height()};
}

bool is_round_step(double step) {
    const double decade = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (std::fabs(step - m * decade) <= 1e-9 * step) return true;
    return false;
}

}  // namespace

class TestImageView : public QObject {
    Q_OBJECT

  private slots:
    void round_ticks_are_one_two_or_five_times_a_power_of_ten() {
        using namespace radon::ui;
        QCOMPARE(nice_step(10, 5), 2.0);
        QCOMPARE(nice_step(384, 3), 200.0);
        QCOMPARE(nice_step(0.7, 4), 0.2);
        QCOMPARE(nice_step(0, 4), 0.0);
        QCOMPARE(nice_length(0.7), 0.5);
        QCOMPARE(linear_ticks(0, 10, 5), (QVector<double>{0, 2, 4, 6, 8, 10}));
        QCOMPARE(linear_ticks(10, 0, 5), (QVector<double>{0, 2, 4, 6, 8, 10}));
        // Multiples of the step, zero exactly zero.
        const QVector<double> small = linear_ticks(-0.35, 0.35, 4);
        QCOMPARE(small.size(), 3);
        QCOMPARE(small[1], 0.0);
        QVERIFY(std::fabs(small[0] + 0.2) < 1e-12 && std::fabs(small[2] - 0.2) < 1e-12);
        QCOMPARE(linear_ticks(3, 3, 4), QVector<double>{3});
        QVERIFY(linear_ticks(0, std::nan(""), 4).isEmpty());

        // As dense as labels 28 px wide with 12 px between them allow: 50 mm steps would be
        // 25 px apart on a 360 mm axis of 180 px, 100 mm steps are 50 px apart.
        const auto label_28 = [](const QString&) { return 28.0; };
        QCOMPARE(fitting_ticks(-180, 180, 180, label_28, 12), (QVector<double>{-100, 0, 100}));
        QCOMPARE(fitting_ticks(-180, 180, 600, label_28, 12),
                 (QVector<double>{-150, -100, -50, 0, 50, 100, 150}));
        QCOMPARE(fitting_ticks(-180, 180, 10, label_28, 12), (QVector<double>{0}));

        QCOMPARE(log_ticks(1e-3, 1e3, 6), (QVector<double>{1e-3, 1e-2, 1e-1, 1, 10, 100, 1000}));
        // Too many decades for the room: every second one, keeping 10^0.
        QCOMPARE(log_ticks(1e-3, 1e3, 3), (QVector<double>{1e-2, 1, 100}));
        // Less than two decades: 1, 2 and 5 times them.
        QCOMPARE(log_ticks(2, 80, 6), (QVector<double>{2, 5, 10, 20, 50}));
        QVERIFY(log_ticks(-1, 10, 4).isEmpty());
        // Minor ticks: the decades left out, and 2..9 times each over a few decades.
        QCOMPARE(log_minor_ticks(1e-3, 1e3, {1e-2, 1, 100}),
                 (QVector<double>{1e-3, 1e-1, 10, 1000}));
        QCOMPARE(log_minor_ticks(0.5, 30, {1, 10}),
                 (QVector<double>{0.5, 0.6, 0.7, 0.8, 0.9, 2, 3, 4, 5, 6, 7, 8, 9, 20, 30}));
        QVERIFY(log_ticks(0, 10, 4).isEmpty());

        QCOMPARE(tick_label(0.25, 0.25), QString("0.25"));
        QCOMPARE(tick_label(0.2 + 0.1 - 0.3, 0.1), QString("0"));
        QCOMPARE(tick_label(150, 50), QString("150"));
        QCOMPARE(tick_label(-1.5, 0.5), QString("-1.5"));
        QCOMPARE(tick_label(2e-5, 1e-5), QString("2e-05"));
        QCOMPARE(tick_label(3e6, 1e6), QString("3e+06"));
        // Large values ticked finely keep the digits that tell them apart.
        QCOMPARE(tick_label(-12310000, 10000), QString("-1.231e+07"));
        QCOMPARE(tick_label(1.00002, 0.00001), QString("1.00002"));
    }

    void pixels_land_where_the_drawn_rectangle_says_with_their_aspect() {
        ImageView view;
        view.resize(600, 400);
        view.setImage(ramp(100, 50));
        view.setPixelAspect(2.0);  // rows 2 mm, columns 1 mm
        const QRectF area = view.imageArea();
        const QRectF rect = view.imageRect();
        // Fitted: centred, one side filling the area, and a pixel twice as tall as wide.
        QVERIFY(near(rect.center(), area.center(), 1e-9));
        QVERIFY(std::fabs(rect.width() - area.width()) < 1e-9 ||
                std::fabs(rect.height() - area.height()) < 1e-9);
        QVERIFY(rect.width() <= area.width() + 1e-9 && rect.height() <= area.height() + 1e-9);
        const double pixel_w = rect.width() / 100, pixel_h = rect.height() / 50;
        QVERIFY(std::fabs(pixel_h / pixel_w - 2.0) < 1e-9);
        // A known widget point: the centre of pixel (37, 12), and its top-left edge.
        QVERIFY(near(view.imagePosition(pixel_centre(view, 37, 12)), QPointF(37, 12), 1e-9));
        QVERIFY(near(view.imagePosition(rect.topLeft()), QPointF(-0.5, -0.5), 1e-9));
        QVERIFY(near(view.imagePosition(rect.bottomRight()), QPointF(99.5, 49.5), 1e-9));
        QVERIFY(near(view.widgetPosition({37, 12}), pixel_centre(view, 37, 12), 1e-9));

        // Zooming about a point keeps the image point under it.
        const QPointF anchor = pixel_centre(view, 20, 30);
        QWheelEvent wheel(anchor, view.mapToGlobal(anchor), QPoint(), QPoint(0, 240), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        QVERIFY(near(view.imagePosition(anchor), QPointF(20, 30), 1e-9));
        QVERIFY(std::fabs(view.imageRect().width() - 1.44 * rect.width()) < 1e-6);
        // A double click fits again.
        send_mouse(&view, QEvent::MouseButtonDblClick, anchor, Qt::LeftButton, Qt::LeftButton);
        QVERIFY(near(view.imageRect().topLeft(), rect.topLeft(), 1e-9));
    }

    void axes_tick_round_values_of_first_plus_index_times_step() {
        ImageView view;
        view.resize(640, 420);
        view.setImage(ramp(180, 120));
        // Radial bins of 2 mm centred on 0 (bin 0 at -179 mm); views every 1.5 degrees.
        view.setAxes({"radial", "mm", -179.0, 2.0}, {"view angle", "deg", 0.0, 1.5});
        // The pixel edges span -180 .. 180 mm and -0.75 .. 179.25 degrees.
        for (const bool columns : {true, false}) {
            const QVector<double> ticks = columns ? view.columnTicks() : view.rowTicks();
            const double low = columns ? -180 : -0.75, high = columns ? 180 : 179.25;
            QVERIFY2(ticks.size() >= 3, qPrintable(QString::number(ticks.size())));
            const double step = ticks[1] - ticks[0];
            QVERIFY(is_round_step(step));
            for (int i = 0; i < ticks.size(); ++i) {
                QVERIFY(ticks[i] >= low - 1e-9 && ticks[i] <= high + 1e-9);
                QVERIFY(std::fabs(ticks[i] / step - std::round(ticks[i] / step)) < 1e-9);
                if (i > 0) QVERIFY(std::fabs(ticks[i] - ticks[i - 1] - step) < 1e-9 * step);
            }
            // None left out at either end.
            QVERIFY(ticks.front() - step < low && ticks.back() + step > high);
            QVERIFY(ticks.contains(0.0));
        }
        // Ticks follow the part in view: zoomed on bins 80..100, they lie within their values.
        const QPointF anchor = pixel_centre(view, 90, 60);
        QWheelEvent wheel(anchor, view.mapToGlobal(anchor), QPoint(), QPoint(0, 120 * 12),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        const double left = -179 + 2 * view.imagePosition(view.imageArea().topLeft()).x();
        const double right = -179 + 2 * view.imagePosition(view.imageArea().bottomRight()).x();
        const QVector<double> zoomed = view.columnTicks();
        QVERIFY(zoomed.size() >= 2);
        QVERIFY(zoomed.front() >= left && zoomed.back() <= right);
        QVERIFY(zoomed[1] - zoomed[0] < 20);

        // A decreasing axis (values falling to the right) is ticked as well.
        view.setAxes({"x", "mm", 100.0, -1.0}, {"", "", 0.0, 0.0});
        view.fitToView();
        const QVector<double> falling = view.columnTicks();
        QVERIFY(falling.size() >= 3);
        QVERIFY(falling.front() >= 100 - 179.5 && falling.back() <= 100.5);
        QVERIFY(view.rowTicks().isEmpty());  // a step of 0 means no scale
    }

    void window_follows_new_images_until_set_by_hand_then_holds() {
        ImageView view;
        view.resize(500, 400);
        QSignalSpy changed(&view, &ImageView::windowChanged);
        const Image2D first = ramp(40, 30);
        view.setImage(first);
        QVERIFY(same(view.window(), radon::recon::automatic_window(first)));
        QVERIFY(!view.windowHeld());
        QCOMPARE(changed.count(), 1);
        const Image2D brighter = constant(40, 30, 5000);
        view.setImage(brighter);
        QVERIFY(same(view.window(), radon::recon::automatic_window(brighter)));

        // A right drag 200 px right and 100 px up: width times e, level up by half a width.
        view.setImage(first);
        const Window before = view.window();
        const QPointF from = view.imageArea().center();
        QSignalSpy clicked(&view, &ImageView::pixelClicked);
        drag(&view, from, from + QPointF(200, -100), Qt::RightButton);
        QVERIFY(view.windowHeld());
        QVERIFY(same(view.window(), {before.level + 0.5 * before.width, before.width * M_E}));
        QCOMPARE(clicked.count(), 0);
        // Ctrl + left drag does the same, starting from the window now on screen.
        const Window dragged = view.window();
        drag(&view, from, from + QPointF(0, 40), Qt::LeftButton, Qt::ControlModifier);
        QVERIFY(same(view.window(), {dragged.level - 0.2 * dragged.width, dragged.width}));
        QCOMPARE(clicked.count(), 0);

        // Held across new images ...
        const Window held = view.window();
        view.setImage(brighter);
        QVERIFY(same(view.window(), held));
        // ... and the display uses it.
        QCOMPARE(qGray(view.displayImage().pixel(3, 3)),
                 static_cast<int>(radon::recon::png_level(5000.0f, held, 8)));
        // ... until reset.
        view.resetWindow();
        QVERIFY(!view.windowHeld());
        QVERIFY(same(view.window(), radon::recon::automatic_window(brighter)));

        // setWindow holds too; a window no image can have is refused.
        view.setWindow({10, 4});
        QVERIFY(view.windowHeld());
        view.setWindow({10, 0});
        view.setWindow({std::nan(""), 4});
        QVERIFY(same(view.window(), {10, 4}));
        view.setImage(first);
        QVERIFY(same(view.window(), {10, 4}));
        QCOMPARE(qGray(view.displayImage().pixel(10, 0)), 128);  // value 10 at the level

        // A right click without a drag offers the automatic window back.
        QVERIFY(view.windowHeld());
        click(&view, view.imageArea().center(), Qt::RightButton);
        auto* menu = view.findChild<QMenu*>();
        QVERIFY(menu);
        QAction* automatic = nullptr;
        for (QAction* action : menu->actions())
            if (action->text() == "Automatic window") automatic = action;
        QVERIFY(automatic && !automatic->isChecked());
        automatic->trigger();
        QVERIFY(!view.windowHeld());
        QVERIFY(same(view.window(), radon::recon::automatic_window(first)));
        menu->close();

        // A caller's automatic window replaces the computed one.
        view.resetWindow();
        view.setImage(first, Window{-3, 2});
        QVERIFY(same(view.window(), {-3, 2}));
        view.resetWindow();
        QVERIFY(same(view.window(), {-3, 2}));
    }

    void a_click_picks_a_pixel_a_drag_pans_and_picks_none() {
        ImageView view;
        view.resize(500, 400);
        view.setImage(ramp(20, 10));
        QSignalSpy clicked(&view, &ImageView::pixelClicked);
        click(&view, pixel_centre(view, 13, 7) + QPointF(2, -1));  // inside pixel (13, 7)
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.at(0).at(0).toInt(), 13);
        QCOMPARE(clicked.at(0).at(1).toInt(), 7);

        // A press that moves only within the click tolerance is still a click.
        const QPointF at = pixel_centre(view, 4, 2);
        send_mouse(&view, QEvent::MouseButtonPress, at, Qt::LeftButton, Qt::LeftButton);
        send_mouse(&view, QEvent::MouseMove, at + QPointF(1, 1), Qt::NoButton, Qt::LeftButton);
        send_mouse(&view, QEvent::MouseButtonRelease, at + QPointF(1, 1), Qt::LeftButton,
                   Qt::NoButton);
        QCOMPARE(clicked.count(), 2);
        QCOMPARE(clicked.at(1).at(0).toInt(), 4);

        // A drag of 30 px pans the image by 30 px and picks nothing.
        const QRectF before = view.imageRect();
        const QPointF image_point = view.imagePosition(at);
        drag(&view, at, at + QPointF(30, -12), Qt::LeftButton);
        QCOMPARE(clicked.count(), 2);
        QVERIFY(near(view.imageRect().topLeft(), before.topLeft() + QPointF(30, -12), 1e-9));
        QVERIFY(near(view.imagePosition(at + QPointF(30, -12)), image_point, 1e-9));

        // Right and Ctrl clicks set no pixel; clicks beside the image neither.
        click(&view, pixel_centre(view, 5, 5), Qt::RightButton);
        click(&view, pixel_centre(view, 5, 5), Qt::LeftButton, Qt::ControlModifier);
        click(&view, view.imageRect().topLeft() - QPointF(3, 3));
        QCOMPARE(clicked.count(), 2);
    }

    void hovering_reads_out_the_pixel_and_says_when_it_leaves() {
        ImageView view;
        view.resize(500, 400);
        view.setImage(ramp(20, 10));
        QSignalSpy hovered(&view, &ImageView::pixelHovered);
        QSignalSpy left(&view, &ImageView::cursorLeftImage);
        send_mouse(&view, QEvent::MouseMove, pixel_centre(view, 6, 3), Qt::NoButton, Qt::NoButton);
        QCOMPARE(hovered.count(), 1);
        QCOMPARE(hovered.at(0).at(0).toInt(), 6);
        QCOMPARE(hovered.at(0).at(1).toInt(), 3);
        QCOMPARE(hovered.at(0).at(2).toDouble(), 3006.0);
        // The status-bar readout, in the axes' terms.
        view.setAxes({"radial", "mm", -19.0, 2.0}, {"view angle", "deg", 0.0, 1.5});
        QCOMPARE(view.describePixel(6, 3),
                 QString("radial -7 mm, view angle 4.5 deg (pixel 6, 3): 3006"));
        view.setAxes({}, {});
        QCOMPARE(view.describePixel(6, 3), QString("pixel 6, 3: 3006"));
        QCOMPARE(view.describePixel(20, 3), QString());
        send_mouse(&view, QEvent::MouseMove, view.imageRect().bottomRight() + QPointF(2, 2),
                   Qt::NoButton, Qt::NoButton);
        QCOMPARE(left.count(), 1);
    }

    void highlighted_pixels_are_outlined_or_filled_in_their_colour() {
        ImageView view;
        view.resize(500, 400);
        view.setImage(constant(4, 4, 0), Window{0.5, 1});  // black
        const QColor colour(0, 255, 0);
        view.setHighlight({{1, 2}, {9, 9}}, colour);  // (9, 9) lies outside and is ignored
        QCOMPARE(view.highlight().size(), 2);
        QImage shot = view.grab().toImage();
        const QRectF rect = view.imageRect();
        const double pw = rect.width() / 4, ph = rect.height() / 4;
        auto at = [&](double c, double r, QPointF offset) {
            const QPointF p = QPointF(rect.left() + c * pw, rect.top() + r * ph) + offset;
            return shot.pixelColor(p.toPoint());
        };
        // Large pixels: the outline, 2 px inside each pixel's edge; the middle stays the image.
        QCOMPARE(at(1, 2.5, {1, 0}), colour);
        QCOMPARE(at(2, 2.5, {-1, 0}), colour);
        QCOMPARE(at(1.5, 2, {0, 1}), colour);
        QCOMPARE(at(1.5, 2.5, {0, 0}), QColor(0, 0, 0));
        QCOMPARE(at(2, 1.5, {1, 0}), QColor(0, 0, 0));  // another pixel: not outlined

        // Pixels of a screen pixel or two are filled: an outline would hide them anyway.
        view.setImage(constant(150, 150, 0), Window{0.5, 1});
        view.setHighlight({{70, 100}}, colour);
        shot = view.grab().toImage();
        QCOMPARE(shot.pixelColor(view.widgetPosition({70, 100}).toPoint()), colour);
        QCOMPARE(shot.pixelColor(view.widgetPosition({90, 100}).toPoint()), QColor(0, 0, 0));
        view.setHighlight({});
        shot = view.grab().toImage();
        QCOMPARE(shot.pixelColor(view.widgetPosition({70, 100}).toPoint()), QColor(0, 0, 0));
    }

    void a_squeezed_view_keeps_room_for_the_image() {
        ImageView view;
        view.setImage(ramp(30, 20));
        view.resize(600, 400);
        const double roomy = view.imageArea().width();
        QVERIFY(roomy > 300);
        view.setColourBarShown(false);  // the room the bar took goes to the image
        QVERIFY(view.imageArea().width() > roomy + 50);
        view.setColourBarShown(true);
        // Too narrow for axes, bar and image: the bar gives way, then the axes; the image keeps
        // at least 64 px.
        for (const QSize size : {QSize(200, 160), QSize(120, 100), QSize(70, 70)}) {
            view.resize(size);
            QVERIFY2(view.imageArea().width() >= std::min(64, size.width() - 10),
                     qPrintable(QString::number(view.imageArea().width())));
            QVERIFY(view.imageArea().height() >= std::min(64, size.height() - 30));
            view.grab();
        }
    }

    void clear_and_empty_images_show_nothing_and_do_not_crash() {
        ImageView view;
        view.resize(300, 200);
        QVERIFY(!view.hasImage());
        QVERIFY(view.columnTicks().isEmpty());
        click(&view, {150, 100});
        view.grab();
        view.setImage(ramp(3, 2));
        QVERIFY(view.hasImage());
        view.clear();
        QVERIFY(!view.hasImage());
        QVERIFY(view.displayImage().isNull());
        view.setImage(Image2D{});
        QVERIFY(!view.hasImage());
        view.grab();
    }
};

RADON_TEST_CLASS(TestImageView);
#include "test_image_view.moc"
