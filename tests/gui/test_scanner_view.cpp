// The PET workspace's scanner view: picking a crystal through the camera (a crystal's projected
// centre picks that crystal), clicks against drags, LORs with TOF kernels and highlights as the
// scene holds them, the cheap detail while the camera moves, the CT inside the field of view, and
// the Vision 600's frame times (printed).

#include <QMouseEvent>
#include <QObject>
#include <QSignalSpy>
#include <QString>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <utility>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkDataArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageSlice.h>
#include <vtkMapper.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkRenderer.h>

#include "kernels/geometry/volume_grid.h"
#include "kernels/pet/scanner_geometry.h"
#include "recon/pet/scanner_json.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "recon/volume.h"
#include "render/common/volume_scene.h"
#include "render/common/vtk_view.h"
#include "render/pet/scanner_scene.h"
#include "tests/common/test_registry.h"
#include "tests/gui/gui_test_support.h"
#include "ui/pet/scanner_view.h"

using namespace radon;
using radon::render::CrystalDetail;
using radon::ui::ScannerView;

namespace {

pet::ScannerGeometry preset(const char* id) {
    return recon::scanner_preset(id).scanner;
}

// Where `world` lands in the view: VTK display pixels (origin bottom left) through the renderer's
// camera, the way VTK itself projects.
std::pair<double, double> display_of(ScannerView& view, Vec3 world) {
    vtkRenderer* r = view.vtkView()->renderer();
    r->SetWorldPoint(world.x, world.y, world.z, 1);
    r->WorldToDisplay();
    double d[3];
    r->GetDisplayPoint(d);
    return {d[0], d[1]};
}

// The same point in the scanner view's widget coordinates (logical pixels, origin top left).
QPoint widget_point_of(ScannerView& view, Vec3 world) {
    const auto [x, y] = display_of(view, world);
    const double ratio = view.vtkView()->devicePixelRatioF();
    const int height = view.vtkView()->render_window()->GetSize()[1];
    const QPoint in_vtk(static_cast<int>(std::lround(x / ratio)),
                        static_cast<int>(std::lround((height - 1 - y) / ratio)));
    return view.vtkView()->mapTo(&view, in_vtk);
}

void send_mouse(QWidget* target, QEvent::Type type, QPoint at, Qt::MouseButtons buttons) {
    QMouseEvent event(type, QPointF(at), QPointF(target->mapToGlobal(at)), Qt::LeftButton, buttons,
                      Qt::NoModifier);
    QApplication::sendEvent(target, &event);
}

// Crystals of the ring nearest the camera (ring 0: the view looks from the feet), spread around
// it, real ones only.
std::vector<int> front_ring_crystals(const pet::ScannerGeometry& s, int count) {
    std::vector<int> ids;
    for (int k = 0; k < count; ++k) {
        int i = k * s.detectors_per_ring / count + 1;
        while (s.crystals[static_cast<std::size_t>(s.crystal_id(0, i))].is_virtual)
            ++i;
        ids.push_back(s.crystal_id(0, i));
    }
    return ids;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

int pixels_near(const QImage& image, const std::array<double, 3>& rgb, int tolerance) {
    const QImage img = image.convertToFormat(QImage::Format_RGB32);
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x) {
            const QRgb p = img.pixel(x, y);
            if (std::abs(qRed(p) - int(255 * rgb[0])) <= tolerance &&
                std::abs(qGreen(p) - int(255 * rgb[1])) <= tolerance &&
                std::abs(qBlue(p) - int(255 * rgb[2])) <= tolerance)
                ++n;
        }
    return n;
}

}  // namespace

class TestScannerView : public QObject {
    Q_OBJECT

