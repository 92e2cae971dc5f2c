// cumulative_quantile.h — np.median / np.percentile of every sample so far, exact.
//
// The same split as the moving quantile (moving_quantile.h) without eviction: a
// max-heap of the lower + 1 smallest samples and a min-heap of the rest, rebalanced by
// at most one move per push because numpy's lower rank grows by at most one per sample.
// Complexity: O(log n) per push, O(1) per query; memory 8 bytes per sample, since an
// exact quantile of a growing set has to remember every sample.
#pragma once

#include <cstdint>
#include <vector>

#include "core/quantile.h"

namespace calmon {

class CumulativeQuantile {
 public:
  explicit CumulativeQuantile(QuantileSpec spec) : spec_(spec) {}

  void push(double x);
  void clear();
  std::int64_t size() const { return static_cast<std::int64_t>(lo_.size() + hi_.size()); }
  // numpy's quantile of all samples pushed; size() >= 1.
  double quantile() const;

 private:
  QuantileSpec spec_;
  std::vector<std::int64_t> lo_;  // max-heap of ordered keys
  std::vector<std::int64_t> hi_;  // max-heap of complemented keys (a min-heap of keys)
};

}  // namespace calmon
