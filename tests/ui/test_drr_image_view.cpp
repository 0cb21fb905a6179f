// The DRR view: window/level mapping and presets, physical aspect, zoom about the cursor, pan,
// the pixel readout, the colour bar, and the cost of the float -> 8-bit conversion.

#include <QApplication>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QWheelEvent>
#include <QtTest>

#include <cmath>

#include "kernels/geometry/projection_geometry.h"
#include "recon/io/image_io.h"
#include "tests/common/test_registry.h"
#include "ui/common/patient_direction.h"
#include "ui/common/window_preset.h"
#include "ui/common/windowed_image.h"
#include "ui/drr/drr_image_view.h"

using radon::recon::Image2D;
using radon::recon::Window;
using radon::ui::DrrImageGeometry;
using radon::ui::DrrImageView;
using radon::ui::DrrValues;
using radon::ui::WindowPreset;

namespace {

// Pixel (c, r) holds c + 1000 r: every value says where it came from.
Image2D ramp(int64_t width, int64_t height, double sx = 1.0, double sy = 1.0) {
    Image2D image = Image2D::allocate(width, height, sx, sy);
    for (int64_t r = 0; r < height; ++r)
        for (int64_t c = 0; c < width; ++c)
            image.pixels[r * width + c] = static_cast<float>(c + 1000 * r);
    return image;
}

void send_mouse(QWidget* w, QEvent::Type type, QPointF at, Qt::MouseButton button,
                Qt::MouseButtons buttons, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QMouseEvent event(type, at, w->mapToGlobal(at), button, buttons, modifiers);
    QApplication::sendEvent(w, &event);
}

void send_wheel(QWidget* w, QPointF at, int notches) {
    QWheelEvent event(at, w->mapToGlobal(at), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &event);
}

bool near(QPointF a, QPointF b, double tolerance = 1e-6) {
    return std::fabs(a.x() - b.x()) <= tolerance && std::fabs(a.y() - b.y()) <= tolerance;
}

}  // namespace

class TestDrrImageView : public QObject {
    Q_OBJECT

  private slots:
    void window_maps_values_to_grey_levels() {
        DrrImageView view;
        view.resize(400, 300);
        Image2D image = Image2D::allocate(4, 1, 1, 1);
        const float values[4] = {90.0f, 100.0f, 150.0f, 200.0f};
        for (int i = 0; i < 4; ++i)
            image.pixels[i] = values[i];
        view.setImage(image);
        QSignalSpy spy(&view, &DrrImageView::windowChanged);
        view.setWindow(150, 100);
        QCOMPARE(spy.count(), 1);
        QVERIFY(!view.windowPreset());
        const QImage& shown = view.displayImage();
        QCOMPARE(shown.format(), QImage::Format_Grayscale8);
        QCOMPARE(qGray(shown.pixel(0, 0)), 0);    // below the window
        QCOMPARE(qGray(shown.pixel(1, 0)), 0);    // its lower end
        QCOMPARE(qGray(shown.pixel(2, 0)), 128);  // its level (127.5 rounded)
        QCOMPARE(qGray(shown.pixel(3, 0)), 255);  // its upper end
    }

    void presets_follow_new_images_until_the_window_is_set_by_hand() {
        DrrImageView view;
        view.resize(400, 300);
        const Image2D first = ramp(50, 40);
        view.setImage(first);
        QVERIFY(view.windowPreset() == WindowPreset::Automatic);
        const Window automatic = radon::recon::automatic_window(first);
        QCOMPARE(view.window().level, automatic.level);
        QCOMPARE(view.window().width, automatic.width);

        view.applyWindowPreset(WindowPreset::FullRange);
        QCOMPARE(view.window().level - 0.5 * view.window().width, 0.0);
        QCOMPARE(view.window().level + 0.5 * view.window().width, 49.0 + 1000 * 39);
        // Bone shows the upper part of the automatic range, soft tissue the lower part.
        view.applyWindowPreset(WindowPreset::Bone);
        QVERIFY(view.window().level > automatic.level);
        view.applyWindowPreset(WindowPreset::SoftTissue);
        QVERIFY(view.window().level < automatic.level);

        view.applyWindowPreset(WindowPreset::Automatic);
        Image2D brighter = ramp(50, 40);
        for (int64_t i = 0; i < brighter.pixels.size(); ++i)
            brighter.pixels[i] += 500;
        view.setImage(brighter);
        QCOMPARE(view.window().level, automatic.level + 500);

        // An automatic window found elsewhere (on the DRR worker) is used as given.
        view.setImage(first, Window{123, 45});
        QCOMPARE(view.window().level, 123.0);
        QCOMPARE(view.window().width, 45.0);

        view.setWindow(10, 20);
        view.setImage(first);
        QCOMPARE(view.window().level, 10.0);
        QCOMPARE(view.window().width, 20.0);
    }