  private slots:
    // A crystal's centre, projected with the renderer's camera, picks that crystal: on the demo
    // scanner through widget coordinates, and on the mCT (virtual crystals in every block, so
    // glyph and crystal numbers differ) and the Vision 600 through exact display coordinates. The
    // bore's centre picks nothing.
    void a_projected_crystal_centre_picks_that_crystal() {
        for (const char* id : {"demo", "siemens_biograph_mct", "siemens_biograph_vision_600"}) {
            ScannerView view;
            view.resize(800, 600);
            const pet::ScannerGeometry scanner = preset(id);
            view.setScanner(scanner);
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            QVERIFY(!view.vtkView()->screenshot().isNull());
            for (int crystal : front_ring_crystals(scanner, 12)) {
                const Vec3 centre = scanner.world_centre(crystal);
                const auto [x, y] = display_of(view, centre);
                QCOMPARE(view.scene().crystal_at_display(x, y), crystal);
                if (QString(id) == "demo")
                    QCOMPARE(view.crystalAt(widget_point_of(view, centre)), crystal);
            }
            QCOMPARE(view.crystalAt(widget_point_of(view, scanner.isocentre_lps)), -1);
            QCOMPARE(view.crystalAt(QPoint(2, 2)), -1);
        }
    }

    // A left click without a drag reports the crystal under it; a drag turns the camera and
    // reports nothing.
    void a_click_picks_and_a_drag_does_not() {
        ScannerView view;
        view.resize(800, 600);
        const pet::ScannerGeometry scanner = preset("demo");
        view.setScanner(scanner);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.vtkView()->screenshot();
        QSignalSpy picked(&view, &ScannerView::crystalPicked);
        const int crystal = front_ring_crystals(scanner, 4)[1];
        QWidget* target = view.vtkView();
        const QPoint at =
            target->mapFrom(&view, widget_point_of(view, scanner.world_centre(crystal)));
        send_mouse(target, QEvent::MouseButtonPress, at, Qt::LeftButton);
        send_mouse(target, QEvent::MouseButtonRelease, at, Qt::NoButton);
        QCOMPARE(picked.count(), 1);
        QCOMPARE(picked.at(0).at(0).toInt(), crystal);

        double before[3];
        view.vtkView()->renderer()->GetActiveCamera()->GetPosition(before);
        send_mouse(target, QEvent::MouseButtonPress, at, Qt::LeftButton);
        send_mouse(target, QEvent::MouseMove, at + QPoint(60, 25), Qt::LeftButton);
        send_mouse(target, QEvent::MouseButtonRelease, at + QPoint(60, 25), Qt::NoButton);
        QCOMPARE(picked.count(), 1);
        double after[3];
        view.vtkView()->renderer()->GetActiveCamera()->GetPosition(after);
        QVERIFY(std::fabs(after[0] - before[0]) + std::fabs(after[1] - before[1]) > 1);
    }

