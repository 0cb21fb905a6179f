#pragma once

// A main window on a small phantom for the GUI tests, and files and drops to give it.

#include <QApplication>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include <array>
#include <memory>

#include "recon/io/volume_io.h"
#include "recon/phantom/ellipsoid_phantom.h"
#include "ui/common/slider_spin_box.h"
#include "ui/drr/drr_session.h"
#include "ui/drr/pose_panel.h"
#include "ui/main_window.h"

namespace radon::test {

using radon::ui::DrrFrame;
using radon::ui::DrrSession;
using radon::ui::MainWindow;
using radon::ui::MainWindowOptions;

// The thorax phantom's field of view on a coarse grid, so that a window loads in a blink.
constexpr std::array<int64_t, 3> kSmallSize{64, 64, 38};
inline const radon::Vec3 kSmallSpacing{5.625, 5.625, 8.75};

inline MainWindowOptions small_options(const QTemporaryDir& dir) {
    MainWindowOptions options;
    options.settings_file = dir.filePath("radonstudio.ini");
    options.thorax_size = kSmallSize;
    options.thorax_spacing = kSmallSpacing;
    options.shepp_logan_size = {32, 32, 32};
    options.shepp_logan_spacing = {4, 4, 4};
    options.detector = {128, 128, 3.2, 3.2, 0, 0};
    return options;
}

// A main window on the small phantom, shown, with its first full DRR on screen.
struct Studio {
    explicit Studio(const QTemporaryDir& dir, bool start_with_thorax = true) {
        MainWindowOptions options = small_options(dir);
        options.start_with_thorax = start_with_thorax;
        window = std::make_unique<MainWindow>(options);
        shown = std::make_unique<QSignalSpy>(&window->session(), &DrrSession::frameShown);
        window->show();
    }
    bool ready() { return QTest::qWaitForWindowExposed(window.get()) && settle(); }
    // Waits until the frame of the newest request is on screen.
    bool settle(int timeout_ms = 60000) {
        return QTest::qWaitFor(
            [this] {
                return !shown->isEmpty() &&
                       last_frame().request.sequence == window->session().lastPostedSequence();
            },
            timeout_ms);
    }
    DrrFrame last_frame() const { return shown->last().at(0).value<DrrFrame>(); }
    QSlider* slider(const char* name) const {
        return window->posePanel()->findChild<radon::ui::SliderSpinBox*>(name)->slider();
    }
    // Opens `path` and waits for it to be in the views.
    bool open(const QString& path) {
        QSignalSpy loaded(window.get(), &MainWindow::volumeShown);
        window->openPath(path);
        return loaded.wait(60000) && settle();
    }

    std::unique_ptr<MainWindow> window;
    std::unique_ptr<QSignalSpy> shown;
};

inline QString write_small_volume(const QTemporaryDir& dir, const QString& name) {
    const QString path = dir.filePath(name);
    const radon::recon::Volume hu = radon::recon::thorax_phantom().voxelize_hu(
        radon::centered_grid({48, 40, 30}, {7.5, 9.0, 11.0}));
    radon::recon::write_volume(hu, path.toStdString());
    return path;
}

// Drags `path` onto `target` and drops it there, as a file manager would.
template <class Target>  // a widget, or the 3D view's native window
void send_drop(Target* target, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    const QPointF at(target->width() / 2.0, target->height() / 2.0);
    QDragEnterEvent enter(at.toPoint(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY2(enter.isAccepted(), "the window must accept a dragged file");
    QDropEvent drop(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    QVERIFY(drop.isAccepted());
}

}  // namespace radon::test
