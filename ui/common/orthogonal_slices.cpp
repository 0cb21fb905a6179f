#include "ui/common/orthogonal_slices.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ui/common/image_view.h"
#include "ui/common/patient_direction.h"

namespace radon::ui {
namespace {

// Per view (axial, coronal, sagittal): the LPS axes (0 x, 1 y, 2 z) along its columns, rows and
// across it, and the directions radiology viewers show columns and rows increasing towards
// (L, P; L, I; P, I).
struct ViewLayout {
    int column_world, row_world, normal_world;
    Vec3 column_towards, row_towards;
    const char* name;
};
const ViewLayout kLayouts[3] = {
    {0, 1, 2, {1, 0, 0}, {0, 1, 0}, "axial"},
    {0, 2, 1, {1, 0, 0}, {0, 0, -1}, "coronal"},
    {1, 2, 0, {0, 1, 0}, {0, 0, -1}, "sagittal"},
};
const char* const kWorldAxisNames[3] = {"x", "y", "z"};

int dominant_component(Vec3 v) {
    int best = 0;
    for (int i = 1; i < 3; ++i)
        if (std::fabs(v[i]) > std::fabs(v[best])) best = i;
    return best;
}

// For each LPS axis, the grid axis that runs most nearly along it: the permutation with the
// largest sum of |direction| entries, so that a grid stored sagittally (k along L-R) still shows
// its axial slices in the axial view.
std::array<int, 3> grid_axis_along_world(const Mat3& direction) {
    std::array<int, 3> order{0, 1, 2}, best = order;
    double best_score = -1;
    do {
        double score = 0;
        for (int world = 0; world < 3; ++world)
            score += std::fabs(direction.m[world][order[world]]);
        if (score > best_score + 1e-12) {
            best_score = score;
            best = order;
        }
    } while (std::next_permutation(order.begin(), order.end()));
    return best;
}

bool same_grid(const VolumeGrid& a, const VolumeGrid& b) {
    if (a.size != b.size) return false;
    for (int i = 0; i < 3; ++i) {
        if (a.spacing[i] != b.spacing[i] || a.origin[i] != b.origin[i]) return false;
        for (int j = 0; j < 3; ++j)
            if (a.direction.m[i][j] != b.direction.m[i][j]) return false;
    }
    return true;
}

// The automatic window of the whole volume, from at most kWindowSample voxels: percentiles of an
// even sample differ from the exact ones by a fraction of a percent of the range, and a 512^3
// volume's would take a second of the UI thread at every live update.
constexpr int64_t kWindowSample = int64_t(1) << 20;

recon::Window volume_window(const recon::Volume& volume) {
    const int64_t count = volume.voxels.size();
    const float* voxels = volume.voxels.host_data();
    recon::Image2D sample;
    if (count <= kWindowSample) {
        // All of them, read as one image of nz channels (aliased, not copied).
        sample.pixels = Array<float>::alias(const_cast<float*>(voxels), volume.grid.size);
        return recon::automatic_window(sample);
    }
    // A stride prime to the row length, so that the sample does not keep to a few columns.
    int64_t stride = (count + kWindowSample - 1) / kWindowSample;
    while (std::gcd(stride, volume.grid.size[0]) != 1)
        ++stride;
    const int64_t n = (count + stride - 1) / stride;
    sample = recon::Image2D::allocate(n, 1, 1, 1);
    for (int64_t i = 0; i < n; ++i)
        sample.pixels[i] = voxels[i * stride];
    return recon::automatic_window(sample);
}

QString letters(Vec3 direction) {
    return QString::fromStdString(patient_direction_letters(direction));
}

}  // namespace

OrthogonalSlices::OrthogonalSlices(QWidget* parent) : QWidget(parent) {
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4);
    for (int v = 0; v < 3; ++v) {
        auto* column = new QVBoxLayout;
        column->setSpacing(2);
        views_[v] = new ImageView(this);
        views_[v]->setObjectName(QString::fromLatin1(kLayouts[v].name));
        // One window for the three: one colour bar, right of the last.
        views_[v]->setColourBarShown(v == 2);
        sliders_[v] = new QSlider(Qt::Horizontal, this);
        sliders_[v]->setObjectName(QStringLiteral("%1 slice").arg(kLayouts[v].name));
        sliders_[v]->setEnabled(false);
        views_[v]->installEventFilter(this);
        column->addWidget(views_[v], 1);
        column->addWidget(sliders_[v]);
        row->addLayout(column, 1);

        connect(views_[v], &ImageView::pixelClicked, this,
                [this, v](int c, int r) { setCursor(voxelAt(v, c, r)); });
        connect(views_[v], &ImageView::pixelHovered, this, [this, v](int c, int r, double value) {
            const auto voxel = voxelAt(v, c, r);
            emit voxelHovered(voxel[0], voxel[1], voxel[2], value);
        });
        connect(views_[v], &ImageView::windowChanged, this, [this, v](double level, double width) {
            if (refreshing_ || !views_[v]->windowHeld()) return;
            shareWindow(v);
            emit windowChanged(level, width);
        });
        // "Automatic window" in one view's menu is the automatic window of all three.
        connect(views_[v], &ImageView::windowReset, this, [this] {
            if (!refreshing_) resetWindow();
        });
        connect(sliders_[v], &QSlider::valueChanged, this, [this, v](int value) {
            if (refreshing_ || !volume_) return;
            auto voxel = cursor_;
            voxel[frames_[v].normal_axis] = value;
            setCursor(voxel);
        });
    }
}

