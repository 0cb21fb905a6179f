#include "recon/algorithms/em_reconstruction.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>

#include "kernels/operator/diagonal_product.h"
#include "kernels/operator/elementwise.h"

namespace radon::recon {

void check_non_negative(const std::vector<float>& values, int64_t expected_size,
                        const std::string& what, const std::string& shape) {
    if (static_cast<int64_t>(values.size()) != expected_size) {
        throw InvalidArgument(what + " has " + std::to_string(values.size()) +
                              " values, expected " + std::to_string(expected_size) + " (" + shape +
                              ")");
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!(std::isfinite(values[i]) && values[i] >= 0.0f)) {
            std::ostringstream msg;
            msg << what << ": element " << i << " is " << values[i]
                << ", expected a finite value >= 0";
            throw InvalidArgument(msg.str());
        }
    }
}

// One subset as the iterations use it: its operator with the multiplicative factors folded in
// (m_S ⊙ A_S), and its additive term and sensitivity image in the working memory space.
struct EmReconstructor::Subset {
    std::shared_ptr<const LinearOperator> op;
    Array<float> additive;  // unbound when the model has none
    Array<float> sensitivity;
    int64_t bins = 0;
};

namespace {

std::vector<float> gather_host(const SubsetStack& stack, int k, const std::vector<float>& full) {
    std::vector<float> part(stack.rows(k).size());
    stack.gather_rows(k, full.data(), part.data(), MemorySpace::Host);
    return part;
}

Array<float> upload(const std::vector<float>& host, MemorySpace space) {
    Array<float> a = allocate_values(static_cast<int64_t>(host.size()), space);
    copy_values(data_of(a), space, host.data(), MemorySpace::Host, a.size());
    return a;
}

}  // namespace

EmReconstructor::EmReconstructor(std::shared_ptr<const SubsetStack> subsets, PoissonModel model,
                                 MemorySpace space)
    : stack_(std::move(subsets)), space_(space) {
    if (!stack_) throw InvalidArgument("EM reconstruction: no operator given");
    if (!stack_->accepts(space_)) {
        throw InvalidArgument("EM reconstruction: " + stack_->description() + " does not take " +
                              to_string(space_) + " memory");
    }
    const OperatorShape out = stack_->out_shape();
    const bool has_m = !model.multiplicative.empty(), has_a = !model.additive.empty();
    if (has_m)
        check_non_negative(model.multiplicative, out.size(), "multiplicative factors",
                           out.to_string());
    if (has_a) check_non_negative(model.additive, out.size(), "additive term", out.to_string());
    for (int k = 0; k < stack_->subset_count(); ++k) {
        auto s = std::make_unique<Subset>();
        s->op = stack_->subset_operator(k);
        if (has_m) {
            s->op = std::make_shared<DiagonalProduct>(
                s->op, gather_host(*stack_, k, model.multiplicative), DiagonalSide::Output);
        }
        if (has_a) s->additive = upload(gather_host(*stack_, k, model.additive), space_);
        s->bins = s->op->out_shape().size();
        subsets_.push_back(std::move(s));
    }
}

EmReconstructor::~EmReconstructor() = default;

void EmReconstructor::prepare(const RunControl& control) {
    if (prepared_) return;
    const int n = static_cast<int>(subsets_.size());
    const int64_t n_in = stack_->in_shape().size();
    for (int k = 0; k < n; ++k) {
        control.check_cancel();
        Subset& s = *subsets_[k];
        ShareOfProgress share(control.progress, double(k) / n, 1.0 / n);
        // A_S^T m_S: the factors are inside op, so this is the back projection of ones.
        Array<float> ones = allocate_values(s.bins, space_);
        fill(data_of(ones), 1.0f, s.bins, space_);
        Array<float> sens = allocate_values(n_in, space_);
        s.op->apply_adjoint(data_of(ones), s.bins, data_of(sens), n_in, space_,
                            {control.cancel, &share});
        s.sensitivity = std::move(sens);
    }
    prepared_ = true;
    control.report(1.0);
}

std::vector<float> EmReconstructor::sensitivity(int k) {
    prepare();
    const Subset& s = *subsets_.at(k);
    std::vector<float> host(static_cast<std::size_t>(s.sensitivity.size()));
    copy_values(host.data(), MemorySpace::Host, data_of(s.sensitivity), space_,
                s.sensitivity.size());
    return host;
}

void EmReconstructor::forward(int k, const float* x, float* expected,
                              const RunControl& control) const {
    const Subset& s = *subsets_[k];
    s.op->apply(x, stack_->in_shape().size(), expected, s.bins, space_, control);
    if (s.additive.bound())
        elementwise(BinaryOp::Add, expected, data_of(s.additive), expected, s.bins, space_);
}

double EmReconstructor::log_likelihood(const std::vector<Array<float>>& measured, const float* x,
                                       const RunControl& control) const {
    double sum = 0;
    for (int k = 0; k < static_cast<int>(subsets_.size()); ++k) {
        Array<float> expected = allocate_values(subsets_[k]->bins, space_);
        forward(k, x, data_of(expected), {control.cancel, nullptr});
        sum += poisson_log_likelihood(data_of(measured[k]), data_of(expected), subsets_[k]->bins,
                                      space_);
    }
    return sum;
}

