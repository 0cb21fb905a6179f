#pragma once

#include <QMetaType>

#include <string>

#include "kernels/drr/detector_cut.h"
#include "kernels/geometry/projection_geometry.h"
#include "recon/image2d.h"
#include "recon/io/image_io.h"
#include "ui/drr/drr_request.h"

namespace radon::ui {

// A rendered DRR as the worker delivers it. The image owns fresh memory for every frame, so a
// view may keep it while the worker renders the next one.
struct DrrFrame {
    recon::Image2D image;
    ProjectionGeometry geometry;
    DrrRequest request;
    double milliseconds = 0;  // the render alone, on the worker thread
    double rays_per_second = 0;
    std::string renderer;  // the engine's own description, e.g. "cpu avx512 x16, 2 threads"
    // recon::automatic_window of the image, found on the worker: sorting out the percentiles of
    // a large image is compute that the UI thread should not do.
    recon::Window automatic_window;
    // Whether the detector plane (or the source) cuts through the volume within the field of
    // view: then part of the volume is missing from the image, and the view says so
    // (detector_cut_warning has the sentence).
    DetectorCut detector_cut;
};

}  // namespace radon::ui

Q_DECLARE_METATYPE(radon::ui::DrrFrame)
