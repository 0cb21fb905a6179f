#include "ui/common/axis_ticks.h"

#include <algorithm>
#include <cmath>

namespace radon::ui {
namespace {

constexpr double kMantissas[] = {1.0, 2.0, 5.0};
// Beyond these magnitudes fixed notation grows long: scientific notation then.
constexpr double kLargestFixed = 1e6, kSmallestFixedStep = 1e-4;

}  // namespace

double nice_length(double limit) {
    if (!(limit > 0) || !std::isfinite(limit)) return 0;
    const double decade = std::pow(10.0, std::floor(std::log10(limit)));
    for (const double mantissa : {5.0, 2.0, 1.0}) {
        if (mantissa * decade <= limit) return mantissa * decade;
    }
    return decade;
}

double nice_step(double span, int max_intervals) {
    span = std::fabs(span);
    if (!(span > 0) || !std::isfinite(span) || max_intervals < 1) return 0;
    const double minimum = span / max_intervals;
    const double decade = std::pow(10.0, std::floor(std::log10(minimum)));
    // Rounding can leave `decade` a hair above or below the power of ten; the 1e-9 keeps a span
    // that is an exact multiple (0..10 in 5 intervals) at its obvious step.
    for (const double mantissa : kMantissas) {
        if (mantissa * decade >= minimum * (1 - 1e-9)) return mantissa * decade;
    }
    return 10 * decade;
}

QVector<double> linear_ticks(double low, double high, int max_intervals) {
    if (low > high) std::swap(low, high);
    const double step = nice_step(high - low, max_intervals);
    if (step <= 0) {
        if (std::isfinite(low) && low == high) return {low};
        return {};
    }
    const double slack = 1e-9 * step;
    QVector<double> ticks;
    for (double k = std::ceil((low - slack) / step); k * step <= high + slack; k += 1)
        ticks.push_back(k == 0 ? 0.0 : k * step);
    return ticks;
}

QVector<double> fitting_ticks(double low, double high, double screen_length,
                              const std::function<double(const QString&)>& label_extent,
                              double gap) {
    constexpr double kDensest = 20;  // pixels per interval: no axis wants more ticks than this
    const double span = std::fabs(high - low);
    QVector<double> ticks;
    for (int intervals = std::max(1, static_cast<int>(screen_length / kDensest)); intervals >= 1;
         --intervals) {
        ticks = linear_ticks(low, high, intervals);
        if (ticks.size() < 2 || !(span > 0)) return ticks;
        const double step = ticks[1] - ticks[0];
        double widest = 0;
        for (const double tick : ticks)
            widest = std::max(widest, label_extent(tick_label(tick, step)));
        if (step / span * screen_length >= widest + gap) return ticks;
    }
    return ticks;
}

QVector<double> log_ticks(double low, double high, int max_intervals) {
    if (low > high) std::swap(low, high);
    if (!(low > 0) || !std::isfinite(low) || !std::isfinite(high) || max_intervals < 1) return {};
    const double slack = 1e-9;
    const int first = static_cast<int>(std::ceil(std::log10(low) - slack));
    const int last = static_cast<int>(std::floor(std::log10(high) + slack));
    QVector<double> ticks;
    if (last - first >= 1) {
        // Every n-th decade, n chosen so that the ticks fit, on multiples of n so that 10^0 stays.
        const int every =
            std::max(1, static_cast<int>(std::ceil(double(last - first) / max_intervals)));
        for (int e = first; e <= last; ++e) {
            if (e % every == 0) ticks.push_back(std::pow(10.0, e));
        }
        if (ticks.size() >= 2) return ticks;
        ticks.clear();
    }
    const int below = static_cast<int>(std::floor(std::log10(low)));
    for (int e = below; e <= last; ++e) {
        for (const double mantissa : kMantissas) {
            const double tick = mantissa * std::pow(10.0, e);
            if (tick >= low * (1 - slack) && tick <= high * (1 + slack)) ticks.push_back(tick);
        }
    }
    if (ticks.size() >= 2 && ticks.size() <= max_intervals + 1) return ticks;
    return linear_ticks(low, high, max_intervals);
}

QVector<double> log_minor_ticks(double low, double high, const QVector<double>& major) {
    if (low > high) std::swap(low, high);
    if (!(low > 0) || !std::isfinite(low) || !std::isfinite(high)) return {};
    constexpr double slack = 1e-9;
    const int first = static_cast<int>(std::floor(std::log10(low)));
    const int last = static_cast<int>(std::floor(std::log10(high) + slack));
    const bool fine = last - first <= 3;
    auto is_major = [&](double v) {
        for (const double m : major)
            if (std::fabs(v - m) <= slack * m) return true;
        return false;
    };
    QVector<double> ticks;
    for (int e = first; e <= last; ++e) {
        for (int m = 1; m <= (fine ? 9 : 1); ++m) {
            // Divided for negative powers, so that 6 x 10^-1 is the double nearest 0.6.
            const double v = e < 0 ? m / std::pow(10.0, -e) : m * std::pow(10.0, e);
            if (v >= low * (1 - slack) && v <= high * (1 + slack) && !is_major(v))
                ticks.push_back(v);
        }
    }
    return ticks;
}

QString tick_label(double value, double step) {
    step = std::fabs(step);
    // A sum that should be zero may miss it by a rounding error: "0", not "-0.0" or "5.6e-17".
    if (value == 0 || std::fabs(value) < 1e-9 * step) return QStringLiteral("0");
    if (!(step > 0) || !std::isfinite(step)) return QString::number(value, 'g', 4);
    const double magnitude = std::fabs(value);
    if (magnitude >= kLargestFixed || step < kSmallestFixedStep) {
        // As many significant digits as tell neighbours apart: -1.231e+07 and -1.232e+07 for a
        // log-likelihood ticked every 10^4.
        const int digits = static_cast<int>(std::floor(std::log10(magnitude)) -
                                            std::floor(std::log10(step) + 1e-9)) +
                           1;
        return QString::number(value, 'g', std::clamp(digits, 1, 15));
    }
    // Enough decimals to tell neighbours apart: 0.25 needs two, 0.5 one, 5 none.
    int decimals = 0;
    while (decimals < 6) {
        const double scaled = step * std::pow(10.0, decimals);
        if (std::fabs(std::round(scaled) - scaled) <= 1e-6 * scaled) break;
        ++decimals;
    }
    return QString::number(value, 'f', decimals);
}

}  // namespace radon::ui
