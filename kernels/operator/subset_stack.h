#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "kernels/operator/linear_operator.h"
#include "kernels/operator/mirrored_values.h"

namespace radon {

// One subset of the rows of a large operator: an operator for those rows alone (a sinogram
// projector restricted to some views, say) and, for each of its outputs in order, the row it
// fills in the full output (a flat index, axis 0 fastest).
struct OperatorSubset {
    std::shared_ptr<const LinearOperator> op;
    std::vector<int64_t> rows;
};

// The rows of a full operator split into subsets (OSEM's subsets of views), itself the full
// LinearOperator: apply fills each subset's rows of the full output (rows in no subset are 0),
// apply_adjoint sums the subsets' adjoints. Each subset is available as its own operator.
class SubsetStack final : public LinearOperator {
  public:
    // Throws InvalidArgument when there is no subset, a subset's operator is null, the subsets'
    // input shapes differ, a subset's row count differs from its operator's output size, or a
    // row lies outside full_out_shape or is claimed twice; the message names the subset, the
    // shapes and the row.
    SubsetStack(OperatorShape full_out_shape, std::vector<OperatorSubset> subsets);

    // A stack of one subset holding every row in order: MLEM as OSEM with one subset.
    static std::shared_ptr<const SubsetStack> single(std::shared_ptr<const LinearOperator> op);

    OperatorShape in_shape() const override { return in_shape_; }
    OperatorShape out_shape() const override { return out_shape_; }
    DeviceKind device() const override { return subsets_.front().op->device(); }
    bool accepts(MemorySpace space) const override;
    std::string description() const override;

    int subset_count() const { return static_cast<int>(subsets_.size()); }
    const LinearOperator& subset(int k) const { return *subsets_.at(k).op; }
    const std::shared_ptr<const LinearOperator>& subset_operator(int k) const {
        return subsets_.at(k).op;
    }
    const std::vector<int64_t>& rows(int k) const { return rows_.at(k)->host(); }
    // True when every row of the full output belongs to some subset.
    bool covers_all_rows() const { return covers_all_; }

    // part = the rows of subset k taken from a full-size vector, and back; both in `space`.
    void gather_rows(int k, const float* full, float* part, MemorySpace space) const;
    void scatter_rows(int k, const float* part, float* full, MemorySpace space) const;

  protected:
    void do_apply(const float* x, float* y, MemorySpace space,
                  const RunControl& control) const override;
    void do_apply_adjoint(const float* y, float* x, MemorySpace space,
                          const RunControl& control) const override;

  private:
    OperatorShape in_shape_, out_shape_;
    std::vector<OperatorSubset> subsets_;  // rows moved into rows_
    std::vector<std::unique_ptr<MirroredValues<int64_t>>> rows_;
    bool covers_all_ = false;
};

// The flat indices (axis 0 fastest) of the elements of `shape` whose index along `axis` is one of
// `indices`, in increasing order: the rows of a sinogram's views, whatever the axis order.
// Throws InvalidArgument for an axis or an index out of range.
std::vector<int64_t> rows_with_index_along(const OperatorShape& shape, int axis,
                                           const std::vector<int64_t>& indices);

// `count` positions (views) dealt into `subsets` interleaved subsets, subset s holding
// s, s + subsets, s + 2 subsets, ...: the usual OSEM order, each subset spread over all angles.
// Throws InvalidArgument unless 1 <= subsets <= count.
std::vector<std::vector<int64_t>> interleaved_subsets(int64_t count, int subsets);

// OSEM subsets of a sinogram's views in one call: `subsets` interleaved subsets of the views of
// `full` (its axis named "view"), each the operator make_subset(views) returns for those views
// (in increasing order), its rows those of rows_with_index_along. make_subset's operator must
// give its views' bins in the full sinogram's memory order with the other views left out.
// Throws InvalidArgument when `full` has no axis named "view" or for a subset count outside
// [1, views].
std::shared_ptr<const SubsetStack> subsets_by_views(
    const OperatorShape& full, int subsets,
    const std::function<std::shared_ptr<const LinearOperator>(const std::vector<int64_t>& views)>&
        make_subset);

}  // namespace radon