    // The LORs drawn are the ones given; each TOF kernel is a polyline along its LOR over +-3
    // sigma about its centre (signed, from the midpoint toward b), weighted by the Gaussian.
    void lors_and_tof_kernels_in_the_scene() {
        ScannerView view;
        view.setScanner(preset("demo"));
        const Vec3 a{-155, 0, -2}, b{155, 0, 2}, c{0, -155, 0}, e{0, 155, 0};
        view.showLors({{a, b, 40.0, 12.0}, {c, e}, {e, c, -25.0, 20.0}});
        const auto& lors = view.scene().lors();
        QCOMPARE(int(lors.size()), 3);
        QVERIFY(norm(lors[0].a - a) == 0 && norm(lors[0].b - b) == 0);
        QVERIFY(norm(lors[1].a - c) == 0 && norm(lors[1].b - e) == 0 && !lors[1].tof_centre_mm);
        const auto ends = view.scene().lor_endpoints();
        QCOMPARE(int(ends.size()), 3);
        QVERIFY(norm(ends[2].first - e) == 0 && norm(ends[2].second - c) == 0);
        auto* lines = vtkPolyData::SafeDownCast(view.scene().lor_actor()->GetMapper()->GetInput());
        QCOMPARE(lines->GetNumberOfLines(), vtkIdType(3));
        double p[3];
        lines->GetPoint(5, p);  // the third LOR's b
        QVERIFY(std::fabs(p[0] - c.x) + std::fabs(p[1] - c.y) + std::fabs(p[2] - c.z) < 1e-12);
        QVERIFY(view.scene().lor_actor()->GetVisibility());

        vtkPolyData* kernels = view.scene().tof_kernel_lines();
        QCOMPARE(kernels->GetNumberOfLines(), vtkIdType(2));
        QVERIFY(view.scene().tof_kernel_actor()->GetVisibility());
        vtkDataArray* weight = kernels->GetPointData()->GetArray("weight");
        vtkDataArray* distance = kernels->GetPointData()->GetArray("distance_mm");
        QVERIFY(weight && distance);
        struct Expect {
            Vec3 from, to;
            double centre, sigma;
        };
        const Expect expected[2] = {{a, b, 40.0, 12.0}, {e, c, -25.0, 20.0}};
        const vtkIdType per_line = kernels->GetNumberOfPoints() / 2;
        for (int l = 0; l < 2; ++l) {
            const Expect& x = expected[l];
            const Vec3 along = normalized(x.to - x.from);
            const Vec3 mid = 0.5 * (x.from + x.to);
            double lo = 1e9, hi = -1e9, peak = 0;
            for (vtkIdType i = l * per_line; i < (l + 1) * per_line; ++i) {
                kernels->GetPoint(i, p);
                const double d = distance->GetTuple1(i);
                const Vec3 want = mid + d * along;
                QVERIFY(std::fabs(p[0] - want.x) + std::fabs(p[1] - want.y) +
                            std::fabs(p[2] - want.z) <
                        1e-9);
                const double u = (d - x.centre) / x.sigma;
                QVERIFY(std::fabs(weight->GetTuple1(i) - std::exp(-0.5 * u * u)) < 1e-12);
                lo = std::min(lo, d);
                hi = std::max(hi, d);
                peak = std::max(peak, weight->GetTuple1(i));
            }
            QVERIFY(std::fabs(lo - (x.centre - 3 * x.sigma)) < 1e-9);
            QVERIFY(std::fabs(hi - (x.centre + 3 * x.sigma)) < 1e-9);
            QVERIFY(std::fabs(peak - 1) < 1e-12);  // an odd sample count puts one on the centre
        }
        view.showLors({});
        QVERIFY(!view.scene().lor_actor()->GetVisibility());
        QVERIFY(!view.scene().tof_kernel_actor()->GetVisibility());
    }

    // Highlights keep the valid real crystals given, drawn at their centres; a new scanner drops
    // them.
    void highlights_in_the_scene() {
        ScannerView view;
        const pet::ScannerGeometry mct = preset("siemens_biograph_mct");
        view.setScanner(mct);
        int virtual_id = 0;
        while (!mct.crystals[static_cast<std::size_t>(virtual_id)].is_virtual)
            ++virtual_id;
        view.highlightCrystals({7, -1, virtual_id, mct.crystal_count(), 1000});
        QCOMPARE(view.scene().highlighted_crystals(), (std::vector<int>{7, 1000}));
        QVERIFY(view.scene().highlight_actor()->GetVisibility());
        auto* points =
            vtkPolyData::SafeDownCast(view.scene().highlight_actor()->GetMapper()->GetInput());
        QCOMPARE(points->GetNumberOfPoints(), vtkIdType(2));
        double p[3];
        points->GetPoint(1, p);
        const Vec3 c = mct.world_centre(1000);
        QVERIFY(std::fabs(p[0] - c.x) + std::fabs(p[1] - c.y) + std::fabs(p[2] - c.z) < 1e-9);
        vtkCamera* camera = view.vtkView()->renderer()->GetActiveCamera();
        camera->Azimuth(40);
        double before[3];
        camera->GetDirectionOfProjection(before);
        view.setScanner(preset("demo"));
        double after[3];
        camera->GetDirectionOfProjection(after);
        for (int k = 0; k < 3; ++k)
            QVERIFY(std::fabs(after[k] - before[k]) < 1e-9);  // the user's direction stays
        QVERIFY(view.scene().highlighted_crystals().empty());
        QVERIFY(!view.scene().highlight_actor()->GetVisibility());
    }

