#include "kernels/drr/label_map.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "kernels/core/error.h"

namespace radon {
namespace {

std::string size_text(const std::array<int64_t, 3>& n) {
    std::ostringstream s;
    s << n[0] << "x" << n[1] << "x" << n[2];
    return s.str();
}

std::string vec_text(Vec3 v) {
    std::ostringstream s;
    s.precision(6);
    s << "(" << v.x << ", " << v.y << ", " << v.z << ")";
    return s.str();
}

// The largest distance between corresponding voxel centres, over the eight corners of the grid
// (both maps are affine, so the largest distance over the whole grid is at a corner).
double largest_centre_distance(const VolumeGrid& a, const VolumeGrid& b,
                               std::array<int64_t, 3>& worst) {
    double largest = 0;
    for (int corner = 0; corner < 8; ++corner) {
        std::array<int64_t, 3> index{};
        Vec3 q;
        for (int axis = 0; axis < 3; ++axis) {
            index[axis] = (corner >> axis) & 1 ? a.size[axis] - 1 : 0;
            q[axis] = static_cast<double>(index[axis]);
        }
        const double d = norm(a.index_to_world(q) - b.index_to_world(q));
        if (!(d <= largest)) {
            largest = d;
            worst = index;
        }
    }
    return largest;
}

void check_same_grid(const VolumeGrid& volume, const VolumeGrid& labels,
                     const std::string& source) {
    if (labels.size != volume.size) {
        throw InvalidArgument(source + ": the label map has " + size_text(labels.size) +
                              " voxels, the volume " + size_text(volume.size) +
                              "; a label map must be on the volume's grid (resample it to the "
                              "volume first)");
    }
    const double min_spacing =
        std::min(volume.spacing[0], std::min(volume.spacing[1], volume.spacing[2]));
    const double tolerance = kLabelGridTolerance * min_spacing;
    std::array<int64_t, 3> worst{};
    const double distance = largest_centre_distance(volume, labels, worst);
    if (!(distance <= tolerance)) {
        std::ostringstream msg;
        msg.precision(6);
        msg << source << ": the label map's voxel (" << worst[0] << ", " << worst[1] << ", "
            << worst[2] << ") lies " << distance << " mm from the volume's (more than " << tolerance
            << " mm): spacing " << vec_text(labels.spacing) << " mm and origin "
            << vec_text(labels.origin) << " against the volume's " << vec_text(volume.spacing)
            << " and " << vec_text(volume.origin)
            << "; a label map must share the volume's grid and direction";
        throw InvalidArgument(msg.str());
    }
}

void fill_extents(LabelMap& map) {
    const int64_t nx = map.size[0], ny = map.size[1], nz = map.size[2];
    std::vector<LabelExtent> all(65536);
    const uint16_t* v = map.labels.host_data();
    for (int64_t k = 0; k < nz; ++k) {
        for (int64_t j = 0; j < ny; ++j) {
            const uint16_t* row = v + nx * (j + ny * k);
            for (int64_t i = 0; i < nx; ++i) {
                LabelExtent& e = all[row[i]];
                if (e.voxels++ == 0) {
                    e.lo = e.hi = {i, j, k};
                    continue;
                }
                // Slices are visited in order, so k never decreases: its lower bound is set.
                e.lo[0] = std::min(e.lo[0], i);
                e.hi[0] = std::max(e.hi[0], i);
                e.lo[1] = std::min(e.lo[1], j);
                e.hi[1] = std::max(e.hi[1], j);
                e.hi[2] = k;
            }
        }
    }
    map.present.clear();
    for (int label = 0; label < 65536; ++label) {
        if (all[label].voxels == 0) continue;
        all[label].label = static_cast<uint16_t>(label);
        map.present.push_back(all[label]);
    }
}

}  // namespace

const LabelExtent* LabelMap::find(uint16_t label) const {
    const auto it =
        std::lower_bound(present.begin(), present.end(), label,
                         [](const LabelExtent& e, uint16_t wanted) { return e.label < wanted; });
    return it != present.end() && it->label == label ? &*it : nullptr;
}

std::string LabelMap::present_list() const {
    std::ostringstream s;
    const std::size_t shown = std::min<std::size_t>(present.size(), 12);
    for (std::size_t i = 0; i < shown; ++i)
        s << (i ? ", " : "") << present[i].label;
    if (present.size() > shown) s << " and " << present.size() - shown << " more";
    return s.str();
}

LabelMap make_label_map(const VolumeGrid& volume_grid, const VolumeGrid& label_grid,
                        const Array<float>& values, const std::string& source) {
    check_same_grid(volume_grid, label_grid, source);
    if (values.extents() != Extents{label_grid.size[0], label_grid.size[1], label_grid.size[2]}) {
        throw InvalidArgument(source + ": the label array does not match its grid");
    }
    const int64_t n = values.size();
    const float* in = values.host_data();
    Array<uint16_t> labels = Array<uint16_t>::allocate(values.extents());
    uint16_t* out = labels.host_data();
    int64_t bad = 0, first = n;
#pragma omp parallel for reduction(+ : bad) reduction(min : first) schedule(static)
    for (int64_t i = 0; i < n; ++i) {
        const float v = in[i];
        // Also false for NaN.
        if (v >= 0.0f && v <= 65535.0f && v == std::floor(v)) {
            out[i] = static_cast<uint16_t>(v);
        } else {
            out[i] = 0;
            ++bad;
            first = std::min(first, i);
        }
    }
    if (bad > 0) {
        const int64_t nx = label_grid.size[0], ny = label_grid.size[1];
        std::ostringstream msg;
        msg << source << ": " << bad << (bad == 1 ? " voxel holds a value" : " voxels hold values")
            << " that " << (bad == 1 ? "is" : "are") << " not a label (the first, " << in[first]
            << ", at voxel (" << first % nx << ", " << (first / nx) % ny << ", "
            << first / (nx * ny) << ")); expected whole numbers in [0, 65535]";
        throw InvalidArgument(msg.str());
    }
    return make_label_map(label_grid.size, std::move(labels), source);
}

LabelMap make_label_map(const std::array<int64_t, 3>& size, Array<uint16_t> labels,
                        const std::string& source) {
    if (labels.extents() != Extents{size[0], size[1], size[2]}) {
        throw InvalidArgument(source + ": the label array does not match its grid");
    }
    LabelMap map;
    map.source = source;
    map.size = size;
    map.labels = std::move(labels);
    fill_extents(map);
    return map;
}

}  // namespace radon
