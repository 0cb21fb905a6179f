// radonstudio: the pose panel, the DRR view and the DRR session in one window.

#include <QApplication>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QStatusBar>
#include <QTimer>

#include <cstdio>

#include "ui/drr_image_view.h"
#include "ui/drr_session.h"
#include "ui/pose_panel.h"

namespace {

using radon::ui::DrrFrame;
using radon::ui::DrrImageView;
using radon::ui::DrrSession;
using radon::ui::PosePanel;

// Parses "A,B,C" into three numbers; false when it is not that.
template <class T>
bool parse_triple(const QString& text, std::array<T, 3>& out) {
    const QStringList parts = text.split(',');
    if (parts.size() != 3) return false;
    for (int i = 0; i < 3; ++i) {
        bool ok = false;
        out[i] = static_cast<T>(parts[i].toDouble(&ok));
        if (!ok || out[i] <= 0) return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Radon Studio");

    QCommandLineParser parser;
    parser.setApplicationDescription("DRRs of a CT volume or of the built-in thorax phantom");
    parser.addHelpOption();
    parser.addPositionalArgument("volume", "CT volume in HU (.nii, .nii.gz, .nrrd, .mha, ...)");
    const QCommandLineOption size_option("phantom-size", "Thorax phantom grid NX,NY,NZ", "N,N,N");
    const QCommandLineOption spacing_option("phantom-spacing", "Phantom voxel size in mm", "S,S,S");
    const QCommandLineOption screenshot_option(
        "screenshot", "Save the window to FILE after the first full DRR, then quit", "FILE");
    parser.addOptions({size_option, spacing_option, screenshot_option});
    parser.process(app);

    QMainWindow window;
    window.setWindowTitle("Radon Studio");
    auto* view = new DrrImageView;
    window.setCentralWidget(view);
    auto* panel = new PosePanel;
    auto* scroll = new QScrollArea;
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    auto* dock = new QDockWidget(QObject::tr("Pose"), &window);
    dock->setObjectName("poseDock");
    dock->setWidget(scroll);
    window.addDockWidget(Qt::LeftDockWidgetArea, dock);

    DrrSession session(panel, view);

    auto* frame_status = new QLabel;
    auto* cursor_status = new QLabel;
    auto* progress = new QProgressBar;
    progress->setRange(0, 100);
    progress->setMaximumWidth(160);
    progress->hide();
    auto* cancel = new QPushButton(QObject::tr("Cancel"));
    cancel->hide();
    window.statusBar()->addWidget(frame_status, 1);
    window.statusBar()->addPermanentWidget(cursor_status);
    window.statusBar()->addPermanentWidget(progress);
    window.statusBar()->addPermanentWidget(cancel);
    QObject::connect(&session, &DrrSession::frameStatusChanged, frame_status, &QLabel::setText);
    QObject::connect(&session, &DrrSession::cursorStatusChanged, cursor_status, &QLabel::setText);
    QObject::connect(&session, &DrrSession::loadProgress, &window,
                     [&](double fraction, const QString& stage) {
                         progress->setVisible(fraction < 1.0);
                         cancel->setVisible(fraction < 1.0);
                         progress->setValue(static_cast<int>(100 * fraction));
                         window.statusBar()->showMessage(stage, 3000);
                     });
    QObject::connect(cancel, &QPushButton::clicked, &session, [&] {
        session.cancelLoading();
        progress->hide();
        cancel->hide();
    });
    QObject::connect(&session, &DrrSession::errorOccurred, &window, [&](const QString& message) {
        progress->hide();
        cancel->hide();
        if (parser.isSet(screenshot_option)) return;  // reported on stderr, nobody to click
        QMessageBox::warning(&window, QObject::tr("Radon Studio"), message);
    });
    QObject::connect(&session, &DrrSession::volumeLoaded, &window,
                     [&](const radon::ui::LoadedVolume& volume) {
                         window.setWindowTitle("Radon Studio - " + volume.description);
                     });

    QMenu* file = window.menuBar()->addMenu(QObject::tr("&File"));
    file->addAction(QObject::tr("&Open volume..."), &window, [&] {
        const QString path = QFileDialog::getOpenFileName(
            &window, QObject::tr("Open CT volume"), QString(),
            QObject::tr("Volumes (*.nii *.nii.gz *.nrrd *.nhdr *.mha *.mhd);;All files (*)"));
        if (!path.isEmpty()) session.loadVolumeFile(path);
    });
    file->addAction(QObject::tr("&Thorax phantom"), &window, [&] { session.loadThoraxPhantom(); });
    file->addSeparator();
    file->addAction(QObject::tr("&Quit"), &app, &QApplication::quit);

    // A 512 x 512 panel of 0.8 mm: the whole chest at a size that renders interactively.
    radon::ui::DrrParameters start = panel->parameters();
    start.detector.width = start.detector.height = 512;
    start.detector.delx = start.detector.dely = 0.8;
    panel->setParameters(start);

    std::array<int64_t, 3> size = radon::recon::default_thorax_size();
    std::array<double, 3> spacing{};
    const radon::Vec3 default_spacing = radon::recon::default_thorax_spacing();
    for (int i = 0; i < 3; ++i)
        spacing[i] = default_spacing[i];
    if ((parser.isSet(size_option) && !parse_triple(parser.value(size_option), size)) ||
        (parser.isSet(spacing_option) && !parse_triple(parser.value(spacing_option), spacing))) {
        std::fprintf(stderr,
                     "radonstudio: --phantom-size and --phantom-spacing take three "
                     "numbers > 0, e.g. 128,128,67\n");
        return 2;
    }
    if (!parser.positionalArguments().isEmpty()) {
        session.loadVolumeFile(parser.positionalArguments().first());
    } else {
        session.loadThoraxPhantom(size, {spacing[0], spacing[1], spacing[2]});
    }

    if (parser.isSet(screenshot_option)) {
        const QString path = parser.value(screenshot_option);
        QObject::connect(&session, &DrrSession::frameShown, &window,
                         [&, path](const DrrFrame& frame, double) {
                             if (frame.request.preview) return;
                             QTimer::singleShot(50, &window, [&, path] {
                                 window.grab().save(path);
                                 app.quit();
                             });
                         });
        QObject::connect(&session, &DrrSession::errorOccurred, &app, [](const QString& message) {
            std::fprintf(stderr, "radonstudio: %s\n", qPrintable(message));
            QApplication::exit(2);
        });
    }

    window.resize(1280, 820);
    window.show();
    return app.exec();
}