bool OrthogonalSlices::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() != QEvent::KeyPress || !volume_) return QWidget::eventFilter(watched, event);
    const auto it = std::find(views_.begin(), views_.end(), watched);
    if (it == views_.end()) return QWidget::eventFilter(watched, event);
    const int v = static_cast<int>(it - views_.begin());
    int step = 0;
    switch (static_cast<QKeyEvent*>(event)->key()) {
        case Qt::Key_Up:
            step = 1;
            break;
        case Qt::Key_Down:
            step = -1;
            break;
        // Ten slices at a time, or a tenth of a thin volume.
        case Qt::Key_PageUp:
            step = 10;
            break;
        case Qt::Key_PageDown:
            step = -10;
            break;
        default:
            return QWidget::eventFilter(watched, event);
    }
    auto voxel = cursor_;
    voxel[frames_[v].normal_axis] += step;
    setCursor(voxel);
    return true;
}

void OrthogonalSlices::setVolume(const recon::Volume& volume, const QString& values,
                                 const std::optional<recon::Window>& automatic) {
    if (!volume.voxels.bound() || volume.voxels.extents() != volume.grid.size ||
        volume.grid.voxel_count() < 1) {
        clear();
        return;
    }
    const bool same = volume_ && same_grid(volume_->grid, volume.grid);
    volume_ = volume;
    values_ = values;
    automatic_ = automatic;
    if (!same) {
        for (int i = 0; i < 3; ++i)
            cursor_[i] = volume.grid.size[i] / 2;
        // Values of another volume need their own window.
        refreshing_ = true;
        for (ImageView* view : views_)
            view->resetWindow();
        refreshing_ = false;
        orient();
    }
    if (!windowHeld() && !automatic_) {
        automatic_ = volume_window(volume);
    }
    refresh();
}

void OrthogonalSlices::clear() {
    volume_.reset();
    automatic_.reset();
    for (int v = 0; v < 3; ++v) {
        views_[v]->clear();
        sliders_[v]->setEnabled(false);
    }
}

void OrthogonalSlices::orient() {
    const Mat3& direction = volume_->grid.direction;
    const std::array<int, 3> along = grid_axis_along_world(direction);
    for (int v = 0; v < 3; ++v) {
        const ViewLayout& layout = kLayouts[v];
        SliceFrame& frame = frames_[v];
        frame.column_axis = along[layout.column_world];
        frame.row_axis = along[layout.row_world];
        frame.normal_axis = along[layout.normal_world];
        frame.flip_column = dot(direction.column(frame.column_axis), layout.column_towards) < 0;
        frame.flip_row = dot(direction.column(frame.row_axis), layout.row_towards) < 0;
    }
}

std::array<int64_t, 3> OrthogonalSlices::voxelAt(int view, int column, int row) const {
    std::array<int64_t, 3> voxel = cursor_;
    if (!volume_) return voxel;
    const SliceFrame& f = frames_[view];
    const auto& size = volume_->grid.size;
    voxel[f.column_axis] = f.flip_column ? size[f.column_axis] - 1 - column : column;
    voxel[f.row_axis] = f.flip_row ? size[f.row_axis] - 1 - row : row;
    return voxel;
}

QPoint OrthogonalSlices::pixelOf(int view, const std::array<int64_t, 3>& voxel) const {
    if (!volume_) return {};
    const SliceFrame& f = frames_[view];
    const auto& size = volume_->grid.size;
    const int64_t column =
        f.flip_column ? size[f.column_axis] - 1 - voxel[f.column_axis] : voxel[f.column_axis];
    const int64_t row = f.flip_row ? size[f.row_axis] - 1 - voxel[f.row_axis] : voxel[f.row_axis];
    return QPoint(static_cast<int>(column), static_cast<int>(row));
}

recon::Image2D OrthogonalSlices::slice(int view) const {
    const VolumeGrid& grid = volume_->grid;
    const SliceFrame& f = frames_[view];
    const int64_t width = grid.size[f.column_axis], height = grid.size[f.row_axis];
    recon::Image2D image = recon::Image2D::allocate(width, height, grid.spacing[f.column_axis],
                                                    grid.spacing[f.row_axis]);
    const float* voxels = volume_->voxels.host_data();
    const int64_t strides[3] = {1, grid.size[0], grid.size[0] * grid.size[1]};
    // Walk the voxels by strides: a slice of a large volume is copied in a few milliseconds.
    const int64_t base = cursor_[f.normal_axis] * strides[f.normal_axis];
    const int64_t column_stride = f.flip_column ? -strides[f.column_axis] : strides[f.column_axis];
    const int64_t row_stride = f.flip_row ? -strides[f.row_axis] : strides[f.row_axis];
    const int64_t column_start = f.flip_column ? (width - 1) * strides[f.column_axis] : 0;
    const int64_t row_start = f.flip_row ? (height - 1) * strides[f.row_axis] : 0;
    float* out = image.pixels.host_data();
    for (int64_t r = 0; r < height; ++r) {
        const float* in = voxels + base + row_start + r * row_stride + column_start;
        for (int64_t c = 0; c < width; ++c)
            out[r * width + c] = in[c * column_stride];
    }
    return image;
}

