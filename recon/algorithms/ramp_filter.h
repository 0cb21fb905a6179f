#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace radon::recon {

// The apodisation windows of filtered back projection, on the ramp |f|. With w = f / (cutoff *
// f_Nyquist), each multiplies the ramp by (and all are 0 for w > 1):
//   ram-lak      1
//   shepp-logan  sin(pi w / 2) / (pi w / 2)
//   cosine       cos(pi w / 2)
//   hamming      0.54 + 0.46 cos(pi w)
//   hann         0.5 + 0.5 cos(pi w)        (RTK's Hann window with its cut frequency)
enum class RampWindow { RamLak, SheppLogan, Cosine, Hamming, Hann };

const char* to_string(RampWindow window);               // "ram-lak", "shepp-logan", ...
RampWindow parse_ramp_window(const std::string& name);  // throws InvalidArgument naming the choices

struct RampFilterSettings {
    RampWindow window = RampWindow::RamLak;
    double cutoff = 1.0;  // of the Nyquist frequency, in (0, 1]

    // Throws InvalidArgument naming the field and the expected range.
    void validate() const;
};

// The window's factor at w = f / (cutoff * f_Nyquist) (formulas above).
double ramp_window_factor(RampWindow window, double w);

// Row-by-row ramp filtering with FFTW (single precision), for detector rows of `columns` pixels
// `pixel_mm` apart. Rows are zero-padded to at least twice their length (the next size of factors
// 2, 3, 5 and 7), so the circular convolution does not wrap. The ramp is the discrete one of Kak
// & Slaney (eq. 61 of chapter 3): the spatial samples of the band-limited ramp, h(0) = 1 / (4
// tau^2), h(n) = -1 / (n pi tau)^2 for odd n, 0 for even n, transformed; unlike a ramp sampled
// in frequency it has no DC error. A filtered row is tau * sum_n h(n) p(k - n), windowed: line
// integrals in mm give values in 1/mm per mm of panel.
class RampFilter {
  public:
    RampFilter(int64_t columns, double pixel_mm, const RampFilterSettings& settings);
    ~RampFilter();
    RampFilter(const RampFilter&) = delete;
    RampFilter& operator=(const RampFilter&) = delete;

    int64_t columns() const { return columns_; }
    int64_t padded_length() const { return padded_; }

    // Filters `count` rows of `columns` floats, `stride` floats apart, in place; OpenMP over rows
    // with `threads` threads (0: every core).
    void filter_rows(float* rows, int64_t count, int64_t stride, int threads = 0) const;

    // The filter's frequency response at f_k = k / (padded_length * pixel_mm) cycles per mm,
    // k = 0 .. padded_length / 2 (the ramp times the window; about |f_k| for ram-lak).
    const std::vector<double>& response() const { return response_; }

  private:
    struct Plans;
    int64_t columns_;
    int64_t padded_;
    std::vector<double> response_;
    std::vector<float> scaled_;  // response / padded_length: FFTW's inverse does not normalise
    std::unique_ptr<Plans> plans_;
};

// The smallest n >= minimum whose only prime factors are 2, 3, 5 and 7 (FFTW's fast sizes), even.
int64_t next_fast_fft_size(int64_t minimum);

}  // namespace radon::recon
