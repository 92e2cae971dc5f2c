// percentile.cc — sort once, interpolate between the two nearest ranks.
#include "percentile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace calmon::bench {

double percentile(std::vector<double>& sample, double q) {
  if (sample.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (!std::is_sorted(sample.begin(), sample.end())) std::sort(sample.begin(), sample.end());
  const double rank = q / 100.0 * static_cast<double>(sample.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(rank));
  const auto above = std::min(below + 1, sample.size() - 1);
  return sample[below] + (rank - static_cast<double>(below)) * (sample[above] - sample[below]);
}

}  // namespace calmon::bench
