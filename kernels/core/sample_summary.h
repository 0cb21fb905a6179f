#pragma once

#include <vector>

namespace radon {

// The median and the range of repeated measurements (timings, slice gaps): what every benchmark
// table and the DICOM spacing check report. All zero for no samples.
struct SampleSummary {
    double median = 0, min = 0, max = 0;
};

// The median of an even count is the mean of the two middle values.
SampleSummary summarize(std::vector<double> samples);

}  // namespace radon
