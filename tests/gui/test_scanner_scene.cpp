// The PET scanner view's scene: one instanced actor for every real crystal of a clinical
// scanner, each box at its crystal's centre and turned to its face, neighbouring blocks in
// different colours, the image grid's outline and chosen LORs; and it draws.

#include <QObject>
#include <QString>
#include <QtTest>

#include <chrono>
#include <cmath>
#include <set>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkDataArray.h>
#include <vtkGlyph3DMapper.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkRenderer.h>

#include "kernels/geometry/rotation.h"
#include "kernels/pet/scanner_geometry.h"
#include "recon/pet/scanner_json.h"
#include "render/common/vtk_view.h"
#include "render/pet/scanner_scene.h"
#include "tests/common/test_registry.h"
#include "tests/common/test_support.h"
#include "tests/gui/gui_test_support.h"

using namespace radon;
using radon::render::CrystalColouring;
using radon::render::ScannerScene;
using radon::render::VtkView;

class TestScannerScene : public QObject {
    Q_OBJECT

  private slots:
    // The mCT counts 14 crystals per block, the 14th a gap ("13+1"): the view draws the 13 real
    // ones, 624 x 55 boxes, all in one actor; each glyph maps back to its crystal.
    void real_crystals_are_one_instanced_actor() {
        VtkView view;
        ScannerScene scene(view.renderer());
        const pet::ScannerGeometry mct = recon::scanner_preset("siemens_biograph_mct").scanner;
        scene.set_scanner(mct);
        vtkPolyData* points = scene.crystal_points();
        QCOMPARE(points->GetNumberOfPoints(), vtkIdType(624 * 55));
        QVERIFY(vtkGlyph3DMapper::SafeDownCast(scene.crystal_actor()->GetMapper()) != nullptr);
        int previous = -1;
        for (vtkIdType g = 0; g < points->GetNumberOfPoints(); g += 37) {
            const int id = scene.crystal_of_glyph(g);
            QVERIFY(id > previous);
            previous = id;
            QVERIFY(!mct.crystals[static_cast<std::size_t>(id)].is_virtual);
            double p[3];
            points->GetPoint(g, p);
            const Vec3 c = mct.world_centre(id);
            QVERIFY(std::fabs(p[0] - c.x) + std::fabs(p[1] - c.y) + std::fabs(p[2] - c.z) < 1e-6);
        }
        QCOMPARE(scene.crystal_of_glyph(points->GetNumberOfPoints()), -1);
    }

    // Each box's depth axis points along its crystal's outward normal and its width along the
    // face, so the boxes of a module line up into one flat face.
    void boxes_turn_to_their_faces() {
        VtkView view;
        ScannerScene scene(view.renderer());
        const pet::ScannerGeometry dmi = recon::scanner_preset("ge_discovery_mi_4ring").scanner;
        scene.set_scanner(dmi);
        vtkDataArray* q = scene.crystal_points()->GetPointData()->GetArray("orientation");
        QVERIFY(q != nullptr);
        QCOMPARE(q->GetNumberOfComponents(), 4);
        for (vtkIdType g = 0; g < q->GetNumberOfTuples(); g += 101) {
            const pet::Crystal& c =
                dmi.crystals[static_cast<std::size_t>(scene.crystal_of_glyph(g))];
            double t[4];
            q->GetTuple(g, t);
            const Mat3 r = quaternion_to_matrix({t[0], t[1], t[2], t[3]});
            QVERIFY(norm(r.column(0) + c.normal) < 1e-9);
            QVERIFY(std::fabs(dot(r.column(1), c.transaxial)) > 1 - 1e-9);
        }
        const Vec3 box = scene.crystal_box_mm();
        // DMI: 4.0 mm crystal pitch within a block and 5.52 mm between rings (published 3.95 x
        // 5.3 mm crystals), 9.4 mm average depth of interaction.
        QVERIFY2(box.y > 3.0 && box.y < 4.2 && box.z > 4.5 && box.z < 5.3 &&
                     std::fabs(box.x - 18.8) < 1e-6,
                 qPrintable(QString("%1 x %2 x %3").arg(box.x).arg(box.y).arg(box.z)));
    }

