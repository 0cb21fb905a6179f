#include "recon/algorithms/ramp_filter.h"

#include <fftw3.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <sstream>

#include "kernels/core/error.h"
#include "kernels/core/vec.h"

namespace radon::recon {
namespace {

// FFTW's planner is not thread-safe; executing a plan on new arrays is.
std::mutex& planner_mutex() {
    static std::mutex m;
    return m;
}

struct FftwFloats {
    explicit FftwFloats(std::size_t n) : p(static_cast<float*>(fftwf_malloc(n * sizeof(float)))) {
        if (!p) throw Error("ramp filter: out of memory for an FFT buffer");
    }
    ~FftwFloats() { fftwf_free(p); }
    FftwFloats(const FftwFloats&) = delete;
    FftwFloats& operator=(const FftwFloats&) = delete;
    float* p;
};

}  // namespace

const char* to_string(RampWindow window) {
    switch (window) {
        case RampWindow::SheppLogan:
            return "shepp-logan";
        case RampWindow::Cosine:
            return "cosine";
        case RampWindow::Hamming:
            return "hamming";
        case RampWindow::Hann:
            return "hann";
        default:
            return "ram-lak";
    }
}

RampWindow parse_ramp_window(const std::string& name) {
    if (name == "ram-lak") return RampWindow::RamLak;
    if (name == "shepp-logan") return RampWindow::SheppLogan;
    if (name == "cosine") return RampWindow::Cosine;
    if (name == "hamming") return RampWindow::Hamming;
    if (name == "hann") return RampWindow::Hann;
    throw InvalidArgument("filter '" + name +
                          "': expected ram-lak, shepp-logan, cosine, hamming or hann");
}

void RampFilterSettings::validate() const {
    if (!(cutoff > 0.0 && cutoff <= 1.0)) {
        std::ostringstream msg;
        msg << "filter cut-off " << cutoff
            << ": expected a fraction of the Nyquist frequency in (0, 1]";
        throw InvalidArgument(msg.str());
    }
}

double ramp_window_factor(RampWindow window, double w) {
    if (w > 1.0) return 0.0;
    switch (window) {
        case RampWindow::SheppLogan: {
            const double x = 0.5 * kPi * w;
            return x == 0.0 ? 1.0 : std::sin(x) / x;
        }
        case RampWindow::Cosine:
            return std::cos(0.5 * kPi * w);
        case RampWindow::Hamming:
            return 0.54 + 0.46 * std::cos(kPi * w);
        case RampWindow::Hann:
            return 0.5 + 0.5 * std::cos(kPi * w);
        default:
            return 1.0;
    }
}

int64_t next_fast_fft_size(int64_t minimum) {
    for (int64_t n = std::max<int64_t>(2, minimum);; ++n) {
        if (n % 2) continue;
        int64_t m = n;
        for (int64_t p : {2, 3, 5, 7})
            while (m % p == 0)
                m /= p;
        if (m == 1) return n;
    }
}

struct RampFilter::Plans {
    fftwf_plan forward = nullptr;
    fftwf_plan inverse = nullptr;
    ~Plans() {
        std::lock_guard<std::mutex> lock(planner_mutex());
        if (forward) fftwf_destroy_plan(forward);
        if (inverse) fftwf_destroy_plan(inverse);
    }
};

RampFilter::RampFilter(int64_t columns, double pixel_mm, const RampFilterSettings& settings)
    : columns_(columns), padded_(next_fast_fft_size(2 * columns)), plans_(new Plans) {
    settings.validate();
    if (columns < 1)
        throw InvalidArgument("ramp filter: rows of " + std::to_string(columns) +
                              " pixels, expected at least 1");
    if (!(pixel_mm > 0) || !std::isfinite(pixel_mm))
        throw InvalidArgument("ramp filter: pixel spacing must be finite and positive (mm)");
    const int64_t n = padded_;
    const double tau = pixel_mm;
    // The kernel's samples, circularly: h(k) and h(n - k) are the same tap.
    std::vector<double> h(std::size_t(n), 0.0);
    h[0] = 1.0 / (4.0 * tau * tau);
    for (int64_t k = 1; k <= n / 2; ++k) {
        if (k % 2 == 0) continue;
        const double tap = -1.0 / (kPi * kPi * double(k) * double(k) * tau * tau);
        h[std::size_t(k)] = tap;
        if (n - k != k) h[std::size_t(n - k)] = tap;
    }
    // Its spectrum (real, as the kernel is even), in double for the reference and the test.
    const int64_t bins = n / 2 + 1;
    response_.assign(std::size_t(bins), 0.0);
    scaled_.assign(std::size_t(bins), 0.0f);
    for (int64_t k = 0; k < bins; ++k) {
        double sum = h[0];
        for (int64_t m = 1; m < n; ++m)
            sum += h[std::size_t(m)] * std::cos(2.0 * kPi * double(k) * double(m) / double(n));
        const double w = double(k) / (0.5 * double(n) * settings.cutoff);
        response_[std::size_t(k)] = tau * sum * ramp_window_factor(settings.window, w);
        scaled_[std::size_t(k)] = float(response_[std::size_t(k)] / double(n));
    }
    FftwFloats real{std::size_t(n)};
    FftwFloats complex{std::size_t(2 * bins)};
    std::lock_guard<std::mutex> lock(planner_mutex());
    plans_->forward = fftwf_plan_dft_r2c_1d(
        int(n), real.p, reinterpret_cast<fftwf_complex*>(complex.p), FFTW_ESTIMATE);
    plans_->inverse = fftwf_plan_dft_c2r_1d(int(n), reinterpret_cast<fftwf_complex*>(complex.p),
                                            real.p, FFTW_ESTIMATE);
    if (!plans_->forward || !plans_->inverse)
        throw Error("ramp filter: FFTW could not plan a transform of " + std::to_string(n));
}

RampFilter::~RampFilter() = default;

void RampFilter::filter_rows(float* rows, int64_t count, int64_t stride, int threads) const {
    const int64_t n = padded_;
    const int64_t bins = n / 2 + 1;
    const int team = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(team)
    {
        // Each thread its own FFTW-aligned buffers, as fftwf_execute_dft_* requires.
        FftwFloats real{std::size_t(n)};
        FftwFloats complex{std::size_t(2 * bins)};
        fftwf_complex* spectrum = reinterpret_cast<fftwf_complex*>(complex.p);
#pragma omp for schedule(static)
        for (int64_t r = 0; r < count; ++r) {
            float* row = rows + r * stride;
            std::copy(row, row + columns_, real.p);
            std::fill(real.p + columns_, real.p + n, 0.0f);
            fftwf_execute_dft_r2c(plans_->forward, real.p, spectrum);
            for (int64_t k = 0; k < bins; ++k) {
                spectrum[k][0] *= scaled_[std::size_t(k)];
                spectrum[k][1] *= scaled_[std::size_t(k)];
            }
            fftwf_execute_dft_c2r(plans_->inverse, spectrum, real.p);
            std::copy(real.p, real.p + columns_, row);
        }
    }
}

}  // namespace radon::recon
