// The three slice views of a volume: each slice holds the volume's voxels through the cursor
// (checked against the array, for grids pointing either way), the edge letters follow the grid's
// direction, a click in one view moves the others, the sliders move the slices, one window serves
// all three, and a live update of the same grid keeps what the user chose.

#include <QApplication>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QSlider>
#include <QWheelEvent>
#include <QtTest>

#include <cmath>

#include "tests/common/test_registry.h"
#include "ui/common/image_view.h"
#include "ui/common/orthogonal_slices.h"

using radon::Mat3;
using radon::Vec3;
using radon::VolumeGrid;
using radon::recon::Volume;
using radon::recon::Window;
using radon::ui::ImageView;
using radon::ui::OrthogonalSlices;

namespace {

constexpr int64_t kNx = 7, kNy = 5, kNz = 4;

// Voxel (x, y, z) holds x + 100 y + 10000 z (+ offset): every value says where it came from.
Volume coded_volume(const Mat3& direction = Mat3::identity(), float offset = 0) {
    VolumeGrid grid;
    grid.size = {kNx, kNy, kNz};
    grid.spacing = {1, 2, 3};
    grid.origin = {-10, -20, -30};
    grid.direction = direction;
    Volume volume = Volume::allocate(grid, radon::recon::VoxelUnit::Hounsfield);
    for (int64_t z = 0; z < kNz; ++z)
        for (int64_t y = 0; y < kNy; ++y)
            for (int64_t x = 0; x < kNx; ++x)
                volume.voxels[x + kNx * (y + kNy * z)] = float(x + 100 * y + 10000 * z) + offset;
    return volume;
}

float voxel(const Volume& v, int64_t x, int64_t y, int64_t z) {
    return v.voxels[x + kNx * (y + kNy * z)];
}

float pixel(const ImageView* view, int64_t c, int64_t r) {
    return view->image().pixels[r * view->image().width() + c];
}

void click(QWidget* w, QPointF at) {
    QMouseEvent press(QEvent::MouseButtonPress, at, w->mapToGlobal(at), Qt::LeftButton,
                      Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(w, &press);
    QMouseEvent release(QEvent::MouseButtonRelease, at, w->mapToGlobal(at), Qt::LeftButton,
                        Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(w, &release);
}

void right_drag(QWidget* w, QPointF from, QPointF to) {
    QMouseEvent press(QEvent::MouseButtonPress, from, w->mapToGlobal(from), Qt::RightButton,
                      Qt::RightButton, Qt::NoModifier);
    QApplication::sendEvent(w, &press);
    QMouseEvent move(QEvent::MouseMove, to, w->mapToGlobal(to), Qt::NoButton, Qt::RightButton,
                     Qt::NoModifier);
    QApplication::sendEvent(w, &move);
    QMouseEvent release(QEvent::MouseButtonRelease, to, w->mapToGlobal(to), Qt::RightButton,
                        Qt::NoButton, Qt::NoModifier);
    QApplication::sendEvent(w, &release);
}

bool same(const Window& a, const Window& b) {
    return std::fabs(a.level - b.level) < 1e-9 && std::fabs(a.width - b.width) < 1e-9;
}

QStringList letters(const ImageView* view) {
    const auto l = view->edgeLetters();
    return {l[0], l[1], l[2], l[3]};
}

// The voxel a slice's pixel (c, r) must hold, with the columns and rows of each view counted as
// the index or against it.
struct Expected {
    bool flip_x, flip_y, flip_z;
    int64_t x(int64_t i) const { return flip_x ? kNx - 1 - i : i; }
    int64_t y(int64_t i) const { return flip_y ? kNy - 1 - i : i; }
    int64_t z(int64_t i) const { return flip_z ? kNz - 1 - i : i; }
};

// Every pixel of the three slices against the array.
void check_slices(const OrthogonalSlices& slices, const Volume& v, const Expected& e) {
    const auto cursor = slices.cursor();
    const ImageView* axial = slices.axial();
    QCOMPARE(axial->image().width(), kNx);
    QCOMPARE(axial->image().height(), kNy);
    for (int64_t r = 0; r < kNy; ++r)
        for (int64_t c = 0; c < kNx; ++c)
            QCOMPARE(pixel(axial, c, r), voxel(v, e.x(c), e.y(r), cursor[2]));
    const ImageView* coronal = slices.coronal();
    QCOMPARE(coronal->image().width(), kNx);
    QCOMPARE(coronal->image().height(), kNz);
    for (int64_t r = 0; r < kNz; ++r)
        for (int64_t c = 0; c < kNx; ++c)
            QCOMPARE(pixel(coronal, c, r), voxel(v, e.x(c), cursor[1], e.z(r)));
    const ImageView* sagittal = slices.sagittal();
    QCOMPARE(sagittal->image().width(), kNy);
    QCOMPARE(sagittal->image().height(), kNz);
    for (int64_t r = 0; r < kNz; ++r)
        for (int64_t c = 0; c < kNy; ++c)
            QCOMPARE(pixel(sagittal, c, r), voxel(v, cursor[0], e.y(c), e.z(r)));
}

}  // namespace

class TestOrthogonalSlices : public QObject {
    Q_OBJECT

  private slots:
    void slices_hold_the_voxels_through_the_cursor_with_radiological_letters() {
        OrthogonalSlices slices;
        slices.resize(1200, 400);
        const Volume v = coded_volume();
        slices.setVolume(v, "CT number (HU)");
        // The cursor starts at the centre voxel.
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{3, 2, 2}));
        // LPS identity: x to the left (shown on the right), y to the back (shown at the bottom of
        // the axial view), z up (shown at the top: coronal and sagittal rows run against z).
        check_slices(slices, v, {false, false, true});
        QCOMPARE(letters(slices.axial()), (QStringList{"R", "L", "A", "P"}));
        QCOMPARE(letters(slices.coronal()), (QStringList{"R", "L", "S", "I"}));
        QCOMPARE(letters(slices.sagittal()), (QStringList{"A", "P", "S", "I"}));
        // Millimetre aspect: rows over columns.
        QCOMPARE(slices.axial()->pixelAspect(), 2.0);
        QCOMPARE(slices.coronal()->pixelAspect(), 3.0);
        QCOMPARE(slices.sagittal()->pixelAspect(), 1.5);
        QCOMPARE(slices.axial()->colourBarTitle(), QString("CT number (HU)"));
        // Axes in LPS mm: axial column 0 is x = -10, a column 1 mm further.
        QCOMPARE(slices.axial()->columnAxis().first, -10.0);
        QCOMPARE(slices.axial()->columnAxis().step, 1.0);
        QCOMPARE(slices.axial()->columnAxis().unit, QString("mm"));
        // Coronal row 0 is the top slice, z = -30 + 3 * 3 = -21, falling 3 mm a row.
        QCOMPARE(slices.coronal()->rowAxis().first, -21.0);
        QCOMPARE(slices.coronal()->rowAxis().step, -3.0);
        // The crosshair marks the cursor in each view.
        QCOMPARE(*slices.axial()->crosshair(), QPoint(3, 2));
        QCOMPARE(*slices.coronal()->crosshair(), QPoint(3, kNz - 1 - 2));
        QCOMPARE(*slices.sagittal()->crosshair(), QPoint(2, kNz - 1 - 2));
        slices.grab();

        // Another cursor: the slices follow.
        slices.setCursor({0, 4, 1});
        check_slices(slices, v, {false, false, true});
        // Outside the grid: clamped.
        slices.setCursor({-5, 99, 2});
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{0, kNy - 1, 2}));
    }

    void a_grid_pointing_the_other_way_is_shown_reversed_with_the_same_letters() {
        OrthogonalSlices slices;
        slices.resize(1200, 400);
        // x towards the patient's right (a NIfTI's usual flip) and z towards the feet.
        Mat3 flipped;
        flipped.m[0][0] = -1;
        flipped.m[2][2] = -1;
        const Volume v = coded_volume(flipped);
        slices.setVolume(v, "HU");
        check_slices(slices, v, {true, false, false});
        QCOMPARE(letters(slices.axial()), (QStringList{"R", "L", "A", "P"}));
        QCOMPARE(letters(slices.coronal()), (QStringList{"R", "L", "S", "I"}));
        QCOMPARE(letters(slices.sagittal()), (QStringList{"A", "P", "S", "I"}));
        // The axis values still rise to the patient's left: column 0 is the voxel x = 6, at
        // world x = -10 - 6.
        QCOMPARE(slices.axial()->columnAxis().first, -16.0);
        QCOMPARE(slices.axial()->columnAxis().step, 1.0);
        // A pixel maps back to the voxel it shows.
        QCOMPARE(slices.voxelAt(OrthogonalSlices::Axial, 0, 1),
                 (std::array<int64_t, 3>{kNx - 1, 1, slices.cursor()[2]}));
        QCOMPARE(slices.pixelOf(OrthogonalSlices::Axial, {kNx - 1, 1, 0}), QPoint(0, 1));
    }

    void an_oblique_grid_says_so_in_its_letters() {
        OrthogonalSlices slices;
        slices.resize(1200, 400);
        // Rotated 30 degrees about S: x towards left and back, y towards back and right.
        const double c = std::cos(M_PI / 6), s = std::sin(M_PI / 6);
        const Mat3 rotated = Mat3::from_columns({c, s, 0}, {-s, c, 0}, {0, 0, 1});
        const Volume v = coded_volume(rotated);
        slices.setVolume(v, "HU");
        check_slices(slices, v, {false, false, true});
        QCOMPARE(letters(slices.axial()), (QStringList{"RA", "LP", "AL", "PR"}));
    }

    void a_grid_stored_sagittally_shows_its_axial_slices_in_the_axial_view() {
        OrthogonalSlices slices;
        slices.resize(1200, 400);
        // i towards P, j towards I, k towards L: the axial planes are those of constant j.
        const Mat3 sagittal = Mat3::from_columns({0, 1, 0}, {0, 0, -1}, {1, 0, 0});
        const Volume v = coded_volume(sagittal);
        slices.setVolume(v, "HU");
        const auto cursor = slices.cursor();
        // Axial: columns k (towards L), rows i (towards P), the slice at the cursor's j.
        const ImageView* axial = slices.axial();
        QCOMPARE(axial->image().width(), kNz);
        QCOMPARE(axial->image().height(), kNx);
        for (int64_t r = 0; r < kNx; ++r)
            for (int64_t c = 0; c < kNz; ++c)
                QCOMPARE(pixel(axial, c, r), voxel(v, r, cursor[1], c));
        // Coronal: columns k, rows j (towards I already), the slice at the cursor's i.
        const ImageView* coronal = slices.coronal();
        QCOMPARE(coronal->image().width(), kNz);
        QCOMPARE(coronal->image().height(), kNy);
        for (int64_t r = 0; r < kNy; ++r)
            for (int64_t c = 0; c < kNz; ++c)
                QCOMPARE(pixel(coronal, c, r), voxel(v, cursor[0], r, c));
        // Sagittal: columns i (towards P), rows j, the slice at the cursor's k.
        const ImageView* sagittal_view = slices.sagittal();
        for (int64_t r = 0; r < kNy; ++r)
            for (int64_t c = 0; c < kNx; ++c)
                QCOMPARE(pixel(sagittal_view, c, r), voxel(v, c, r, cursor[2]));
        QCOMPARE(letters(slices.axial()), (QStringList{"R", "L", "A", "P"}));
        QCOMPARE(letters(slices.coronal()), (QStringList{"R", "L", "S", "I"}));
        QCOMPARE(letters(slices.sagittal()), (QStringList{"A", "P", "S", "I"}));
        // The axial slider runs over j; a click maps back to (i, j, k).
        QCOMPARE(slices.slider(OrthogonalSlices::Axial)->maximum(), int(kNy - 1));
        QCOMPARE(slices.voxelAt(OrthogonalSlices::Axial, 3, 6),
                 (std::array<int64_t, 3>{6, cursor[1], 3}));
        // Millimetre aspect: axial rows are i (1 mm), columns k (3 mm).
        QCOMPARE(slices.axial()->pixelAspect(), 1.0 / 3.0);
    }

    void a_click_in_one_view_moves_the_other_two() {
        OrthogonalSlices slices;
        slices.resize(1200, 400);
        const Volume v = coded_volume();
        slices.setVolume(v, "HU");
        QSignalSpy moved(&slices, &OrthogonalSlices::cursorChanged);
        // Axial pixel (5, 1) is voxel (5, 1, z): the coronal view goes to y = 1, the sagittal to
        // x = 5, and the axial slice stays.
        ImageView* axial = slices.axial();
        click(axial, axial->widgetPosition({5, 1}));
        QCOMPARE(moved.count(), 1);
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{5, 1, 2}));
        check_slices(slices, v, {false, false, true});
        QCOMPARE(slices.coronal()->image().pixels[0], voxel(v, 0, 1, kNz - 1));
        QCOMPARE(slices.sagittal()->image().pixels[0], voxel(v, 5, 0, kNz - 1));
        // Sagittal pixel (4, 0) is voxel (5, 4, top z).
        ImageView* sagittal = slices.sagittal();
        click(sagittal, sagittal->widgetPosition({4, 0}));
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{5, 4, kNz - 1}));
        check_slices(slices, v, {false, false, true});
        QCOMPARE(*slices.axial()->crosshair(), QPoint(5, 4));
        // The sliders show the slices and move them.
        QCOMPARE(slices.slider(OrthogonalSlices::Axial)->value(), int(kNz - 1));
        QCOMPARE(slices.slider(OrthogonalSlices::Sagittal)->value(), 5);
        slices.slider(OrthogonalSlices::Coronal)->setValue(0);
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{5, 0, kNz - 1}));
        check_slices(slices, v, {false, false, true});
        // Keys over a view step its slice; the cursor stays in the grid.
        QKeyEvent up(QEvent::KeyPress, Qt::Key_Up, Qt::NoModifier);
        QApplication::sendEvent(slices.sagittal(), &up);
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{6, 0, kNz - 1}));
        QKeyEvent page_down(QEvent::KeyPress, Qt::Key_PageDown, Qt::NoModifier);
        QApplication::sendEvent(slices.axial(), &page_down);
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{6, 0, 0}));
        QKeyEvent down(QEvent::KeyPress, Qt::Key_Down, Qt::NoModifier);
        QApplication::sendEvent(slices.sagittal(), &down);
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{5, 0, 0}));
        QKeyEvent page_up(QEvent::KeyPress, Qt::Key_PageUp, Qt::NoModifier);
        QApplication::sendEvent(slices.axial(), &page_up);
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{5, 0, kNz - 1}));
        check_slices(slices, v, {false, false, true});

        // Hovering names the voxel and its value.
        QSignalSpy hovered(&slices, &OrthogonalSlices::voxelHovered);
        ImageView* coronal = slices.coronal();
        const QPointF at = coronal->widgetPosition({2, 3});
        QMouseEvent move(QEvent::MouseMove, at, coronal->mapToGlobal(at), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(coronal, &move);
        QCOMPARE(hovered.count(), 1);
        QCOMPARE(hovered.at(0).at(0).value<int64_t>(), 2);
        QCOMPARE(hovered.at(0).at(1).value<int64_t>(), 0);
        QCOMPARE(hovered.at(0).at(2).value<int64_t>(), 0);
        QCOMPARE(hovered.at(0).at(3).toDouble(), double(voxel(v, 2, 0, 0)));
    }

    void one_window_serves_all_three_and_live_updates_keep_it() {
        OrthogonalSlices slices;
        slices.resize(1200, 400);
        const Volume v = coded_volume();
        slices.setVolume(v, "HU");
        // The automatic window is the whole volume's, in all three.
        radon::recon::Image2D all;
        all.pixels =
            radon::Array<float>::alias(const_cast<float*>(v.voxels.host_data()), v.grid.size);
        const Window automatic = radon::recon::automatic_window(all);
        for (const ImageView* view : {slices.axial(), slices.coronal(), slices.sagittal()})
            QVERIFY(same(view->window(), automatic));
        QVERIFY(!slices.windowHeld());

        // A window dragged in the coronal view is the window of all three.
        QSignalSpy window_changed(&slices, &OrthogonalSlices::windowChanged);
        ImageView* coronal = slices.coronal();
        const QPointF centre = coronal->imageRect().center();
        right_drag(coronal, centre, centre + QPointF(-60, 30));
        QVERIFY(!same(coronal->window(), automatic));
        QVERIFY(same(slices.axial()->window(), coronal->window()));
        QVERIFY(same(slices.sagittal()->window(), coronal->window()));
        QVERIFY(same(slices.window(), coronal->window()));
        QVERIFY(slices.windowHeld());
        QVERIFY(window_changed.count() >= 1);
        const Window chosen = coronal->window();

        // A live update on the same grid (the next OSEM iteration) keeps cursor, window and the
        // zoom and pan of each view.
        slices.setCursor({1, 1, 1});
        ImageView* axial = slices.axial();
        const QPointF anchor = axial->imageRect().center();
        QWheelEvent wheel(anchor, axial->mapToGlobal(anchor), QPoint(), QPoint(0, 360),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(axial, &wheel);
        const QRectF zoomed = axial->imageRect();
        const Volume next = coded_volume(Mat3::identity(), 50000);
        slices.setVolume(next, "HU");
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{1, 1, 1}));
        QVERIFY(same(slices.window(), chosen));
        QCOMPARE(axial->imageRect(), zoomed);
        check_slices(slices, next, {false, false, true});

        // setWindow sets all three; resetWindow goes back to the volume's automatic window.
        slices.setWindow({7, 3});
        for (const ImageView* view : {slices.axial(), slices.coronal(), slices.sagittal()})
            QVERIFY(same(view->window(), {7, 3}));
        slices.resetWindow();
        QVERIFY(!slices.windowHeld());
        all.pixels =
            radon::Array<float>::alias(const_cast<float*>(next.voxels.host_data()), next.grid.size);
        for (const ImageView* view : {slices.axial(), slices.coronal(), slices.sagittal()})
            QVERIFY(same(view->window(), radon::recon::automatic_window(all)));

        // The automatic window chosen in one view (its menu) is that of all three.
        slices.setWindow({7, 3});
        slices.sagittal()->resetWindow();
        QVERIFY(!slices.windowHeld());
        for (const ImageView* view : {slices.axial(), slices.coronal(), slices.sagittal()}) {
            QVERIFY(!view->windowHeld());
            QVERIFY(same(view->window(), radon::recon::automatic_window(all)));
        }

        // A caller's automatic window is used as given.
        slices.setVolume(next, "HU", Window{1, 2});
        QVERIFY(same(slices.sagittal()->window(), {1, 2}));

        // Another grid: a new volume, so cursor at its centre and its own window.
        slices.setWindow({7, 3});
        VolumeGrid other = v.grid;
        other.size = {3, 3, 3};
        Volume small = Volume::allocate(other, radon::recon::VoxelUnit::Hounsfield);
        for (int64_t i = 0; i < 27; ++i)
            small.voxels[i] = float(i);
        slices.setVolume(small, "HU");
        QCOMPARE(slices.cursor(), (std::array<int64_t, 3>{1, 1, 1}));
        QVERIFY(!slices.windowHeld());
        QCOMPARE(slices.axial()->image().pixels[0], 9.0f);  // voxel (0, 0, 1)

        slices.clear();
        QVERIFY(!slices.volume());
        QVERIFY(!slices.axial()->hasImage());
        slices.grab();
    }

    void a_large_volume_gets_the_window_of_all_its_voxels_from_a_sample() {
        // 2.6 million voxels, above the sample size, rising through the volume by a square law:
        // a sample of one part of the volume, or percentiles taken as fixed fractions of the
        // range, would give another window.
        VolumeGrid grid;
        grid.size = {160, 128, 128};
        Volume big = Volume::allocate(grid, radon::recon::VoxelUnit::Activity);
        const int64_t n = grid.voxel_count();
        for (int64_t i = 0; i < n; ++i) {
            const double u = double(i) / double(n);
            big.voxels[i] = float(1000 * u * u);
        }
        radon::recon::Image2D all;
        all.pixels = radon::Array<float>::alias(big.voxels.host_data(), grid.size);
        const Window exact = radon::recon::automatic_window(all);
        OrthogonalSlices slices;
        slices.resize(900, 300);
        slices.setVolume(big, "activity");
        const Window sampled = slices.window();
        QVERIFY2(std::fabs(sampled.level - exact.level) < 0.005 * exact.width &&
                     std::fabs(sampled.width - exact.width) < 0.005 * exact.width,
                 qPrintable(QString("sampled %1/%2, exact %3/%4")
                                .arg(sampled.level)
                                .arg(sampled.width)
                                .arg(exact.level)
                                .arg(exact.width)));
    }
};

RADON_TEST_CLASS(TestOrthogonalSlices);
#include "test_orthogonal_slices.moc"
