#pragma once

#include <QString>
#include <QVector>

#include <functional>

namespace radon::ui {

// Round numbers for axes and scale bars: 1, 2 or 5 times a power of ten, the values a reader
// takes in at a glance.

// The largest round number that is at most `limit` (0 for a limit that is not finite and
// positive): the length of a scale bar that fits.
double nice_length(double limit);

// The smallest round number that is at least `span / max_intervals`: the spacing of ticks over
// `span` with at most `max_intervals` intervals (0 for an empty or non-finite span).
double nice_step(double span, int max_intervals);

// The multiples of nice_step(high - low, max_intervals) from low to high (in either order of the
// two; ascending), at most max_intervals + 1 of them. Each tick is an exact multiple k * step, so
// zero is exactly 0.
QVector<double> linear_ticks(double low, double high, int max_intervals);

// As many linear ticks over [low, high] as fit on an axis `screen_length` pixels long, each
// tick_label `label_extent` pixels long along the axis (its width on a horizontal axis, a line's
// height on a vertical one) and at least `gap` pixels from the next.
QVector<double> fitting_ticks(double low, double high, double screen_length,
                              const std::function<double(const QString&)>& label_extent,
                              double gap);

// Ticks of a logarithmic axis over [low, high] (both > 0): the powers of ten inside it (every
// n-th decade where there are too many), or 1, 2 and 5 times them where the range holds fewer
// than two powers of ten, or linear ticks where it holds fewer than two of those. Empty for a
// range that is not positive and finite.
QVector<double> log_ticks(double low, double high, int max_intervals);

// The unlabelled minor ticks of a logarithmic axis over [low, high] with `major` ticks: every
// power of ten that is not a major tick, and 2..9 times each where the range spans at most three
// decades (so that a reader can place a value between two labelled decades).
QVector<double> log_minor_ticks(double low, double high, const QVector<double>& major);

// A tick's label, with as many decimals as the tick spacing `step` needs ("0.25", "150", "1e-05"
// for values that fixed notation would make long).
QString tick_label(double value, double step);

}  // namespace radon::ui