EmResult EmReconstructor::run(const std::vector<float>& measured, std::vector<float>& image,
                              const EmOptions& options) {
    const OperatorShape in = stack_->in_shape(), out = stack_->out_shape();
    check_non_negative(measured, out.size(), "measured data", out.to_string());
    check_non_negative(image, in.size(), "initial image", in.to_string());
    if (options.iterations < 0) {
        throw InvalidArgument("EM reconstruction: " + std::to_string(options.iterations) +
                              " iterations, expected 0 or more");
    }
    if (options.image_every < 0) {
        throw InvalidArgument("EM reconstruction: an image every " +
                              std::to_string(options.image_every) +
                              " iterations, expected 0 (none) or more");
    }
    const RunControl& control = options.control;
    const int n_sub = static_cast<int>(subsets_.size());
    const int64_t n_in = in.size();
    const double total = double(options.iterations) * n_sub;
    // The sensitivities (when not yet computed) take the first share of the progress: one back
    // projection per subset against a forward and a back projection per sub-iteration.
    const double prep_share = prepared_ ? 0.0 : n_sub / (n_sub + 2 * total);
    {
        ShareOfProgress share(control.progress, 0.0, prep_share);
        prepare({control.cancel, &share});
    }

    std::vector<Array<float>> y;
    for (int k = 0; k < n_sub; ++k)
        y.push_back(upload(gather_host(*stack_, k, measured), space_));

    // The image: the caller's vector itself on the host, so a cancel leaves the last complete
    // sub-iteration there; a device copy otherwise, copied back on every way out.
    Array<float> x_device;
    float* x = image.data();
    if (space_ == MemorySpace::Device) {
        x_device = upload(image, space_);
        x = data_of(x_device);
    }
    auto copy_back = [&] {
        if (space_ == MemorySpace::Device)
            copy_values(image.data(), MemorySpace::Host, x, space_, n_in);
    };

    int64_t max_bins = 0;
    for (const auto& s : subsets_)
        max_bins = std::max(max_bins, s->bins);
    Array<float> expected = allocate_values(max_bins, space_);
    Array<float> update = allocate_values(n_in, space_);

    EmResult result;
    // With one subset the forward projection of each iteration is that of the image the
    // previous one left: its log-likelihood comes free; with several, it costs a full forward
    // projection per iteration.
    const bool reuse = n_sub == 1;
    auto record = [&](int iteration, double ll) {
        result.log_likelihood.push_back(ll);
        if (iteration > 0 && options.on_iteration) options.on_iteration(iteration, ll);
    };
    auto images = [&](int iteration) {
        if (!options.on_image || options.image_every <= 0) return;
        if (iteration % options.image_every != 0 && iteration != options.iterations) return;
        copy_back();
        options.on_image(iteration, image);
    };

    try {
        if (!reuse || options.iterations == 0) record(0, log_likelihood(y, x, control));
        for (int it = 1; it <= options.iterations; ++it) {
            for (int k = 0; k < n_sub; ++k) {
                control.check_cancel();
                const Subset& s = *subsets_[k];
                const double done = double(it - 1) * n_sub + k;
                ShareOfProgress share(control.progress,
                                      prep_share + (1 - prep_share) * done / total,
                                      (1 - prep_share) / total);
                ShareOfProgress forward_share(&share, 0.0, 0.5), back_share(&share, 0.5, 0.5);
                float* ybar = data_of(expected);
                forward(k, x, ybar, {control.cancel, &forward_share});
                if (reuse)
                    record(it - 1, poisson_log_likelihood(data_of(y[k]), ybar, s.bins, space_));
                // ybar <- y / ybar, then update <- A_S^T (m ⊙ ratio) / s, then x <- x ⊙ update.
                elementwise(BinaryOp::Divide, data_of(y[k]), ybar, ybar, s.bins, space_);
                s.op->apply_adjoint(ybar, s.bins, data_of(update), n_in, space_,
                                    {control.cancel, &back_share});
                elementwise(BinaryOp::Divide, data_of(update), data_of(s.sensitivity),
                            data_of(update), n_in, space_);
                elementwise(BinaryOp::Multiply, x, data_of(update), x, n_in, space_);
                share.report(1.0);
                if (options.on_subiteration) {
                    copy_back();
                    options.on_subiteration(it, k, image);
                }
            }
            if (!reuse) record(it, log_likelihood(y, x, control));
            images(it);
        }
        if (reuse && options.iterations > 0)
            record(options.iterations, log_likelihood(y, x, control));
    } catch (...) {
        copy_back();
        throw;
    }
    copy_back();
    return result;
}

EmResult mlem(std::shared_ptr<const LinearOperator> op, const std::vector<float>& measured,
              PoissonModel model, std::vector<float>& image, const EmOptions& options,
              MemorySpace space) {
    return osem(SubsetStack::single(std::move(op)), measured, std::move(model), image, options,
                space);
}

EmResult osem(std::shared_ptr<const SubsetStack> subsets, const std::vector<float>& measured,
              PoissonModel model, std::vector<float>& image, const EmOptions& options,
              MemorySpace space) {
    EmReconstructor reconstructor(std::move(subsets), std::move(model), space);
    return reconstructor.run(measured, image, options);
}

}  // namespace radon::recon