    // While the camera moves (a drag, or an interactive render request) or LORs and highlights
    // change, the crystals are one box per block; the crystals' boxes come back when it settles.
    void cheap_detail_while_interacting() {
        ScannerView view;
        view.resize(640, 480);
        const pet::ScannerGeometry vision = preset("siemens_biograph_vision_600");
        view.setScanner(vision);
        // One box (six quads) per block and axial block that holds real crystals, or per block
        // and ring when the colours tell rings apart; together they cover the crystals' boxes.
        std::set<std::pair<int, int>> blocks, block_rings;
        for (int id = 0; id < vision.crystal_count(); ++id) {
            const pet::Crystal& c = vision.crystals[std::size_t(id)];
            if (c.is_virtual) continue;
            blocks.insert({c.axial_block, c.block});
            block_rings.insert({vision.ring_of(id), c.block});
        }
        QCOMPARE(int(blocks.size()), 38);
        QCOMPARE(int(block_rings.size()), 38 * 80);
        QCOMPARE(view.scene().block_boxes()->GetNumberOfPolys(), vtkIdType(6 * blocks.size()));
        // The corners of every crystal's box, from its centre, normal and transaxial direction.
        const Vec3 half = 0.5 * view.scene().crystal_box_mm();
        double expected[6] = {1e9, -1e9, 1e9, -1e9, 1e9, -1e9};
        for (int id = 0; id < vision.crystal_count(); ++id) {
            const pet::Crystal& c = vision.crystals[std::size_t(id)];
            if (c.is_virtual) continue;
            const Vec3 axes[3] = {half.x * c.normal, half.y * c.transaxial, half.z * c.axial};
            for (int k = 0; k < 8; ++k) {
                const Vec3 p = vision.world_centre(id) + ((k & 1) ? 1.0 : -1.0) * axes[0] +
                               ((k & 2) ? 1.0 : -1.0) * axes[1] + ((k & 4) ? 1.0 : -1.0) * axes[2];
                for (int a = 0; a < 3; ++a) {
                    expected[2 * a] = std::min(expected[2 * a], p[a]);
                    expected[2 * a + 1] = std::max(expected[2 * a + 1], p[a]);
                }
            }
        }
        auto same_bounds = [&] {
            double boxes[6];
            view.scene().block_boxes()->GetBounds(boxes);
            for (int k = 0; k < 6; ++k)
                if (std::fabs(expected[k] - boxes[k]) > 1e-6) {
                    qWarning("bound %d: %.9g, expected %.9g", k, boxes[k], expected[k]);
                    return false;
                }
            return true;
        };
        QVERIFY(same_bounds());
        view.setColouring(render::CrystalColouring::Ring);
        QCOMPARE(view.scene().block_boxes()->GetNumberOfPolys(), vtkIdType(6 * block_rings.size()));
        QVERIFY(same_bounds());
        view.setColouring(render::CrystalColouring::Block);
        QCOMPARE(view.scene().block_boxes()->GetNumberOfPolys(), vtkIdType(6 * blocks.size()));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        auto boxes_shown = [&] {
            return view.scene().detail() == CrystalDetail::Boxes &&
                   view.scene().crystal_actor()->GetVisibility() &&
                   !view.scene().block_actor()->GetVisibility();
        };
        auto faces_shown = [&] {
            return view.scene().detail() == CrystalDetail::Blocks &&
                   !view.scene().crystal_actor()->GetVisibility() &&
                   view.scene().block_actor()->GetVisibility();
        };
        QTRY_VERIFY_WITH_TIMEOUT(boxes_shown(), 5000);  // after the colour changes settle
        QWidget* target = view.vtkView();
        const QPoint centre(target->width() / 2, target->height() / 3);
        send_mouse(target, QEvent::MouseButtonPress, centre, Qt::LeftButton);
        send_mouse(target, QEvent::MouseMove, centre + QPoint(30, 0), Qt::LeftButton);
        QVERIFY(faces_shown());
        send_mouse(target, QEvent::MouseButtonRelease, centre + QPoint(30, 0), Qt::NoButton);
        QVERIFY(boxes_shown());
        view.vtkView()->request_render(render::RenderQuality::Interactive);
        QVERIFY(faces_shown());
        QTRY_VERIFY_WITH_TIMEOUT(boxes_shown(), 5000);
        // New LORs (a TOF-bin slider's stream) and highlights draw cheaply until they settle.
        view.showLors({{vision.world_centre(0), vision.world_centre(400), 10.0, 14.0}});
        QVERIFY(faces_shown());
        QTRY_VERIFY_WITH_TIMEOUT(boxes_shown(), 5000);
        view.highlightCrystals({5});
        QVERIFY(faces_shown());
        QTRY_VERIFY_WITH_TIMEOUT(boxes_shown(), 5000);
    }

