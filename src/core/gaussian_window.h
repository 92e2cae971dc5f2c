// gaussian_window.h — scipy.ndimage.gaussian_filter1d's kernel, as a trailing-window reducer.
//
// scipy truncates the gaussian at radius R = int(4 * sigma + 0.5), builds the weights
// exp(-0.5 / sigma^2 * k^2) for k in [-R, R] and divides them by their sum. For a
// symmetric kernel it then sums a window centered on x[t] as
//   x[t] * w[0], then + (x[t - k] + x[t + k]) * w[k] for k = R, R - 1, ..., 1,
// and this reducer adds in the same order over its last 2R + 1 samples, so that inside
// a CenteredFilter (centered_filter.h) it reproduces gaussian_filter1d(mode='reflect').
// O(R) per value; 8 bytes per window sample for the weights, up to 8 more for the samples
// held (sample_ring.h: taken as they arrive). sigma = 0 gives the identity (R = 0).
// sigma is at most kMaxSigma frames; anything else (negative, NaN, inf, larger) is a
// calmon::Error before any arithmetic, so R never overflows.
#pragma once

#include <cstdint>
#include <vector>

#include "core/sample_ring.h"

namespace calmon {

class GaussianWindow {
 public:
  // A window of 8 * 1e6 + 1 frames (three days at 30 Hz) already outlasts any session
  // and holds 64 MB per ROI, twice; beyond it the radius would soon not fit in 64 bits.
  static constexpr double kMaxSigma = 1e6;

  explicit GaussianWindow(double sigma);

  // Throws calmon::Error unless 0 <= sigma <= kMaxSigma.
  static void check_sigma(double sigma);
  static std::int64_t radius_for(double sigma);
  std::int64_t radius() const { return radius_; }
  std::int64_t window() const { return 2 * radius_ + 1; }
  // weights()[k] is the weight of offset ±k.
  const std::vector<double>& weights() const { return weights_; }

  void push(double x);
  void clear() { ring_.clear(); }
  // The smoothed value of the middle sample of a full window.
  double value() const;
  // The causal counterpart: the newest sample smoothed with the one-sided half of the
  // kernel over the samples held (weights renormalized), for live display.
  double causal_value() const;
  // The sample pushed `age` pushes ago (0 = the newest), as pushed; age < min(pushed, window).
  double recent(std::int64_t age) const;

 private:
  std::int64_t radius_;
  std::vector<double> weights_;
  SampleRing ring_;  // the last window() samples
};

}  // namespace calmon
