// percentile.h — a percentile of a sample, numpy's 'linear' interpolation (core/quantile.h).
#pragma once

#include <vector>

namespace calmon::bench {

// `q` in [0, 100]; the sample is sorted in place. NaN for an empty sample.
double percentile(std::vector<double>& sample, double q);

}  // namespace calmon::bench
