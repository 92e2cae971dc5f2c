// moving_baseline.h — F0 as a moving quantile: scipy's median_filter, live and settled.
//
// One MovingQuantile over the last w samples gives both answers: its numpy quantile is
// the live F0 (the trailing window, np.median / np.percentile semantics), and its scipy
// rank is the settled F0 of the sample (w - 1) / 2 back, whose centered window it holds
// exactly (centered_filter.h handles the mirrored ends); it also keeps the samples, for
// the settled rows and for the filter's mirrored ends, so nothing else does. O(log w)
// per sample; 20 bytes per window sample (moving_quantile.h), in one block, twice while
// the first window fills (the centered filter's warm-up copy). prefetch() lets a caller
// pushing many baselines in turn start the next ones' cache lines early.
#pragma once

#include "core/baseline.h"
#include "core/centered_filter.h"
#include "core/moving_quantile.h"

namespace calmon {

// Line-aligned: the vptr and the hot fields of the trailing quantile share a cache line.
class alignas(64) MovingBaseline final : public Baseline {
 public:
  MovingBaseline(std::int64_t window, QuantileSpec quantile) : filter_(window, MovingQuantile(window, quantile)) {}

  double push(double f, std::vector<SettledSample>& settled) override {
    const std::optional<double> settled_f0 = filter_.push(f);
    if (settled_f0) settled.push_back({filter_.trailing().recent(filter_.lag()), *settled_f0});
    return filter_.trailing().quantile();
  }

  void finish(std::vector<SettledSample>& settled) override {
    const std::int64_t n = filter_.samples();
    const std::int64_t first = filter_.next_output();
    const std::size_t start = settled.size();
    for (std::int64_t t = first; t < n; ++t) settled.push_back({filter_.trailing().recent(n - 1 - t), 0.0});
    std::vector<double> f0;
    filter_.finish(f0);
    for (std::size_t i = 0; i < f0.size(); ++i) settled[start + i].f0 = f0[i];
  }

  // The lines of the next push and the where[] line of the sample it will settle ((w -
  // 1) / 2 back: the filter's lag), found through the trailing quantile's first fields;
  // then, through that where[] line, the sample's own heap node.
  void prefetch() const override {
    const MovingQuantile& trailing = filter_.trailing();
    trailing.prefetch();
    trailing.prefetch_recent_after_push(filter_.lag());
  }
  void prefetch_deeper() const override { filter_.trailing().prefetch_recent_node_after_push(filter_.lag()); }

  std::int64_t settled_lag() const override { return filter_.lag(); }
  void clear() override { filter_.clear(); }

 private:
  CenteredFilter<MovingQuantile> filter_;
};

}  // namespace calmon