    // Neighbouring blocks in a ring, and neighbouring axial blocks, never share a colour.
    void neighbouring_blocks_differ_in_colour() {
        VtkView view;
        ScannerScene scene(view.renderer());
        const pet::ScannerGeometry dmi = recon::scanner_preset("ge_discovery_mi_4ring").scanner;
        scene.set_scanner(dmi, CrystalColouring::Block);
        vtkDataArray* colour = scene.crystal_points()->GetPointData()->GetArray("colour");
        QVERIFY(colour != nullptr);
        auto rgb = [&](int crystal) {
            double v[3];
            colour->GetTuple(crystal, v);  // the DMI has no virtual crystals: glyph == crystal
            return QString("%1,%2,%3").arg(v[0]).arg(v[1]).arg(v[2]);
        };
        int boundaries = 0;
        for (int i = 0; i + 1 < dmi.detectors_per_ring; ++i) {
            const pet::Crystal& a = dmi.crystals[static_cast<std::size_t>(i)];
            const pet::Crystal& b = dmi.crystals[static_cast<std::size_t>(i + 1)];
            if (a.block == b.block) {
                QCOMPARE(rgb(i), rgb(i + 1));
            } else {
                QVERIFY(rgb(i) != rgb(i + 1));
                ++boundaries;
            }
        }
        QCOMPARE(boundaries, dmi.detectors_per_ring / 4 - 1);  // blocks of 4 crystals
        std::set<int> axial;
        for (int r = 0; r + 1 < dmi.rings; ++r) {
            const int a = dmi.crystal_id(r, 0), b = dmi.crystal_id(r + 1, 0);
            if (dmi.crystals[static_cast<std::size_t>(a)].axial_block !=
                dmi.crystals[static_cast<std::size_t>(b)].axial_block) {
                QVERIFY(rgb(a) != rgb(b));
                axial.insert(r);
            }
        }
        QVERIFY(!axial.empty());
    }

    void field_of_view_and_lors() {
        VtkView view;
        ScannerScene scene(view.renderer());
        pet::PetImageGrid grid{{10, 20, 5}, {2, 2, 3}, {-9, -19, -6}};
        scene.set_image_grid(grid);
        double b[6];
        scene.field_of_view_actor()->GetMapper()->GetInputAsDataSet()->GetBounds(b);
        const double expected[6] = {-10, 10, -20, 20, -7.5, 7.5};
        for (int i = 0; i < 6; ++i)
            QVERIFY2(std::fabs(b[i] - expected[i]) < 1e-9, qPrintable(QString::number(b[i])));
        QVERIFY(!scene.lor_actor()->GetVisibility());
        scene.set_lors({{Vec3{-300, 0, 0}, Vec3{300, 0, 0}}, {Vec3{0, -300, 5}, Vec3{0, 300, -5}}});
        QVERIFY(scene.lor_actor()->GetVisibility());
        auto* lines =
            vtkPolyData::SafeDownCast(scene.lor_actor()->GetMapper()->GetInputAsDataSet());
        QCOMPARE(lines->GetNumberOfLines(), vtkIdType(2));
        scene.set_lors({});
        QVERIFY(!scene.lor_actor()->GetVisibility());
    }

    // The Vision 600's 60 800 real crystals draw, and the view turns: the frame time (render and
    // read back) is printed, the figure for the notes (llvmpipe under Xvfb here).
    void vision_600_draws_and_turns() {
        VtkView view;
        view.resize(640, 480);
        ScannerScene scene(view.renderer());
        const pet::ScannerGeometry vision =
            recon::scanner_preset("siemens_biograph_vision_600").scanner;
        scene.set_scanner(vision);
        // 798 x 80 = 63 840 crystal positions, of which 38 per ring are virtual (gaps).
        QCOMPARE(vision.crystal_count(), 63840);
        QCOMPARE(scene.crystal_points()->GetNumberOfPoints(), vtkIdType(760 * 80));
        vtkCamera* camera = view.renderer()->GetActiveCamera();
        camera->SetFocalPoint(0, 0, 0);
        camera->SetPosition(0, 0, -2000);  // from the feet
        camera->SetViewUp(0, -1, 0);       // anterior up
        view.renderer()->ResetCamera();
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage first = view.screenshot();
        // Ring pixels are lit; the bore's centre is the background.
        const QColor centre = first.pixelColor(first.width() / 2, first.height() / 2);
        double bg[3];
        view.renderer()->GetBackground(bg);
        QVERIFY(std::fabs(centre.redF() - bg[0]) < 0.05 &&
                std::fabs(centre.greenF() - bg[1]) < 0.05);
        std::vector<double> ms;
        for (int turn = 0; turn < 12; ++turn) {
            camera->Azimuth(7.5);
            const auto start = std::chrono::steady_clock::now();
            const QImage frame = view.screenshot();  // renders now and reads the frame back
            QVERIFY(!frame.isNull());
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
        }
        std::sort(ms.begin(), ms.end());
        qInfo("Vision 600 scanner view, %d x %d: median frame %.1f ms (max %.1f ms) over 12 turns",
              first.width(), first.height(), ms[ms.size() / 2], ms.back());
    }
};

RADON_TEST_CLASS(TestScannerScene);
#include "test_scanner_scene.moc"
