// gaussian_window.cc — scipy's gaussian kernel and its summation order; see the header.
#include "core/gaussian_window.h"

#include <cmath>
#include <string>

#include "core/error.h"
#include "core/format_number.h"
#include "core/numpy_sum.h"

namespace calmon {

void GaussianWindow::check_sigma(double sigma) {
  if (!(sigma >= 0.0 && sigma <= kMaxSigma)) {  // false for NaN too
    throw Error("gaussian sigma " + format_number(sigma) + " must be between 0 and " + format_number(kMaxSigma) +
                " frames");
  }
}

std::int64_t GaussianWindow::radius_for(double sigma) {
  check_sigma(sigma);  // so the conversion below is in range
  return static_cast<std::int64_t>(4.0 * sigma + 0.5);
}

GaussianWindow::GaussianWindow(double sigma) : radius_(radius_for(sigma)), ring_(2 * radius_ + 1) {
  std::vector<double> kernel(static_cast<std::size_t>(2 * radius_ + 1), 1.0);
  if (radius_ > 0) {
    const double scale = -0.5 / (sigma * sigma);
    for (std::int64_t k = -radius_; k <= radius_; ++k) {
      kernel[static_cast<std::size_t>(k + radius_)] = std::exp(scale * static_cast<double>(k * k));
    }
    // numpy normalizes with ndarray.sum(), a pairwise sum.
    const double sum = numpy_pairwise_sum(kernel.data(), kernel.size());
    for (double& w : kernel) w = w / sum;
  }
  weights_.assign(kernel.begin() + radius_, kernel.end());
}

void GaussianWindow::push(double x) { ring_.push(x); }

double GaussianWindow::recent(std::int64_t age) const { return ring_.recent(age); }

double GaussianWindow::value() const {
  double sum = recent(radius_) * weights_[0];
  for (std::int64_t k = radius_; k >= 1; --k) {
    sum += (recent(radius_ + k) + recent(radius_ - k)) * weights_[static_cast<std::size_t>(k)];
  }
  return sum;
}

double GaussianWindow::causal_value() const {
  const std::int64_t held = ring_.pushed() < window() ? ring_.pushed() : window();
  const std::int64_t reach = held - 1 < radius_ ? held - 1 : radius_;
  double sum = 0.0;
  double weight = 0.0;
  for (std::int64_t k = 0; k <= reach; ++k) {
    sum += recent(k) * weights_[static_cast<std::size_t>(k)];
    weight += weights_[static_cast<std::size_t>(k)];
  }
  return sum / weight;
}

}  // namespace calmon