void OrthogonalSlices::refresh() {
    if (!volume_) return;
    const VolumeGrid& grid = volume_->grid;
    const bool held = windowHeld();
    refreshing_ = true;
    for (int v = 0; v < 3; ++v) {
        const SliceFrame& f = frames_[v];
        ImageView* view = views_[v];
        const Vec3 column_dir = (f.flip_column ? -1.0 : 1.0) * grid.direction.column(f.column_axis);
        const Vec3 row_dir = (f.flip_row ? -1.0 : 1.0) * grid.direction.column(f.row_axis);
        view->setPixelAspect(grid.spacing[f.row_axis] / grid.spacing[f.column_axis]);
        view->setImage(slice(v), held ? std::nullopt : automatic_);
        view->setColourBarTitle(values_);
        view->setEdgeLetters(letters(-1.0 * column_dir), letters(column_dir),
                             letters(-1.0 * row_dir), letters(row_dir));

        // Axes in LPS millimetres: the world coordinate each one mostly runs along, at the
        // cursor's row and slice.
        const Vec3 at_origin = grid.index_to_world(Vec3{
            double(voxelAt(v, 0, 0)[0]), double(voxelAt(v, 0, 0)[1]), double(voxelAt(v, 0, 0)[2])});
        const int cm = dominant_component(column_dir), rm = dominant_component(row_dir);
        view->setAxes({QString::fromLatin1(kWorldAxisNames[cm]), QStringLiteral("mm"),
                       at_origin[cm], column_dir[cm] * grid.spacing[f.column_axis]},
                      {QString::fromLatin1(kWorldAxisNames[rm]), QStringLiteral("mm"),
                       at_origin[rm], row_dir[rm] * grid.spacing[f.row_axis]});
        view->setCrosshair(pixelOf(v, cursor_));

        const Vec3 normal_dir = grid.direction.column(f.normal_axis);
        const int nm = dominant_component(normal_dir);
        const Vec3 centre =
            grid.index_to_world(Vec3{double(cursor_[0]), double(cursor_[1]), double(cursor_[2])});
        view->setCaption(tr("%1  slice %2 of %3   %4 = %5 mm")
                             .arg(QString::fromLatin1(kLayouts[v].name))
                             .arg(cursor_[f.normal_axis] + 1)
                             .arg(grid.size[f.normal_axis])
                             .arg(QString::fromLatin1(kWorldAxisNames[nm]))
                             .arg(centre[nm], 0, 'f', 1));

        QSlider* slider = sliders_[v];
        slider->setRange(0, static_cast<int>(grid.size[f.normal_axis] - 1));
        slider->setValue(static_cast<int>(cursor_[f.normal_axis]));
        slider->setEnabled(true);
    }
    refreshing_ = false;
}

void OrthogonalSlices::setCursor(const std::array<int64_t, 3>& voxel) {
    std::array<int64_t, 3> clamped = voxel;
    if (volume_) {
        for (int i = 0; i < 3; ++i)
            clamped[i] = std::clamp<int64_t>(voxel[i], 0, volume_->grid.size[i] - 1);
    }
    if (clamped == cursor_) return;
    cursor_ = clamped;
    refresh();
    emit cursorChanged(cursor_[0], cursor_[1], cursor_[2]);
}

recon::Window OrthogonalSlices::window() const {
    return views_[0]->window();
}

void OrthogonalSlices::setWindow(const recon::Window& window) {
    refreshing_ = true;
    for (ImageView* view : views_)
        view->setWindow(window);
    refreshing_ = false;
    emit windowChanged(views_[0]->window().level, views_[0]->window().width);
}

bool OrthogonalSlices::windowHeld() const {
    return views_[0]->windowHeld();
}

void OrthogonalSlices::resetWindow() {
    refreshing_ = true;
    for (ImageView* view : views_)
        view->resetWindow();
    refreshing_ = false;
    if (!volume_) return;
    if (!automatic_) {
        automatic_ = volume_window(*volume_);
    }
    refresh();
    emit windowChanged(window().level, window().width);
}

void OrthogonalSlices::shareWindow(int from) {
    refreshing_ = true;
    for (int v = 0; v < 3; ++v)
        if (v != from) views_[v]->setWindow(views_[from]->window());
    refreshing_ = false;
}

}  // namespace radon::ui