    // The CT sits in the field of view as three slices and the outline of its voxel centres; an
    // image in other units shows its outline; an empty volume hides it.
    void the_ct_inside_the_field_of_view() {
        ScannerView view;
        view.setScanner(preset("demo"));
        const VolumeGrid grid = centered_grid({32, 24, 16}, Vec3{6, 6, 8});
        view.setVolume(recon::thorax_phantom().voxelize_hu(grid));
        QVERIFY(view.scene().has_volume());
        QVERIFY(view.scene().volume_scene() != nullptr);
        for (int axis = 0; axis < 3; ++axis)
            QVERIFY(view.scene().volume_scene()->slice(axis)->GetVisibility());
        double bounds[6];
        view.scene().volume_outline_actor()->GetMapper()->GetInput()->GetBounds(bounds);
        const Vec3 lo = grid.index_to_world({0, 0, 0});
        const Vec3 hi = grid.index_to_world({31, 23, 15});
        for (int a = 0; a < 3; ++a) {
            QVERIFY(std::fabs(bounds[2 * a] - lo[a]) < 1e-9);
            QVERIFY(std::fabs(bounds[2 * a + 1] - hi[a]) < 1e-9);
        }
        // An activity image has no CT window: its outline only.
        recon::Volume activity = recon::thorax_phantom().voxelize_hu(grid);
        activity.unit = recon::VoxelUnit::Activity;
        view.setVolume(activity);
        QVERIFY(view.scene().has_volume());
        QVERIFY(view.scene().volume_outline_actor()->GetVisibility());
        for (int axis = 0; axis < 3; ++axis)
            QVERIFY(!view.scene().volume_scene()->slice(axis)->GetVisibility());
        view.setVolume(recon::Volume{});
        QVERIFY(!view.scene().has_volume());
        QVERIFY(!view.scene().volume_outline_actor()->GetVisibility());
        for (int axis = 0; axis < 3; ++axis)
            QVERIFY(!view.scene().volume_scene()->slice(axis)->GetVisibility());
    }

