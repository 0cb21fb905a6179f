#include "kernels/operator/subset_stack.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "kernels/operator/elementwise.h"

namespace radon {

SubsetStack::SubsetStack(OperatorShape full_out_shape, std::vector<OperatorSubset> subsets)
    : out_shape_(std::move(full_out_shape)), subsets_(std::move(subsets)) {
    if (subsets_.empty()) throw InvalidArgument("subset stack: no subsets given");
    const int64_t full = out_shape_.size();
    std::vector<int> owner(static_cast<std::size_t>(full), -1);
    int64_t claimed = 0;
    for (std::size_t k = 0; k < subsets_.size(); ++k) {
        const std::string name = "subset stack: subset " + std::to_string(k);
        OperatorSubset& s = subsets_[k];
        if (!s.op) throw InvalidArgument(name + " has no operator");
        if (k == 0) in_shape_ = s.op->in_shape();
        if (s.op->in_shape() != in_shape_) {
            throw InvalidArgument(name + " (" + s.op->description() + ") takes " +
                                  s.op->in_shape().to_string() + ", but subset 0 takes " +
                                  in_shape_.to_string());
        }
        const int64_t n = s.op->out_shape().size();
        if (static_cast<int64_t>(s.rows.size()) != n) {
            throw InvalidArgument(name + " lists " + std::to_string(s.rows.size()) +
                                  " rows, but its operator (" + s.op->description() + ") gives " +
                                  std::to_string(n) + " (" + s.op->out_shape().to_string() + ")");
        }
        for (const int64_t r : s.rows) {
            if (r < 0 || r >= full) {
                throw InvalidArgument(name + ": row " + std::to_string(r) +
                                      " lies outside the full output of " + std::to_string(full) +
                                      " (" + out_shape_.to_string() + ")");
            }
            int& o = owner[static_cast<std::size_t>(r)];
            if (o >= 0) {
                throw InvalidArgument(name + ": row " + std::to_string(r) +
                                      " is already claimed by subset " + std::to_string(o));
            }
            o = static_cast<int>(k);
            ++claimed;
        }
        rows_.push_back(std::make_unique<MirroredValues<int64_t>>(std::move(s.rows)));
        s.rows.clear();
    }
    covers_all_ = claimed == full;
}

std::shared_ptr<const SubsetStack> SubsetStack::single(std::shared_ptr<const LinearOperator> op) {
    if (!op) throw InvalidArgument("subset stack: no operator given");
    std::vector<int64_t> rows(static_cast<std::size_t>(op->out_shape().size()));
    std::iota(rows.begin(), rows.end(), int64_t(0));
    OperatorShape shape = op->out_shape();
    std::vector<OperatorSubset> subsets;
    subsets.push_back({std::move(op), std::move(rows)});
    return std::make_shared<SubsetStack>(std::move(shape), std::move(subsets));
}

bool SubsetStack::accepts(MemorySpace space) const {
    for (const OperatorSubset& s : subsets_)
        if (!s.op->accepts(space)) return false;
    return true;
}

std::string SubsetStack::description() const {
    return std::to_string(subsets_.size()) + " subsets of " + subsets_.front().op->description();
}

void SubsetStack::gather_rows(int k, const float* full, float* part, MemorySpace space) const {
    const MirroredValues<int64_t>& rows = *rows_.at(k);
    gather(full, rows.data(space), part, rows.size(), space);
}

void SubsetStack::scatter_rows(int k, const float* part, float* full, MemorySpace space) const {
    const MirroredValues<int64_t>& rows = *rows_.at(k);
    scatter(part, rows.data(space), full, rows.size(), space);
}

void SubsetStack::do_apply(const float* x, float* y, MemorySpace space,
                           const RunControl& control) const {
    if (!covers_all_) fill(y, 0.0f, out_shape_.size(), space);
    const int n = subset_count();
    for (int k = 0; k < n; ++k) {
        control.check_cancel();
        const LinearOperator& op = subset(k);
        ShareOfProgress share(control.progress, double(k) / n, 1.0 / n);
        Array<float> part = allocate_values(op.out_shape().size(), space);
        op.apply(x, in_shape_.size(), data_of(part), part.size(), space, {control.cancel, &share});
        scatter_rows(k, data_of(part), y, space);
    }
    control.report(1.0);
}

void SubsetStack::do_apply_adjoint(const float* y, float* x, MemorySpace space,
                                   const RunControl& control) const {
    const int n = subset_count();
    const int64_t n_in = in_shape_.size();
    Array<float> sum_part = allocate_values(n > 1 ? n_in : 0, space);
    for (int k = 0; k < n; ++k) {
        control.check_cancel();
        const LinearOperator& op = subset(k);
        ShareOfProgress share(control.progress, double(k) / n, 1.0 / n);
        Array<float> part = allocate_values(op.out_shape().size(), space);
        gather_rows(k, y, data_of(part), space);
        float* target = k == 0 ? x : data_of(sum_part);
        op.apply_adjoint(data_of(part), part.size(), target, n_in, space, {control.cancel, &share});
        if (k > 0) elementwise(BinaryOp::Add, x, target, x, n_in, space);
    }
    control.report(1.0);
}

std::vector<int64_t> rows_with_index_along(const OperatorShape& shape, int axis,
                                           const std::vector<int64_t>& indices) {
    const int dims = static_cast<int>(shape.dims.size());
    if (axis < 0 || axis >= dims) {
        throw InvalidArgument("rows along axis " + std::to_string(axis) + ": the shape " +
                              shape.to_string() + " has axes 0 to " + std::to_string(dims - 1));
    }
    const int64_t extent = shape.dims[axis];
    std::vector<char> wanted(static_cast<std::size_t>(extent), 0);
    for (const int64_t i : indices) {
        if (i < 0 || i >= extent) {
            throw InvalidArgument("rows along axis " + std::to_string(axis) + " of " +
                                  shape.to_string() + ": index " + std::to_string(i) +
                                  " is outside [0, " + std::to_string(extent - 1) + "]");
        }
        wanted[static_cast<std::size_t>(i)] = 1;
    }
    int64_t stride = 1;
    for (int a = 0; a < axis; ++a)
        stride *= shape.dims[a];
    std::vector<int64_t> rows;
    const int64_t total = shape.size();
    for (int64_t r = 0; r < total; ++r)
        if (wanted[static_cast<std::size_t>((r / stride) % extent)]) rows.push_back(r);
    return rows;
}

std::vector<std::vector<int64_t>> interleaved_subsets(int64_t count, int subsets) {
    if (subsets < 1 || subsets > count) {
        throw InvalidArgument("subsets: " + std::to_string(subsets) + " subsets of " +
                              std::to_string(count) + " views, expected 1 to " +
                              std::to_string(count));
    }
    std::vector<std::vector<int64_t>> out(static_cast<std::size_t>(subsets));
    for (int64_t v = 0; v < count; ++v)
        out[static_cast<std::size_t>(v % subsets)].push_back(v);
    return out;
}

std::shared_ptr<const SubsetStack> subsets_by_views(
    const OperatorShape& full, int subsets,
    const std::function<std::shared_ptr<const LinearOperator>(const std::vector<int64_t>& views)>&
        make_subset) {
    int axis = -1;
    for (std::size_t a = 0; a < full.axis_names.size(); ++a)
        if (full.axis_names[a] == "view") axis = static_cast<int>(a);
    if (axis < 0 || axis >= static_cast<int>(full.dims.size())) {
        throw InvalidArgument("subsets by views: the sinogram " + full.to_string() +
                              " has no axis named \"view\"");
    }
    std::vector<OperatorSubset> parts;
    for (const std::vector<int64_t>& views : interleaved_subsets(full.dims[axis], subsets))
        parts.push_back({make_subset(views), rows_with_index_along(full, axis, views)});
    return std::make_shared<SubsetStack>(full, std::move(parts));
}

}  // namespace radon
