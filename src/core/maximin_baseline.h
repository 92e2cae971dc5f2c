// maximin_baseline.h — Suite2p's 'maximin' baseline, live and settled.
//
// Settled, as Suite2p computes it offline: gaussian_filter1d(F, sigma), then
// minimum_filter1d(·, w), then maximum_filter1d(·, w), each a scipy centered filter with
// mirrored ends, chained as three streamed CenteredFilters; a sample settles
// R + 2 * ((w - 1) / 2) samples later (R the gaussian radius). Live, the same chain on
// trailing windows: the one-sided half of the gaussian, then a trailing minimum and a
// trailing maximum. O(R) + O(1) amortized per sample. Every buffer of the chain grows
// with the samples, up to its window (sample_ring.h, moving_extremum.h): nothing is
// allocated for a window before frames arrive, and a trace shorter than its window
// holds only what it needs. At most, once the windows are full, about 120 bytes per
// frame of the window (BaselineSettings::max_state_bytes).
#pragma once

#include "core/baseline.h"
#include "core/centered_filter.h"
#include "core/gaussian_window.h"
#include "core/moving_extremum.h"
#include "core/sample_ring.h"

namespace calmon {

class MaximinBaseline final : public Baseline {
 public:
  MaximinBaseline(std::int64_t window, double sigma)
      : smooth_(2 * GaussianWindow::radius_for(sigma) + 1, GaussianWindow(sigma)),
        minimum_(window, MovingMin(window)),
        maximum_(window, MovingMax(window)),
        live_minimum_(window),
        live_maximum_(window),
        pending_(settled_lag() + 1) {}

  double push(double f, std::vector<SettledSample>& settled) override {
    pending_.push(f);
    if (const std::optional<double> smoothed = smooth_.push(f)) after_smoothing(*smoothed, settled);
    live_minimum_.push(smooth_.trailing().causal_value());
    live_maximum_.push(live_minimum_.value());
    return live_maximum_.value();
  }

  void finish(std::vector<SettledSample>& settled) override {
    std::vector<double> rest;
    smooth_.finish(rest);
    for (double smoothed : rest) after_smoothing(smoothed, settled);
    rest.clear();
    minimum_.finish(rest);
    for (double low : rest) after_minimum(low, settled);
    rest.clear();
    maximum_.finish(rest);
    for (double f0 : rest) emit(f0, settled);
  }

  std::int64_t settled_lag() const override { return smooth_.lag() + minimum_.lag() + maximum_.lag(); }

  void clear() override {
    smooth_.clear();
    minimum_.clear();
    maximum_.clear();
    live_minimum_.clear();
    live_maximum_.clear();
    pending_.clear();
    settled_ = 0;
  }

 private:
  void after_smoothing(double smoothed, std::vector<SettledSample>& settled) {
    if (const std::optional<double> low = minimum_.push(smoothed)) after_minimum(*low, settled);
  }
  void after_minimum(double low, std::vector<SettledSample>& settled) {
    if (const std::optional<double> f0 = maximum_.push(low)) emit(*f0, settled);
  }
  void emit(double f0, std::vector<SettledSample>& settled) { settled.push_back({pending_.at(settled_++), f0}); }

  CenteredFilter<GaussianWindow> smooth_;
  CenteredFilter<MovingMin> minimum_;
  CenteredFilter<MovingMax> maximum_;
  MovingMin live_minimum_;
  MovingMax live_maximum_;
  // The samples not yet settled are among the last settled_lag() + 1; settled_ is the next.
  SampleRing pending_;
  std::int64_t settled_ = 0;
};

}  // namespace calmon