    void pixels_keep_their_physical_aspect() {
        DrrImageView view;
        view.resize(500, 400);
        view.setImage(ramp(100, 50, 1.0, 4.0));  // 100 x 200 mm
        const QRectF shown = view.imageRect();
        QVERIFY(std::fabs(shown.height() / shown.width() - 2.0) < 1e-9);
        QVERIFY(shown.height() <= view.height() + 1e-9);

        // The same panel with half the pixels (a preview) lands on the same rectangle.
        view.setImage(ramp(50, 25, 2.0, 8.0));
        QVERIFY(near(view.imageRect().topLeft(), shown.topLeft()));
        QVERIFY(near(view.imageRect().bottomRight(), shown.bottomRight()));
    }

    void wheel_zooms_about_the_cursor_and_drag_pans() {
        DrrImageView view;
        view.resize(500, 400);
        view.setImage(ramp(120, 80));
        const QPointF cursor(150, 120);
        const QPointF under = view.imagePosition(cursor);
        const double scale = view.screenPixelsPerMm();
        send_wheel(&view, cursor, 2);
        QVERIFY(view.screenPixelsPerMm() > 1.3 * scale);
        QVERIFY(near(view.imagePosition(cursor), under, 1e-9));
        send_wheel(&view, cursor, -2);
        QVERIFY(std::fabs(view.screenPixelsPerMm() - scale) < 1e-9);

        const QPointF before = view.imageRect().topLeft();
        send_mouse(&view, QEvent::MouseButtonPress, {200, 200}, Qt::LeftButton, Qt::LeftButton);
        send_mouse(&view, QEvent::MouseMove, {230, 190}, Qt::NoButton, Qt::LeftButton);
        send_mouse(&view, QEvent::MouseButtonRelease, {230, 190}, Qt::LeftButton, Qt::NoButton);
        QVERIFY(near(view.imageRect().topLeft(), before + QPointF(30, -10), 1e-9));

        view.fitToView();
        QVERIFY(near(view.imageRect().topLeft(), before, 1e-9));
    }

    void right_drag_and_ctrl_drag_change_the_window() {
        DrrImageView view;
        view.resize(500, 400);
        view.setImage(ramp(60, 60));
        const Window start = view.window();
        QSignalSpy spy(&view, &DrrImageView::windowChanged);
        send_mouse(&view, QEvent::MouseButtonPress, {100, 100}, Qt::RightButton, Qt::RightButton);
        send_mouse(&view, QEvent::MouseMove, {160, 100}, Qt::NoButton, Qt::RightButton);
        send_mouse(&view, QEvent::MouseButtonRelease, {160, 100}, Qt::RightButton, Qt::NoButton);
        QVERIFY(spy.count() >= 1);
        QVERIFY(view.window().width > start.width);  // right: wider
        QCOMPARE(view.window().level, start.level);
        QVERIFY(!view.windowPreset());

        const Window wide = view.window();
        send_mouse(&view, QEvent::MouseButtonPress, {100, 100}, Qt::LeftButton, Qt::LeftButton,
                   Qt::ControlModifier);
        send_mouse(&view, QEvent::MouseMove, {100, 60}, Qt::NoButton, Qt::LeftButton,
                   Qt::ControlModifier);
        send_mouse(&view, QEvent::MouseButtonRelease, {100, 60}, Qt::LeftButton, Qt::NoButton,
                   Qt::ControlModifier);
        QVERIFY(view.window().level > wide.level);  // up: higher level
        QCOMPARE(view.window().width, wide.width);
    }

    void cursor_reports_pixel_and_value() {
        DrrImageView view;
        view.resize(500, 400);
        view.setImage(ramp(40, 30, 1.0, 2.0));
        QSignalSpy hovered(&view, &DrrImageView::pixelHovered);
        QSignalSpy left(&view, &DrrImageView::cursorLeftImage);
        const QRectF r = view.imageRect();
        const double px = r.width() / 40, py = r.height() / 30;
        // The centre of pixel (7, 11).
        send_mouse(&view, QEvent::MouseMove, r.topLeft() + QPointF(7.5 * px, 11.5 * py),
                   Qt::NoButton, Qt::NoButton);
        QCOMPARE(hovered.count(), 1);
        QCOMPARE(hovered.at(0).at(0).toInt(), 7);
        QCOMPARE(hovered.at(0).at(1).toInt(), 11);
        QCOMPARE(hovered.at(0).at(2).toDouble(), 7.0 + 1000 * 11);
        // A new image under a still cursor reports the new value.
        Image2D other = ramp(40, 30, 1.0, 2.0);
        other.pixels[11 * 40 + 7] = -3.5f;
        view.setImage(other);
        QCOMPARE(hovered.count(), 2);
        QCOMPARE(hovered.at(1).at(2).toDouble(), -3.5);

        send_mouse(&view, QEvent::MouseMove, r.topLeft() - QPointF(5, 5), Qt::NoButton,
                   Qt::NoButton);
        QCOMPARE(left.count(), 1);
    }