    // The Vision 600 with a few LORs, a TOF kernel and highlighted crystals: the highlight and
    // the TOF peak's colours are on screen. With RADON_SCANNER_SHOTS set to a folder, the demo
    // scanner's and the Vision's frames are saved there to be looked at.
    void highlights_and_tof_kernel_on_screen() {
        const QString folder = qEnvironmentVariable("RADON_SCANNER_SHOTS");
        for (const char* id : {"demo", "siemens_biograph_vision_600"}) {
            ScannerView view;
            view.resize(900, 700);
            const pet::ScannerGeometry scanner = preset(id);
            view.setScanner(scanner);
            const double r = scanner.effective_radius_mm();
            view.setImageGrid({{100, 100, 20},
                               {2.0f * float(r) / 150, 2.0f * float(r) / 150, 2},
                               {-float(r) * 0.66f, -float(r) * 0.66f, -19}});
            const VolumeGrid grid = centered_grid({64, 64, 32}, Vec3{r / 60, r / 60, 4});
            view.setVolume(recon::thorax_phantom().voxelize_hu(grid));
            const int n = scanner.detectors_per_ring;
            const int from = scanner.crystal_id(0, n / 8);
            std::vector<ScannerView::LorMark> lors;
            for (int k = -2; k <= 2; ++k) {
                const int to = scanner.crystal_id(scanner.rings - 1, n / 8 + n / 2 + k * n / 24);
                lors.push_back({scanner.world_centre(from), scanner.world_centre(to)});
            }
            lors[2].tof_centre_mm = 0.2 * r;
            lors[2].tof_sigma_mm = scanner.tof.fwhm_mm / 2.3548;
            view.showLors(lors);
            view.highlightCrystals({from});
            view.show();
            QVERIFY(QTest::qWaitForWindowExposed(&view));
            QTRY_VERIFY_WITH_TIMEOUT(!view.vtkView()->interacting(), 5000);
            QCOMPARE(view.scene().detail(), CrystalDetail::Boxes);
            const QImage shot = view.vtkView()->screenshot();
            QVERIFY(pixels_near(shot, render::kHighlightColour, 40) > 0);
            QVERIFY(pixels_near(shot, {1.0, 1.0, 0.85}, 40) > 0);
            if (!folder.isEmpty()) {
                shot.save(folder + "/scanner_" + id + ".png");
                view.scene().set_detail(CrystalDetail::Blocks);
                view.vtkView()->screenshot().save(folder + "/scanner_" + id + "_moving.png");
            }
        }
    }

    // Frame times of the Vision 600 (60 800 crystals) as the camera turns, boxes (idle) and block
    // boxes (interacting): median of 15 frames each, render and read back. Printed, not asserted.
    void vision_600_frame_times() {
        ScannerView view;
        view.resize(800, 600);
        const pet::ScannerGeometry vision = preset("siemens_biograph_vision_600");
        view.setScanner(vision);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        vtkCamera* camera = view.vtkView()->renderer()->GetActiveCamera();
        QString line;
        for (CrystalDetail detail : {CrystalDetail::Boxes, CrystalDetail::Blocks}) {
            view.scene().set_detail(detail);
            view.vtkView()->screenshot();  // uploads the glyphs or the block boxes
            std::vector<double> frame_ms, render_ms;
            for (int i = 0; i < 15; ++i) {
                camera->Azimuth(5);
                const auto start = std::chrono::steady_clock::now();
                QVERIFY(!view.vtkView()->screenshot().isNull());
                frame_ms.push_back(std::chrono::duration<double, std::milli>(
                                       std::chrono::steady_clock::now() - start)
                                       .count());
                render_ms.push_back(1000 * view.vtkView()->last_render_seconds());
            }
            line += QString("%1: frame %2 ms (Render() %3 ms); ")
                        .arg(detail == CrystalDetail::Boxes ? "idle, boxes"
                                                            : "interacting, block boxes")
                        .arg(median(frame_ms), 0, 'f', 1)
                        .arg(median(render_ms), 0, 'f', 1);
        }
        qInfo("Vision 600 scanner view 800 x 600, median of 15 turns: %s", qPrintable(line));
    }
};

RADON_TEST_CLASS(TestScannerView);
#include "test_scanner_view.moc"
