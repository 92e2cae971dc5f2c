// percentile.cc — sort once, then core's QuantileSpec (numpy's 'linear' method, bit for bit).
#include "percentile.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/quantile.h"

namespace calmon::bench {

double percentile(std::vector<double>& sample, double q) {
  if (sample.empty()) return std::numeric_limits<double>::quiet_NaN();
  if (!std::is_sorted(sample.begin(), sample.end())) std::sort(sample.begin(), sample.end());
  const QuantileSpec spec = QuantileSpec::percentile(q);  // np.percentile, not np.median, also at 50
  const QuantileSpec::Position position = spec.position(static_cast<std::int64_t>(sample.size()));
  const auto lower = static_cast<std::size_t>(position.lower);
  const double upper_value = position.needs_upper ? sample[lower + 1] : sample[lower];
  return spec.interpolate(sample[lower], upper_value, position);
}

}  // namespace calmon::bench
