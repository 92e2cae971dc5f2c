// gaussian_window.h — scipy.ndimage.gaussian_filter1d's kernel, as a trailing-window reducer.
//
// scipy truncates the gaussian at radius R = int(4 * sigma + 0.5), builds the weights
// exp(-0.5 / sigma^2 * k^2) for k in [-R, R] and divides them by their sum. For a
// symmetric kernel it then sums a window centered on x[t] as
//   x[t] * w[0], then + (x[t - k] + x[t + k]) * w[k] for k = R, R - 1, ..., 1,
// and this reducer adds in the same order over its last 2R + 1 samples, so that inside
// a CenteredFilter (centered_filter.h) it reproduces gaussian_filter1d(mode='reflect').
// O(R) per value, 8 bytes per window sample. sigma = 0 gives the identity (R = 0).
#pragma once

#include <cstdint>
#include <vector>

namespace calmon {

class GaussianWindow {
 public:
  explicit GaussianWindow(double sigma);

  static std::int64_t radius_for(double sigma);
  std::int64_t radius() const { return radius_; }
  std::int64_t window() const { return 2 * radius_ + 1; }
  // weights()[k] is the weight of offset ±k.
  const std::vector<double>& weights() const { return weights_; }

  void push(double x);
  void clear() { pushed_ = 0; }
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
  std::vector<double> ring_;
  std::int64_t pushed_ = 0;
};

}  // namespace calmon