    void colour_bar_runs_from_black_to_white() {
        DrrImageView view;
        view.resize(500, 400);
        view.setImage(ramp(40, 30));
        const QImage shot = view.grab().toImage();
        const QRectF ramp_rect = view.colourRampRect();
        const int x = static_cast<int>(ramp_rect.center().x());
        QVERIFY(qGray(shot.pixel(x, static_cast<int>(ramp_rect.top()) + 4)) > 230);
        QVERIFY(qGray(shot.pixel(x, static_cast<int>(ramp_rect.bottom()) - 4)) < 25);
    }

    void colour_bar_labels_stay_inside_and_name_the_quantity() {
        DrrImageView view;
        view.resize(500, 400);
        // Counts with long labels: "-1.235e+05" at the bottom of the window.
        Image2D counts = Image2D::allocate(2, 1, 1, 1);
        counts.pixels[0] = -123456.0f;
        counts.pixels[1] = 987654.0f;
        DrrValues transmission;
        transmission.output.kind = radon::DrrOutputKind::Transmission;
        transmission.output.i0 = 1e6f;
        view.setImage(counts, std::nullopt, transmission);
        view.setWindow(-123456, 1e-3);
        QCOMPARE(view.colourBarTitle(), QString("transmission I (counts)"));
        const QImage shot = view.grab().toImage();
        // Nothing but background in the last columns: no label runs off the edge.
        const QRgb background = shot.pixel(shot.width() - 1, 0);
        for (int x = shot.width() - 3; x < shot.width(); ++x)
            for (int y = 0; y < shot.height(); ++y)
                QVERIFY2(shot.pixel(x, y) == background,
                         qPrintable(QString("x %1 y %2").arg(x).arg(y)));
        // And text between the ramp and the edge (labels and title).
        int text = 0;
        for (int x = static_cast<int>(view.colourRampRect().right()) + 3; x < shot.width(); ++x)
            for (int y = 0; y < shot.height(); ++y)
                text += shot.pixel(x, y) != background;
        QVERIFY(text > 200);

        DrrValues line;
        QCOMPARE(view.colourBarTitle(), QString("transmission I (counts)"));
        view.setImage(counts, std::nullopt, line);
        QCOMPARE(view.colourBarTitle(), QString("line integral p (dimensionless)"));
        DrrValues log;
        log.output.kind = radon::DrrOutputKind::Log;
        log.output.i0 = 1e5f;
        view.setImage(counts, std::nullopt, log);
        QVERIFY(view.colourBarTitle().startsWith("log ln(I0/I)"));
        DrrValues mip;
        mip.reduction = radon::DrrReduction::Max;
        view.setImage(counts, std::nullopt, mip);
        QVERIFY(view.colourBarTitle().endsWith("(1/mm)"));
    }

    void hold_window_keeps_the_window_across_images_of_the_same_kind() {
        DrrImageView view;
        view.resize(400, 300);
        view.setImage(ramp(50, 40));
        const Window first = view.window();
        QSignalSpy held(&view, &DrrImageView::holdWindowChanged);
        view.setHoldWindow(true);
        QCOMPARE(held.count(), 1);
        // Another pose: other values, the same window; the preset stays named.
        Image2D brighter = ramp(50, 40);
        for (int64_t i = 0; i < brighter.pixels.size(); ++i)
            brighter.pixels[i] = 3 * brighter.pixels[i] + 5000;
        view.setImage(brighter);
        QCOMPARE(view.window().level, first.level);
        QCOMPARE(view.window().width, first.width);
        QVERIFY(view.windowPreset() == WindowPreset::Automatic);
        // Values of another kind need a window of their own.
        DrrValues counts;
        counts.output.kind = radon::DrrOutputKind::Transmission;
        view.setImage(brighter, std::nullopt, counts);
        QVERIFY(view.window().level != first.level);
        // Released: the window follows each image again.
        view.setHoldWindow(false);
        view.setImage(ramp(50, 40), std::nullopt, counts);
        QCOMPARE(view.window().level, radon::recon::automatic_window(ramp(50, 40)).level);
    }

