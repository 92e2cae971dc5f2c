// quantile.h — what "the median" and "the p-th percentile" mean, to numpy's and scipy's bits.
//
// Two conventions meet in the notebook and calmon reproduces both exactly:
//  - numpy (np.median, np.percentile with the default 'linear' method) on n sorted
//    samples s[0..n-1]: the virtual index is (n - 1) * (p / 100); the result
//    interpolates s[floor] and s[floor + 1] with numpy's own two-sided lerp. np.median
//    is separate: the middle sample, or (a + b) / 2 of the two middle ones.
//  - scipy.ndimage (median_filter, percentile_filter) on a window of w samples: no
//    interpolation, the sample of rank w // 2 (median) or int(w * p / 100.0), w - 1 at
//    p = 100.
// Both only ever need the two adjacent ranks `lower` and `lower + 1` of a sample, which
// is what lets a two-heap structure serve them (moving_quantile.h).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.h"
#include "core/format_number.h"

namespace calmon {

class QuantileSpec {
 public:
  // np.median / median_filter.
  static QuantileSpec median() { return QuantileSpec(true, 50.0); }
  // np.percentile(x, p) / percentile_filter(x, p); p in [0, 100].
  static QuantileSpec percentile(double p) {
    if (!(p >= 0.0 && p <= 100.0)) {
      throw Error("percentile " + format_number(p) + " is outside [0, 100]");
    }
    return QuantileSpec(false, p);
  }

  bool is_median() const { return median_; }
  double percentile_value() const { return percentile_; }
  std::string describe() const { return median_ ? "median" : "percentile " + format_number(percentile_); }

  // Where numpy finds the quantile among n >= 1 sorted samples: the value is
  // interpolate(s[lower], s[lower + 1]) (s[lower + 1] is read only when lower + 1 < n).
  struct Position {
    std::int64_t lower = 0;
    double gamma = 0.0;  // interpolation weight of s[lower + 1] (percentile)
    bool needs_upper = false;
  };

  Position position(std::int64_t n) const {
    if (median_) {
      return {(n - 1) / 2, 0.0, n % 2 == 0};
    }
    const double virtual_index = static_cast<double>(n - 1) * (percentile_ / 100.0);
    if (virtual_index >= static_cast<double>(n - 1)) return {n - 1, 0.0, false};
    const double lower = std::floor(virtual_index);
    return {static_cast<std::int64_t>(lower), virtual_index - lower, true};
  }

  // The quantile from the samples of rank lower and lower + 1 (upper ignored unless
  // position.needs_upper).
  double interpolate(double lower_value, double upper_value, const Position& position) const {
    if (!position.needs_upper) return lower_value;
    if (median_) return (lower_value + upper_value) / 2.0;
    // numpy's _lerp: a + (b - a) * t, or b - (b - a) * (1 - t) for t >= 0.5.
    const double diff = upper_value - lower_value;
    const double t = position.gamma;
    return t >= 0.5 ? upper_value - diff * (1.0 - t) : lower_value + diff * t;
  }

  // scipy.ndimage's rank for a window of w samples.
  std::int64_t scipy_rank(std::int64_t w) const {
    if (median_) return w / 2;
    if (percentile_ == 100.0) return w - 1;
    return static_cast<std::int64_t>(static_cast<double>(w) * percentile_ / 100.0);
  }

 private:
  QuantileSpec(bool median, double percentile) : median_(median), percentile_(percentile) {}

  bool median_;
  double percentile_;
};

}  // namespace calmon
