// maximin_baseline.h — Suite2p's 'maximin' baseline, live and settled.
//
// Settled, as Suite2p computes it offline: gaussian_filter1d(F, sigma), then
// minimum_filter1d(·, w), then maximum_filter1d(·, w), each a scipy centered filter with
// mirrored ends, chained as three streamed CenteredFilters; a sample settles
// R + 2 * ((w - 1) / 2) samples later (R the gaussian radius). Live, the same chain on
// trailing windows: the one-sided half of the gaussian, then a trailing minimum and a
// trailing maximum. O(R) + O(1) amortized per sample.
#pragma once

#include <deque>

#include "core/baseline.h"
#include "core/centered_filter.h"
#include "core/gaussian_window.h"
#include "core/moving_extremum.h"

namespace calmon {

class MaximinBaseline final : public Baseline {
 public:
  MaximinBaseline(std::int64_t window, double sigma)
      : smooth_(2 * GaussianWindow::radius_for(sigma) + 1, GaussianWindow(sigma)),
        minimum_(window, MovingMin(window)),
        maximum_(window, MovingMax(window)),
        live_minimum_(window),
        live_maximum_(window) {}

  double push(double f, std::vector<SettledSample>& settled) override {
    pending_.push_back(f);
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

  std::int64_t settled_lag() const override {
    return smooth_.lag() + minimum_.lag() + maximum_.lag();
  }

  void clear() override {
    smooth_.clear();
    minimum_.clear();
    maximum_.clear();
    live_minimum_.clear();
    live_maximum_.clear();
    pending_.clear();
  }

 private:
  void after_smoothing(double smoothed, std::vector<SettledSample>& settled) {
    if (const std::optional<double> low = minimum_.push(smoothed)) after_minimum(*low, settled);
  }
  void after_minimum(double low, std::vector<SettledSample>& settled) {
    if (const std::optional<double> f0 = maximum_.push(low)) emit(*f0, settled);
  }
  void emit(double f0, std::vector<SettledSample>& settled) {
    settled.push_back({pending_.front(), f0});
    pending_.pop_front();
  }

  CenteredFilter<GaussianWindow> smooth_;
  CenteredFilter<MovingMin> minimum_;
  CenteredFilter<MovingMax> maximum_;
  MovingMin live_minimum_;
  MovingMax live_maximum_;
  std::deque<double> pending_;  // samples not yet settled
};

}  // namespace calmon