    void edges_are_labelled_with_the_patient_directions_of_the_conventions() {
        // docs/CONVENTIONS.md: at AP the patient's right is on the image's left and the head at
        // the top; at PA the patient's left is on the left; at LAT-L anterior is on the left
        // (posterior on the right); LAT-R the mirror of it.
        struct Case {
            radon::CArmPreset preset;
            const char *left, *right, *top, *bottom;
        };
        for (const Case c : {Case{radon::CArmPreset::AP, "R", "L", "S", "I"},
                             Case{radon::CArmPreset::PA, "L", "R", "S", "I"},
                             Case{radon::CArmPreset::LatLeft, "A", "P", "S", "I"},
                             Case{radon::CArmPreset::LatRight, "P", "A", "S", "I"}}) {
            const radon::CArmPose pose = radon::preset_pose(c.preset);
            const radon::ProjectionGeometry g =
                radon::carm_projection(pose, radon::Detector{}, {0, 0, 0});
            DrrImageView view;
            view.resize(400, 300);
            view.setImage(ramp(20, 20), std::nullopt, {},
                          DrrImageGeometry{radon::normalized(g.column_step),
                                           radon::normalized(g.row_step), pose.sdd / pose.sad});
            const DrrImageView::EdgeLetters letters = view.edgeLetters();
            QCOMPARE(letters.left, QString(c.left));
            QCOMPARE(letters.right, QString(c.right));
            QCOMPARE(letters.top, QString(c.top));
            QCOMPARE(letters.bottom, QString(c.bottom));
        }
        // Oblique: LAO 30 turns the columns towards posterior, CRAN 20 the rows.
        QCOMPARE(radon::ui::patient_direction_letters({0.866, 0.5, 0}), std::string("LP"));
        QCOMPARE(radon::ui::patient_direction_letters({0.99, 0.1, 0}), std::string("L"));
        QCOMPARE(radon::ui::patient_direction_letters({0, 0, 0}), std::string());
        // Without a geometry there is nothing to say.
        DrrImageView plain;
        plain.setImage(ramp(10, 10));
        QVERIFY(plain.edgeLetters().left.isEmpty());
    }

    void the_scale_bar_is_a_round_length_with_the_isocentre_length() {
        DrrImageView view;
        view.resize(600, 400);
        DrrImageGeometry where;
        where.magnification = 1020.0 / 850.0;
        view.setImage(ramp(512, 512, 0.8, 0.8), std::nullopt, {}, where);  // 409.6 mm
        const double mm = view.scaleBarMm();
        const double mantissa = mm / std::pow(10.0, std::floor(std::log10(mm)));
        QVERIFY2(std::fabs(mantissa - 1) < 1e-9 || std::fabs(mantissa - 2) < 1e-9 ||
                     std::fabs(mantissa - 5) < 1e-9,
                 qPrintable(QString::number(mm)));
        // At most a quarter of the view, and more than a tenth of it.
        const double shown_px = mm * view.screenPixelsPerMm();
        const double area = view.imageRect().width();
        QVERIFY(shown_px <= 0.25 * (view.width() - view.colourRampRect().width()) + 1e-9);
        QVERIFY(shown_px > 0.1 * area);
        const QString label = view.scaleBarLabel();
        QVERIFY2(label.contains(QString("%1 mm at the detector").arg(mm)), qPrintable(label));
        QVERIFY2(label.contains(QString::number(mm / where.magnification, 'g', 3) +
                                " mm at the isocentre") &&
                     label.contains("1.20"),
                 qPrintable(label));
        // Zoomed in, the bar shortens with the view.
        view.fitToView();
        const QPointF centre = view.imageRect().center();
        QWheelEvent zoom(centre, view.mapToGlobal(centre), QPoint(), QPoint(0, 120 * 8),
                         Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &zoom);
        QVERIFY(view.scaleBarMm() < mm);
    }

    void conversion_to_grey_is_one_cheap_pass() {
        Image2D image = ramp(1500, 1500);
        const Window window = radon::recon::automatic_window(image);
        QImage grey;
        QElapsedTimer timer;
        double best_ms = 1e9;
        for (int i = 0; i < 5; ++i) {
            timer.start();
            grey = radon::ui::windowed_image(image, window);
            best_ms = std::min(best_ms, 1e-6 * timer.nsecsElapsed());
        }
        qInfo("float -> 8-bit of 1500x1500 pixels: %.1f ms (best of 5)", best_ms);
        QCOMPARE(grey.width(), 1500);
        std::vector<unsigned char> row(1500);
        radon::recon::window_to_bytes(image.pixels.host_data() + 1499 * 1500, 1500, window,
                                      row.data());
        QVERIFY(std::memcmp(grey.constScanLine(1499), row.data(), row.size()) == 0);
        QVERIFY2(best_ms < 1000, "generous bound: the target is well under 50 ms");
    }
};

RADON_TEST_CLASS(TestDrrImageView);
#include "test_drr_image_view.moc"
